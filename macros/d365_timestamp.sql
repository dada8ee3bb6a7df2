{#- A D365 UTC timestamp column, typed; anything on 1900-01-01 is D365's "no date" and becomes NULL. -#}
{% macro d365_timestamp(expr) -%}
    case
        when {{ safe_cast(expr, dbt.type_timestamp()) }} < cast('1900-01-02 00:00:00' as {{ dbt.type_timestamp() }}) then null
        else {{ safe_cast(expr, dbt.type_timestamp()) }}
    end
{%- endmacro %}
