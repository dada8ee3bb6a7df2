"""Fast checks of a built database against the simulator's ground truth (``<zone>/ground_truth``).

The same comparisons as the pytest ground-truth tests (test_event_log, test_outcomes,
test_conformance, test_promises, test_collections_marts, test_point_in_time, test_collectors),
and a few more of the KPI marts, in one function each that returns what differs (None when
nothing does), so that the mutation harness can run them on the small CI landing zone in under
a second. They need a landing zone whose injected faults change no
real invoice (the default faults): every invoice must then equal its truth.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from c2c.db import connect_built

MODEL_STATUS = {"settled": "settled", "credited": "credited", "written off": "written_off"}
RULES = [f"R0{i}" for i in range(1, 10)]


class Truth:
    """The ground truth of a landing zone, read once."""

    def __init__(self, zone: Path):
        folder = zone / "ground_truth"
        self.events = pd.read_parquet(folder / "events.parquet")
        self.invoices = pd.read_parquet(folder / "invoices.parquet").set_index("case_id")
        self.promises = pd.read_parquet(folder / "promises.parquet")
        self.credit_decisions = pd.read_parquet(folder / "credit_decisions.parquet")
        self.violations = pd.read_parquet(folder / "violations.parquet")
        self.event_collectors = pd.read_parquet(folder / "event_collectors.parquet")
        self.as_of_date = json.loads((folder / "manifest.json").read_text())["as_of_date"]
        for column in ("invoice_date", "due_date", "settled_at"):
            self.invoices[column] = pd.to_datetime(self.invoices[column])


def _sequences(df: pd.DataFrame, order: list[str]) -> dict[str, list]:
    df = df.sort_values(order)
    out: dict[str, list] = {}
    for case, code, ts in zip(df["case_id"], df["activity_code"], pd.to_datetime(df["event_timestamp"]).dt.floor("s")):
        out.setdefault(case, []).append((code, ts))
    return out


def _int(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _diff(label: str, got: dict, want: dict) -> str | None:
    keys = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    if not keys:
        return None
    k = keys[0]
    return f"{label}: {len(keys)} differ, e.g. {k}: built {got.get(k)!r}, truth {want.get(k)!r}"


def event_log(con, truth: Truth) -> str | None:
    """Every case's activities and times (to the second) in the event log's order."""
    log = con.execute("select case_id, activity_code, event_timestamp, activity_order, event_id "
                      "from event_log").df()
    got = _sequences(log, ["case_id", "event_timestamp", "activity_order", "event_id"])
    return _diff("event_log", got, _sequences(truth.events, ["case_id", "sequence"]))


def cases(con, truth: Truth) -> str | None:
    """Each case's outcome, amount, due date and written-off amount; the as-of date."""
    df = con.execute("select case_id, status, invoice_amount, due_date, written_off_amount, written_off_at, "
                     "days_past_due, cast(as_of_date as varchar) as as_of_date from cases").df()
    df = df.set_index("case_id")
    inv = truth.invoices
    got = {c: (MODEL_STATUS.get(s, "open"), round(float(a), 2), pd.Timestamp(d), round(float(w or 0), 2),
               pd.isna(wa), pd.isna(p) or MODEL_STATUS.get(s, "open") == "open")
           for c, s, a, d, w, wa, p in zip(df.index, df.status, df.invoice_amount, df.due_date,
                                          df.written_off_amount, df.written_off_at, df.days_past_due)}
    want = {c: (s, round(float(a), 2), pd.Timestamp(d), round(float(w), 2), pd.isna(wa), True)
            for c, s, a, d, w, wa in zip(inv.index, inv.status, inv.invoice_amount, inv.due_date,
                                         inv.written_off_amount, inv.written_off_at)}
    problem = _diff("cases (status, amount, due date, written off, its date, days past due only when open)",
                    got, want)
    as_of = set(df.as_of_date.str[:10])
    return problem or (None if as_of == {truth.as_of_date} else f"cases: as_of_date {as_of}, truth {truth.as_of_date}")


