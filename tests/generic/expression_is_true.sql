{#- Fails with every row for which the boolean expression is false. Declared on a
    column, the expression is appended to the column name (expression: ">= 0").
    Rows where it is NULL pass: pair it with not_null where NULL is wrong. -#}
{% test expression_is_true(model, expression, column_name=none) %}
{%- set condition = (column_name ~ ' ' ~ expression) if column_name else expression %}

select *
from {{ model }}
where not ({{ condition }})

{% endtest %}
