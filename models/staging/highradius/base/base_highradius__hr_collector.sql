-- grain: one row per collector (collector_id), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_collector', source('highradius', 'hr_collector')) }}

),

typed as (

    select
        coalesce(collector_id, '') as source_record_id,
        nullif(trim(collector_id), '') as collector_id,
        nullif(trim(collector_name), '') as collector_name,
        nullif(trim(team), '') as team,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_collector')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_collector') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_collector') }}
            order by
                extracted_at desc,
                collector_id desc,
                collector_name desc,
                team desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_collector', relation='', key_only=true) }})
        or version_rank = 1

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('highradius', 'hr_collector') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_collector') }}
                then {{ contract_missing_key_detail('highradius', 'hr_collector') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type (timestamps need a UTC offset)'
        end as quarantine_detail
    from current_rows as typed

)

select * from checked