def conformance(con, truth: Truth) -> str | None:
    """The violations of fct_dunning_conformance are exactly the injected ones, one row per rule."""
    mart = con.execute("select case_id, rule_id, status from fct_dunning_conformance").df()
    rows = mart.groupby("case_id").rule_id.apply(sorted)
    if set(rows.index) != set(truth.invoices.index) or not rows.apply(lambda r: r == RULES).all():
        return "fct_dunning_conformance: not one row per invoice and rule"
    violations = mart[mart.status == "violation"]
    got = {(c, r): True for c, r in zip(violations.case_id, violations.rule_id)}
    want = {(c, r): True for c, r in zip(truth.violations.case_id, truth.violations.rule_id)}
    return _diff("fct_dunning_conformance violations", got, want)


def promises(con, truth: Truth) -> str | None:
    """Each promise to pay's fate, start and end."""
    mart = con.execute("select case_id, source_record_id, outcome, promised_at, outcome_at "
                       "from fct_promises_to_pay").df()

    def second(ts):
        return None if pd.isna(ts) else pd.Timestamp(ts).floor("s")

    got = {(c, str(s)): (o, second(p), second(e)) for c, s, o, p, e in
           zip(mart.case_id, mart.source_record_id, mart.outcome, mart.promised_at, mart.outcome_at)}
    t = truth.promises
    want = {(c, str(s)): (f, second(m), second(e)) for c, s, f, m, e in
            zip(t.case_id, t.promise_source_id, t.fate, t.made_at, t.ended_at)}
    return _diff("fct_promises_to_pay", got, want)


def credit_decisions(con, truth: Truth) -> str | None:
    """Each credit-limit request's own decision and its time, per case (the requests of a case
    as a sorted list: two requests may share a case and a request time)."""
    mart = con.execute("select case_id, requested_at, decision, decided_at from fct_credit_limit_decisions").df()

    def per_case(case_ids, requested, decision, decided) -> dict[str, list]:
        out: dict[str, list] = {}
        for c, r, d, t in zip(case_ids, requested, decision, decided):
            out.setdefault(c, []).append((str(pd.Timestamp(r).floor("s")), d,
                                          None if pd.isna(t) else str(pd.Timestamp(t).floor("s"))))
        return {c: sorted(v, key=str) for c, v in out.items()}

    t = truth.credit_decisions
    return _diff("fct_credit_limit_decisions", per_case(mart.case_id, mart.requested_at, mart.decision, mart.decided_at),
                 per_case(t.case_id, t.requested_at, t.decision, t.decided_at))


def cycle_times(con, truth: Truth) -> str | None:
    """Days to pay and days past due at settlement of each settled invoice; none for the others."""
    mart = con.execute("select case_id, days_to_pay, days_past_due_at_settlement "
                       "from fct_invoice_cycle_times").df().set_index("case_id")
    inv = truth.invoices
    settled = inv.status == "settled"
    day = inv.settled_at.dt.normalize()
    want = {c: ((d - i).days, (d - due).days) if s else (None, None)
            for c, s, d, i, due in zip(inv.index, settled, day, inv.invoice_date, inv.due_date)}
    settled_cases = set(inv.index[settled])
    got = {c: (_int(p), _int(late) if c in settled_cases else None)
           for c, p, late in zip(mart.index, mart.days_to_pay, mart.days_past_due_at_settlement)}
    problem = _diff("fct_invoice_cycle_times (days to pay, days past due at settlement)", got, want)
    return problem or promise_and_dispute_counts(con, truth)


def promise_and_dispute_counts(con, truth: Truth) -> str | None:
    """Per invoice in fct_invoice_cycle_times: the outcome of its promises to pay (broken before
    open before kept, else cancelled; 'no promise') and its number of disputes."""
    mart = con.execute("select case_id, promise_to_pay_outcome, promise_count, dispute_count "
                       "from fct_invoice_cycle_times").df()
    got = {c: (o, int(p), int(d)) for c, o, p, d in
           zip(mart.case_id, mart.promise_to_pay_outcome, mart.promise_count, mart.dispute_count)}
    fates = truth.promises.groupby("case_id").fate.agg(set)
    disputes = truth.events[truth.events.activity_code == "DISPUTE_OPENED"].groupby("case_id").size()

    def outcome(case: str) -> str:
        f = fates.get(case)
        if f is None:
            return "no promise"
        return next((name for name, kinds in (("broken", {"broken", "partially_kept"}), ("open", {"open"}),
                                              ("kept", {"kept"})) if f & kinds), "cancelled")

    promises_per_case = truth.promises.groupby("case_id").size()
    want = {c: (outcome(c), int(promises_per_case.get(c, 0)), int(disputes.get(c, 0))) for c in truth.invoices.index}
    return _diff("fct_invoice_cycle_times (promise outcome, promises, disputes)", got, want)


