{#- A D365 date column, typed; 1900-01-01 is D365's "no date" and becomes NULL. -#}
{% macro d365_date(expr) -%}
    case
        when {{ safe_cast(expr, 'date') }} = cast('1900-01-01' as date) then null
        else {{ safe_cast(expr, 'date') }}
    end
{%- endmacro %}
