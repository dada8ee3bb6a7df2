-- grain: one row per current, usable customer (company, recid)
with base as (

    select * from {{ ref('base_d365__custtable') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['CustVendorBlocked']) }}

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.accountnum,
        base.party,
        base.custgroup,
        base.segmentid,
        base.lineofbusinessid,
        base.creditmax,
        base.earliest_creditmax,
        base.paymtermid,
        base.currency,
        base.blocked,
        base.createddatetime,
        base.modifieddatetime,
        base.lake_modified_at,
        base.lake_version_number,
        blocked_label.enumitemname as blocked_name
    from base
    left join enum_labels as blocked_label
        on
            base.blocked = blocked_label.enumitemvalue
            and blocked_label.enumname = 'CustVendorBlocked'

)

select * from final