def ar_monthly(con, truth: Truth) -> str | None:
    """Open invoices per company on the as-of date, and sales per company, currency and month."""
    inv = truth.invoices
    open_now = con.execute(
        "select company_code, open_invoice_count from fct_ar_monthly where customer_segment = '*' "
        f"and currency = '*' and snapshot_date = date '{truth.as_of_date}'").df()
    problem = _diff("fct_ar_monthly open invoices on the as-of date",
                    dict(zip(open_now.company_code, open_now.open_invoice_count.astype(int))),
                    inv[inv.status == "open"].groupby("company_code").size().to_dict())
    sales = con.execute(
        "select company_code, currency, month_start_date, sales_amount from fct_ar_monthly "
        "where customer_segment = '*' and currency <> '*' and sales_amount > 0").df()
    got = {(c, cur, pd.Timestamp(m)): round(float(a), 2)
           for c, cur, m, a in zip(sales.company_code, sales.currency, sales.month_start_date, sales.sales_amount)}
    month = inv.invoice_date.dt.to_period("M").dt.to_timestamp()
    want = {k: round(float(v), 2) for k, v in
            inv.assign(month=month).groupby(["company_code", "currency", "month"]).invoice_amount.sum().items()}
    return problem or _diff("fct_ar_monthly sales per company, currency and month", got, want)


def precursor_outcomes(con, truth: Truth) -> str | None:
    """Each invoice's outcome in fct_write_off_precursors (a credited invoice counts as settled)."""
    mart = con.execute("select case_id, outcome, is_written_off from fct_write_off_precursors").df()
    got = {c: (o, bool(w)) for c, o, w in zip(mart.case_id, mart.outcome, mart.is_written_off)}
    names = {"written_off": "written off", "credited": "settled", "settled": "settled", "open": "open"}
    want = {c: (names[s], s == "written_off") for c, s in zip(truth.invoices.index, truth.invoices.status)}
    return _diff("fct_write_off_precursors outcome", got, want)


def credit_limit_at_invoicing(con, truth: Truth) -> str | None:
    """The customer's credit limit in force on each invoice date (fct_write_off_precursors)."""
    mart = con.execute("select case_id, credit_limit_at_invoicing_accounting from fct_write_off_precursors").df()
    got = {c: None if pd.isna(v) else round(float(v), 2)
           for c, v in zip(mart.case_id, mart.credit_limit_at_invoicing_accounting)}
    inv = truth.invoices
    want = {c: None if pd.isna(v) else round(float(v), 2) for c, v in zip(inv.index, inv.credit_limit_at_invoicing)}
    return _diff("fct_write_off_precursors credit limit at invoicing", got, want)


def collectors(con, truth: Truth) -> str | None:
    """The collector of each case, and who did each event (collector, manager, system ...) and
    for a collector's event, that it is the case's owner then."""
    df = con.execute("select case_id, collector_id from cases").df()
    problem = _diff("cases collector", {c: (None if pd.isna(v) else v) for c, v in zip(df.case_id, df.collector_id)},
                    {c: (None if pd.isna(v) else v) for c, v in zip(truth.invoices.index, truth.invoices.collector)})
    log = con.execute("select case_id, activity_code, event_timestamp, resource, resource_type from event_log").df()
    keys = ["case_id", "activity_code", "event_timestamp"]

    def keyed(df: pd.DataFrame, order: list[str]) -> pd.DataFrame:
        df = df.assign(event_timestamp=pd.to_datetime(df.event_timestamp).dt.floor("s")).sort_values(keys + order)
        return df.assign(k=df.groupby(keys).cumcount())

    ec = truth.event_collectors
    log, ec = keyed(log, ["resource_type", "resource"]), keyed(ec, ["done_by", "owner_collector"])
    got = {k: (t, r if t == "collector" else None)
           for k, t, r in zip(zip(log.case_id, log.activity_code, log.event_timestamp, log.k), log.resource_type,
                              log.resource)}
    want = {k: (d, o if d == "collector" else None)
            for k, d, o in zip(zip(ec.case_id, ec.activity_code, ec.event_timestamp, ec.k), ec.done_by,
                               ec.owner_collector)}
    return problem or _diff("event_log resource (who did each event)", got, want)


