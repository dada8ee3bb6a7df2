{#- Fails with one row per combination of values that occurs more than once. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set key_columns = combination_of_columns | join(', ') %}

select
    {{ key_columns }},
    count(*) as occurrences
from {{ model }}
group by {{ key_columns }}
having count(*) > 1

{% endtest %}
