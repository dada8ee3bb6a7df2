-- grain: one row per customer and validity interval (company_code, customer_id, limit_sequence)
-- The dated history of each customer's credit limit, in the company's accounting currency.
-- A change takes effect on its effective date: a D365 adjustment journal when it is posted
-- (status 4; the later of the line's fromdate and the journal's posteddate), a HighRadius review
-- when it is decided APPROVED or PARTIAL (the UTC date of decided_at). Created, submitted,
-- approved-but-unposted, rejected and pending requests never change the limit. Of several
-- changes effective on the same date the latest holds (HighRadius: decided_at; D365: the line's
-- createddatetime, the journal has no posting time). The opening limit (sequence 0,
-- no start) is the limit before the first D365 adjustment line (its creditmax), else the
-- earliest version of the customer master in the lake, else today's master value.
with customers as (

    select * from {{ ref('stg_d365__custtable') }}

),

adjustment_lines as (

    select * from {{ ref('stg_d365__credmancreditlimitadjtrans') }}

),

adjustment_journals as (

    select * from {{ ref('stg_d365__credmancreditlimitadjtable') }}

),

hr_reviews as (

    select * from {{ ref('stg_highradius__hr_credit_review') }}

),

first_lines as (

    select
        company_code,
        custaccount as customer_id,
        creditmax,
        row_number() over (
            partition by company_code, custaccount
            order by createddatetime, recid
        ) as line_order
    from adjustment_lines
    where creditmax is not null and createddatetime is not null

),

openings as (

    select
        customers.company_code,
        customers.accountnum as customer_id,
        0 as limit_sequence,
        cast(null as date) as valid_from,
        coalesce(first_lines.creditmax, customers.earliest_creditmax, customers.creditmax) as credit_limit_accounting,
        case
            when first_lines.creditmax is not null then 'd365 adjustment: limit before the first line'
            when customers.earliest_creditmax is not null then 'customer master: earliest lake version'
            else 'customer master: current value'
        end as limit_source,
        cast(null as {{ dbt.type_string() }}) as source_record_id
    from customers
    left join first_lines
        on
            customers.company_code = first_lines.company_code
            and customers.accountnum = first_lines.customer_id
            and first_lines.line_order = 1

),

changes as (

    select
        adjustment_lines.company_code,
        adjustment_lines.custaccount as customer_id,
        case
            when adjustment_lines.fromdate > adjustment_journals.posteddate then adjustment_lines.fromdate
            else adjustment_journals.posteddate
        end as effective_date,
        cast(adjustment_lines.createddatetime as {{ dbt.type_timestamp() }}) as ordered_at,
        adjustment_lines.creditmaxnew as credit_limit_accounting,
        'd365 posted adjustment' as limit_source,
        adjustment_lines.source_record_id
    from adjustment_lines
    inner join adjustment_journals
        on
            adjustment_lines.company_code = adjustment_journals.company_code
            and adjustment_lines.journalid = adjustment_journals.journalid
    where
        adjustment_journals.is_status_posted
        and adjustment_journals.posteddate is not null
        and adjustment_lines.creditmaxnew is not null

    union all

    select
        company_code,
        customer_number as customer_id,
        cast(decided_at as date) as effective_date,
        decided_at as ordered_at,
        approved_limit as credit_limit_accounting,
        'highradius review' as limit_source,
        source_record_id
    from hr_reviews
    where
        decision in ('APPROVED', 'PARTIAL')
        and decided_at is not null
        and approved_limit is not null

),

last_of_day as (

    select
        *,
        row_number() over (
            partition by company_code, customer_id, effective_date
            order by ordered_at desc, source_record_id desc
        ) as day_rank
    from changes

),

dated as (

    select
        company_code,
        customer_id,
        row_number() over (
            partition by company_code, customer_id
            order by effective_date
        ) as limit_sequence,
        effective_date as valid_from,
        credit_limit_accounting,
        limit_source,
        source_record_id
    from last_of_day
    where day_rank = 1

),

intervals as (

    select * from openings
    union all
    select * from dated

),

final as (

    select
        company_code,
        customer_id,
        cast(limit_sequence as {{ dbt.type_int() }}) as limit_sequence,
        valid_from,
        lead(valid_from) over (
            partition by company_code, customer_id
            order by limit_sequence
        ) as valid_to,
        cast(credit_limit_accounting as {{ dbt.type_numeric() }}) as credit_limit_accounting,
        limit_source,
        source_record_id
    from intervals

)

select * from final
