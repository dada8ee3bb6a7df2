-- grain: one row per dispute or promise-to-pay event of an invoice
-- HighRadius: a dispute opens at opened_at and ends at resolved_at (statuses RESOLVED, INVALID,
-- CLOSED set it); a promise is made at created_at and ends at status_changed_at: KEPT, BROKEN,
-- PARTIALLY_KEPT (a broken promise, reason code PARTIALLY_KEPT) or CANCELLED (also a promise
-- replaced by a new one). D365: every status change of custdisputehistory (1 Disputed, 2 Promise
-- to pay, 3 Resolved, 4 Broken, 5 Kept) is an event; the invoice has one status at a time, so a
-- change that follows a status 2 and is not 4 or 5 (a new promise, a dispute) also cancels the
-- promise: Promise To Pay Cancelled from the same row; a status 2 that follows a status 1 (the
-- customer drops the dispute and promises to pay) also ends the dispute: Dispute Resolved from
-- the same row. A dispute with no later change stays open.
-- Resources: the person who made the change. hr_dispute.owner_id is today's owner, so a dispute's
-- opening and resolution name the person of the first status change and of the last change at or
-- before the resolution (hr_dispute_status_history.changed_by; owner_id only when the history has
-- none). HighRadius evaluates promises itself and records no person for a promise's end: those
-- events are the system's.
with invoices as (

    select * from {{ ref('int_invoices_identified') }}

),

hr_disputes as (

    select * from {{ ref('stg_highradius__hr_dispute') }}

),

hr_promises as (

    select * from {{ ref('stg_highradius__hr_promise_to_pay') }}

),

hr_status_history as (

    select * from {{ ref('stg_highradius__hr_dispute_status_history') }}

),

d365_history as (

    select * from {{ ref('stg_d365__custdisputehistory') }}

),

hr_dispute_changes as (

    select
        hr_disputes.dispute_id,
        hr_status_history.changed_by,
        row_number() over (
            partition by hr_disputes.dispute_id
            order by hr_status_history.changed_at, hr_status_history.source_record_id
        ) as first_rank,
        row_number() over (
            partition by hr_disputes.dispute_id
            order by
                case when hr_status_history.changed_at <= hr_disputes.resolved_at then 0 else 1 end,
                hr_status_history.changed_at desc,
                hr_status_history.source_record_id desc
        ) as resolution_rank
    from hr_disputes
    inner join hr_status_history
        on hr_disputes.dispute_id = hr_status_history.dispute_id

),

hr_dispute_people as (

    select
        dispute_id,
        max(case when first_rank = 1 then changed_by end) as opened_by,
        max(case when resolution_rank = 1 then changed_by end) as resolved_by
    from hr_dispute_changes
    group by dispute_id

),

hr_events as (

    select
        hr_disputes.company_code,
        hr_disputes.invoice_number,
        'DISPUTE_OPENED' as activity_code,
        hr_disputes.opened_at as event_timestamp,
        coalesce(hr_dispute_people.opened_by, hr_disputes.owner_id) as resource,
        'collector' as resource_type,
        'hr_dispute' as source_table,
        hr_disputes.source_record_id,
        hr_disputes.amount,
        hr_disputes.customer_reason_code as reason_code
    from hr_disputes
    left join hr_dispute_people
        on hr_disputes.dispute_id = hr_dispute_people.dispute_id
    where hr_disputes.opened_at is not null

    union all

    select
        hr_disputes.company_code,
        hr_disputes.invoice_number,
        'DISPUTE_RESOLVED' as activity_code,
        hr_disputes.resolved_at as event_timestamp,
        coalesce(hr_dispute_people.resolved_by, hr_disputes.owner_id) as resource,
        'collector' as resource_type,
        'hr_dispute' as source_table,
        hr_disputes.source_record_id,
        hr_disputes.amount,
        hr_disputes.resolution_type as reason_code
    from hr_disputes
    left join hr_dispute_people
        on hr_disputes.dispute_id = hr_dispute_people.dispute_id
    where hr_disputes.resolved_at is not null

    union all

    select
        hr_promises.company_code,
        hr_promises.invoice_number,
        'PROMISE_TO_PAY_MADE' as activity_code,
        hr_promises.created_at as event_timestamp,
        hr_promises.created_by as resource,
        'collector' as resource_type,
        'hr_promise_to_pay' as source_table,
        hr_promises.source_record_id,
        hr_promises.promised_amount as amount,
        cast(null as {{ dbt.type_string() }}) as reason_code
    from hr_promises
    where hr_promises.created_at is not null

    union all

    select
        hr_promises.company_code,
        hr_promises.invoice_number,
        -- a promise kept only in part is a broken promise
        case hr_promises.status
            when 'KEPT' then 'PROMISE_TO_PAY_KEPT'
            when 'CANCELLED' then 'PROMISE_TO_PAY_CANCELLED'
            else 'PROMISE_TO_PAY_BROKEN'
        end as activity_code,
        hr_promises.status_changed_at as event_timestamp,
        'SYSTEM' as resource,
        'system' as resource_type,
        'hr_promise_to_pay' as source_table,
        hr_promises.source_record_id,
        hr_promises.promised_amount as amount,
        hr_promises.status as reason_code
    from hr_promises
    where hr_promises.status in ('KEPT', 'PARTIALLY_KEPT', 'BROKEN', 'CANCELLED')

),

