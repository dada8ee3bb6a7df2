# grain: one row per activity pair (source_activity, target_activity)
# pm4py's temporal profile: mean and standard deviation of the time from one activity to a later
# one in the same case, on a deterministic sample of at most temporal_profile_max_cases cases,
# and how many of them lie beyond temporal_profile_zeta standard deviations. Logic:
# c2c.mining.temporal; the deviating cases are in pm_temporal_deviations.


def model(dbt, session):
    dbt.config(materialized="table")
    from c2c.mining import sample_case_ids, temporal_profile

    events = dbt.ref("event_log").project("case_id, activity_code, event_timestamp, activity_order, event_id")
    case_ids = events.project("case_id").distinct().df()["case_id"]
    sample = sample_case_ids(case_ids, int(dbt.config.get("temporal_profile_max_cases") or 10000))
    chosen = session.from_df(sample.to_frame("case_id"))
    sampled = events.join(chosen, "case_id").df()
    zeta = float(dbt.config.get("temporal_profile_zeta") or 3.0)
    return temporal_profile(sampled, zeta=zeta, cases_in_log=len(case_ids))[0]
