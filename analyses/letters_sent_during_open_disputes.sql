-- grain: one row per dunning letter sent while a dispute of its invoice was open
-- The letters sent while the invoice was in dispute (rule R05), each with the dispute it fell
-- into: when the dispute was opened and resolved (NULL while still open) and the reason.

with violations as (

    select * from {{ ref('fct_dunning_conformance') }}
    where rule_id = 'R05' and status = 'violation'

),

events as (

    select * from {{ ref('event_log') }}

),

cases as (

    select * from {{ ref('cases') }}

),

evidence as (

    select
        violations.case_id,
        violations.company_code,
        violations.invoice_id,
        cases.collector_id,
        events.event_id,
        events.activity_code,
        events.event_timestamp,
        events.dunning_level,
        events.resource,
        events.reason_code,
        row_number() over (
            partition by violations.case_id, events.activity_code
            order by events.event_timestamp, events.activity_order, events.event_id
        ) as occurrence
    from violations
    inner join cases
        on violations.case_id = cases.case_id
    inner join events
        on
            violations.case_id = events.case_id
            and ',' || violations.evidence_event_ids || ',' like '%,' || events.event_id || ',%'

),

letters as (

    select * from evidence
    where activity_code like 'DUNNING_LETTER_%'

),

-- the evidence holds each dispute a letter fell into: its opening and, once resolved, its resolution
openings as (

    select * from evidence
    where activity_code = 'DISPUTE_OPENED'

),

resolutions as (

    select * from evidence
    where activity_code = 'DISPUTE_RESOLVED'

)

select
    letters.case_id,
    letters.company_code,
    letters.invoice_id,
    letters.collector_id,
    letters.event_id as letter_event_id,
    letters.dunning_level,
    letters.event_timestamp as letter_sent_at,
    letters.resource as letter_sent_by,
    openings.event_id as dispute_opened_event_id,
    openings.event_timestamp as dispute_opened_at,
    openings.reason_code as dispute_reason,
    resolutions.event_timestamp as dispute_resolved_at
from letters
inner join openings
    on
        letters.case_id = openings.case_id
        and letters.event_timestamp > openings.event_timestamp
left join resolutions
    on
        openings.case_id = resolutions.case_id
        and openings.occurrence = resolutions.occurrence
where resolutions.event_timestamp is null or resolutions.event_timestamp > letters.event_timestamp
order by letters.company_code, letters.invoice_id, letters.event_timestamp, openings.event_timestamp
