-- grain: one row per correspondence-invoice link (correspondence_id, invoice_number), latest extract
-- rows that cannot be used carry a quarantine_reason
{#- The invoice reference is checked in the company of the row's correspondence: an incremental
    run checks again the records whose correspondence was extracted again (its company may have
    changed) and the usable rows whose invoice is no longer a usable invoice of that company
    (by correspondence_id, the id column of hr_changed_rows). -#}
{%- set stale_invoice_references -%}
    select stored.correspondence_id
    from {{ this }} as stored
    inner join {{ ref('base_highradius__hr_correspondence') }} as correspondence
        on stored.correspondence_id = correspondence.correspondence_id
    where
        correspondence.extracted_at is not null
        and {{ in_lake_window('correspondence.extracted_at', 'extracted_at') }}
    union all
    select stored.correspondence_id
    from {{ this }} as stored
    left join {{ ref('base_highradius__hr_correspondence') }} as correspondence
        on
            stored.correspondence_id = correspondence.correspondence_id
            and correspondence.quarantine_reason is null
    left join (
        select distinct
            company_code,
            invoiceid
        from {{ ref('base_d365__custinvoicejour') }}
        where quarantine_reason is null
    ) as invoices
        on
            correspondence.company_code = invoices.company_code
            and stored.invoice_number = invoices.invoiceid
    where
        stored.quarantine_reason is null
        and stored.invoice_number is not null
        and invoices.invoiceid is null
{%- endset %}
with source as (

    {{ hr_changed_rows('hr_correspondence_invoice', source('highradius', 'hr_correspondence_invoice'),
        stale=stale_invoice_references) }}

),

typed as (

    select
        coalesce(correspondence_id, '')
        || '|' || coalesce(invoice_number, '') as source_record_id,
        nullif(trim(correspondence_id), '') as correspondence_id,
        nullif(trim(invoice_number), '') as invoice_number,
        {{ hr_timestamp_utc('extracted_at') }} as extracted_at,
        {{ first_unparseable_column(
            'highradius', contract_typed_columns('highradius', 'hr_correspondence_invoice')
        ) }} as unparseable_column
    from source

),

keyed as (

    {{ hr_keyed_rows('hr_correspondence_invoice') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ contract_key('highradius', 'hr_correspondence_invoice') }}
            order by
                extracted_at desc,
                correspondence_id desc,
                invoice_number desc
        ) as version_rank
    from keyed

),

current_rows as (

    -- the latest extract of each record; rows without a key are kept for the quarantine
    select * from ranked
    where
        ({{ contract_missing_key('highradius', 'hr_correspondence_invoice', relation='', key_only=true) }})
        or version_rank = 1

),

correspondence as (

    select distinct
        correspondence_id,
        company_code
    from {{ ref('base_highradius__hr_correspondence') }}
    where quarantine_reason is null

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
            when {{ contract_missing_key('highradius', 'hr_correspondence_invoice') }}
                then 'MISSING_KEY'
            when typed.unparseable_column is not null
                then 'UNPARSEABLE_VALUE'
            when typed.invoice_number is not null and invoices.invoiceid is null
                then 'ORPHAN_REFERENCE'
        end as quarantine_reason,
        case
            when {{ contract_missing_key('highradius', 'hr_correspondence_invoice') }}
                then {{ contract_missing_key_detail('highradius', 'hr_correspondence_invoice') }}
            when typed.unparseable_column is not null
                then
                    typed.unparseable_column
                    || ' does not convert to its contract type (timestamps need a UTC offset)'
            when typed.invoice_number is not null and invoices.invoiceid is null
                then
                    'invoice_number ' || typed.invoice_number
                    || ' matches no posted D365 invoice of company ' || coalesce(correspondence.company_code, '?')
        end as quarantine_detail
    from current_rows as typed
    left join correspondence
        on typed.correspondence_id = correspondence.correspondence_id
    left join invoices
        on
            correspondence.company_code = invoices.company_code
            and typed.invoice_number = invoices.invoiceid

)

select * from checked
