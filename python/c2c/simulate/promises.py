"""Promises and disputes as real ledgers have them: renegotiated, cancelled, partially kept
promises; dispute status paths with every status and resolution type of the contract.

``reshape(w, rng)`` runs on the generated world before its true events are built. It only
shortens or splits the "open promise" intervals the collectors planned around (never extends
one), so the policy violations of the world stay exactly the injected ones:

- renegotiated: a promise is cancelled and replaced by a new one with a later promised date;
  the new one ends the way the original did (several promises per invoice). In D365 the
  replacement is a new status-2 row of the same invoice, which ends the earlier promise;
- cancelled (HighRadius only; D365's CustVendDisputeStatus has no cancelled value): the
  customer withdraws a promise that would have been broken; status CANCELLED;
- partially kept: part of the invoice is paid by the promised date, the rest later; the
  promise ends broken (HighRadius status PARTIALLY_KEPT, D365 status 4) at the same time a
  broken one would, and the part payment is a receipt of its own in the ledger;
- HighRadius dispute paths: OPEN -> IN_RESEARCH -> VALID -> RESOLVED (CREDIT_MEMO, REPAID,
  OFFSET, WRITE_OFF on invoices that are written off), OPEN -> IN_RESEARCH -> INVALID (the
  customer pays in full, REPAID), OPEN -> CLOSED (VOID: raised in error). RESOLVED, INVALID
  and CLOSED end a dispute, at ``resolved_at``;
- D365 dispute paths that never reach Resolved (3): a dispute replaced by a promise to pay
  (status 1 then 2: the status-2 row ends the dispute) and a dispute nobody marks resolved
  (status 1 and no later change: open in the data for good; chosen where no letter follows,
  so that no rule depends on when it ended).
"""

from __future__ import annotations

import numpy as np

from .config import RULES
from .model import DAY, HOUR, NEVER, Clock, World, allocation_linked, tod, uniform_int

P_RENEGOTIATE = 0.20   # of closed promises with room before the promised date
P_CANCEL = 0.15        # of broken HighRadius promises
P_PARTIAL = 0.30       # of broken promises on invoices paid later in one receipt


P_DISPUTE_TO_PROMISE = 0.8  # of D365 disputes followed by a promise with no letter in between
P_NEVER_MARKED = 0.3        # of D365 disputes with no letter after their resolution


def reshape(w: World, rng: np.random.Generator) -> None:
    _renegotiate(w, rng)
    _cancel(w, rng)
    _partially_keep(w, rng)
    _dispute_paths(w, rng)
    _d365_unresolved_disputes(w, rng)


def _is_hr(w: World, inv: np.ndarray) -> np.ndarray:
    hr = np.array([c.collections_system == "HIGHRADIUS" for c in w.companies])
    return hr[w.inv["company"][inv]]


def _free_of_r07(w: World, inv: np.ndarray) -> np.ndarray:
    return w.inv["dev_rule"][inv] != RULES.index("R07") + 1