def collector_activity(con, truth: Truth) -> str | None:
    """fct_collector_activity per collector, company and month: the invoices a collector worked
    and their calls, letters and promises (the truth's events done by a collector), and the
    invoices assigned to them open at the month's end (or the as-of date) and settled in it."""
    mart = con.execute(
        "select collector_id, company_code, cast(activity_month_start_date as varchar) as month, invoices_worked, "
        "calls_made, letters_sent, promises_obtained, open_invoices_at_month_end, invoices_written_off "
        "from fct_collector_activity").df()
    got = {(c, co, m[:10]): tuple(int(x) for x in rest) for c, co, m, *rest in mart.itertuples(index=False)}
    inv = truth.invoices
    ec = truth.event_collectors[truth.event_collectors.done_by == "collector"].copy()
    ec["company_code"] = ec.case_id.map(inv.company_code)
    ec["month"] = pd.to_datetime(ec.event_timestamp).dt.to_period("M").astype(str) + "-01"
    code = ec.activity_code
    flagged = ec.assign(call=code == "COLLECTION_CALL_MADE", letter=code.str.startswith("DUNNING_LETTER_"),
                        promise=code == "PROMISE_TO_PAY_MADE")
    actions = flagged.groupby(["owner_collector", "company_code", "month"]).agg(
        worked=("case_id", "nunique"), calls=("call", "sum"), letters=("letter", "sum"), promises=("promise", "sum"))
    as_of = pd.Timestamp(truth.as_of_date)
    assigned = inv[inv.collector.notna()].copy()
    closed_at = pd.to_datetime(assigned.written_off_at).where(assigned.status == "written_off", assigned.settled_at)
    assigned["closed"] = closed_at.where(assigned.status != "open").dt.normalize()
    first = assigned.invoice_date.min().to_period("M")
    want: dict[tuple, list[int]] = {}
    for month in pd.period_range(first, as_of.to_period("M"), freq="M"):
        snapshot = min(month.end_time.normalize(), as_of)
        open_then = assigned[(assigned.invoice_date <= snapshot)
                             & (assigned.closed.isna() | (assigned.closed > snapshot))]
        for (collector, company), n in open_then.groupby(["collector", "company_code"]).size().items():
            want.setdefault((collector, company, str(month) + "-01"), [0] * 6)[4] = int(n)
    for (collector, company, month), row in actions.iterrows():
        want.setdefault((collector, company, month), [0] * 6)[:4] = [int(v) for v in row]
    written = assigned[assigned.written_off_at.notna()]
    for (collector, company, month), n in written.groupby(
            ["collector", "company_code", pd.to_datetime(written.written_off_at).dt.to_period("M").astype(str) + "-01"]
    ).size().items():
        want.setdefault((collector, company, month), [0] * 6)[5] = int(n)
    return _diff("fct_collector_activity (worked, calls, letters, promises, open at month end, written off)",
                 {k: v for k, v in got.items() if any(v)}, {k: tuple(v) for k, v in want.items()})


