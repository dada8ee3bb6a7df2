"""Shapes of the raw contract that the core simulation does not produce on its own.

Two steps, each called from one line of the pipeline:

- :func:`interest_notes` (on the world, before the true events are built): D365 interest notes
  (``custinvoicejour.refnum = 3``) for customers who pay late. An interest note is an invoice of
  the customer: it is a case like any other (posted, due, dunned, paid or written off); it is
  posted by the interest run, so it has no draft and no sales order, and its amount is small.
- :func:`table_shapes` (on the raw tables, before the landing-zone faults): rows that are no
  events of the log, or whose values do not change any event:
  customers blocked for invoicing or for everything (with the change as a second version of the
  customer row), free-text drafts never posted, planned calls not yet made (activities with
  ``closed = 0``), activity categories Appointment and Event, HighRadius letters whose delivery
  is still pending, HighRadius tasks and escalations, D365 credit-limit workflows approved in two
  levels (a first-level approval before the final approval or rejection: only the final step
  decides, so the first level is no event), and lake rows that carry an explicit
  ``isdelete = 0`` (from the day the export was switched to write it).

Every step records how many rows it made in ``world.shapes`` (printed by ``c2c simulate`` and
written to the manifest next to the counts per enumerated value).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model import AMOUNT_MEDIAN, DAY, HOUR, NEVER, World
from .frames import frame
from .tables import Lake, _fmt, _recids

__all__ = ["interest_notes", "table_shapes"]

INTEREST_RATE = 0.05  # share of the eligible invoices of late-paying customers that are interest notes
BLOCK_INVOICE_RATE = 0.10  # chronically late customers blocked for invoicing (CustVendorBlocked 1)
BLOCK_ALL_RATE = 0.30  # defaulting customers not already blocked for payment, blocked for everything (2)
ABANDONED_DRAFT_RATE = 0.02  # free-text drafts never posted, per posted draft
APPOINTMENT_RATE = 0.30  # D365 calls scheduled as appointments (category 0) rather than logged as actions (2)
EVENT_EMAIL_RATE = 0.50  # D365 e-mail activities recorded as events (category 3) rather than tasks (1)
ESCALATION_RATE = 0.20  # HighRadius invoices at the final dunning level escalated by their collector
TWO_LEVEL_APPROVAL_RATE = 0.25  # decided D365 credit-limit workflows with a first-level approval before the decision


def _rng(w: World, stream: int) -> np.random.Generator:
    return np.random.default_rng([w.cfg.seed, 14, stream])


def interest_notes(w: World) -> None:
    """Turn some plain invoices of late-paying customers into interest notes (refnum 3).

    Only invoices with nothing that depends on their amount beyond one payment or one write-off
    are chosen (no draft, dispute, promise, credit note, partial payment, or receipt shared with
    another invoice), so every amount of the world stays consistent after the change."""
    inv, al, pay = w.inv, w.allocations, w.payments
    n = len(inv["company"])
    rng = _rng(w, 1)
    n_alloc_inv = np.bincount(al["inv"], minlength=n)
    n_alloc_pay = np.bincount(al["pay"], minlength=len(pay["company"]))
    shared = np.zeros(n, dtype=bool)
    shared[al["inv"][n_alloc_pay[al["pay"]] > 1]] = True
    busy = np.zeros(n, dtype=bool)
    busy[al["inv"][~al["closes"]]] = True  # a partial payment: the rest is still owed
    # any family of the world that attaches an amount to an invoice (disputes, promises, credit
    # notes, and whatever a later step adds) keeps that invoice out: its amounts would no longer add up
    for part in vars(w).values():
        if isinstance(part, dict) and part is not al and {"inv", "amount"} <= set(part):
            busy[np.asarray(part["inv"], dtype=np.int64)] = True
    wo_whole = (inv["wo_ts"] >= NEVER) | (inv["wo_amount"] == inv["amount"])
    late_customer = np.isin(inv["behaviour"], (1, 2))
    eligible = late_customer & ~inv["has_draft"] & (inv["refnum"] != 2) & ~busy & ~shared & (n_alloc_inv <= 1) & wo_whole
    chosen = np.flatnonzero(eligible & (rng.random(n) < INTEREST_RATE))
    new_amount = np.maximum(4_000, np.round(AMOUNT_MEDIAN[inv["segment"][chosen]] * 0.02
                                            * rng.lognormal(0, 0.6, len(chosen)) * 100)).astype(np.int64)
    inv["refnum"] = inv["refnum"].copy()
    inv["refnum"][chosen] = 3
    inv["amount"][chosen] = new_amount
    inv["wo_amount"][chosen] = np.where(inv["wo_ts"][chosen] < NEVER, new_amount, 0)
    new_of = np.full(n, -1, dtype=np.int64)
    new_of[chosen] = new_amount
    hit = new_of[al["inv"]] >= 0
    al["amount"][hit] = new_of[al["inv"][hit]]
    pay["amount"] = np.bincount(al["pay"], weights=al["amount"], minlength=len(pay["company"])).astype(np.int64)
    w.shapes["d365.custinvoicejour.interest_notes"] = int(len(chosen))


def table_shapes(w: World, d: dict[str, pd.DataFrame], hr: dict[str, pd.DataFrame], keys: dict) -> None:
    """Add the row shapes listed in the module doc to the raw tables, in place."""
    _blocked_customers(w, d)
    _abandoned_drafts(w, d)
    _activity_shapes(w, d, keys)
    _pending_delivery(w, hr)
    _hr_tasks_and_escalations(w, hr, keys)
    _two_level_approvals(w, d)
    _explicit_live_flag(w, d)


def _blocked_customers(w: World, d: dict[str, pd.DataFrame]) -> None:
    rng = _rng(w, 2)
    ct = d["custtable"]
    beh = w.cust["behaviour"]
    n = len(beh)
    u = rng.random(n)
    new_block = np.where((beh == 2) & (u < BLOCK_INVOICE_RATE), 1,
                         np.where((beh == 4) & (w.cust["blocked"] == 0) & (u < BLOCK_ALL_RATE), 2, 0))
    ix = np.flatnonzero(new_block > 0)
    # blocked on a business day of the second half of the window, after the customer was created
    lo = np.maximum((w.start_day + w.end_day) // 2 * DAY, w.cust["created_ts"][ix] + 30 * DAY)
    block_ts = lo + (rng.random(len(ix)) * np.maximum(w.end_ts - 2 * DAY - lo, HOUR)).astype(np.int64)
    rows = ix  # custtable holds one row per customer, in customer order, before any later version
    v2 = ct.iloc[rows].copy()
    v2["blocked"] = pd.array(new_block[ix], dtype="int32")
    v2["modifieddatetime"] = block_ts
    Lake(rng).stamp(v2, block_ts, after=ct["sinkmodifiedon"].to_numpy()[rows])
    d["custtable"] = pd.concat([ct, v2], ignore_index=True)
    w.shapes["d365.custtable.blocked_later_invoice"] = int((new_block == 1).sum())
    w.shapes["d365.custtable.blocked_later_all"] = int((new_block == 2).sum())


def _abandoned_drafts(w: World, d: dict[str, pd.DataFrame]) -> None:
    rng = _rng(w, 3)
    src = d["custinvoicetable"]
    n_posted = int((src["posted"] == 1).sum())
    k = max(1, int(round(ABANDONED_DRAFT_RATE * n_posted)))
    base = src.iloc[rng.choice(len(src), size=k, replace=True)].copy()
    created = (w.start_day * DAY + (rng.random(k) * (w.end_ts - w.start_day * DAY - DAY))).astype(np.int64)
    base["recid"] = _recids(len(src) + k, 6, w.ids)[len(src):]
    base["invoiceid"] = None
    base["posted"] = pd.array(np.zeros(k), dtype="int32")
    base["createddatetime"] = created
    Lake(rng).stamp(base, created)
    d["custinvoicetable"] = pd.concat([src, base], ignore_index=True)
    w.shapes["d365.custinvoicetable.draft_never_posted"] = int(k)


def _activity_shapes(w: World, d: dict[str, pd.DataFrame], keys: dict) -> None:
    """Categories of D365 activities, and planned calls that were not made by the end (closed 0)."""
    rng = _rng(w, 4)
    act = d["smmactivities"]
    cat = act["category"].to_numpy(dtype=np.int64).copy()
    typ = act["typeid"].to_numpy()
    u = rng.random(len(act))
    cat = np.where((typ == "Call") & (u < APPOINTMENT_RATE), 0, cat)
    cat = np.where((typ == "Email") & (u < EVENT_EMAIL_RATE), 3, cat)
    act["category"] = pd.array(cat, dtype="int32")
    # follow-up calls planned on open, dunned invoices of D365-native companies: not made yet
    inv, lt = w.inv, w.letters
    is_hr = np.array([c.collections_system == "HIGHRADIUS" for c in w.companies])
    dunned = np.zeros(len(inv["company"]), dtype=bool)
    dunned[lt["inv"]] = True
    open_at_end = (inv["settled_ts"] >= NEVER) & (inv["wo_ts"] >= NEVER)
    cand = np.flatnonzero(dunned & open_at_end & ~is_hr[inv["company"]] & (rng.random(len(dunned)) < 0.5))
    k = len(cand)
    planned_at = w.end_ts - (HOUR + rng.random(k) * 5 * DAY).astype(np.int64)
    start = (w.end_ts // DAY + 1 + rng.integers(0, 10, k)) * DAY + (9 * HOUR + rng.random(k) * 8 * HOUR).astype(np.int64)
    wk = w.workers
    collector = w.cust["collector"][inv["cust"][cand]]
    comp_code = np.array([c.code for c in w.companies], dtype=object)
    na = len(act)
    recid = _recids(na + k, 18, w.ids)[na:]
    lake = Lake(rng)
    planned = lake.stamp(frame({
        "recid": recid, "dataareaid": comp_code[inv["company"][cand]],
        "activitynumber": _fmt("ACT-", w.ids.numbers("ACT-", k, na + 1), 8),
        "category": pd.array(np.zeros(k), dtype="int32"), "typeid": "Call", "purpose": "Follow-up call",
        "startdatetime": start, "actualenddatetime": NEVER, "closed": pd.array(np.zeros(k), dtype="int32"),
        "responsibleworker": _recids(len(wk["company"]), 2, w.ids)[collector], "createddatetime": planned_at,
        "createdby": wk["user"][collector]}), planned_at)
    d["smmactivities"] = pd.concat([act, planned], ignore_index=True)
    links = d["custcollectionslinkactivitiescusttrans"]
    nl = len(links)
    d["custcollectionslinkactivitiescusttrans"] = pd.concat([links, lake.stamp(frame({
        "recid": _recids(nl + k, 19, w.ids)[nl:], "dataareaid": comp_code[inv["company"][cand]], "primaryrecid": recid,
        "refrecid": keys["ct_inv_recid"][cand]}), planned_at)], ignore_index=True)
    w.shapes["d365.smmactivities.planned_call_not_made"] = int(k)


def _pending_delivery(w: World, hr: dict[str, pd.DataFrame]) -> None:
    """Letters still in the post, and a few e-mails not yet confirmed, when the last extract ran."""
    rng = _rng(w, 5)
    c = hr["hr_correspondence"]
    age = w.end_ts - c["sent_at"].to_numpy(np.int64)
    pending = ((c["channel"].to_numpy() == "POST") & (age < 4 * DAY)) | \
              ((c["channel"].to_numpy() == "EMAIL") & (age < DAY) & (rng.random(len(c)) < 0.2))
    pending &= c["delivery_status"].to_numpy() != "BOUNCED"
    c["delivery_status"] = np.where(pending, "PENDING", c["delivery_status"].to_numpy())
    w.shapes["highradius.hr_correspondence.pending_at_extract"] = int(pending.sum())


def _hr_tasks_and_escalations(w: World, hr: dict[str, pd.DataFrame], keys: dict) -> None:
    """Follow-up tasks after each HighRadius promise, escalations after the final dunning level."""
    rng = _rng(w, 6)
    inv, lt, pr = w.inv, w.letters, w.promises
    is_hr = np.array([c.collections_system == "HIGHRADIUS" for c in w.companies])
    comp_code = np.array([c.code for c in w.companies], dtype=object)
    final = w.cfg.policy.final_level
    esc = (lt["level"] >= final) & is_hr[inv["company"][lt["inv"]]] & (rng.random(len(lt["inv"])) < ESCALATION_RATE)
    e_inv = lt["inv"][esc]
    e_ts = lt["ts"][esc] + (DAY + rng.random(esc.sum()) * 4 * DAY).astype(np.int64)
    tk = is_hr[inv["company"][pr["inv"]]]
    t_inv = pr["inv"][tk]
    t_ts = pr["made_ts"][tk] + 60 + (rng.random(tk.sum()) * 600).astype(np.int64)
    a_inv = np.concatenate([t_inv, e_inv])
    a_ts = np.concatenate([t_ts, e_ts])
    a_type = np.concatenate([np.full(len(t_inv), "TASK", dtype=object), np.full(len(e_inv), "ESCALATION", dtype=object)])
    a_out = np.concatenate([np.full(len(t_inv), "FOLLOW_UP", dtype=object), np.full(len(e_inv), "ESCALATED", dtype=object)])
    ok = a_ts < w.end_ts
    a_inv, a_ts, a_type, a_out = a_inv[ok], a_ts[ok], a_type[ok], a_out[ok]
    cust = hr["hr_customer"]
    coll = dict(zip(zip(cust["company_code"], cust["customer_number"]), cust["collector_id"]))
    acc = w.cust["account"][inv["cust"][a_inv]]
    comp = comp_code[inv["company"][a_inv]]
    act = hr["hr_collection_activity"]
    na, k = len(act), len(a_inv)
    done = a_ts + (HOUR + rng.random(k) * 3 * DAY).astype(np.int64)
    new = frame({
        "activity_id": _fmt("ACT", w.ids.numbers("ACT", k, na + 1), 10), "company_code": comp, "customer_number": acc,
        "invoice_number": keys["inv_id"][a_inv], "activity_type": a_type, "outcome_code": a_out,
        "collector_id": [coll.get((c, a)) for c, a in zip(comp, acc)], "created_at": a_ts,
        "completed_at": np.where(done < w.end_ts, done, NEVER), "_company": inv["company"][a_inv], "_change_ts": a_ts})
    hr["hr_collection_activity"] = pd.concat([act, new], ignore_index=True)
    w.shapes["highradius.hr_collection_activity.task_after_promise"] = int((a_type == "TASK").sum())
    w.shapes["highradius.hr_collection_activity.escalation_after_final_level"] = int((a_type == "ESCALATION").sum())


def _two_level_approvals(w: World, d: dict[str, pd.DataFrame]) -> None:
    """A first-level approval step in some decided D365 credit-limit workflows, between the
    submission and the final approval or rejection, by another approver of the same company
    (one who takes credit-limit decisions there). The final step stays the decision."""
    rng = _rng(w, 7)
    wt, wf, adj = d["workflowtrackingtable"], d["workflowtrackingstatustable"], d["credmancreditlimitadjtable"]
    if not len(wt):
        w.shapes["d365.workflowtrackingtable.first_level_approval"] = 0
        return
    typ = wt["trackingtype"].to_numpy()
    instance = wt["workflowtrackingstatustable"].to_numpy()
    ts = wt["createddatetime"].to_numpy(np.int64)
    user = wt["user"].to_numpy(dtype=object)
    submitted = pd.Series(ts[typ == 23], index=instance[typ == 23])
    submitted = submitted[~submitted.index.duplicated()]
    company_of_journal = adj.drop_duplicates("recid").set_index("recid")["dataareaid"]
    journal = pd.Series(wf["contextrecid"].to_numpy(), index=wf["recid"].to_numpy())
    journal = journal[~journal.index.duplicated()]
    company = company_of_journal.reindex(journal.reindex(instance).to_numpy()).to_numpy(dtype=object)
    decision = (typ == 4) | (typ == 19)
    lo = submitted.reindex(instance).to_numpy(np.float64) + 60
    hi = ts.astype(np.float64) - 60
    pick = np.flatnonzero(decision & (hi > lo) & (rng.random(len(wt)) < TWO_LEVEL_APPROVAL_RATE))
    # the approvers of each company: the users of its final steps
    pool: dict[object, np.ndarray] = {}
    for c in pd.unique(company[decision]):
        pool[c] = np.unique(user[decision & (company == c)].astype(str))
    first_user = np.empty(len(pick), dtype=object)
    for j, i in enumerate(pick):
        others = pool[company[i]][pool[company[i]] != str(user[i])]
        first_user[j] = others[rng.integers(0, len(others))] if len(others) else user[i]
    at = (lo[pick] + rng.random(len(pick)) * (hi[pick] - lo[pick])).astype(np.int64)
    n = len(wt)
    rows = Lake(rng).stamp(frame({
        "recid": _recids(n + len(pick), 23, w.ids)[n:], "workflowtrackingstatustable": instance[pick],
        "trackingtype": pd.array(np.full(len(pick), 4), dtype="int32"), "user": first_user, "createddatetime": at}), at)
    d["workflowtrackingtable"] = pd.concat([wt, rows[wt.columns]], ignore_index=True)
    w.shapes["d365.workflowtrackingtable.first_level_approval"] = int(len(pick))


def _explicit_live_flag(w: World, d: dict[str, pd.DataFrame]) -> None:
    """From the middle of the window on the lake export writes isdelete = 0 on live rows, not NULL."""
    cutover = (w.start_day + w.end_day) // 2 * DAY
    n = 0
    for df in d.values():
        if "isdelete" not in df.columns or not len(df):
            continue
        m = df["isdelete"].isna().to_numpy() & (df["sinkmodifiedon"].to_numpy(np.int64) >= cutover)
        df.loc[m, "isdelete"] = 0
        n += int(m.sum())
    w.shapes["d365.lake.isdelete_written_as_0"] = n
