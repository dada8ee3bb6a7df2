"""An independent reading of the dunning rules R01-R09 over a true event sequence.

Used by the tests to prove that the simulated collectors follow the policy except where a
deviation was injected. It works on the ground-truth events (activity codes and UTC times)
and the invoices' due dates only, not on the simulator's internal state.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAY = 86_400


def evaluate(events: pd.DataFrame, invoices: pd.DataFrame, as_of_date, *, first_min=5, first_max=20,
             min_gap=14, final_level=3, write_off_wait=30) -> pd.DataFrame:
    """events: company_code, invoice_id, activity_code, event_timestamp; invoices: company_code,
    invoice_id, due_date. Returns (company_code, invoice_id, rule_id) of every violation."""
    key = ["company_code", "invoice_id"]
    ev = events[key + ["activity_code", "event_timestamp"]].copy()
    ev["day"] = pd.to_datetime(ev["event_timestamp"]).dt.normalize()
    due = invoices.set_index(key)["due_date"].map(pd.Timestamp)
    as_of = pd.Timestamp(as_of_date)
    out: list[tuple[str, str, str]] = []

    letters = ev[ev.activity_code.str.match(r"DUNNING_LETTER_\d_SENT")].copy()
    letters["level"] = letters.activity_code.str.extract(r"(\d)").astype(int)[0]
    letters = letters.sort_values(key + ["event_timestamp", "level"])

    def first_ts(code):
        s = ev[ev.activity_code == code].groupby(key)["event_timestamp"].min()
        return s

    settled = first_ts("INVOICE_SETTLED")
    written = first_ts("INVOICE_WRITTEN_OFF")
    intervals = {}
    for rule, a, b in (("R05", "DISPUTE_OPENED", "DISPUTE_RESOLVED"),
                       ("R07", "PROMISE_TO_PAY_MADE", None)):
        starts = ev[ev.activity_code == a].sort_values(key + ["event_timestamp"])
        if b:
            ends = ev[ev.activity_code == b].sort_values(key + ["event_timestamp"])
        else:
            # a promise ends kept, broken (also kept in part) or cancelled (also replaced by a new one);
            # the promises of one invoice follow each other, so the n-th end closes the n-th promise
            ends = ev[ev.activity_code.isin(["PROMISE_TO_PAY_KEPT", "PROMISE_TO_PAY_BROKEN", "PROMISE_TO_PAY_CANCELLED"])
                      ].sort_values(key + ["event_timestamp"])
        starts = starts.assign(n=starts.groupby(key).cumcount())
        ends = ends.assign(n=ends.groupby(key).cumcount())
        iv = starts.merge(ends[key + ["n", "event_timestamp"]], on=key + ["n"], how="left", suffixes=("", "_end"))
        intervals[rule] = iv

    # days under an open dispute or promise (letters are forbidden then) do not count towards the
    # maximum days after due of R02 and R09: per invoice the set of such dates, [start, end) by day
    paused: dict[tuple[str, str], set] = {}
    for rule in ("R05", "R07"):
        iv = intervals[rule]
        for comp, inv, started, ended in zip(iv["company_code"], iv["invoice_id"], iv["event_timestamp"],
                                             iv["event_timestamp_end"]):
            start = pd.Timestamp(started).normalize()
            end = as_of + pd.Timedelta(days=1) if pd.isna(ended) else pd.Timestamp(ended).normalize()
            days_set = paused.setdefault((comp, inv), set())
            days_set.update(pd.date_range(start, end - pd.Timedelta(days=1), freq="D"))
    # per invoice and rule, its intervals in order: (start, end or NaT while open)
    spans = {rule: {k: list(zip(g["event_timestamp"], g["event_timestamp_end"]))
                    for k, g in intervals[rule].groupby(key, sort=False)} for rule in ("R05", "R07")}

    def counted(comp: str, inv: str, d: pd.Timestamp, until: pd.Timestamp) -> int:
        """Days of (d, until] not under an open dispute or promise."""
        p = paused.get((comp, inv), set())
        return (until - d).days - sum(1 for x in p if d < x <= until)

    for (comp, inv), g in letters.groupby(key, sort=True):
        d = due.loc[(comp, inv)]
        days = ((g["day"] - d).dt.days).to_numpy()
        lv = g["level"].to_numpy()
        ts = g["event_timestamp"].to_numpy()
        if days[0] < first_min:
            out.append((comp, inv, "R01"))
        if counted(comp, inv, d, g["day"].iloc[0]) > first_max:
            out.append((comp, inv, "R02"))
        if lv[0] != 1 or np.any(lv[1:] > lv[:-1] + 1):
            out.append((comp, inv, "R03"))
        if len(days) > 1 and np.any(np.diff(days) < min_gap):
            out.append((comp, inv, "R04"))
        st = settled.get((comp, inv))
        if st is not None and np.any(ts > np.datetime64(st)):
            out.append((comp, inv, "R06"))
        for rule in ("R05", "R07"):
            for start, end in spans[rule].get((comp, inv), ()):
                inside = (ts > np.datetime64(start)) & (True if pd.isna(end) else ts < np.datetime64(end))
                if np.any(inside):
                    out.append((comp, inv, rule))
                    break
    lettered = set(map(tuple, letters[key].drop_duplicates().to_numpy()))
    final = letters[letters.level >= final_level].groupby(key)["day"].min()
    for (comp, inv), wts in written.items():
        f = final.get((comp, inv))
        if f is None or (pd.Timestamp(wts).normalize() - f).days < write_off_wait:
            out.append((comp, inv, "R08"))
    close = pd.concat([settled, written]).groupby(level=[0, 1]).min()
    for (comp, inv), d in due.items():
        if (comp, inv) in lettered:
            continue
        c = close.get((comp, inv))
        until = as_of if c is None else min(as_of, pd.Timestamp(c).normalize())
        if counted(comp, inv, d, until) > first_max:
            out.append((comp, inv, "R09"))
    return pd.DataFrame(out, columns=key + ["rule_id"]).drop_duplicates().sort_values(key + ["rule_id"]).reset_index(drop=True)
