-- grain: one row per current, usable credit limit adjustment journal (company, recid)
with base as (

    select * from {{ ref('base_d365__credmancreditlimitadjtable') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['CredManCreditLimitAdjStatus', 'NoYes']) }}

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.journalid,
        base.status,
        base.posted,
        base.posteddate,
        base.createddatetime,
        base.createdby,
        base.lake_modified_at,
        base.lake_version_number,
        status_label.enumitemname as status_name,
        posted_label.enumitemname as posted_name,
        -- CredManCreditLimitAdjStatus 4 Posted: the adjustment took effect
        coalesce(base.status = 4, false) as is_status_posted
    from base
    left join enum_labels as status_label
        on
            base.status = status_label.enumitemvalue
            and status_label.enumname = 'CredManCreditLimitAdjStatus'
    left join enum_labels as posted_label
        on
            base.posted = posted_label.enumitemvalue
            and posted_label.enumname = 'NoYes'

)

select * from final
