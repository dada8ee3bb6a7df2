-- grain: one row per collection activity (activity_id), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_collection_activity', source('highradius', 'hr_collection_activity'), references=[
        ['invoice_number', 'base_d365__custinvoicejour', 'invoiceid']
    ]) }}

),

typed as (

    select
        coalesce(activity_id, '') as source_record_id,
        nullif(trim(activity_id), '') as activity_id,
        {{ normalise_company('company_code') }} as company_code,
        nullif(trim(customer_number), '') as customer_number,
        nullif(trim(invoice_number), '') as invoice_number,
        nullif(trim(activity_type), '') as activity_type,
        nullif(trim(outcome_code), '') as outcome_code,
        nullif(trim(collector_id), '') as collector_id,
        {{ hr_timestamp_utc('created_at') }} as created_at,
        {{ hr_timestamp_utc('completed_at') }} as completed_at,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_collection_activity')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_collection_activity') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_collection_activity') }}
            order by
                extracted_at desc,
                activity_id desc,
                company_code desc,
                customer_number desc,
                invoice_number desc,
                activity_type desc,
                outcome_code desc,
                collector_id desc,
                created_at desc,
                completed_at desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_collection_activity', relation='', key_only=true) }})
        or version_rank = 1

),

invoices as (

    select distinct
        company_code,
        invoiceid
    from {{ ref('base_d365__custinvoicejour') }}
    where quarantine_reason is null

),

checked as (

    select
        typed.*,
        typed.unparseable_column is not null as has_unparseable_value,
        case
            when {{ contract_missing_key('highradius', 'hr_collection_activity') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.invoice_number is not null and invoices.invoiceid is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_collection_activity') }}
                then {{ contract_missing_key_detail('highradius', 'hr_collection_activity') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type (timestamps need a UTC offset)'
            when typed.invoice_number is not null and invoices.invoiceid is null
                then
                    'invoice_number ' || typed.invoice_number
                    || ' matches no posted D365 invoice of company ' || coalesce(typed.company_code, '?')
        end as quarantine_detail
    from current_rows as typed
    left join invoices
        on
            typed.company_code = invoices.company_code
            and typed.invoice_number = invoices.invoiceid

)

select * from checked
