"""Who works each invoice, and when: collector assignments that change over time.

Real collections teams move customers between collectors: portfolios are rebalanced, teams are
reorganised, collectors leave and are replaced. Each customer has a dated assignment history
(``CollectorPlan``); every collection action on an invoice (letter or reminder sent by a person,
call, promise or dispute recorded, credit-limit request) is done by the collector assigned to the
customer at that instant. Write-offs are posted by AR managers (a worker role of their own, not
collectors); clerks post invoices, payments and settlements; HighRadius sends its automated
letters as ``SYSTEM`` and evaluates promises itself.

Sources only know *today's* assignment: ``hr_customer.collector_id`` holds the latest one, and
D365 has no collector master at all (collectors appear as the creators of collection records).

``plan`` runs after the business is simulated and before the raw tables are built (it adds the
joiners and managers to the workers and sets each customer's current collector); ``attribute``
rewrites the actor columns of the built tables from the history; ``write_truth`` writes
``ground_truth/event_collectors.parquet`` and the ``collector`` column of ``invoices.parquet``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .cases import Cases, dictionary, run_position, sort_within_runs
from .model import CODE_IDX, DAY, NEVER, World
from .names import person_names
from .writer import Writer

# per customer: expected number of individual portfolio moves over 24 months
MOVES_PER_CUSTOMER_24M = 0.6
# per collector present at the start: probability of leaving within the window (replaced by a joiner)
P_LEAVE = 0.3
# share of a leaver's customers that go to the joiner (the rest to the other collectors)
JOINER_SHARE = 0.6
# team reorganisations per company over the window, each moving this share of customers
REORGS_24M = 1
REORG_SHARE = 0.25

COLLECTOR_ACTIONS = ("CREDIT_LIMIT_REQUESTED", "PAYMENT_REMINDER_SENT", "DUNNING_LETTER_1_SENT",
                     "DUNNING_LETTER_2_SENT", "DUNNING_LETTER_3_SENT", "DUNNING_LETTER_4_SENT",
                     "COLLECTION_CALL_MADE", "PROMISE_TO_PAY_MADE", "PROMISE_TO_PAY_KEPT", "PROMISE_TO_PAY_BROKEN",
                     "PROMISE_TO_PAY_CANCELLED", "DISPUTE_OPENED", "DISPUTE_RESOLVED")
SHIFT = 34  # customer index << SHIFT | seconds: one sortable key per (customer, instant)


@dataclass
class CollectorPlan:
    """Assignment history: row i says customer ``cust[i]`` is worked by worker ``worker[i]`` from
    ``from_ts[i]`` (UTC seconds) on; rows sorted by (customer, from_ts); the first row of a
    customer starts before any event."""
    cust: np.ndarray
    from_ts: np.ndarray
    worker: np.ndarray
    managers: dict[int, np.ndarray]  # company index -> worker indices of its AR managers
    n_workers_before: int
    leavers: int
    joiners: int

    def key(self, cust: np.ndarray, ts: np.ndarray) -> np.ndarray:
        return (np.asarray(cust, dtype=np.int64) << SHIFT) | np.clip(np.asarray(ts, dtype=np.int64), 0, (1 << SHIFT) - 1)

    def at(self, cust: np.ndarray, ts: np.ndarray) -> np.ndarray:
        """Worker index of the collector assigned to each customer at each instant."""
        keys = self.key(self.cust, self.from_ts)
        pos = np.searchsorted(keys, self.key(cust, ts), side="right") - 1
        return self.worker[pos]

    @property
    def reassignments(self) -> int:
        return int(len(self.cust) - len(np.unique(self.cust)))


def plan(w: World, rng: np.random.Generator) -> CollectorPlan:
    """Draw the assignment history; adds joiners and AR managers to ``w.workers`` and sets each
    customer's current (latest) collector in ``w.cust['collector']``."""
    wk = w.workers
    n_before = len(wk["company"])
    comp_of_cust = w.cust["company"]
    start_ts = w.start_day * DAY
    span_days = w.end_day - w.start_day
    scale = span_days / 730.0
    new_comp: list[int] = []
    new_role: list[str] = []
    rows_c: list[np.ndarray] = []
    rows_t: list[np.ndarray] = []
    rows_w: list[np.ndarray] = []
    leavers = joiners = 0
    for ci in range(len(w.companies)):
        custs = np.flatnonzero(comp_of_cust == ci)
        if len(custs) == 0:
            continue
        current = w.cust["collector"][custs].copy()
        active = list(np.flatnonzero((wk["company"] == ci) & (wk["role"] == "collector")))
        rows_c.append(custs)
        rows_t.append(np.full(len(custs), -1, dtype=np.int64))
        rows_w.append(current.copy())
        # change events: (day, kind, payload); kinds processed in day order
        evs: list[tuple[int, int, int]] = []
        for wi in list(active):
            if rng.random() < P_LEAVE:
                evs.append((int(w.start_day + 45 + rng.integers(0, max(1, span_days - 90))), 0, int(wi)))
        for _ in range(rng.poisson(REORGS_24M * scale)):
            evs.append((int(w.start_day + 30 + rng.integers(0, max(1, span_days - 60))), 1, -1))
        n_moves = rng.poisson(MOVES_PER_CUSTOMER_24M * scale, len(custs))
        for j in np.flatnonzero(n_moves):
            for _ in range(n_moves[j]):
                evs.append((int(w.start_day + 1 + rng.integers(0, max(1, span_days - 2))), 2, int(j)))
        evs.sort()
        for day, kind, payload in evs:
            ts = np.int64(day) * DAY
            if kind == 0:  # a collector leaves; a joiner takes over most of the portfolio
                if payload not in active or len(active) < 2:
                    continue
                new_idx = n_before + len(new_comp)
                new_comp.append(ci)
                new_role.append("collector")
                active.remove(payload)
                active.append(new_idx)
                leavers += 1
                joiners += 1
                mine = np.flatnonzero(current == payload)
                others = [a for a in active if a != new_idx]
                to_joiner = (rng.random(len(mine)) < JOINER_SHARE) | (len(others) == 0)
                dest = np.where(to_joiner, new_idx,
                                np.array(others)[rng.integers(0, max(1, len(others)), len(mine))] if others else new_idx)
                changed = mine
                current[mine] = dest
            elif kind == 1:  # reorganisation: a share of the customers move to another collector
                if len(active) < 2:
                    continue
                changed = np.flatnonzero(rng.random(len(custs)) < REORG_SHARE)
                pool = np.array(active)
                pick = pool[rng.integers(0, len(pool) - 1, len(changed))]
                # never 'move' a customer to the collector it already has
                current[changed] = np.where(pick == current[changed], pool[-1], pick)
            else:  # one customer moves to another collector
                if len(active) < 2:
                    continue
                others = [a for a in active if a != current[payload]]
                current[payload] = others[rng.integers(0, len(others))]
                changed = np.array([payload])
            if len(changed):
                rows_c.append(custs[changed])
                rows_t.append(np.full(len(changed), ts, dtype=np.int64))
                rows_w.append(current[changed].copy())
        w.cust["collector"][custs] = current
    # AR managers: one per company, two where the team is large
    managers: dict[int, np.ndarray] = {}
    for ci in range(len(w.companies)):
        n_coll = int(((wk["company"] == ci) & (wk["role"] == "collector")).sum())
        k = 1 if n_coll < 10 else 2
        first = n_before + len(new_comp)
        new_comp += [ci] * k
        new_role += ["manager"] * k
        managers[ci] = np.arange(first, first + k)
    names, users = person_names(rng, len(new_comp))
    users = np.array([f"{u[:-3]}{k:03d}" for k, u in zip(w.ids.numbers("worker", len(new_comp), n_before), users)],
                     dtype=object)
    wk["company"] = np.concatenate([wk["company"], np.array(new_comp, dtype=np.int64)])
    wk["role"] = np.concatenate([wk["role"], np.array(new_role, dtype=object)])
    wk["name"] = np.concatenate([wk["name"], names])
    wk["user"] = np.concatenate([wk["user"], users])
    c = np.concatenate(rows_c)
    t = np.concatenate(rows_t)
    wo = np.concatenate(rows_w)
    # several changes of one customer on the same day: the last one holds
    o = np.lexsort((np.arange(len(c)), t, c))
    c, t, wo = c[o], t[o], wo[o]
    last = np.ones(len(c), dtype=bool)
    last[:-1] = (c[1:] != c[:-1]) | (t[1:] != t[:-1])
    c, t, wo = c[last], t[last], wo[last]
    # a change that hands the customer to the collector it already had is no change
    same = np.zeros(len(c), dtype=bool)
    same[1:] = (c[1:] == c[:-1]) & (wo[1:] == wo[:-1])
    c, t, wo = c[~same], t[~same], wo[~same]
    t = np.where(t < 0, 0, t)
    return CollectorPlan(cust=c, from_ts=t, worker=wo, managers=managers, n_workers_before=n_before,
                         leavers=leavers, joiners=joiners)


