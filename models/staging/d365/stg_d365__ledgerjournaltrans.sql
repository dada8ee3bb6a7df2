-- grain: one row per current, usable payment journal line (company, recid)
with base as (

    select * from {{ ref('base_d365__ledgerjournaltrans') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['LedgerJournalACType']) }}

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.journalnum,
        base.linenum,
        base.voucher,
        base.transdate,
        base.accounttype,
        base.ledgerdimension,
        base.amountcurcredit,
        base.amountcurdebit,
        base.currencycode,
        base.markedinvoice,
        base.createddatetime,
        base.createdby,
        base.lake_modified_at,
        base.lake_version_number,
        accounttype_label.enumitemname as accounttype_name
    from base
    left join enum_labels as accounttype_label
        on
            base.accounttype = accounttype_label.enumitemvalue
            and accounttype_label.enumname = 'LedgerJournalACType'

)

select * from final
