-- grain: one row per current, usable posted invoice or credit note (company, recid)
with base as (

    select * from {{ ref('base_d365__custinvoicejour') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['RefNum']) }}

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.invoiceid,
        base.invoicedate,
        base.duedate,
        base.invoiceamount,
        base.invoiceamountmst,
        base.currencycode,
        base.invoiceaccount,
        base.payment,
        base.ledgervoucher,
        base.salesid,
        base.refnum,
        base.createddatetime,
        base.createdby,
        base.lake_modified_at,
        base.lake_version_number,
        refnum_label.enumitemname as refnum_name
    from base
    left join enum_labels as refnum_label
        on
            base.refnum = refnum_label.enumitemvalue
            and refnum_label.enumname = 'RefNum'

)

select * from final
