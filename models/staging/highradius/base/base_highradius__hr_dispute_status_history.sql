-- grain: one row per dispute status change (dispute_id, status, changed_at), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_dispute_status_history', source('highradius', 'hr_dispute_status_history')) }}

),

typed as (

    select
        coalesce(dispute_id, '')
        || '|' || coalesce(status, '')
        || '|' || coalesce(changed_at, '') as source_record_id,
        nullif(trim(dispute_id), '') as dispute_id,
        nullif(trim(status), '') as status,
        {{ hr_timestamp_utc('changed_at') }} as changed_at,
        nullif(trim(changed_by), '') as changed_by,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_dispute_status_history')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_dispute_status_history') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_dispute_status_history') }}
            order by
                extracted_at desc,
                dispute_id desc,
                status desc,
                changed_at desc,
                changed_by desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_dispute_status_history', relation='', key_only=true) }})
        or version_rank = 1

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('highradius', 'hr_dispute_status_history') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_dispute_status_history') }}
                then {{ contract_missing_key_detail('highradius', 'hr_dispute_status_history') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type (timestamps need a UTC offset)'
        end as quarantine_detail
    from current_rows as typed

)

select * from checked
