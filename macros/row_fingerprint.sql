{#- A number that changes when any of the columns changes: summed per group, it fingerprints
    a set of rows without comparing them row by row. -#}
{% macro row_fingerprint(columns) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'credit_to_cash')(columns)) }}
{%- endmacro %}

{% macro default__row_fingerprint(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
    {%- endfor -%}
    {{ credit_to_cash.md5_prefix_number(dbt.concat(parts)) }}
{%- endmacro %}

{% macro duckdb__row_fingerprint(columns) -%}
    cast(hash({{ columns | join(', ') }}) % 1000000007 as bigint)
{%- endmacro %}

{% macro spark__row_fingerprint(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as string), '~')") -%}
    {%- endfor -%}
    {#- xxhash64 skips NULL arguments: written as '~', a value moved between columns still counts -#}
    (xxhash64({{ parts | join(', ') }}) % 1000000007)
{%- endmacro %}
