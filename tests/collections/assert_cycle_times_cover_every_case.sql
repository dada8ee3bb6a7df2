{{ config(group='collections') }}
-- fct_invoice_cycle_times and fct_write_off_precursors have exactly one row per case: the same
-- number of rows as cases, and the same case ids.
with cases as (

    select case_id from {{ ref('cases') }}

),

cycle_times as (

    select case_id from {{ ref('fct_invoice_cycle_times') }}

),

precursors as (

    select case_id from {{ ref('fct_write_off_precursors') }}

),

counts as (

    select
        (select count(*) from cases) as cases_rows,
        (select count(*) from cycle_times) as cycle_time_rows,
        (select count(*) from precursors) as precursor_rows

),

missing as (

    select cases.case_id
    from cases
    left join cycle_times
        on cases.case_id = cycle_times.case_id
    left join precursors
        on cases.case_id = precursors.case_id
    where cycle_times.case_id is null or precursors.case_id is null

)

select
    counts.cases_rows,
    counts.cycle_time_rows,
    counts.precursor_rows,
    (select count(*) from missing) as cases_missing
from counts
where
    counts.cycle_time_rows <> counts.cases_rows
    or counts.precursor_rows <> counts.cases_rows
    or (select count(*) from missing) > 0
