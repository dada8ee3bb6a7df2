# grain: one row per case and activity pair whose time deviates (case_id, source_activity, target_activity)
# The cases of the temporal-profile sample (see pm_temporal_profile) in which the time from one
# activity to a later one lies more than temporal_profile_zeta standard deviations from the
# mean. Logic: c2c.mining.temporal.


def model(dbt, session):
    dbt.config(materialized="table")
    from c2c.mining import sample_case_ids, temporal_profile

    events = dbt.ref("event_log").project("case_id, activity_code, event_timestamp, activity_order, event_id")
    case_ids = events.project("case_id").distinct().df()["case_id"]
    sample = sample_case_ids(case_ids, int(dbt.config.get("temporal_profile_max_cases") or 10000))
    chosen = session.from_df(sample.to_frame("case_id"))
    sampled = events.join(chosen, "case_id").df()
    zeta = float(dbt.config.get("temporal_profile_zeta") or 3.0)
    return temporal_profile(sampled, zeta=zeta, cases_in_log=len(case_ids))[1]