# ----------------------------------------------------------------------------- raw tables
def _cust_of_account(w: World, comp_code: np.ndarray, company: pd.Series, account: pd.Series) -> np.ndarray:
    key = pd.Series(np.arange(len(w.cust["account"])),
                    index=pd.Index(comp_code[w.cust["company"]] + "|" + w.cust["account"].astype(object)))
    return key.reindex(company.astype(str) + "|" + account.astype(str)).to_numpy()


def _ts(col: pd.Series) -> np.ndarray:
    return col.to_numpy(dtype=np.int64)


def attribute(w: World, p: CollectorPlan, d: dict[str, pd.DataFrame], hr: dict[str, pd.DataFrame], keys: dict,
              rng: np.random.Generator) -> dict[str, int]:
    """Rewrite the actor columns of the raw tables: each collection record names the collector
    assigned to its customer when it was made; write-offs name an AR manager. Returns counts."""
    comp_code = np.array([c.code for c in w.companies], dtype=object)
    users = w.workers["user"]
    w_recid = d["hcmworker"]["recid"].to_numpy(np.int64)  # one row per worker, in worker order
    inv_cust = w.inv["cust"]
    inv_of_ct = pd.Series(np.arange(len(keys["ct_inv_recid"])), index=keys["ct_inv_recid"])

    def cust_of_ct(recids: pd.Series) -> np.ndarray:
        return inv_cust[inv_of_ct.reindex(recids.to_numpy()).to_numpy(np.int64)]

    # ---------------------------------------------------------------- D365
    ccl = d["custcollectionletterjour"]
    cu = _cust_of_account(w, comp_code, ccl["dataareaid"], ccl["accountnum"])
    ccl["createdby"] = users[p.at(cu, _ts(ccl["createddatetime"]))]
    dh = d["custdisputehistory"]
    who = p.at(cust_of_ct(dh["custtrans"]), _ts(dh["createddatetime"]))
    dh["createdby"] = users[who]
    dh["responsibleworker"] = w_recid[who]
    act, link = d["smmactivities"], d["custcollectionslinkactivitiescusttrans"]
    ref = pd.Series(link["refrecid"].to_numpy(), index=link["primaryrecid"].to_numpy())
    ref = ref[~ref.index.duplicated()]
    who = p.at(cust_of_ct(ref.reindex(act["recid"].to_numpy())), _ts(act["startdatetime"]))
    act["createdby"] = users[who]
    act["responsibleworker"] = w_recid[who]
    adj, adj_tr = d["credmancreditlimitadjtable"], d["credmancreditlimitadjtrans"]
    acc_of_journal = adj_tr.drop_duplicates(["dataareaid", "journalid"]).set_index(["dataareaid", "journalid"])["custaccount"]
    acc = acc_of_journal.reindex(pd.MultiIndex.from_arrays([adj["dataareaid"], adj["journalid"]])).reset_index(drop=True)
    cu = _cust_of_account(w, comp_code, adj["dataareaid"].reset_index(drop=True), acc)
    adj["createdby"] = users[p.at(cu, _ts(adj["createddatetime"]))]
    # the workflow submission is made by the requester
    wf, wt = d["workflowtrackingstatustable"], d["workflowtrackingtable"]
    requester = pd.Series(adj["createdby"].to_numpy(), index=adj["recid"].to_numpy())
    requester = requester[~requester.index.duplicated()]
    req_of_wf = pd.Series(requester.reindex(wf["contextrecid"].to_numpy()).to_numpy(), index=wf["recid"].to_numpy())
    sub = wt["trackingtype"].to_numpy() == 23
    wt.loc[sub, "user"] = req_of_wf.reindex(wt.loc[sub, "workflowtrackingstatustable"].to_numpy()).to_numpy()
    # write-offs: posted by an AR manager of the company, who also makes the settlement
    ct, cs = d["custtrans"], d["custsettlement"]
    wo_rows = np.flatnonzero(ct["transtype"].to_numpy() == 35)
    comp_idx = pd.Series(np.arange(len(comp_code)), index=comp_code)
    wo_comp = comp_idx.reindex(ct["dataareaid"].to_numpy()[wo_rows]).to_numpy(np.int64)
    mgr = np.array([p.managers[c][rng.integers(0, len(p.managers[c]))] for c in wo_comp], dtype=np.int64)
    ct.loc[ct.index[wo_rows], "createdby"] = users[mgr]
    poster = pd.Series(users[mgr], index=ct["recid"].to_numpy()[wo_rows])
    poster = poster[~poster.index.duplicated()]
    for side in ("transrecid", "offsetrecid"):
        hit = cs[side].isin(poster.index).to_numpy()
        cs.loc[hit, "createdby"] = poster.reindex(cs.loc[hit, side].to_numpy()).to_numpy()

    # ---------------------------------------------------------------- HighRadius
    hr_comp = np.array([c.collections_system == "HIGHRADIUS" for c in w.companies])
    ever = np.unique(p.worker[hr_comp[w.cust["company"][p.cust]]])
    coll_id = np.full(len(users), None, dtype=object)
    coll_id[ever] = pd.Series(w.ids.numbers("COL", len(ever))).map(lambda k: f"COL{k:04d}").to_numpy()
    never_before = w.start_day * DAY - 200 * DAY
    hr["hr_collector"] = pd.DataFrame({  # HighRadius keeps the collectors who left
        "collector_id": coll_id[ever], "collector_name": w.workers["name"][ever],
        "team": np.array([comp_code[c] + " Collections" for c in w.workers["company"][ever]], dtype=object),
        "_company": w.workers["company"][ever], "_change_ts": never_before})
    hc = hr["hr_customer"]
    cu = _cust_of_account(w, comp_code, hc["company_code"], hc["customer_number"])
    hc["collector_id"] = coll_id[w.cust["collector"][cu]]  # today's assignment only

    def hr_actor(df: pd.DataFrame, ts_col: str) -> np.ndarray:
        cu = _cust_of_account(w, comp_code, df["company_code"], df["customer_number"])
        return coll_id[p.at(cu, _ts(df[ts_col]))]

    cor = hr["hr_correspondence"]
    by_person = cor["sent_by"].to_numpy() != "SYSTEM"
    cor.loc[by_person, "sent_by"] = hr_actor(cor, "sent_at")[by_person]
    ha = hr["hr_collection_activity"]
    ha["collector_id"] = hr_actor(ha, "created_at")
    pp = hr["hr_promise_to_pay"]
    pp["created_by"] = hr_actor(pp, "created_at")
    ds = hr["hr_dispute"]
    ds["owner_id"] = hr_actor(ds, "_change_ts")  # the owner when this version was extracted: today's
    sh = hr["hr_dispute_status_history"]
    d_acc = ds.drop_duplicates("dispute_id").set_index("dispute_id")[["company_code", "customer_number"]]
    sh_acc = d_acc.reindex(sh["dispute_id"].to_numpy()).reset_index(drop=True)
    sh["changed_by"] = coll_id[p.at(_cust_of_account(w, comp_code, sh_acc["company_code"], sh_acc["customer_number"]),
                                    _ts(sh["changed_at"]))]
    rv = hr["hr_credit_review"]
    rv["requested_by"] = hr_actor(rv, "requested_at")
    ca = hr["hr_cash_application"]
    manual = ca["matched_by"].to_numpy() != "SYSTEM"
    inv_idx = pd.Series(np.arange(len(keys["inv_id"])),
                        index=pd.Index(keys["case_company"] + "|" + keys["inv_id"].astype(object)))
    ci = inv_idx.reindex(ca["company_code"].astype(str) + "|" + ca["invoice_number"].astype(str)).to_numpy(np.int64)
    ca.loc[manual, "matched_by"] = coll_id[p.at(inv_cust[ci], _ts(ca["matched_at"]))][manual]
    return {"write_offs_by_managers": int(len(wo_rows))}


