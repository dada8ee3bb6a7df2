"""Credit limits that change over time: reviews, increases, cuts, and the limit in force on a date.

A customer starts with an opening limit (the customer master as first written). Every credit
review or adjustment journal asks for a new limit; the ones that take effect change it:
- HighRadius: a review decided APPROVED or PARTIAL takes effect on its decision (``decided_at``);
  REJECTED and PENDING reviews never do.
- D365: an adjustment journal takes effect when it is posted (status 4, ``posteddate``; the line's
  ``fromdate`` is the request day, never later than the posting). Created (0), Submitted (1),
  Approved-but-not-posted (2) and Rejected (3) journals never change the limit.
Besides the reviews that precede an invoice (``model.generate``), customers get a periodic review
about once a year, and a customer whose invoice is still unpaid 90 days past due gets a cut (a
PERIODIC review asking for a fraction of the limit). The customer master (``custtable.creditmax``,
``hr_customer.credit_limit``) gets a new version at each change, so its current row is today's limit.

Ground truth: the limit at invoicing is the limit in force at the start of the invoice date, that
is after every change effective before the invoice date (a change made on the invoice date itself
may come after the invoice and is not counted), in the company's accounting currency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model import DAY, HOUR, NEVER, World, stable_lexsort
from .frames import frame
from .ids import IdSeries

NEVER_DAY = NEVER // DAY
# D365 journal statuses (CredManCreditLimitAdjStatus)
CREATED, SUBMITTED, APPROVED, REJECTED, POSTED = 0, 1, 2, 3, 4


def _work_time(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    return day * DAY + (8 * HOUR + rng.random(len(day)) * 9 * HOUR).astype(np.int64)


def extend_credit_history(w: World) -> None:
    """Adds periodic reviews and cuts to ``w.credit_reviews``, sets the limit each review starts
    from and asks for, the D365 journal path, the effective time of each change, today's limit
    (``cust['credit_limit_current']``) and each invoice's limit at invoicing
    (``inv['credit_limit_at_invoicing']``). Uses its own random stream."""
    rng = np.random.default_rng([w.cfg.seed, 14])
    cust, inv, cr = w.cust, w.inv, w.credit_reviews
    n_cust = len(cust["company"])
    start_ts = w.start_day * DAY
    is_hr_comp = np.array([c.collections_system == "HIGHRADIUS" for c in w.companies])
    approver_of = {ci: int(np.flatnonzero((w.workers["company"] == ci) & (w.workers["role"] == "approver"))[0])
                   for ci in range(len(w.companies))}

    # ------------------------------------------------------------- new reviews (customer level)
    # periodic: about once a year at a random phase, for customers with invoices
    active = np.unique(inv["cust"])
    phase = (rng.random(len(active)) * 365).astype(np.int64)
    p_cust, p_day = [], []
    for k in range(0, (w.end_day - w.start_day) // 365 + 1):
        day = w.start_day + phase + 365 * k
        p_cust.append(active)
        p_day.append(day)
    p_cust = np.concatenate(p_cust)
    p_day = np.concatenate(p_day)
    # cuts: the first invoice of a customer still unpaid 90 days past due
    t90 = (inv["due_day"] + 91) * DAY
    unpaid90 = (inv["settled_ts"] > t90) & (inv["outcome_wo_ts"] > t90) & (t90 < w.end_ts)
    u_inv = np.flatnonzero(unpaid90)
    u_inv = u_inv[stable_lexsort((t90[u_inv], inv["cust"][u_inv]))]
    first = np.ones(len(u_inv), dtype=bool)
    first[1:] = inv["cust"][u_inv][1:] != inv["cust"][u_inv][:-1]
    c_inv = u_inv[first]
    c_cust = inv["cust"][c_inv]
    c_day = t90[c_inv] // DAY + rng.integers(0, 6, len(c_inv))
    n_p, n_c = len(p_cust), len(c_cust)
    new_cust = np.concatenate([p_cust, c_cust])
    new_req = _work_time(rng, np.concatenate([p_day, c_day]))
    is_cut = np.concatenate([np.zeros(n_p, dtype=bool), np.ones(n_c, dtype=bool)])
    u = rng.random(n_p + n_c)
    new_outcome = np.where(is_cut, np.where(u < 0.88, "APPROVED", "REJECTED"),
                           np.array(["APPROVED", "PARTIAL", "REJECTED", "PENDING"], dtype=object)[
                               np.searchsorted(np.cumsum([0.62, 0.10, 0.18, 0.10]), u * 0.999999)]).astype(object)
    new_dec = new_req + np.where(is_cut, (4 * HOUR + rng.random(n_p + n_c) * 40 * HOUR),
                                 (20 * HOUR + rng.random(n_p + n_c) * 100 * HOUR)).astype(np.int64)
    new_dec = np.where(new_outcome == "PENDING", NEVER, new_dec)
    # factor on the limit in force at the request: cuts ask for 20-50 %, periodic reviews 80-140 %
    new_factor = np.where(is_cut, 0.2 + 0.3 * rng.random(n_p + n_c), 0.8 + 0.6 * rng.random(n_p + n_c))
    # a review belongs (in the flat log) to the customer's first invoice created at or after it
    order = stable_lexsort((inv["created_ts"], inv["cust"]))
    key_inv = (inv["cust"][order].astype(np.int64) << 34) + inv["created_ts"][order]
    pos = np.searchsorted(key_inv, (new_cust.astype(np.int64) << 34) + new_req, side="left")
    ok = (pos < len(order)) & (new_req >= start_ts) & (new_req < w.end_ts)
    pos = np.minimum(pos, len(order) - 1)
    ok &= inv["cust"][order][pos] == new_cust
    attach = order[pos]
    keep = np.flatnonzero(ok)
    old_factor = cr["requested_limit"] / cust["credit_limit"][cr["cust"]]
    n_old = len(cr["inv"])
    rv = {
        "inv": np.concatenate([cr["inv"], attach[keep]]),
        "cust": np.concatenate([cr["cust"], new_cust[keep]]),
        "requested_ts": np.concatenate([cr["requested_ts"], new_req[keep]]),
        "decided_ts": np.concatenate([cr["decided_ts"], np.where(new_dec[keep] < w.end_ts, new_dec[keep], NEVER)]),
        "outcome": np.concatenate([cr["outcome"], new_outcome[keep]]).astype(object),
        "type": np.concatenate([cr["type"], np.full(len(keep), "PERIODIC", dtype=object)]).astype(object),
        "is_cut": np.concatenate([np.zeros(n_old, dtype=bool), is_cut[keep]]),
        "factor": np.concatenate([old_factor, new_factor[keep]]),
    }
    rv["outcome"] = np.where(rv["decided_ts"] >= NEVER, "PENDING", rv["outcome"]).astype(object)
    rv["approver"] = np.array([approver_of[c] for c in cust["company"][rv["cust"]]], dtype=np.int64)
    n = len(rv["inv"])
    hr = is_hr_comp[cust["company"][rv["cust"]]]
    rv["is_hr"] = hr

    # ------------------------------------------------------------- D365 journal path
    decided = rv["decided_ts"] < NEVER
    granted = decided & np.isin(rv["outcome"], ["APPROVED", "PARTIAL"])
    u = rng.random(n)
    status = np.where(rv["outcome"] == "REJECTED", REJECTED,
                      np.where(granted, np.where(u < 0.06, APPROVED, POSTED),
                               np.where(u < 0.35, CREATED, SUBMITTED)))
    # most posted journals are posted with the approval, some one to four days later
    post_ts = np.where(status == POSTED, rv["decided_ts"] + np.where(
        rng.random(n) < 0.12, (DAY + rng.random(n) * 3 * DAY).astype(np.int64), 0), NEVER)
    post_ts = np.where(post_ts < w.end_ts, post_ts, NEVER)
    status = np.where((status == POSTED) & (post_ts >= NEVER), APPROVED, status)
    rv["d365_status"] = np.where(hr, -1, status)
    rv["posted_ts"] = np.where(hr, NEVER, post_ts)
    # a created (never submitted) journal has no decision
    rv["decided_ts"] = np.where(~hr & (status == CREATED), NEVER, rv["decided_ts"])
    rv["outcome"] = np.where(~hr & (status == CREATED), "PENDING", rv["outcome"]).astype(object)
    # when the change takes effect: HR on the decision, D365 on the posting; never otherwise
    eff_ts = np.where(hr, np.where(granted, rv["decided_ts"], NEVER), rv["posted_ts"])
    rv["effective_ts"] = eff_ts

    # ------------------------------------------------------------- limits, in time order per customer
    opening = cust["credit_limit"].astype(np.float64)
    before = np.zeros(n)
    requested = np.zeros(n)
    approved = np.full(n, np.nan)
    o = stable_lexsort((np.arange(n), rv["requested_ts"], rv["cust"]))
    c_of = rv["cust"]
    start = 0
    while start < n:
        c = c_of[o[start]]
        end = start
        while end < n and c_of[o[end]] == c:
            end += 1
        changes: list[tuple[int, int, float]] = []  # (effective ts, request ts, new limit)
        for j in o[start:end]:
            t = rv["requested_ts"][j]
            in_force = [ch for ch in changes if ch[0] <= t]
            lim = max(in_force)[2] if in_force else opening[c]
            before[j] = lim
            requested[j] = max(1000.0, np.round(lim * rv["factor"][j], -3))
            if rv["outcome"][j] == "APPROVED":
                approved[j] = requested[j]
            elif rv["outcome"][j] == "PARTIAL":
                approved[j] = max(1000.0, np.round(lim + (requested[j] - lim) * 0.5, -3))
            if eff_ts[j] < NEVER:
                changes.append((int(eff_ts[j]), int(t), float(approved[j])))
        start = end
    rv["limit_before"] = before
    rv["requested_limit"] = requested
    rv["approved_limit"] = approved
    w.credit_reviews = rv

    # ------------------------------------------------------------- limit in force on a date
    ch = np.flatnonzero(eff_ts < NEVER)
    eff_day = eff_ts[ch] // DAY
    # of several changes effective on one day the latest holds: HighRadius by decision, D365 by
    # request (a journal records its posting date, not its posting time)
    tiebreak = np.where(hr[ch], eff_ts[ch], rv["requested_ts"][ch])
    co = stable_lexsort((tiebreak, eff_day, rv["cust"][ch]))
    ch, eff_day = ch[co], eff_day[co]
    ch_key = (rv["cust"][ch].astype(np.int64) << 24) + eff_day
    # in force at the start of the invoice date: changes effective before it
    q = np.searchsorted(ch_key, (inv["cust"].astype(np.int64) << 24) + inv["post_day"], side="left") - 1
    qc = np.maximum(q, 0)
    has = (q >= 0) & (len(ch) > 0)
    has &= rv["cust"][ch][qc] == inv["cust"] if len(ch) else has
    inv["credit_limit_at_invoicing"] = np.where(has, approved[ch][qc] if len(ch) else 0.0, opening[inv["cust"]])
    current = opening.copy()
    if len(ch):
        last = np.ones(len(ch), dtype=bool)
        last[:-1] = rv["cust"][ch][1:] != rv["cust"][ch][:-1]
        current[rv["cust"][ch][last]] = approved[ch][last]
    cust["credit_limit_current"] = current
    w.credit_changes = {"review": ch, "cust": rv["cust"][ch], "effective_ts": eff_ts[ch], "limit": approved[ch]}


def summary(w: World) -> dict[str, int]:
    """Counts of the credit-limit shapes of a simulated world."""
    rv, chg = w.credit_reviews, w.credit_changes
    before = rv["limit_before"][chg["review"]]
    out = {
        "credit_reviews": int(len(rv["inv"])),
        "credit_limit_changes": int(len(chg["review"])),
        "credit_limit_increases": int((chg["limit"] > before).sum()),
        "credit_limit_cuts": int((chg["limit"] < before).sum()),
        "credit_limit_cuts_after_90_days_past_due": int(rv["is_cut"][chg["review"]].sum()),
    }
    for k in ("APPROVED", "PARTIAL", "REJECTED", "PENDING"):
        out[f"hr_review_{k.lower()}"] = int((rv["is_hr"] & (rv["outcome"] == k)).sum())
    for k in ("NEW", "INCREASE", "PERIODIC", "ORDER_HOLD"):
        out[f"review_type_{k.lower()}"] = int((rv["type"] == k).sum())
    for s, name in ((CREATED, "created"), (SUBMITTED, "submitted"), (APPROVED, "approved"), (REJECTED, "rejected"),
                    (POSTED, "posted")):
        out[f"d365_journal_{name}"] = int((rv["d365_status"] == s).sum())
    return out


def credit_tables(w: World, lake, rng: np.random.Generator, d: dict, hr: dict, comp_code: np.ndarray,
                  d365_requester: np.ndarray, hr_requester: np.ndarray, approver_user: np.ndarray,
                  recids, fmt, ids: IdSeries) -> None:
    """The credit-limit tables: D365 adjustment journals and their workflow, HighRadius reviews,
    and a new version of the customer master (``custtable``, ``hr_customer``) at each change.
    ``d365_requester`` / ``hr_requester`` / ``approver_user``: one entry per review."""
    cust, cr = w.cust, w.credit_reviews
    r_comp = cust["company"][cr["cust"]]
    # ------------------------------------------------------------- D365
    fsel = np.flatnonzero(~cr["is_hr"])
    nr = len(fsel)
    adj_recid = recids(nr, 20)
    journal_id = fmt("CLA-", ids.numbers("CLA-", nr), 8)
    status = cr["d365_status"][fsel]
    req_ts = cr["requested_ts"][fsel]
    dec = cr["decided_ts"][fsel]
    post = cr["posted_ts"][fsel]
    requester = d365_requester[fsel]
    base = frame({"recid": adj_recid, "dataareaid": comp_code[r_comp[fsel]], "journalid": journal_id,
                         "status": np.where(status == CREATED, CREATED, SUBMITTED), "posted": 0,
                         "posteddate": NEVER_DAY, "createddatetime": req_ts, "createdby": requester})
    lake.stamp(base, req_ts)
    versions = [base]
    # decision: approved (2), rejected (3) or posted at once (4)
    decided = (status != CREATED) & (status != SUBMITTED)
    posted_now = (status == POSTED) & (post == dec)
    v2 = base[decided].copy()
    v2["status"] = np.where(posted_now[decided], POSTED, np.where(status[decided] == REJECTED, REJECTED, APPROVED))
    v2["posted"] = np.where(posted_now[decided], 1, 0)
    v2["posteddate"] = np.where(posted_now[decided], dec[decided] // DAY, NEVER_DAY)
    lake.stamp(v2, dec[decided], after=base["sinkmodifiedon"].to_numpy()[decided])
    versions.append(v2)
    later = (status == POSTED) & (post > dec)
    v3 = base[later].copy()
    v3["status"] = POSTED
    v3["posted"] = 1
    v3["posteddate"] = post[later] // DAY
    prev_sink = pd.Series(v2["sinkmodifiedon"].to_numpy(), index=np.flatnonzero(decided))
    lake.stamp(v3, post[later], after=prev_sink.loc[np.flatnonzero(later)].to_numpy())
    versions.append(v3)
    adj = pd.concat(versions, ignore_index=True)
    for col in ("status", "posted"):
        adj[col] = pd.array(adj[col].to_numpy(), dtype="int32")
    d["credmancreditlimitadjtable"] = adj
    granted = np.isin(cr["outcome"][fsel], ["APPROVED", "PARTIAL"])
    # a partly approved line is edited to the approved limit before it is posted
    line_new = np.where(granted & (cr["outcome"][fsel] == "PARTIAL") & (status == POSTED),
                        cr["approved_limit"][fsel], cr["requested_limit"][fsel])
    d["credmancreditlimitadjtrans"] = lake.stamp(frame({
        "recid": recids(nr, 21), "dataareaid": comp_code[r_comp[fsel]], "journalid": journal_id, "linenum": 1.0,
        "custaccount": cust["account"][cr["cust"][fsel]], "creditmax": cr["limit_before"][fsel],
        "creditmaxnew": line_new, "fromdate": req_ts // DAY, "createddatetime": req_ts}), req_ts)
    # workflow: submitted journals only (a created journal has no workflow yet)
    sub = status != CREATED
    wf_recid = recids(int(sub.sum()), 22)
    d["workflowtrackingstatustable"] = lake.stamp(frame({
        "recid": wf_recid, "contextrecid": adj_recid[sub], "documenttype": "CredManCreditLimitAdjTable",
        "createddatetime": req_ts[sub]}), req_ts[sub])
    st_sub = status[sub]
    dmask = (st_sub != SUBMITTED)
    wt_wf = np.concatenate([wf_recid, wf_recid[dmask]])
    wt_type = np.concatenate([np.full(len(wf_recid), 23), np.where(st_sub[dmask] == REJECTED, 19, 4)])
    wt_ts = np.concatenate([req_ts[sub] + 5, dec[sub][dmask]])
    wt_user = np.concatenate([requester[sub], approver_user[fsel][sub][dmask]])
    d["workflowtrackingtable"] = lake.stamp(frame({
        "recid": recids(len(wt_wf), 23), "workflowtrackingstatustable": wt_wf,
        "trackingtype": pd.array(wt_type, dtype="int32"), "user": wt_user, "createddatetime": wt_ts}), wt_ts)

    # ------------------------------------------------------------- HighRadius
    rh_ = np.flatnonzero(cr["is_hr"])
    rv_id = fmt("CRV", ids.numbers("CRV", len(rh_)), 8)
    rv_dec = cr["decided_ts"][rh_]
    acc_cur = np.array([c.currency for c in w.companies], dtype=object)
    rv_base = frame({
        "review_id": rv_id, "company_code": comp_code[r_comp[rh_]], "customer_number": cust["account"][cr["cust"][rh_]],
        "review_type": cr["type"][rh_], "requested_limit": cr["requested_limit"][rh_], "approved_limit": np.nan,
        "currency": acc_cur[r_comp[rh_]], "risk_class": cust["risk"][cr["cust"][rh_]],
        "requested_at": cr["requested_ts"][rh_], "requested_by": hr_requester[rh_], "decision": "PENDING",
        "decided_at": NEVER, "approver_id": None, "_company": r_comp[rh_], "_change_ts": cr["requested_ts"][rh_]})
    dd = rv_dec < NEVER
    rv_fin = rv_base[dd].copy()
    rv_fin["decision"] = cr["outcome"][rh_][dd]
    rv_fin["approved_limit"] = cr["approved_limit"][rh_][dd]
    rv_fin["decided_at"] = rv_dec[dd]
    rv_fin["approver_id"] = "APR-" + pd.Series(comp_code[r_comp[rh_]][dd]).to_numpy(dtype=object)
    rv_fin["_change_ts"] = rv_dec[dd]
    hr["hr_credit_review"] = pd.concat([rv_base, rv_fin], ignore_index=True)

    # ------------------------------------------------------------- customer master versions
    chg = w.credit_changes
    if not len(chg["review"]):
        return
    ct = d["custtable"]
    # custtable holds one row per customer, in customer order, when this runs (before any fault)
    rows = ct.iloc[chg["cust"]].copy().reset_index(drop=True)
    rows["creditmax"] = chg["limit"]
    rows["modifieddatetime"] = chg["effective_ts"]
    same = np.concatenate([[False], chg["cust"][1:] == chg["cust"][:-1]])
    lake.stamp(rows, chg["effective_ts"])
    # versions of one customer follow each other in the lake
    sink = rows["sinkmodifiedon"].to_numpy().copy()
    for i in np.flatnonzero(same):
        if sink[i] <= sink[i - 1]:
            sink[i] = sink[i - 1] + 1
    rows["sinkmodifiedon"] = sink
    rows["versionnumber"] = sink * 1000 + (rng.random(len(sink)) * 1000).astype(np.int64)
    d["custtable"] = pd.concat([ct, rows[ct.columns]], ignore_index=True)
    hc = hr["hr_customer"]
    on_hr = np.isin(chg["cust"], np.flatnonzero(np.isin(cust["company"], np.flatnonzero(
        np.array([c.collections_system == "HIGHRADIUS" for c in w.companies])))))
    if on_hr.any():
        base_rows = hc.set_index(["company_code", "customer_number"])
        keys = list(zip(comp_code[cust["company"][chg["cust"][on_hr]]], cust["account"][chg["cust"][on_hr]]))
        vers = base_rows.loc[keys].reset_index()
        vers["credit_limit"] = chg["limit"][on_hr]
        vers["_change_ts"] = chg["effective_ts"][on_hr]
        hr["hr_customer"] = pd.concat([hc, vers[hc.columns]], ignore_index=True)
