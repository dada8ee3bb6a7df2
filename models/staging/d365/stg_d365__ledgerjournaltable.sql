-- grain: one row per current, usable payment journal (company, recid)
with base as (

    select * from {{ ref('base_d365__ledgerjournaltable') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['LedgerJournalType', 'NoYes']) }}

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.journalnum,
        base.journaltype,
        base.posted,
        base.posteddatetime,
        base.createddatetime,
        base.createdby,
        base.lake_modified_at,
        base.lake_version_number,
        journaltype_label.enumitemname as journaltype_name,
        posted_label.enumitemname as posted_name,
        -- NoYes
        coalesce(base.posted = 1, false) as is_posted
    from base
    left join enum_labels as journaltype_label
        on
            base.journaltype = journaltype_label.enumitemvalue
            and journaltype_label.enumname = 'LedgerJournalType'
    left join enum_labels as posted_label
        on
            base.posted = posted_label.enumitemvalue
            and posted_label.enumname = 'NoYes'

)

select * from final
