"""Process map: the directly-follows graph with frequency and performance, and the variants.

Nodes are the activities of pm_activity_stats (events, cases); edges are the rows of
pm_dfg_edges (edge and case frequency, median / p90 waiting time in days), `▶` and `■` being the
start and end of the cases. The page lays the graph out with dagre and draws it as SVG; its
slider keeps the most frequent edges. Variants are the top rows of pm_variants (share, cumulative
share, throughput); the page shows how many variants there are in all."""

from __future__ import annotations

from ._sql import absent_note, missing, rows, scalar

VARIANTS_SHOWN = 100


def build(con) -> dict:
    absent = missing(con, "pm_dfg_edges", "pm_activity_stats", "pm_variants")
    if absent:
        return {"notes": [absent_note(absent)]}
    nodes = rows(con, """
        select activity_code, activity, event_count, case_count, median_sojourn_days
        from pm_activity_stats order by activity_order, activity_code""")
    edges = rows(con, """
        select source_activity_code as source, target_activity_code as target, edge_frequency,
               case_frequency, median_waiting_days, p90_waiting_days, mean_waiting_days
        from pm_dfg_edges
        order by edge_frequency desc, source_activity_code, target_activity_code""")
    variants = rows(con, f"""
        select variant_rank, variant_id, variant_activities, activity_count, case_count, case_share,
               cumulative_share, median_throughput_days, p90_throughput_days, cases_settled,
               cases_written_off, cases_open
        from pm_variants order by variant_rank, variant_id limit {VARIANTS_SHOWN}""")
    for variant in variants:
        variant["variant_activities"] = variant["variant_activities"].split(" > ")
    return {
        "notes": [],
        "nodes": nodes,
        "edges": edges,
        "variants": variants,
        "variant_count": scalar(con, "select count(*) from pm_variants"),
        "case_count": scalar(con, "select coalesce(sum(case_count), 0) from pm_variants"),
    }