from_highradius as (

    select
        invoices.case_id,
        hr_events.activity_code,
        hr_events.event_timestamp,
        hr_events.resource,
        hr_events.resource_type,
        'highradius' as source_system,
        hr_events.source_table,
        hr_events.source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        hr_events.amount,
        invoices.currency,
        hr_events.reason_code
    from hr_events
    inner join invoices
        on
            hr_events.company_code = invoices.company_code
            and hr_events.invoice_number = invoices.invoice_id
    where invoices.collections_system = 'HIGHRADIUS'

),

-- each status change with the status it replaced (the invoice's previous change)
d365_changes as (

    select
        d365_history.*,
        lag(d365_history.dispute_status) over (
            partition by d365_history.company_code, d365_history.custtrans
            order by d365_history.createddatetime, d365_history.recid
        ) as previous_status
    from d365_history
    where d365_history.dispute_status is not null

),

d365_events as (

    select
        d365_changes.*,
        case d365_changes.dispute_status
            when 'disputed' then 'DISPUTE_OPENED'
            when 'promise_to_pay' then 'PROMISE_TO_PAY_MADE'
            when 'resolved' then 'DISPUTE_RESOLVED'
            when 'promise_to_pay_broken' then 'PROMISE_TO_PAY_BROKEN'
            when 'promise_to_pay_kept' then 'PROMISE_TO_PAY_KEPT'
        end as activity_code
    from d365_changes

    union all

    select
        d365_changes.*,
        'PROMISE_TO_PAY_CANCELLED' as activity_code
    from d365_changes
    where
        d365_changes.previous_status = 'promise_to_pay'
        and d365_changes.dispute_status not in ('promise_to_pay_broken', 'promise_to_pay_kept')

    union all

    -- a promise to pay that replaces a dispute (disputed, then promise to pay) ends the dispute
    select
        d365_changes.*,
        'DISPUTE_RESOLVED' as activity_code
    from d365_changes
    where d365_changes.previous_status = 'disputed' and d365_changes.dispute_status = 'promise_to_pay'

),

from_d365 as (

    select
        invoices.case_id,
        d365_history.activity_code,
        d365_history.createddatetime as event_timestamp,
        d365_history.createdby as resource,
        'collector' as resource_type,
        'd365' as source_system,
        'custdisputehistory' as source_table,
        d365_history.source_record_id,
        cast(null as {{ dbt.type_int() }}) as dunning_level,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        invoices.currency,
        d365_history.reasoncode as reason_code
    from d365_events as d365_history
    inner join invoices
        on
            d365_history.company_code = invoices.company_code
            and d365_history.custtrans = invoices.custtrans_recid
    where invoices.collections_system = 'D365'

)

select * from from_highradius
union all
select * from from_d365
