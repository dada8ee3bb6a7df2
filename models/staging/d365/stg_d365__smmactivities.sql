-- grain: one row per current, usable collector activity (company, recid)
with base as (

    select * from {{ ref('base_d365__smmactivities') }}
    where quarantine_reason is null

),

enum_labels as (

    select * from {{ ref('stg_d365__enum_labels') }}

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
        on category_label.enumname = 'smmActivityCategory' and category_label.enumitemvalue = base.category
    left join enum_labels as closed_label
        on closed_label.enumname = 'NoYes' and closed_label.enumitemvalue = base.closed

)

select * from final
