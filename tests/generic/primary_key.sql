{#- Fails with one row per key that is incomplete (a NULL in any key column) or duplicated.
    One scan checks both, where not_null on each column plus a uniqueness test take several. -#}
{% test primary_key(model, columns) %}
{%- set key_columns = columns | join(', ') %}
{%- set null_checks = [] %}
{%- for column in columns %}
    {%- do null_checks.append(column ~ ' is null') %}
{%- endfor %}

select
    {{ key_columns }},
    count(*) as occurrences,
    case
        when {{ null_checks | join(' or ') }} then 'incomplete key'
        else 'duplicated key'
    end as failure
from {{ model }}
group by {{ key_columns }}
having
    count(*) > 1
    or {{ null_checks | join(' or ') }}

{% endtest %}
