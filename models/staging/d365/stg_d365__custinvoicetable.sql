-- grain: one row per current, usable invoice draft (company, recid)
with base as (

    select * from {{ ref('base_d365__custinvoicetable') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['NoYes']) }}

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.invoiceid,
        base.invoiceaccount,
        base.createddatetime,
        base.createdby,
        base.posted,
        base.lake_modified_at,
        base.lake_version_number,
        posted_label.enumitemname as posted_name
    from base
    left join enum_labels as posted_label
        on
            base.posted = posted_label.enumitemvalue
            and posted_label.enumname = 'NoYes'

)

select * from final
