{#- A HighRadius timestamp text (ISO-8601 with a UTC offset, local tenant time) as a UTC
    timestamp without time zone. A value without an offset is ambiguous and gives NULL,
    so staging quarantines it (UNPARSEABLE_VALUE) instead of guessing a zone. -#}
{% macro hr_timestamp_utc(expr) -%}
    {{ return(adapter.dispatch('hr_timestamp_utc', 'credit_to_cash')(expr)) }}
{%- endmacro %}

{% macro default__hr_timestamp_utc(expr) -%}
    cast(cast(nullif(trim({{ expr }}), '') as timestamp with time zone) at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__hr_timestamp_utc(expr) -%}
    case
        when regexp_matches(trim({{ expr }}), '(Z|[+-][0-9]{2}:?[0-9]{2})$')
            then timezone('UTC', try_cast(trim({{ expr }}) as timestamp with time zone))
    end
{%- endmacro %}

{% macro spark__hr_timestamp_utc(expr) -%}
    case
        when trim({{ expr }}) rlike '(Z|[+-][0-9]{2}:?[0-9]{2})$'
            then to_utc_timestamp(try_cast(trim({{ expr }}) as timestamp), current_timezone())
    end
{%- endmacro %}
