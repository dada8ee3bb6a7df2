{#- The join condition that pairs an opening event (a dispute opened, a promise made) with an
    event that may close it: HighRadius, an end of the same record (dispute_id, p2p_id); any
    other source (D365 custdisputehistory, one status at a time per invoice), a later end of the
    same case from another record, i.e. the invoice's next status change. Both relations carry
    case_id, source_system, source_record_id, event_timestamp and activity_order; the caller
    keeps the first candidate in event-log order. One definition for paired_events and the
    dunning-conformance intervals. -#}
{% macro closes_its_own_opening(opening, closing) -%}
    {{ opening }}.case_id = {{ closing }}.case_id
    and {{ opening }}.source_system = {{ closing }}.source_system
    and (
        ({{ opening }}.source_system = 'highradius' and {{ opening }}.source_record_id = {{ closing }}.source_record_id)
        or (
            {{ opening }}.source_system <> 'highradius'
            and {{ opening }}.source_record_id <> {{ closing }}.source_record_id
            and (
                {{ opening }}.event_timestamp < {{ closing }}.event_timestamp
                or (
                    {{ opening }}.event_timestamp = {{ closing }}.event_timestamp
                    and {{ opening }}.activity_order < {{ closing }}.activity_order
                )
            )
        )
    )
{%- endmacro %}
