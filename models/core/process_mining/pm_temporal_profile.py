# grain: one row per activity pair (source_activity, target_activity)
# pm4py's temporal profile: mean and standard deviation of the time from one activity to a later
# one in the same case, discovered on a deterministic sample of at most
# temporal_profile_max_cases cases so that its cost does not grow with the log. Logic:
# c2c.mining.temporal. Every case of the log is checked against it in SQL:
# pm_temporal_deviations, pm_temporal_profile_summary.


def model(dbt, session):
    dbt.config(materialized="table")
    from c2c.mining import sample_case_ids, temporal_profile

    # dbt sees which config keys a model reads only in calls that are not nested in an expression
    max_cases = dbt.config.get("temporal_profile_max_cases", 10000)
    zeta = dbt.config.get("temporal_profile_zeta", 3.0)
    events = dbt.ref("event_log").project("case_id, activity_code, event_timestamp, activity_order, event_id")
    case_ids = events.project("case_id").distinct().df()["case_id"]
    sample = sample_case_ids(case_ids, int(max_cases))
    chosen = session.from_df(sample.to_frame("case_id"))
    sampled = events.join(chosen, "case_id").df()
    return temporal_profile(sampled, zeta=float(zeta), cases_in_log=len(case_ids))