# ----------------------------------------------------------------------------- ground truth
# who does a true event (``done_by``), as integer codes into DONE_BY
DONE_BY = np.array(["clerk", "collector", "approver", "manager", "system"], dtype=object)
CLERK, COLLECTOR, APPROVER, MANAGER, SYSTEM = range(5)


def _codes(*names: str) -> np.ndarray:
    return np.array([CODE_IDX[n] for n in names], dtype=np.int64)


def _done_by(w: World, inv_i: np.ndarray, ts: np.ndarray, code: np.ndarray, hr_comp: np.ndarray) -> np.ndarray:
    """Who did each true event (codes into ``DONE_BY``): ``collector`` for the collector actions
    (HighRadius letters only when sent by a person, HighRadius promise ends are evaluated by the
    system), ``manager`` for write-offs (and for the settlement of an invoice a write-off closed),
    ``approver`` for credit decisions, ``clerk`` for invoices, payments and settlements,
    ``system`` for receipts, automated letters and derived events."""
    by_code = np.full(len(CODE_IDX), CLERK, dtype=np.int8)
    by_code[_codes(*COLLECTOR_ACTIONS)] = COLLECTOR
    by_code[_codes("CREDIT_LIMIT_APPROVED", "CREDIT_LIMIT_REJECTED")] = APPROVER
    by_code[_codes("INVOICE_WRITTEN_OFF", "INVOICE_PARTIALLY_WRITTEN_OFF")] = MANAGER
    by_code[_codes("DUE_DATE_PASSED")] = SYSTEM
    kind = by_code[code]
    # an invoice closed by a (non-material) write-off is settled by the write-off's settlement,
    # which the AR manager who posted the write-off makes
    closed_by_write_off = np.asarray(w.inv["closing_kind"] == "write-off", dtype=bool)
    kind[(code == CODE_IDX["INVOICE_SETTLED"]) & closed_by_write_off[inv_i]] = MANAGER
    by_system = np.zeros(len(CODE_IDX), dtype=bool)
    by_system[_codes("PAYMENT_RECEIVED", "PAYMENT_REMINDER_SENT", "PROMISE_TO_PAY_KEPT", "PROMISE_TO_PAY_BROKEN",
                     "PROMISE_TO_PAY_CANCELLED")] = True
    kind[hr_comp & by_system[code]] = SYSTEM
    # HighRadius letters: by a person or by the system, as the letter says
    is_letter = np.zeros(len(CODE_IDX), dtype=bool)
    is_letter[_codes(*(f"DUNNING_LETTER_{k}_SENT" for k in range(1, 5)))] = True
    letter = np.flatnonzero(is_letter[code] & hr_comp)
    kind[letter[~_letter_by_person(w, inv_i[letter], ts[letter])]] = SYSTEM
    return kind


