{#- The quarantine conditions a staging base model takes from the landing contract: the data
    comes from landing_contract() (macros/landing_contract.sql, generated from
    python/c2c/contract/spec.yml by `c2c contract generate`). -#}

{#- The name a landing column has in staging: D365 dataareaid is normalised into company_code. -#}
{% macro contract_staged_column(system, column) -%}
    {{ return('company_code' if system == 'd365' and column == 'dataareaid' else column) }}
{%- endmacro %}

{#- [column, logical type] of the columns of a landing table that are cast (for
    first_unparseable_column). -#}
{% macro contract_typed_columns(system, table) -%}
    {{ return(landing_contract(system, table)['typed']) }}
{%- endmacro %}

{#- The key columns of a landing table, staged names, comma-separated (a partition by list). -#}
{% macro contract_key(system, table) -%}
    {%- set columns = [] -%}
    {%- for column in landing_contract(system, table)['key'] -%}
        {%- do columns.append(contract_staged_column(system, column)) -%}
    {%- endfor -%}
    {{ return(columns | join(', ')) }}
{%- endmacro %}

{#- A condition that is true when a row lacks a column it cannot do without (MISSING_KEY): one of
    the key or required columns is NULL (key_only: one of the key columns). relation qualifies
    the columns ('' for none). -#}
{% macro contract_missing_key(system, table, relation='typed', key_only=false) -%}
    {%- set contract = landing_contract(system, table) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- set checks = [] -%}
    {%- for column in contract['key' if key_only else 'missing_key'] -%}
        {%- do checks.append(prefix ~ contract_staged_column(system, column) ~ ' is null') -%}
    {%- endfor -%}
    {{ return(checks | join(' or ') if checks else 'false') }}
{%- endmacro %}

{#- Which column is missing, as quarantine_detail says it: '<column> is missing' for the first
    NULL one of the key and required columns, else NULL. -#}
{% macro contract_missing_key_detail(system, table, relation='typed') -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    case
    {%- for column in landing_contract(system, table)['missing_key'] %}
        {%- set staged = contract_staged_column(system, column) %}
        when {{ prefix }}{{ staged }} is null then '{{ staged }} is missing'
    {%- endfor %}
    end
{%- endmacro %}
