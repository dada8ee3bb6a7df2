-- activity_order determines the activity: no two events of event_log share an activity_order
-- with different activity codes. int_event_log_sequenced relies on it to sort without the
-- last tie-breaker event_id (events of a case tied on timestamp and activity_order are then
-- the same activity, so their order cannot change a process-mining result).
-- Fails with one row per activity_order that has more than one activity.
select
    activity_order,
    count(distinct activity_code) as activity_codes,
    min(activity_code) as first_activity_code,
    max(activity_code) as last_activity_code
from {{ ref('event_log') }}
group by activity_order
having count(distinct activity_code) > 1
