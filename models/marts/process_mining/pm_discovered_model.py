# grain: one row: the process model discovered from the variants (none when the log is empty)
# pm4py's inductive miner over pm_variant_steps weighted by pm_variants.case_count; the cost
# depends on the number of variants, not of events. Logic: c2c.mining.discovery (pytest).


def model(dbt, session):
    dbt.config(materialized="table")
    from c2c.mining import discover_model

    steps = dbt.ref("pm_variant_steps").project("variant_id, step_number, activity_code").df()
    variants = dbt.ref("pm_variants").project("variant_id, case_count").df()
    noise = float(dbt.config.get("im_noise_threshold") or 0.0)
    return discover_model(steps, variants, noise_threshold=noise)
