-- grain: one row per precursor and value (precursor, precursor_value)
-- Write-off rate of the closed invoices (settled or written off) that show a precursor against
-- those that do not, and the lift between them, with the counts behind each rate so that small
-- groups are visible. Open invoices have no outcome yet and are left out.
{%- set flags = ['has_dunning_letter', 'reached_dunning_level_3', 'has_broken_promise', 'has_dispute',
    'has_partial_payment', 'is_over_90_days_past_due_at_outcome', 'customer_had_earlier_write_off',
    'is_over_credit_limit_at_invoicing'] %}
{%- set categories = ['customer_segment', 'payment_terms_id', 'collector_id', 'company_code'] %}

with precursors as (

    select * from {{ ref('fct_write_off_precursors') }}

),

closed as (

    select
        *,
        case when is_written_off then 1 else 0 end as written_off
    from precursors
    where outcome <> 'open'

),

totals as (

    select
        count(*) as invoices,
        coalesce(sum(written_off), 0) as written_off
    from closed

),

with_precursor as (

    {%- for flag in flags %}
    select
        '{{ flag }}' as precursor,
        'true' as precursor_value,
        count(*) as invoices_with,
        coalesce(sum(written_off), 0) as written_off_with
    from closed
    where {{ flag }}
    union all
    {%- endfor %}
    {%- for category in categories %}
    select
        '{{ category }}' as precursor,
        coalesce(cast({{ category }} as {{ dbt.type_string() }}), 'unknown') as precursor_value,
        count(*) as invoices_with,
        coalesce(sum(written_off), 0) as written_off_with
    from closed
    group by coalesce(cast({{ category }} as {{ dbt.type_string() }}), 'unknown')
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

final as (

    select
        with_precursor.precursor,
        with_precursor.precursor_value,
        cast(with_precursor.invoices_with as {{ dbt.type_int() }}) as invoices_with,
        cast(with_precursor.written_off_with as {{ dbt.type_int() }}) as written_off_with,
        cast(
            case
                when with_precursor.invoices_with > 0
                    then 1.0 * with_precursor.written_off_with / with_precursor.invoices_with
            end as {{ dbt.type_numeric() }}
        ) as write_off_rate_with,
        cast(totals.invoices - with_precursor.invoices_with as {{ dbt.type_int() }}) as invoices_without,
        cast(totals.written_off - with_precursor.written_off_with as {{ dbt.type_int() }}) as written_off_without,
        cast(
            case
                when totals.invoices - with_precursor.invoices_with > 0
                    then
                        1.0 * (totals.written_off - with_precursor.written_off_with)
                        / (totals.invoices - with_precursor.invoices_with)
            end as {{ dbt.type_numeric() }}
        ) as write_off_rate_without,
        cast(
            case
                when
                    with_precursor.invoices_with > 0
                    and totals.written_off - with_precursor.written_off_with > 0
                    then
                        (1.0 * with_precursor.written_off_with / with_precursor.invoices_with)
                        / (
                            1.0 * (totals.written_off - with_precursor.written_off_with)
                            / (totals.invoices - with_precursor.invoices_with)
                        )
            end as {{ dbt.type_numeric() }}
        ) as lift,
        with_precursor.invoices_with < {{ var('write_off_lift_min_group', 30) }}
        or totals.invoices - with_precursor.invoices_with < {{ var('write_off_lift_min_group', 30) }}
            as is_small_group
    from with_precursor
    cross join totals

)

select * from final
