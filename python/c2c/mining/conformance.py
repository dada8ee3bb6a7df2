"""Conformance of every variant with the normative credit-to-cash model (token-based replay)."""

from __future__ import annotations

import hashlib
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
    "replay_fingerprint": "string",
}

# The columns of a variant's row that follow from its activities and the model alone: a later
# build may take them from the stored row of the same variant instead of replaying it again.
# The others (case_count, case_share, deviating_cases, deviating_case_share) are counted anew.
REPLAY_COLUMNS = ("activity_count", "is_closed", "is_fit", "fitness", "deviating_activities",
                  "activities_not_in_model", "first_deviation_step", "first_deviating_activity", "missing_tokens",
                  "remaining_tokens", "consumed_tokens", "produced_tokens")


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


def replay_fingerprint(path: str | Path | None = None) -> str:
    """What a variant's replay depends on besides its activities, as one sha256: the bytes of the
    normative model file, the pm4py version and this module's source. A stored replay is reused
    only under the same fingerprint, so a new model, a new pm4py or a change to how the replay is
    read replays every variant again."""
    import pm4py

    bpmn_path = Path(path) if path else NORMATIVE_BPMN
    if not bpmn_path.is_file():
        raise FileNotFoundError(f"normative model {bpmn_path} does not exist")
    digest = hashlib.sha256()
    for part in (bpmn_path.read_bytes(), f"pm4py {pm4py.__version__}".encode(), Path(__file__).read_bytes()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


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


def _replay(traces: list[tuple[str, ...]], model_path: str | Path | None) -> list[dict]:
    """The REPLAY_COLUMNS of each trace, in their order. Each trace is replayed on its own, so a
    worker process given part of the traces returns the same values as one process given all."""
    from pm4py.algo.conformance.tokenreplay import algorithm as token_replay
    from pm4py.objects.log.obj import Event, EventLog, Trace

    net, initial, final = load_normative_net(model_path)
    labels = {t.label for t in net.transitions if t.label is not None}
    log = EventLog()
    for trace in traces:
        log.append(Trace([Event({"concept:name": a}) for a in trace]))
    # pm4py's own option to count activities missing from the model keeps that state across
    # traces (once one trace has such an activity, every later trace is reported unfit), so
    # they are counted here instead, per variant.
    params = {token_replay.Variants.TOKEN_REPLAY.value.Parameters.SHOW_PROGRESS_BAR: False}
    results = token_replay.apply(log, net, initial, final, parameters=params)

    replayed = []
    for trace, result in zip(traces, results):
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
        replayed.append({
            "activity_count": len(trace),
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
        })
    return replayed


def _replay_all(traces: list[tuple[str, ...]], model_path: str | Path | None, processes: int | None) -> list[dict]:
    """_replay of the traces, in worker processes when there are enough of them (replay_processes)."""
    workers = replay_processes(len(traces), processes)
    if workers == 0:
        return _replay(traces, model_path)
    size = -(-len(traces) // workers)
    parts = [traces[i:i + size] for i in range(0, len(traces), size)]
    # spawn, not fork: dbt's process runs threads (and DuckDB's), which a fork would copy
    # mid-flight; each worker imports pm4py and reads the model itself, and an error it raises
    # (a missing or unreadable model) is raised here again
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=len(parts), mp_context=context) as pool:
            return [row for part in pool.map(_replay, parts, repeat(model_path)) for row in part]
    except BrokenProcessPool as exc:
        raise RuntimeError(
            "pm_variant_conformance: a token-replay worker process ended without a result (out of "
            "memory?); set the var pm_worker_processes to 1 to replay in the dbt process"
        ) from exc


def _stored_replays(stored: pd.DataFrame | None, fingerprint: str) -> dict[tuple[str, str], dict]:
    """(variant_id, variant_activities) -> REPLAY_COLUMNS of the stored rows replayed under
    `fingerprint`; rows of another fingerprint are not reused, nor any row of a table written
    before it had every column needed (a build of an earlier version: everything is replayed)."""
    needed = ("variant_id", "variant_activities", "replay_fingerprint", *REPLAY_COLUMNS)
    if stored is None or stored.empty or any(c not in stored.columns for c in needed):
        return {}
    reusable = stored[stored["replay_fingerprint"] == fingerprint]
    return {
        (str(row["variant_id"]), str(row["variant_activities"])): {c: row[c] for c in REPLAY_COLUMNS}
        for row in reusable.to_dict("records")
    }


def variant_conformance(steps: pd.DataFrame, variants: pd.DataFrame, model_path: str | Path | None = None,
                        processes: int | None = 1, stored: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per variant: token-replay fitness against the normative model and what deviates.

    An event whose activity is not in the model counts as a missing and a remaining token
    (fitness below 1). The deviating
    activities are those fired with missing tokens or absent from the model, in trace order.
    Case counts come from `variants`, so the shares read as shares of invoices.
    `processes`: worker processes for the replay (None: the machine's cores); used only above
    MIN_VARIANTS_PER_PROCESS variants per process (replay_processes). The rows do not depend on it.
    `stored`: the rows an earlier build wrote (pm_variant_conformance in an incremental run): a
    variant with a stored row of the same id, the same activities and the same replay_fingerprint
    is not replayed again, its REPLAY_COLUMNS are taken from that row. The rows do not depend on it.
    """
    traces = variant_traces(steps)
    counts = variant_counts(variants)
    if not traces:
        return empty_frame(CONFORMANCE_COLUMNS)
    unknown = sorted(set(traces) - set(counts))
    if unknown:
        raise ValueError(f"pm_variant_steps: variant {unknown[0]} is not in pm_variants")

    fingerprint = replay_fingerprint(model_path)
    reusable = _stored_replays(stored, fingerprint)
    variant_ids = sorted(traces)
    activities = {v: " > ".join(traces[v]) for v in variant_ids}
    to_replay = [v for v in variant_ids if (v, activities[v]) not in reusable]
    replayed = dict(zip(to_replay, _replay_all([traces[v] for v in to_replay], model_path, processes))) if to_replay else {}
    total_cases = sum(counts[v] for v in variant_ids)
    model_name = Path(model_path).name if model_path else NORMATIVE_BPMN.name
    rows = []
    for v in variant_ids:
        replay = replayed[v] if v in replayed else reusable[(v, activities[v])]
        n = counts[v]
        rows.append({
            "variant_id": v,
            "variant_activities": activities[v],
            **replay,
            "case_count": n,
            "case_share": n / total_cases if total_cases else 0.0,
            "deviating_cases": 0 if replay["is_fit"] else n,
            "deviating_case_share": 0.0 if replay["is_fit"] or not total_cases else n / total_cases,
            "normative_model": model_name,
            "replay_fingerprint": fingerprint,
        })
    frame = pd.DataFrame(rows, columns=list(CONFORMANCE_COLUMNS)).astype(CONFORMANCE_COLUMNS)
    return frame.sort_values(["case_count", "variant_id"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
