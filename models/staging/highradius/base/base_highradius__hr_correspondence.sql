-- grain: one row per correspondence (correspondence_id), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_correspondence', source('highradius', 'hr_correspondence')) }}

),

typed as (

    select
        coalesce(correspondence_id, '') as source_record_id,
        nullif(trim(correspondence_id), '') as correspondence_id,
        {{ normalise_company('company_code') }} as company_code,
        nullif(trim(customer_number), '') as customer_number,
        nullif(trim(template_name), '') as template_name,
        -- a whole number only: a text such as '1.5' is NULL here (and quarantined below), not
        -- rounded to a level by the cast
        case
            when
                {{ safe_cast("nullif(trim(dunning_level), '')", dbt.type_numeric()) }}
                = {{ safe_cast("nullif(trim(dunning_level), '')", dbt.type_int()) }}
                then {{ safe_cast("nullif(trim(dunning_level), '')", dbt.type_int()) }}
        end as dunning_level,
        nullif(trim(channel), '') as channel,
        {{ hr_timestamp_utc('sent_at') }} as sent_at,
        nullif(trim(sent_by), '') as sent_by,
        nullif(trim(delivery_status), '') as delivery_status,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_correspondence')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_correspondence') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_correspondence') }}
            order by
                extracted_at desc,
                correspondence_id desc,
                company_code desc,
                customer_number desc,
                template_name desc,
                dunning_level desc,
                channel desc,
                sent_at desc,
                sent_by desc,
                delivery_status desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_correspondence', relation='', key_only=true) }})
        or version_rank = 1

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('highradius', 'hr_correspondence') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_correspondence') }}
                then {{ contract_missing_key_detail('highradius', 'hr_correspondence') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type (timestamps need a UTC offset)'
        end as quarantine_detail
    from current_rows as typed

)

select * from checked
