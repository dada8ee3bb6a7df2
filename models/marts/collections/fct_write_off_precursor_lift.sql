-- grain: one row per precursor and value (precursor, precursor_value)
-- Write-off rate of the closed invoices (settled or written off) that show a precursor against
-- those that do not, and the lift between them, with the counts behind each rate so that small
-- groups are visible. Open invoices have no outcome yet and are left out. A precursor observed
-- at the horizon (N days past due) is compared among the closed invoices still open at the
-- horizon; the others among all closed invoices.
{%- set flags = [
    ('customer_had_earlier_write_off', 'invoicing'), ('customer_had_earlier_late_settlement', 'invoicing'),
    ('is_over_credit_limit_at_invoicing', 'invoicing'),
    ('has_dunning_letter_by_horizon', 'horizon'), ('reached_dunning_level_3_by_horizon', 'horizon'),
    ('has_broken_promise_by_horizon', 'horizon'), ('has_dispute_by_horizon', 'horizon'),
    ('has_partial_payment_by_horizon', 'horizon')] %}
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
        'invoicing' as observed_at,
        count(*) as invoices,
        coalesce(sum(written_off), 0) as written_off
    from closed
    union all
    select
        'horizon' as observed_at,
        count(*) as invoices,
        coalesce(sum(written_off), 0) as written_off
    from closed
    where is_open_at_horizon

),

with_precursor as (

    {%- for flag, observed_at in flags %}
    select
        '{{ flag }}' as precursor,
        'true' as precursor_value,
        '{{ observed_at }}' as observed_at,
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
        'invoicing' as observed_at,
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
        with_precursor.observed_at,
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
    inner join totals
        on with_precursor.observed_at = totals.observed_at

)

select * from final
