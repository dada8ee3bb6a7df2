{#- The ids of two events, comma-separated in event order (time, then activity order, then id);
    one id when the other is NULL. Each event is given by a column prefix p with the columns
    p_event_id, p_at and p_activity_order. -#}
{% macro ordered_id_pair(first, second) -%}
    case
        when {{ second }}_event_id is null then {{ first }}_event_id
        when {{ first }}_event_id is null then {{ second }}_event_id
        when
            {{ first }}_at < {{ second }}_at
            or ({{ first }}_at = {{ second }}_at and {{ first }}_activity_order < {{ second }}_activity_order)
            or (
                {{ first }}_at = {{ second }}_at
                and {{ first }}_activity_order = {{ second }}_activity_order
                and {{ first }}_event_id < {{ second }}_event_id
            )
            then {{ first }}_event_id || ',' || {{ second }}_event_id
        else {{ second }}_event_id || ',' || {{ first }}_event_id
    end
{%- endmacro %}
