"""Conformance of every variant with the normative credit-to-cash model (token-based replay)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import repeat
from pathlib import Path

import pandas as pd

from .discovery import empty_frame
from .variants import variant_counts, variant_traces

NORMATIVE_BPMN = Path(__file__).parent / "normative" / "credit_to_cash.bpmn"
TERMINAL_ACTIVITIES = frozenset({"INVOICE_SETTLED", "INVOICE_WRITTEN_OFF"})

CONFORMANCE_COLUMNS: dict[str, str] = {
    "variant_id": "string",
    "variant_activities": "string",
    "activity_count": "int64",
    "case_count": "int64",
    "case_share": "float64",
    "is_closed": "bool",
    "is_fit": "bool",
    "fitness": "float64",
    "deviating_activities": "string",
    "activities_not_in_model": "string",
    "first_deviation_step": "Int64",
    "first_deviating_activity": "string",
    "missing_tokens": "int64",
    "remaining_tokens": "int64",
    "consumed_tokens": "int64",
    "produced_tokens": "int64",
    "deviating_cases": "int64",
    "deviating_case_share": "float64",
    "normative_model": "string",
}


def load_normative_net(path: str | Path | None = None):
    """The normative BPMN (the shipped one by default) as a Petri net: (net, initial, final)."""
    import pm4py

    bpmn_path = Path(path) if path else NORMATIVE_BPMN
    if not bpmn_path.is_file():
        raise FileNotFoundError(f"normative model {bpmn_path} does not exist")
    try:
        bpmn = pm4py.read_bpmn(str(bpmn_path))
    except Exception as exc:  # pm4py raises whatever lxml raises
        raise ValueError(f"normative model {bpmn_path} is not a readable BPMN file: {exc}") from None
    return pm4py.convert_to_petri_net(bpmn)


def _first_deviation(trace: tuple[str, ...], labels: set[str], activated: list, problems: set) -> int | None:
    """1-based step of the first activity that could not be replayed (or is not in the model)."""
    visible = iter([t for t in activated if t.label is not None])
    for step, activity in enumerate(trace, start=1):
        if activity not in labels:
            return step
        fired = next(visible, None)
        if fired is None or fired in problems:
            return step
    return None


# Token replay costs a few milliseconds per variant in Python, and a ledger of a million invoices
# has over ten thousand variants. dbt runs Python models in threads of one process, where the
# replay would hold the interpreter lock that pm_discovered_model needs at the same moment: above
# this many variants per process the replay runs in worker processes instead.
MIN_VARIANTS_PER_PROCESS = 2000


def replay_processes(variant_count: int, processes: int | None) -> int:
    """How many worker processes replay `variant_count` variants: 0 (replay in this process) when
    there are too few for a second process to pay for its start, else at most `processes` (the
    machine's cores when None), each with at least MIN_VARIANTS_PER_PROCESS variants."""
    wanted = (os.cpu_count() or 1) if processes is None else int(processes)
    if wanted < 1:
        raise ValueError(f"pm_worker_processes must be at least 1, not {processes}")
    usable = min(wanted, variant_count // MIN_VARIANTS_PER_PROCESS)
    return usable if usable >= 2 else 0


def _replay_rows(items: list[tuple[str, tuple[str, ...], int]], model_path: str | Path | None,
                 total_cases: int) -> list[dict]:
    """The rows of pm_variant_conformance for (variant_id, trace, case_count) items, in their
    order. Each variant is replayed on its own, so a worker process given part of the items
    returns the same rows as one process given all of them."""
    from pm4py.algo.conformance.tokenreplay import algorithm as token_replay
    from pm4py.objects.log.obj import Event, EventLog, Trace

    net, initial, final = load_normative_net(model_path)
    labels = {t.label for t in net.transitions if t.label is not None}
    log = EventLog()
    for _, trace, _ in items:
        log.append(Trace([Event({"concept:name": a}) for a in trace]))
    # pm4py's own option to count activities missing from the model keeps that state across
    # traces (once one trace has such an activity, every later trace is reported unfit), so
    # they are counted here instead, per variant.
    params = {token_replay.Variants.TOKEN_REPLAY.value.Parameters.SHOW_PROGRESS_BAR: False}
    results = token_replay.apply(log, net, initial, final, parameters=params)

    model_name = Path(model_path).name if model_path else NORMATIVE_BPMN.name
    rows = []
    for (variant_id, trace, n), result in zip(items, results):
        problems = set(result["transitions_with_problems"])
        problem_labels = {t.label for t in problems if t.label is not None}
        not_in_model = [a for a in dict.fromkeys(trace) if a not in labels]
        deviating = [a for a in dict.fromkeys(trace) if a in problem_labels or a in not_in_model]
        # an event whose activity is not in the model counts as one missing token it needed and
        # one remaining token it left, in the usual token-replay fitness formula
        unknown = sum(1 for a in trace if a not in labels)
        missing, consumed = int(result["missing_tokens"]) + unknown, int(result["consumed_tokens"]) + unknown
        remaining, produced = int(result["remaining_tokens"]) + unknown, int(result["produced_tokens"]) + unknown
        is_fit = missing == 0 and remaining == 0
        fitness = 1.0 if is_fit else 0.5 * (1 - missing / consumed) + 0.5 * (1 - remaining / produced)
        step = None if is_fit else _first_deviation(trace, labels, result["activated_transitions"], problems)
        rows.append({
            "variant_id": variant_id,
            "variant_activities": " > ".join(trace),
            "activity_count": len(trace),
            "case_count": n,
            "case_share": n / total_cases if total_cases else 0.0,
            "is_closed": bool(trace) and trace[-1] in TERMINAL_ACTIVITIES,
            "is_fit": is_fit,
            "fitness": round(fitness, 9),
            "deviating_activities": ", ".join(deviating),
            "activities_not_in_model": ", ".join(not_in_model),
            "first_deviation_step": step,
            "first_deviating_activity": trace[step - 1] if step else None,
            "missing_tokens": missing,
            "remaining_tokens": remaining,
            "consumed_tokens": consumed,
            "produced_tokens": produced,
            "deviating_cases": 0 if is_fit else n,
            "deviating_case_share": 0.0 if is_fit or not total_cases else n / total_cases,
            "normative_model": model_name,
        })
    return rows


def variant_conformance(steps: pd.DataFrame, variants: pd.DataFrame, model_path: str | Path | None = None,
                        processes: int | None = 1) -> pd.DataFrame:
    """One row per variant: token-replay fitness against the normative model and what deviates.

    An event whose activity is not in the model counts as a missing and a remaining token
    (fitness below 1). The deviating
    activities are those fired with missing tokens or absent from the model, in trace order.
    Case counts come from `variants`, so the shares read as shares of invoices.
    `processes`: worker processes for the replay (None: the machine's cores); used only above
    MIN_VARIANTS_PER_PROCESS variants per process (replay_processes). The rows do not depend on it.
    """
    traces = variant_traces(steps)
    counts = variant_counts(variants)
    if not traces:
        return empty_frame(CONFORMANCE_COLUMNS)
    unknown = sorted(set(traces) - set(counts))
    if unknown:
        raise ValueError(f"pm_variant_steps: variant {unknown[0]} is not in pm_variants")

    variant_ids = sorted(traces)
    items = [(v, traces[v], counts[v]) for v in variant_ids]
    total_cases = sum(counts[v] for v in variant_ids)
    workers = replay_processes(len(items), processes)
    if workers == 0:
        rows = _replay_rows(items, model_path, total_cases)
    else:
        size = -(-len(items) // workers)
        parts = [items[i:i + size] for i in range(0, len(items), size)]
        # spawn, not fork: dbt's process runs threads (and DuckDB's), which a fork would copy
        # mid-flight; each worker imports pm4py and reads the model itself, and an error it raises
        # (a missing or unreadable model) is raised here again
        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(max_workers=len(parts), mp_context=context) as pool:
                done = pool.map(_replay_rows, parts, repeat(model_path), repeat(total_cases))
                rows = [row for part in done for row in part]
        except BrokenProcessPool as exc:
            raise RuntimeError(
                "pm_variant_conformance: a token-replay worker process ended without a result (out of "
                "memory?); set the var pm_worker_processes to 1 to replay in the dbt process"
            ) from exc
    frame = pd.DataFrame(rows).astype(CONFORMANCE_COLUMNS)
    return frame.sort_values(["case_count", "variant_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
