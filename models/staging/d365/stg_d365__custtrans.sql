-- grain: one row per current, usable customer transaction (company, recid)
with base as (

    select * from {{ ref('base_d365__custtrans') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['LedgerTransType']) }}

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.accountnum,
        base.invoice,
        base.voucher,
        base.transdate,
        base.duedate,
        base.transtype,
        base.amountcur,
        base.amountmst,
        base.settleamountcur,
        base.currencycode,
        base.closed,
        base.lastsettledate,
        base.collectionlettercode,
        base.createddatetime,
        base.createdby,
        base.lake_modified_at,
        base.lake_version_number,
        transtype_label.enumitemname as transtype_name,
        -- the contract's LedgerTransType items, decoded for the models downstream
        case base.transtype
            when 2 then 'sales'
            when 8 then 'customer'
            when 15 then 'payment'
            when 35 then 'write_off'
            when 36 then 'general_journal'
        end as transaction_type
    from base
    left join enum_labels as transtype_label
        on
            base.transtype = transtype_label.enumitemvalue
            and transtype_label.enumname = 'LedgerTransType'

)

select * from final
