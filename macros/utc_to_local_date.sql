{#- The company-local calendar date of a UTC timestamp (without time zone), given an IANA time
    zone name (company_settings.timezone). Business days and calendar lookups use it, so an
    event at 21:30 in New York (02:30 UTC the next day) falls on its local day. A NULL zone
    gives the UTC date. Dispatched. -#}
{% macro utc_to_local_date(timestamp_utc, timezone) -%}
    {{ return(adapter.dispatch('utc_to_local_date', 'credit_to_cash')(timestamp_utc, timezone)) }}
{%- endmacro %}

{% macro default__utc_to_local_date(timestamp_utc, timezone) -%}
    cast(
        case
            when {{ timezone }} is null then {{ timestamp_utc }}
            else ({{ timestamp_utc }} at time zone 'UTC') at time zone {{ timezone }}
        end as date
    )
{%- endmacro %}

{% macro duckdb__utc_to_local_date(timestamp_utc, timezone) -%}
    cast(coalesce(timezone({{ timezone }}, timezone('UTC', {{ timestamp_utc }})), {{ timestamp_utc }}) as date)
{%- endmacro %}

{% macro spark__utc_to_local_date(timestamp_utc, timezone) -%}
    cast(coalesce(from_utc_timestamp({{ timestamp_utc }}, {{ timezone }}), {{ timestamp_utc }}) as date)
{%- endmacro %}
