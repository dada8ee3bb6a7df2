# grain: one row: the process model discovered from the variants (none when the log is empty)
# pm4py's inductive miner over pm_variant_steps weighted by pm_variants.case_count; the cost
# depends on the number of variants, not of events. Logic: c2c.mining.discovery (pytest).


def model(dbt, session):
    dbt.config(materialized="table")
    from c2c.mining import discover_model

    steps = dbt.ref("pm_variant_steps").project("variant_id, step_number, activity_code").df()
    variants = dbt.ref("pm_variants").project("variant_id, case_count").df()
    # dbt sees which config keys a model reads only in calls that are not nested in an expression
    noise = dbt.config.get("im_noise_threshold", 0.0)
    return discover_model(steps, variants, noise_threshold=float(noise or 0.0))
