{#-
    The labels of the given D365 enums, one row per enum item (enumname, enumitemvalue): the
    English labels the environment exports (srsanalysisenums, usable rows whose languageid is
    English or missing; base_d365__srsanalysisenums is empty when the landing zone has no such
    table), completed by the seed d365_enum_fallback for every item the export lacks. A select statement: staging models
    use it as the body of a CTE and join it to decode their enum columns.
-#}
{% macro d365_enum_labels(enum_names) -%}
    {%- set enum_list -%}
        {%- for enum_name in enum_names %}'{{ enum_name }}'{% if not loop.last %}, {% endif %}{% endfor -%}
    {%- endset %}
    select
        enumname,
        enumitemvalue,
        enumitemname,
        enumitemlabel
    from (
        select
            labels.*,
            row_number() over (
                partition by labels.enumname, labels.enumitemvalue
                order by labels.source_rank, labels.enumitemname
            ) as label_rank
        from (
            select
                enumname,
                enumitemvalue,
                enumitemname,
                enumitemlabel,
                0 as source_rank
            from {{ ref('base_d365__srsanalysisenums') }}
            where
                quarantine_reason is null
                and lower(coalesce(languageid, 'en-us')) like 'en%'
                and enumname in ({{ enum_list }})
            union all
            select
                enumname,
                enumitemvalue,
                enumitemname,
                enumitemlabel,
                1 as source_rank
            from {{ ref('d365_enum_fallback') }}
            where enumname in ({{ enum_list }})
        ) as labels
    ) as ranked
    where label_rank = 1
{%- endmacro %}