def dunning_effectiveness(con, truth: Truth) -> str | None:
    """fct_dunning_effectiveness per company, segment, level and month of the letter: letters,
    invoices, letters observed 7/14/30 days by the as-of date and paid in cash within them,
    escalated to a higher level later, followed by a write-off; from the truth's letters."""
    columns = ["letters_sent", "invoices_dunned", "letters_observed_7_days", "letters_paid_within_7_days",
               "letters_observed_30_days", "letters_paid_within_30_days", "letters_escalated",
               "letters_followed_by_write_off"]
    mart = con.execute("select company_code, customer_segment, dunning_level, "
                       "cast(letter_month_start_date as varchar) as month, " + ", ".join(columns) +
                       " from fct_dunning_effectiveness").df()
    got = {(c, s, int(lv), m[:10]): tuple(int(x) for x in rest) for c, s, lv, m, *rest in mart.itertuples(index=False)}
    ev = truth.events
    letters = ev[ev.activity_code.str.fullmatch(r"DUNNING_LETTER_\d+_SENT")].copy()
    letters["level"] = letters.activity_code.str.extract(r"(\d+)", expand=False).astype(int)
    letters["sent"] = pd.to_datetime(letters.event_timestamp)
    inv = truth.invoices
    later = letters[["case_id", "level", "sent"]].merge(letters[["case_id", "level", "sent"]], on="case_id",
                                                        suffixes=("", "_later"))
    escalated = later[(later.level_later > later.level) & (later.sent_later >= later.sent)]
    letters["escalated"] = letters.set_index(["case_id", "sent", "level"]).index.isin(
        escalated.set_index(["case_id", "sent", "level"]).index)
    letters = letters.join(inv[["customer_segment", "status", "settled_at", "written_off_at", "has_cash_receipt"]],
                           on="case_id")
    observed = (pd.Timestamp(truth.as_of_date) - letters.sent.dt.normalize()).dt.days
    paid = (letters.status == "settled") & letters.has_cash_receipt & (letters.settled_at >= letters.sent)
    to_settle = ((letters.settled_at - letters.sent).dt.total_seconds() / 86400).where(paid)
    letters = letters.assign(
        segment=letters.customer_segment.fillna("unassigned"), month=letters.sent.dt.to_period("M").astype(str) + "-01",
        obs7=observed >= 7, paid7=(observed >= 7) & (to_settle <= 7), obs30=observed >= 30,
        paid30=(observed >= 30) & (to_settle <= 30),
        written_off=pd.to_datetime(letters.written_off_at) >= letters.sent)
    want = {k: (len(g), g.case_id.nunique(), int(g.obs7.sum()), int(g.paid7.sum()), int(g.obs30.sum()),
                int(g.paid30.sum()), int(g.escalated.sum()), int(g.written_off.sum()))
            for k, g in letters.groupby([letters.company_code, letters.segment, letters.level, letters.month])}
    return _diff("fct_dunning_effectiveness", got, want)


def precursor_lift(con, truth: Truth) -> str | None:
    """fct_write_off_precursor_lift: for every precursor value, the invoices with and without it
    are the truth's closed invoices (observed at invoicing) or its closed invoices still open
    at the horizon (observed at the horizon: the horizon date, due date + var
    write_off_precursor_horizon_days (60), reached by the as-of date and no outcome before the
    end of that day), and their write-offs the written-off ones among them."""
    lift = con.execute("select precursor, precursor_value, observed_at, invoices_with + invoices_without, "
                       "written_off_with + written_off_without from fct_write_off_precursor_lift").df()
    if set(lift.observed_at) != {"invoicing", "horizon"}:
        return f"fct_write_off_precursor_lift: observed at {sorted(set(lift.observed_at))}"
    inv = truth.invoices
    closed, written_off = inv.status != "open", inv.status == "written_off"
    outcome_at = pd.to_datetime(inv.written_off_at).fillna(inv.settled_at)
    horizon_end = inv.due_date + pd.Timedelta(days=61)
    at_horizon = (inv.due_date + pd.Timedelta(days=60) <= pd.Timestamp(truth.as_of_date)) & (
        outcome_at.isna() | (outcome_at >= horizon_end))
    want = {"invoicing": (int(closed.sum()), int(written_off.sum())),
            "horizon": (int((closed & at_horizon).sum()), int((written_off & at_horizon).sum()))}
    got = {(p, v, o): (int(n), int(w)) for p, v, o, n, w in lift.itertuples(index=False)}
    return _diff("fct_write_off_precursor_lift (closed invoices, written off)", got,
                 {k: want[k[2]] for k in got})


CHECKS: dict[str, Callable] = {
    "event_log": event_log,
    "cases": cases,
    "conformance": conformance,
    "promises": promises,
    "credit_decisions": credit_decisions,
    "cycle_times": cycle_times,
    "ar_monthly": ar_monthly,
    "precursor_outcomes": precursor_outcomes,
    "credit_limit_at_invoicing": credit_limit_at_invoicing,
    "collectors": collectors,
    "collector_activity": collector_activity,
    "dunning_effectiveness": dunning_effectiveness,
    "precursor_lift": precursor_lift,
}


def run_checks(db: Path, truth: Truth, names: list[str] | None = None) -> dict[str, str]:
    """The checks that fail on the database at db, each with what differs."""
    failed = {}
    with connect_built(db) as con:
        for name in names or list(CHECKS):
            try:
                problem = CHECKS[name](con, truth)
            except Exception as exc:  # a missing table or column is a difference too
                problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            if problem:
                failed[name] = problem
    return failed
