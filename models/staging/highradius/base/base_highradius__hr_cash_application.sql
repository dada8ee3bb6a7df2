-- grain: one row per cash application (application_id), latest extract
-- rows that cannot be used carry a quarantine_reason
with source as (

    {{ hr_changed_rows('hr_cash_application', source('highradius', 'hr_cash_application'), references=[
        ['invoice_number', 'base_d365__custinvoicejour', 'invoiceid']
    ]) }}

),

typed as (

    select
        coalesce(application_id, '') as source_record_id,
        nullif(trim(application_id), '') as application_id,
        nullif(trim(payment_id), '') as payment_id,
        {{ normalise_company('company_code') }} as company_code,
        nullif(trim(invoice_number), '') as invoice_number,
        {{ safe_cast("nullif(trim(applied_amount), '')", dbt.type_numeric()) }} as applied_amount,
        nullif(trim(match_type), '') as match_type,
        {{ hr_timestamp_utc('matched_at') }} as matched_at,
        nullif(trim(matched_by), '') as matched_by,
        {{ hr_timestamp_utc('posted_to_erp_at') }} as posted_to_erp_at,
        nullif(trim(erp_voucher), '') as erp_voucher,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_cash_application')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_cash_application') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_cash_application') }}
            order by
                extracted_at desc,
                application_id desc,
                payment_id desc,
                company_code desc,
                invoice_number desc,
                applied_amount desc,
                match_type desc,
                matched_at desc,
                matched_by desc,
                posted_to_erp_at desc,
                erp_voucher desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_cash_application', relation='', key_only=true) }})
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
            when {{ contract_missing_key('highradius', 'hr_cash_application') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.invoice_number is not null and invoices.invoiceid is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_cash_application') }}
                then {{ contract_missing_key_detail('highradius', 'hr_cash_application') }}
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