def _letter_between(w: World, inv: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Whether the invoice has a letter with lo <= ts <= hi."""
    lt = w.letters
    out = np.zeros(len(inv), dtype=bool)
    if not len(inv) or not len(lt["inv"]):
        return out
    starts = np.searchsorted(lt["inv"], inv, side="left")
    ends = np.searchsorted(lt["inv"], inv, side="right")
    for k in range(int((ends - starts).max(initial=0))):
        j = np.minimum(starts + k, len(lt["inv"]) - 1)
        has = (starts + k < ends) & (lt["ts"][j] >= lo) & (lt["ts"][j] <= hi)
        out |= has
    return out


def _append(pr: dict, rows: dict) -> None:
    for k in pr:
        pr[k] = np.concatenate([pr[k], rows[k]])


def _renegotiate(w: World, rng: np.random.Generator) -> None:
    pr = w.promises
    pr.setdefault("paid_amount", np.zeros(len(pr["inv"]), dtype=np.int64))
    clock = Clock(w.companies)
    made_day = pr["made_ts"] // DAY
    closed = (pr["close_ts"] < NEVER) & np.isin(pr["status"], ["KEPT", "BROKEN"])
    ok = closed & _free_of_r07(w, pr["inv"]) & (pr["promised_day"] - made_day >= 4)
    ix = np.flatnonzero(ok & (rng.random(len(ok)) < P_RENEGOTIATE))
    inv = pr["inv"][ix]
    comp = w.inv["company"][inv]
    t_day = uniform_int(rng, made_day[ix] + 1, pr["promised_day"][ix] - 2, len(ix))
    t = clock.ts(t_day, tod(rng, len(ix), 9, 16), comp)
    hr = _is_hr(w, inv)
    # HighRadius: the new promise is entered a few minutes after the old one is cancelled;
    # D365: the new status-2 row is the change that ends the old promise
    t2 = np.where(hr, t + 60 + (rng.random(len(ix)) * 840).astype(np.int64), t)
    keep = (t > pr["made_ts"][ix]) & (t2 < pr["close_ts"][ix] - HOUR) & (t2 < w.end_ts) \
        & ~_letter_between(w, inv, t, t2)
    ix, t, t2, t_day = ix[keep], t[keep], t2[keep], t_day[keep]
    new = {k: v[ix].copy() for k, v in pr.items()}
    new["made_ts"] = t2
    pr["promised_day"][ix] = uniform_int(rng, t_day, new["promised_day"] - 1, len(ix))
    pr["status"][ix] = "CANCELLED"
    pr["close_ts"][ix] = t
    _append(pr, new)
    _sort(pr)


def _sort(pr: dict) -> None:
    o = np.lexsort((pr["made_ts"], pr["inv"]))
    for k in pr:
        pr[k] = pr[k][o]


def _cancel(w: World, rng: np.random.Generator) -> None:
    pr = w.promises
    ok = (pr["status"] == "BROKEN") & (pr["close_ts"] < NEVER) & _is_hr(w, pr["inv"]) & _free_of_r07(w, pr["inv"])
    ix = np.flatnonzero(ok & (rng.random(len(ok)) < P_CANCEL))
    span = pr["close_ts"][ix] - pr["made_ts"][ix]
    t = pr["made_ts"][ix] + HOUR + (rng.random(len(ix)) * np.maximum(span - 2 * HOUR, 0)).astype(np.int64)
    keep = span > 3 * HOUR
    ix, t = ix[keep], t[keep]
    pr["status"][ix] = "CANCELLED"
    pr["close_ts"][ix] = t


def _partially_keep(w: World, rng: np.random.Generator) -> None:
    """A part payment by the promised date, taken from the invoice's single closing receipt."""
    pr, al, pay = w.promises, w.allocations, w.payments
    npay = len(pay["company"])
    n_alloc = np.bincount(al["pay"], minlength=npay)
    n_inv = len(w.inv["company"])
    alloc_of = np.full(n_inv, -1, dtype=np.int64)
    single = al["closes"] & (n_alloc[al["pay"]] == 1) & (al["settle_ts"] < NEVER)
    alloc_of[al["inv"][single]] = np.flatnonzero(single)
    n_per_inv = np.bincount(al["inv"], minlength=n_inv)
    a = alloc_of[pr["inv"]]
    made_day = pr["made_ts"] // DAY
    ok = (pr["status"] == "BROKEN") & (pr["close_ts"] < NEVER) & (a >= 0) & (n_per_inv[pr["inv"]] == 1) \
        & (pr["promised_day"] >= made_day + 1)
    ix = np.flatnonzero(ok & (rng.random(len(ok)) < P_PARTIAL))
    ix = ix[np.unique(pr["inv"][ix], return_index=True)[1]]  # one per invoice
    inv, a = pr["inv"][ix], alloc_of[pr["inv"][ix]]
    comp = w.inv["company"][inv]
    recv = Clock(w.companies).ts(uniform_int(rng, made_day[ix] + 1, pr["promised_day"][ix], len(ix)), tod(rng, len(ix), 8, 17), comp)
    part = np.round(al["amount"][a] * (0.2 + 0.5 * rng.random(len(ix)))).astype(np.int64)
    posted = recv + (2 * HOUR + rng.random(len(ix)) * 20 * HOUR).astype(np.int64)
    keep = (recv > pr["made_ts"][ix]) & (recv < pr["close_ts"][ix]) & (posted + 300 < w.end_ts) & (part > 0)
    ix, inv, a, recv, part, posted, comp = ix[keep], inv[keep], a[keep], recv[keep], part[keep], posted[keep], comp[keep]
    k = len(ix)
    first = al["pay"][a]
    new_pay = {
        "company": comp, "cust": w.inv["cust"][inv], "recv_ts": recv, "posted_ts": posted,
        "currency": pay["currency"][first], "amount": part, "method": pay["method"][first],
        "remittance": pay["remittance"][first], "match_type": pay["match_type"][first],
        "matched_ts": np.minimum(recv + (300 + rng.random(k) * 3 * HOUR).astype(np.int64), posted - 60),
        "marked_invoice": inv.astype(np.int64)}
    extra = set(pay) - set(new_pay)
    assert not extra, f"payments carry columns the part payment does not set: {extra}"
    pay["amount"][first] -= part
    al["amount"][a] -= part
    ids = npay + np.arange(k)
    for key in pay:
        pay[key] = np.concatenate([pay[key], np.asarray(new_pay[key], dtype=pay[key].dtype)])
    new_al = {"pay": ids, "inv": inv, "amount": part, "settle_ts": posted + 1 + (rng.random(k) * 119).astype(np.int64),
              "closes": np.zeros(k, dtype=bool)}
    for key in al:
        al[key] = np.concatenate([al[key], np.asarray(new_al[key], dtype=al[key].dtype)])
    o = np.lexsort((al["inv"], al["pay"]))
    for key in al:
        al[key] = al[key][o]
    pr["status"][ix] = "PARTIALLY_KEPT"
    pr["paid_amount"][ix] = part
    _already_part_paid(w)


def _already_part_paid(w: World) -> None:
    """A broken promise during which a part payment arrived anyway (a defaulting customer's
    instalment) was kept in part."""
    pr, al, pay = w.promises, w.allocations, w.payments
    broken = np.flatnonzero((pr["status"] == "BROKEN") & (pr["close_ts"] < NEVER))
    if not len(broken):
        return
    a_inv, a_recv, a_amt = al["inv"], pay["recv_ts"][al["pay"]], al["amount"]
    ok = allocation_linked(w)
    o = np.argsort(a_inv, kind="stable")
    a_inv, a_recv, a_amt, ok = a_inv[o], a_recv[o], a_amt[o], ok[o]
    lo = np.searchsorted(a_inv, pr["inv"][broken], side="left")
    hi = np.searchsorted(a_inv, pr["inv"][broken], side="right")
    paid = np.zeros(len(broken), dtype=np.int64)
    for k in range(int((hi - lo).max(initial=0))):
        j = np.minimum(lo + k, len(a_inv) - 1)
        inside = (lo + k < hi) & ok[j] & (a_recv[j] > pr["made_ts"][broken]) & (a_recv[j] <= pr["close_ts"][broken])
        paid += np.where(inside, a_amt[j], 0)
    part = broken[paid > 0]
    pr["status"][part] = "PARTIALLY_KEPT"
    pr["paid_amount"][part] = paid[paid > 0]


def _dispute_paths(w: World, rng: np.random.Generator) -> None:
    d = w.disputes
    n = len(d["inv"])
    res = d["resolution"].copy()
    u = rng.random(n)
    repaid = res == "REPAID"
    written_off = w.inv["wo_ts"][d["inv"]] < NEVER
    res = np.where(repaid & written_off, "WRITE_OFF", res)
    invalid = repaid & ~written_off & (u < 0.45)
    res = np.where(repaid & ~written_off & (u >= 0.60) & (u < 0.75), "OFFSET", res)
    void = repaid & ~written_off & (u >= 0.75) & (u < 0.90)
    res = np.where(void, "VOID", res)
    d["resolution"] = res.astype(object)
    d["final_status"] = np.where(invalid, "INVALID", np.where(void, "CLOSED", "RESOLVED")).astype(object)
    # research starts within a day, the dispute is found valid half-way to its resolution
    d["research_ts"] = np.where(void, NEVER, d["open_ts"] + (HOUR + rng.random(n) * 20 * HOUR).astype(np.int64))
    mid = d["research_ts"] + ((np.minimum(d["resolved_ts"], w.end_ts) - d["research_ts"]) * (0.3 + 0.4 * rng.random(n))).astype(np.int64)
    d["valid_ts"] = np.where(invalid | void | (d["research_ts"] >= NEVER), NEVER, mid)
    d["research_ts"] = np.where(d["research_ts"] < np.minimum(d["resolved_ts"], w.end_ts), d["research_ts"], NEVER)
    d["valid_ts"] = np.where((d["valid_ts"] > d["research_ts"]) & (d["valid_ts"] < np.minimum(d["resolved_ts"], w.end_ts)),
                             d["valid_ts"], NEVER)


def _d365_unresolved_disputes(w: World, rng: np.random.Generator) -> None:
    d, pr = w.disputes, w.promises
    n = len(d["inv"])
    d["ended_by_promise"] = np.zeros(n, dtype=bool)
    d365 = ~_is_hr(w, d["inv"])
    free = (w.inv["dev_rule"][d["inv"]] != RULES.index("R05") + 1) & (w.inv["dev_rule"][d["inv"]] != RULES.index("R06") + 1)
    resolved = d["resolved_ts"] < NEVER
    # the invoice's first promise made after the resolution
    nxt = np.full(n, NEVER)
    o = np.lexsort((pr["made_ts"], pr["inv"]))
    p_inv, p_made = pr["inv"][o], pr["made_ts"][o]
    lo = np.searchsorted(p_inv, d["inv"], side="left")
    hi = np.searchsorted(p_inv, d["inv"], side="right")
    for k in range(int((hi - lo).max(initial=0))):
        j = np.minimum(lo + k, len(p_inv) - 1)
        cand = (lo + k < hi) & (nxt >= NEVER) & (p_made[j] > d["resolved_ts"])
        nxt = np.where(cand, p_made[j], nxt)
    ok = d365 & free & resolved & (nxt < NEVER) & ~_letter_between(w, d["inv"], d["resolved_ts"], nxt)
    ix = np.flatnonzero(ok & (rng.random(n) < P_DISPUTE_TO_PROMISE))
    d["resolved_ts"][ix] = nxt[ix]
    d["ended_by_promise"][ix] = True
    resolved = (d["resolved_ts"] < NEVER) & ~d["ended_by_promise"]
    # no later status change at all (a later promise's status-2 row would end the dispute)
    ok = d365 & free & resolved & (nxt >= NEVER) & ~_letter_between(w, d["inv"], d["resolved_ts"], np.full(n, NEVER))
    ix = np.flatnonzero(ok & (rng.random(n) < P_NEVER_MARKED))
    d["resolved_ts"][ix] = NEVER
