-- grain: one row per variant and step (variant_id, step_number)
-- The activity sequence of every variant in long form, read from the variant's example case
-- (its smallest case_id) in the order of the ordering rule, so that no consumer has to split
-- a joined string.
with case_variants as (

    select * from {{ ref('int_case_variants') }}

),

events as (

    select
        case_id,
        activity_code,
        activity_order,
        event_timestamp,
        event_id
    from {{ ref('event_log') }}

),

example_cases as (

    select
        variant_id,
        min(case_id) as example_case_id
    from case_variants
    group by variant_id

),

final as (

    select
        example_cases.variant_id,
        cast(row_number() over (
            partition by example_cases.variant_id
            order by events.event_timestamp, events.activity_order, events.event_id
        ) as {{ dbt.type_int() }}) as step_number,
        events.activity_code
    from example_cases
    inner join events
        on example_cases.example_case_id = events.case_id

)

select
    variant_id,
    step_number,
    activity_code
from final
