-- grain: one row per current, usable workflow step (recid)
with base as (

    select * from {{ ref('base_d365__workflowtrackingtable') }}
    where quarantine_reason is null

),

enum_labels as (

    {{ d365_enum_labels(['WorkflowTrackingType']) }}

),

final as (

    select
        base.source_record_id,
        base.recid,
        base.workflowtrackingstatustable,
        base.trackingtype,
        base.user_id,
        base.createddatetime,
        base.lake_modified_at,
        base.lake_version_number,
        trackingtype_label.enumitemname as trackingtype_name,
        -- WorkflowTrackingType, decoded for the models downstream
        case base.trackingtype
            when 4 then 'approval'
            when 19 then 'rejection'
            when 23 then 'submission'
        end as tracking_type
    from base
    left join enum_labels as trackingtype_label
        on
            base.trackingtype = trackingtype_label.enumitemvalue
            and trackingtype_label.enumname = 'WorkflowTrackingType'

)

select * from final
