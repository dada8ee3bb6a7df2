# grain: one row per variant (variant_id)
# Token-based replay of every variant against the normative credit-to-cash model
# (python/c2c/mining/normative/credit_to_cash.bpmn, or the BPMN file in the var
# normative_bpmn_path): fitness, deviating activities, cases; the replay runs in worker processes
# on large logs (var pm_worker_processes). Logic: c2c.mining.conformance.
# Incremental: every run writes every variant (delete+insert on variant_id; the post-hook removes
# the variants no case follows any more), but replays only those without a stored replay of the
# same activities under the same replay_fingerprint (model file, pm4py, replay code); case counts
# and shares are counted anew. A full refresh replays every variant; the rows are the same.


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        unique_key="variant_id",
        incremental_strategy="delete+insert",
        # a table of an earlier version gains the new columns; every row is written again
        on_schema_change="append_new_columns",
    )
    from c2c.mining import variant_conformance

    steps = dbt.ref("pm_variant_steps").project("variant_id, step_number, activity_code").df()
    variants = dbt.ref("pm_variants").project("variant_id, case_count").df()
    stored = session.sql(f"select * from {dbt.this}").df() if dbt.is_incremental else None
    # dbt sees which config keys a model reads only in calls that are not nested in an expression
    model_path = dbt.config.get("normative_bpmn_path", "")
    processes = dbt.config.get("pm_worker_processes", "")
    return variant_conformance(steps, variants, model_path=model_path or None,
                               processes=int(processes) if processes else None, stored=stored)