def _letter_by_person(w: World, inv_i: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Whether the letter of each (invoice, instant) was sent by a person (the first letter
    at that instant says; no letter: no)."""
    lt = w.letters
    if not len(lt["inv"]):
        return np.zeros(len(inv_i), dtype=bool)
    keys, first = np.unique((lt["inv"].astype(np.int64) << 32) | lt["ts"].astype(np.int64), return_index=True)
    wanted = (inv_i.astype(np.int64) << 32) | ts.astype(np.int64)
    pos = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
    return (keys[pos] == wanted) & np.asarray(lt["sent_by_collector"], dtype=bool)[first][pos]


def _actor_names(w: World, p: CollectorPlan) -> np.ndarray:
    """Identifiers as the event log shows them: entry ``worker`` is the worker's D365 user id,
    entry ``n_workers + worker`` its HighRadius collector id (None if HighRadius never saw it)."""
    hr_comp = np.array([c.collections_system == "HIGHRADIUS" for c in w.companies])
    hr_ever = np.unique(p.worker[hr_comp[w.cust["company"][p.cust]]])
    coll_id = np.full(len(w.workers["user"]), None, dtype=object)
    coll_id[hr_ever] = [f"COL{k:04d}" for k in w.ids.numbers("COL", len(hr_ever))]
    return np.concatenate([w.workers["user"].astype(object), coll_id])


def truth_frames(w: World, p: CollectorPlan, cases: Cases) -> tuple[pa.Table, pa.Table]:
    """(events with the collector who owned the case and who did the event, in case order; per
    invoice, in invoice order: the case's collector and whether it changed mid-case).

    ``done_by`` is described in :func:`_done_by`; ``owner_collector`` is the collector assigned
    to the customer at the event's instant. The case's collector is the one who did the last
    collector action at or before the outcome (settled / written-off time; open cases:
    everything up to the as-of date)."""
    ev = w.events
    inv_i = ev["invoice_index"].to_numpy(np.int64)
    ts = ev["ts"].to_numpy(np.int64)
    code = ev["activity_index"].to_numpy(np.int64)
    hr_comp = np.array([c.collections_system == "HIGHRADIUS" for c in w.companies])[w.inv["company"][inv_i]]
    names = pa.array(_actor_names(w, p), pa.string())
    owner = p.at(w.inv["cust"][inv_i], ts) + len(w.workers["user"]) * hr_comp
    kind = _done_by(w, inv_i, ts, code, hr_comp)
    del hr_comp
    outcome = np.minimum(w.inv["settled_ts"], w.inv["outcome_wo_ts"])
    cutoff = np.where(outcome < NEVER, outcome, (w.as_of_day + 1) * DAY - 1)
    # events are in (invoice, time, catalogue order): the last counted one per invoice wins
    idx = np.flatnonzero((kind == COLLECTOR) & (ts <= cutoff[inv_i]))
    last = idx[np.append(inv_i[idx][1:] != inv_i[idx][:-1], True)] if len(idx) else idx
    n_inv = len(w.inv["company"])
    collector = np.full(n_inv, -1, dtype=np.int64)
    collector[inv_i[last]] = owner[last]
    # cases whose customer changed collector while they were open (after posting, up to the outcome)
    keys_all = p.key(p.cust, p.from_ts)
    lo = np.searchsorted(keys_all, p.key(w.inv["cust"], w.inv["posted_ts"]), side="right")
    hi = np.searchsorted(keys_all, p.key(w.inv["cust"], cutoff), side="right")
    invoices = pa.table({"collector": names.take(pa.array(collector, mask=collector < 0)),
                         "collector_changed_mid_case": hi > lo})
    # case order; within a case (event time, activity code): events at the same instant are
    # reordered by the code's name
    o = cases.event_order(inv_i)
    inv_i, ts, code, kind, owner = inv_i[o], ts[o], code[o], kind[o], owner[o]
    code_names = np.array(list(CODE_IDX), dtype=str)
    alpha = np.argsort(np.argsort(code_names, kind="stable"), kind="stable")
    o = sort_within_runs(np.cumsum(np.append(True, (inv_i[1:] != inv_i[:-1]) | (ts[1:] != ts[:-1]))), alpha[code])
    inv_i, ts, code, kind, owner = inv_i[o], ts[o], code[o], kind[o], owner[o]
    events = pa.table({
        "case_id": cases.column(cases.case_id, inv_i), "event_rank": run_position(inv_i),
        "activity_code": dictionary(code_names, code), "event_ts": ts,
        "done_by": dictionary(DONE_BY, kind), "owner_collector": dictionary(names, owner)})
    return events, invoices


def write_truth(w: World, p: CollectorPlan, dest: Path, writer: Writer, attributed: dict[str, int],
                cases: Cases) -> tuple[dict[str, int], pa.Table]:
    """Hands ``event_collectors.parquet`` (one row per true event: who did it, who owned the
    case) to the writer; returns the counts for the manifest and, per invoice in invoice order,
    the ``collector`` columns of ``invoices.parquet``."""
    events, invoices = truth_frames(w, p, cases)
    writer.copy_later("""
        select case_id, event_rank, activity_code, make_timestamp(event_ts * 1000000) as event_timestamp,
               done_by, owner_collector
        from coll_ev""", {"coll_ev": events}, dest / "event_collectors.parquet", "FORMAT parquet, COMPRESSION zstd")
    counts = {"collector_reassignments": p.reassignments, "collector_leavers": p.leavers,
              "collector_joiners": p.joiners, "ar_managers": int(sum(len(m) for m in p.managers.values())),
              "cases_with_collector_change_mid_case": int(pc.sum(invoices["collector_changed_mid_case"]).as_py() or 0),
              "cases_without_collector": int(invoices["collector"].null_count),
              "write_offs_posted_by_managers": attributed["write_offs_by_managers"]}
    return counts, invoices
