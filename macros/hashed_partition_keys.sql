{#- Window partition keys for a text key (e.g. case_id): on DuckDB the key's hash first, then the
    key itself. The partitions are exactly those of the key alone (the hash is a function of the
    key, and the key still separates rows whose hashes happen to be equal), so the result of
    every window function is unchanged; the sort inside the window compares the 8-byte hash
    before it compares the text, which is cheaper when keys share a long common prefix. Other
    engines partition by the key alone. -#}
{% macro hashed_partition_keys(key) -%}
    {{ return(adapter.dispatch('hashed_partition_keys', 'credit_to_cash')(key)) }}
{%- endmacro %}

{% macro default__hashed_partition_keys(key) -%}
    {{ key }}
{%- endmacro %}

{% macro duckdb__hashed_partition_keys(key) -%}
    hash({{ key }}), {{ key }}
{%- endmacro %}
