-- grain: one row per enum item (enumname, enumitemvalue)
-- Enum labels as the environment exports them (srsanalysisenums, English) where the landing
-- zone has that table, completed by the project's fallback seed for anything it lacks.
{%- set has_export = landing_table_exists('d365', 'srsanalysisenums', 'parquet') %}

with fallback as (

    select
        enumname,
        enumitemvalue,
        enumitemname,
        enumitemlabel,
        'seed' as label_source
    from {{ ref('d365_enum_fallback') }}

),

{% if has_export %}
exported as (

    select
        enumname,
        enumitemvalue,
        enumitemname,
        enumitemlabel,
        'srsanalysisenums' as label_source
    from {{ ref('base_d365__srsanalysisenums') }}
    where quarantine_reason is null and lower(coalesce(languageid, 'en-us')) like 'en%'

),
{% else %}
exported as (

    select * from fallback
    where 1 = 0

),
{% endif %}

ranked as (

    select
        *,
        row_number() over (
            partition by enumname, enumitemvalue
            order by case when label_source = 'srsanalysisenums' then 0 else 1 end, enumitemname
        ) as label_rank
    from (
        select * from exported
        union all
        select * from fallback
    ) as labels

),

final as (

    select
        enumname,
        enumitemvalue,
        enumitemname,
        enumitemlabel,
        label_source
    from ranked
    where label_rank = 1

)

select * from final
