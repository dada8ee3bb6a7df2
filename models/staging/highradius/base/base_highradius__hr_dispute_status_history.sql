-- grain: one row per dispute status change (dispute_id, status, changed_at), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    select * from {{ source('highradius', 'hr_dispute_status_history') }}

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
        {{ first_unparseable_column('highradius', [
            ['changed_at', 'timestamp'],
            ['extracted_at', 'timestamp'],
        ]) }} as unparseable_column
    from source

),

ranked as (

    select
        *,
        row_number() over (
            partition by dispute_id, status, changed_at
            order by
                extracted_at desc,
                dispute_id desc,
                status desc,
                changed_at desc,
                changed_by desc
        ) as version_rank
    from typed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where (dispute_id is null or status is null or changed_at is null) or version_rank = 1

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when typed.dispute_id is null
                then 'MISSING_KEY'
            when typed.status is null
                then 'MISSING_KEY'
            when typed.changed_at is null
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
        end as quarantine_reason,
        case
            when typed.dispute_id is null
                then 'dispute_id is missing'
            when typed.status is null
                then 'status is missing'
            when typed.changed_at is null
                then 'changed_at is missing'
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type (timestamps need a UTC offset)'
        end as quarantine_detail
    from current_rows as typed

)

select * from checked
