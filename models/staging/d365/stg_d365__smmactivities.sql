-- grain: one row per current, usable collector activity (company, recid)
with base as (

    select * from {{ ref('base_d365__smmactivities') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['NoYes', 'smmActivityCategory']) }}

),

final as (

    select
        base.source_record_id,
        base.company_code,
        base.recid,
        base.activitynumber,
        base.category,
        base.typeid,
        base.purpose,
        base.startdatetime,
        base.actualenddatetime,
        base.closed,
        base.responsibleworker,
        base.createddatetime,
        base.createdby,
        base.lake_modified_at,
        base.lake_version_number,
        category_label.enumitemname as category_name,
        closed_label.enumitemname as closed_name
    from base
    left join enum_labels as category_label
        on
            base.category = category_label.enumitemvalue
            and category_label.enumname = 'smmActivityCategory'
    left join enum_labels as closed_label
        on
            base.closed = closed_label.enumitemvalue
            and closed_label.enumname = 'NoYes'

)

select * from final
