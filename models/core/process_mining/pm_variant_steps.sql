-- grain: one row per variant and step (variant_id, step_number)
-- The activity sequence of every variant in long form, read from the variant's example case
-- (its smallest case_id) in the order of the ordering rule, so that no consumer has to split
-- a joined string.
with case_variants as (

    select * from {{ ref('int_case_variants') }}

),

sequenced as (

    select * from {{ ref('int_event_log_sequenced') }}

),

activities as (

    select
        activity_number,
        activity_code
    from {{ ref('int_event_log_activities') }}

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
        sequenced.step_number,
        activities.activity_code
    from example_cases
    inner join sequenced
        on example_cases.example_case_id = sequenced.case_id
    inner join activities
        on sequenced.activity_number = activities.activity_number

)

select * from final
