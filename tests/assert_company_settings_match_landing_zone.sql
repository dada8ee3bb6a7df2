{{ config(group='process_mining') }}
{{ config(severity='warn') }}
-- The collections system of a company is read from the data (a company listed in the
-- HighRadius customer file runs collections there); company_settings states what the
-- organisation expects. Warn where the two disagree or the seed lacks a company.
with observed as (

    select distinct
        company_code,
        collections_system
    from {{ ref('int_invoices_identified') }}

),

expected as (

    select * from {{ ref('company_settings') }}

)

select
    observed.company_code,
    observed.collections_system as observed_collections_system,
    expected.collections_system as expected_collections_system
from observed
left join expected
    on observed.company_code = expected.company_code
where expected.company_code is null or observed.collections_system <> expected.collections_system
