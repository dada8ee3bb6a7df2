"""The simulated business: customers, invoices and everything that happens to them.

Everything is generated column-wise with numpy (no Python loop per invoice or event), so a
million invoices take seconds. Times are int64 seconds since the Unix epoch, UTC; days are
int64 days since the epoch. ``NEVER`` marks something that did not happen (or not yet).

The simulated collectors follow the dunning policy of :class:`DunningPolicy` exactly; the only
policy violations in the data are the ones injected on purpose (``World.deviations``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .config import RULES, Company, SimConfig
from .ids import IdSeries
from .names import customer_names, person_names

DAY = 86_400
HOUR = 3_600
NEVER = np.int64(2**62)
FAR_DAY = 1_000_000  # days from this one on are 'never' (year 4707)

SEGMENTS = np.array(["Enterprise", "Mid-market", "Small business", "Public sector"], dtype=object)
SEGMENT_SHARE = np.array([0.15, 0.35, 0.40, 0.10])
BEHAVIOURS = np.array(["on_time", "late", "chronic_late", "disputing", "defaulting"], dtype=object)
# behaviour mix per segment (rows: segments, columns: behaviours)
BEHAVIOUR_MIX = np.array([
    [0.55, 0.25, 0.08, 0.10, 0.02],
    [0.45, 0.28, 0.12, 0.10, 0.05],
    [0.35, 0.28, 0.17, 0.08, 0.12],
    [0.30, 0.40, 0.20, 0.08, 0.02],
])
# payment terms: id, days, description
PAYMENT_TERMS = (("Net15", 15, "Net 15 days"), ("Net30", 30, "Net 30 days"),
                 ("Net45", 45, "Net 45 days"), ("Net60", 60, "Net 60 days"))
TERMS_MIX = np.array([  # per segment, over PAYMENT_TERMS
    [0.00, 0.30, 0.40, 0.30],
    [0.05, 0.65, 0.25, 0.05],
    [0.35, 0.60, 0.05, 0.00],
    [0.00, 0.50, 0.10, 0.40],
])
AMOUNT_MEDIAN = np.array([24_000.0, 6_500.0, 1_400.0, 9_000.0])  # per segment, transaction currency
CREDIT_MEDIAN = np.array([900_000.0, 180_000.0, 30_000.0, 400_000.0])
DISPUTE_REASONS = np.array(["PRICING", "QUANTITY", "DAMAGED", "NOT_RECEIVED", "DUPLICATE_BILLING", "TAX"], dtype=object)
INTERNAL_REASONS = np.array(["PRICE_MISMATCH", "SHORT_SHIPMENT", "QUALITY", "DELIVERY", "BILLING_ERROR", "TAX_CODE"], dtype=object)

# per behaviour: probability of a dispute, of a promise to pay, that a promise is kept
P_DISPUTE = np.array([0.03, 0.05, 0.06, 0.45, 0.08])
P_PROMISE = np.array([0.02, 0.12, 0.25, 0.08, 0.30])
P_KEPT = np.array([0.90, 0.70, 0.50, 0.60, 0.10])


@dataclass
class World:
    cfg: SimConfig
    start_day: int
    end_day: int
    end_ts: int
    companies: tuple[Company, ...]
    cust: dict[str, np.ndarray]
    workers: dict[str, np.ndarray]
    inv: dict[str, np.ndarray]
    letters: dict[str, np.ndarray]
    reminders: dict[str, np.ndarray]
    calls: dict[str, np.ndarray]
    disputes: dict[str, np.ndarray]
    promises: dict[str, np.ndarray]
    credit_reviews: dict[str, np.ndarray]
    credit_notes: dict[str, np.ndarray]
    payments: dict[str, np.ndarray]
    allocations: dict[str, np.ndarray]
    deviations: pd.DataFrame
    as_of_day: int = 0
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    shapes: dict[str, int] = field(default_factory=dict)  # rows per simulated shape, for the summary
    ids: IdSeries = field(default_factory=IdSeries)  # identifier series (continued across blocks)


# ----------------------------------------------------------------------------- helpers
def stable_lexsort(keys: tuple) -> np.ndarray:
    """``np.lexsort(keys)`` (the last key sorts first): the same permutation, computed as one
    stable sort of the integer keys packed into an int64 when their ranges fit in 63 bits
    (several times faster on millions of rows), else by ``np.lexsort`` itself."""
    keys = tuple(np.asarray(k) for k in keys)
    if not len(keys[0]) or any(k.dtype.kind not in "iub" for k in keys):
        return np.lexsort(keys)
    spans = [(int(k.min()), int(k.max()) - int(k.min())) for k in keys]
    if sum(span.bit_length() for _, span in spans) > 63:
        return np.lexsort(keys)
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    shift = 0
    for k, (lo, span) in zip(keys, spans):  # least significant key first
        packed |= (k.astype(np.int64) - lo) << shift
        shift += span.bit_length()
    return np.argsort(packed, kind="stable")


def weekday(day: np.ndarray) -> np.ndarray:
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (day + 3) % 7


def to_business_day(day: np.ndarray) -> np.ndarray:
    wd = weekday(day)
    return day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


def local_to_utc(local_s: np.ndarray, tz: str) -> np.ndarray:
    """Local wall-clock seconds in ``tz`` -> UTC seconds (business hours: no DST ambiguity)."""
    if len(local_s) == 0:
        return local_s.astype(np.int64)
    idx = pd.to_datetime(local_s, unit="s").tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return idx.tz_convert("UTC").tz_localize(None).as_unit("s").asi8.astype(np.int64)


def utc_offset_minutes(utc_s: np.ndarray, tz: str) -> np.ndarray:
    """Offset of ``tz`` from UTC in minutes at each instant."""
    if len(utc_s) == 0:
        return np.zeros(0, dtype=np.int64)
    idx = pd.to_datetime(utc_s, unit="s").tz_localize("UTC").tz_convert(tz)
    local = idx.tz_localize(None).as_unit("s").asi8
    return ((local - utc_s) // 60).astype(np.int64)


class Clock:
    """Turns (day, time of day) into UTC seconds for each invoice's company.

    HighRadius companies work in their tenant's local time; D365-native companies are
    simulated directly in UTC (D365 stores UTC)."""

    def __init__(self, companies: tuple[Company, ...]):
        self.companies = companies

    def ts(self, day: np.ndarray, tod: np.ndarray, comp: np.ndarray) -> np.ndarray:
        out = day.astype(np.int64) * DAY + tod.astype(np.int64)
        finite = day < FAR_DAY
        out = np.where(finite, out, NEVER)
        for ci, c in enumerate(self.companies):
            if c.collections_system != "HIGHRADIUS":
                continue
            m = (comp == ci) & finite
            if m.any():
                out[m] = local_to_utc(out[m], c.timezone)
        return out


def uniform_int(rng: np.random.Generator, lo, hi, n: int) -> np.ndarray:
    """Integers in [lo, hi] inclusive (lo / hi may be arrays)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    span = np.maximum(hi - lo + 1, 1)
    return lo + (rng.random(n) * span).astype(np.int64)


def tod(rng: np.random.Generator, n: int, lo_h: float, hi_h: float) -> np.ndarray:
    return (lo_h * HOUR + rng.random(n) * (hi_h - lo_h) * HOUR).astype(np.int64)


def day_of(ts: np.ndarray) -> np.ndarray:
    return np.where(ts >= NEVER, NEVER // DAY, ts // DAY)


def pick(rng: np.random.Generator, eligible: np.ndarray, rate: float, minimum: int) -> np.ndarray:
    """Indices chosen among the eligible ones: ``rate`` of them, at least ``minimum``."""
    idx = np.flatnonzero(eligible)
    if rate <= 0 or len(idx) == 0:
        return idx[:0]
    k = min(len(idx), max(minimum, int(round(rate * len(idx)))))
    return np.sort(rng.choice(idx, size=k, replace=False))


# ----------------------------------------------------------------------------- generation
def generate(cfg: SimConfig, ids: IdSeries | None = None, as_of_floor: int = 0) -> World:
    """The simulated world of ``cfg``; ``ids``: the identifier series to number it from (a
    block of a larger zone continues the series of the blocks before it); ``as_of_floor``: the
    earliest as-of day (the as-of day of the blocks simulated before)."""
    ids = ids if ids is not None else IdSeries()
    rng = np.random.default_rng(cfg.seed)
    companies = cfg.companies
    clock = Clock(companies)
    pol = cfg.policy
    start_day = int(np.datetime64(cfg.start, "D").astype(np.int64))
    end_month = np.datetime64(cfg.start, "M") + cfg.months
    end_day = int(end_month.astype("datetime64[D]").astype(np.int64))
    end_ts = end_day * DAY
    ncomp = len(companies)
    shares = np.array([c.share for c in companies])
    shares = shares / shares.sum()

    # --------------------------------------------------------------- customers
    n_inv = cfg.invoices
    inv_per_comp = np.floor(shares * n_inv).astype(np.int64)
    inv_per_comp[0] += n_inv - inv_per_comp.sum()
    cust_per_comp = np.maximum(12, inv_per_comp // 25)
    n_cust = int(cust_per_comp.sum())
    c_comp = np.repeat(np.arange(ncomp), cust_per_comp)
    c_seg = rng.choice(len(SEGMENTS), size=n_cust, p=SEGMENT_SHARE)
    c_beh = np.empty(n_cust, dtype=np.int64)
    c_terms = np.empty(n_cust, dtype=np.int64)
    u1, u2 = rng.random(n_cust), rng.random(n_cust)
    for s in range(len(SEGMENTS)):
        m = c_seg == s
        c_beh[m] = np.searchsorted(np.cumsum(BEHAVIOUR_MIX[s]), u1[m] * 0.999999)
        c_terms[m] = np.searchsorted(np.cumsum(TERMS_MIX[s]), u2[m] * 0.999999)
    c_terms_days = np.array([t[1] for t in PAYMENT_TERMS])[c_terms]
    c_currency = np.array([companies[i].currency for i in c_comp], dtype=object)
    c_rate = np.ones(n_cust)
    uf = rng.random(n_cust)
    for ci, c in enumerate(companies):
        acc = 0.0
        for code, share, rate in c.foreign_currencies:
            m = (c_comp == ci) & (uf >= acc) & (uf < acc + share)
            c_currency[m] = code
            c_rate[m] = rate
            acc += share
    c_credit = np.round(CREDIT_MEDIAN[c_seg] * rng.lognormal(0, 0.5, n_cust), -3)
    c_batch = (np.isin(c_seg, [0, 3])) & (rng.random(n_cust) < 0.6)
    c_runday = rng.integers(0, 5, n_cust)
    c_created = (start_day - uniform_int(rng, 30, 2500, n_cust)) * DAY + tod(rng, n_cust, 8, 17)
    c_blocked = np.where((c_beh == 4) & (rng.random(n_cust) < 0.3), 3, 0)
    c_name = customer_names(rng, np.array([companies[i].code for i in c_comp], dtype=object))
    c_num = np.zeros(n_cust, dtype=np.int64)
    for ci in range(ncomp):
        m = c_comp == ci
        c_num[m] = ids.numbers(f"customer:{ci}", int(m.sum())) * 3 + 1000
    c_account = np.array([f"{companies[ci].account_prefix}-{num:06d}" for ci, num in zip(c_comp, c_num)], dtype=object)
    c_risk = np.array(["LOW", "MEDIUM", "HIGH"], dtype=object)[np.minimum(2, (c_beh >= 2).astype(int) + (c_beh == 4).astype(int))]

    # --------------------------------------------------------------- workers
    coll_per_comp = np.maximum(3, cust_per_comp // 40)
    clerks_per_comp = np.full(ncomp, 3)
    w_comp = np.concatenate([np.repeat(np.arange(ncomp), coll_per_comp), np.repeat(np.arange(ncomp), clerks_per_comp),
                             np.arange(ncomp)])
    w_role = np.concatenate([np.full(coll_per_comp.sum(), "collector", dtype=object),
                             np.full(clerks_per_comp.sum(), "clerk", dtype=object),
                             np.full(ncomp, "approver", dtype=object)])
    w_name, w_user = person_names(rng, len(w_comp), ids.numbers("worker", len(w_comp), 0))
    workers = {"company": w_comp, "role": w_role, "name": w_name, "user": w_user}
    c_collector = np.zeros(n_cust, dtype=np.int64)
    for ci in range(ncomp):
        pool = np.flatnonzero((w_comp == ci) & (w_role == "collector"))
        m = c_comp == ci
        c_collector[m] = pool[rng.integers(0, len(pool), m.sum())]
    clerk_pool = {ci: np.flatnonzero((w_comp == ci) & (w_role == "clerk")) for ci in range(ncomp)}
    approver_of = {ci: int(np.flatnonzero((w_comp == ci) & (w_role == "approver"))[0]) for ci in range(ncomp)}

    cust = {"company": c_comp, "segment": c_seg, "behaviour": c_beh, "terms": c_terms, "terms_days": c_terms_days,
            "currency": c_currency, "rate": c_rate, "credit_limit": c_credit, "batch": c_batch, "runday": c_runday,
            "created_ts": c_created, "blocked": c_blocked, "name": c_name, "account": c_account, "risk": c_risk,
            "collector": c_collector}

    # --------------------------------------------------------------- invoices
    i_comp = np.repeat(np.arange(ncomp), inv_per_comp)
    i_cust = np.empty(n_inv, dtype=np.int64)
    for ci in range(ncomp):
        pool = np.flatnonzero(c_comp == ci)
        w = rng.lognormal(0, 1.0, len(pool))
        m = i_comp == ci
        i_cust[m] = pool[rng.choice(len(pool), size=m.sum(), p=w / w.sum())]
    post_day = to_business_day(uniform_int(rng, start_day, end_day - 3, n_inv))
    post_day = np.minimum(post_day, end_day - 1)
    post_ts = post_day * DAY + tod(rng, n_inv, 7, 18)  # D365 posting time, UTC
    refnum = np.searchsorted(np.cumsum([0.62, 0.08, 0.30]), rng.random(n_inv) * 0.999999)  # 0 sales order, 1 project, 2 free text
    has_draft = refnum == 2
    created_ts = np.where(has_draft, post_ts - (HOUR + rng.random(n_inv) * 71 * HOUR).astype(np.int64), post_ts)
    # order by company and posting time so invoice numbers follow posting order
    order = stable_lexsort((np.arange(n_inv), post_ts, i_comp))
    i_cust, post_day, post_ts, refnum, has_draft, created_ts = (a[order] for a in (i_cust, post_day, post_ts, refnum, has_draft, created_ts))
    seg = c_seg[i_cust]
    beh = c_beh[i_cust]
    terms_days = c_terms_days[i_cust]
    due_day = post_day + terms_days
    amount = np.maximum(5_000, np.round(AMOUNT_MEDIAN[seg] * rng.lognormal(0, 0.8, n_inv) * 100)).astype(np.int64)  # cents
    seq = np.zeros(n_inv, dtype=np.int64)
    for ci in range(ncomp):
        m = i_comp == ci
        seq[m] = ids.numbers(f"invoice:{ci}", int(m.sum()))
    clerk = np.empty(n_inv, dtype=np.int64)
    for ci in range(ncomp):
        m = i_comp == ci
        clerk[m] = clerk_pool[ci][rng.integers(0, len(clerk_pool[ci]), m.sum())]

    # --------------------------------------------------------------- credit reviews (customer level)
    by_cust = stable_lexsort((created_ts, i_cust))
    prev_created = np.full(n_inv, -1, dtype=np.int64)
    same = np.zeros(n_inv, dtype=bool)
    same[1:] = i_cust[by_cust][1:] == i_cust[by_cust][:-1]
    prev_sorted = np.where(same, np.concatenate([[0], created_ts[by_cust][:-1]]), -1)
    prev_created[by_cust] = prev_sorted
    first_of_cust = prev_created < 0
    want_review = np.where(first_of_cust, rng.random(n_inv) < 0.5, rng.random(n_inv) < 0.02)
    gap = np.where(first_of_cust, 10 * DAY, np.minimum(10 * DAY, created_ts - prev_created))
    want_review &= gap > 2 * HOUR
    r_inv = np.flatnonzero(want_review)
    nr = len(r_inv)
    r_req = created_ts[r_inv] - (gap[r_inv] * (0.15 + 0.8 * rng.random(nr))).astype(np.int64)
    room = created_ts[r_inv] - r_req
    r_dec = r_req + np.minimum((2 * HOUR + rng.random(nr) * 70 * HOUR).astype(np.int64), (room * 0.8).astype(np.int64))
    r_dec = np.maximum(r_dec, r_req + 60)
    r_outcome = np.array(["APPROVED", "PARTIAL", "REJECTED", "PENDING"], dtype=object)[
        np.searchsorted(np.cumsum([0.72, 0.08, 0.13, 0.07]), rng.random(nr) * 0.999999)]
    r_dec = np.where(r_outcome == "PENDING", NEVER, r_dec)
    r_type = np.where(first_of_cust[r_inv], "NEW", np.where(rng.random(nr) < 0.7, "INCREASE", "ORDER_HOLD"))
    r_cust = i_cust[r_inv]
    r_requested = np.round(c_credit[r_cust] * (1.2 + rng.random(nr)), -3)
    r_approved = np.where(r_outcome == "APPROVED", r_requested,
                          np.where(r_outcome == "PARTIAL", np.round(r_requested * 0.7, -3), np.nan))
    keep = r_req < end_ts
    credit_reviews = {"inv": r_inv[keep], "cust": r_cust[keep], "requested_ts": r_req[keep],
                      "decided_ts": np.where(r_dec[keep] < end_ts, r_dec[keep], NEVER), "outcome": r_outcome[keep],
                      "type": r_type[keep], "requested_limit": r_requested[keep], "approved_limit": r_approved[keep],
                      "approver": np.array([approver_of[c] for c in i_comp[r_inv[keep]]], dtype=np.int64)}
    credit_reviews["outcome"] = np.where(credit_reviews["decided_ts"] >= NEVER, "PENDING", credit_reviews["outcome"])

    # --------------------------------------------------------------- payment behaviour
    off = np.select(
        [beh == 0, beh == 1, beh == 2, beh == 3],
        [uniform_int(rng, -20, -1, n_inv), uniform_int(rng, 1, 40, n_inv), uniform_int(rng, 15, 120, n_inv),
         uniform_int(rng, -10, 50, n_inv)],
        uniform_int(rng, 60, 160, n_inv))
    slip = (beh == 0) & (rng.random(n_inv) < 0.10)
    off = np.where(slip, uniform_int(rng, 1, 25, n_inv), off)
    never_pays = (beh == 4) & (rng.random(n_inv) < 0.75)
    recv_day = np.maximum(post_day + 1, due_day + off)
    recv_day = np.where(never_pays, NEVER // DAY, recv_day)
    recv_tod = tod(rng, n_inv, 8, 17)
    is_hr = np.array([c.collections_system == "HIGHRADIUS" for c in companies])[i_comp]
    post_lag = np.where(is_hr, (300 + rng.random(n_inv) * 6 * HOUR + 600 + rng.random(n_inv) * 36 * HOUR),
                        (1800 + rng.random(n_inv) * 70 * HOUR)).astype(np.int64)
    settle_secs = uniform_int(rng, 1, 120, n_inv)

    def settle_of(rday: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r_ts = clock.ts(rday, recv_tod, i_comp)
        p_ts = np.where(r_ts >= NEVER, NEVER, r_ts + post_lag)
        s_ts = np.where(p_ts >= NEVER, NEVER, p_ts + settle_secs)
        return r_ts, p_ts, s_ts

    letter1_day = due_day + uniform_int(rng, pol.first_min_days_after_due + 1, pol.first_max_days_after_due - 2, n_inv)
    _, _, s_ts0 = settle_of(recv_day)
    dunned0 = day_of(s_ts0) > letter1_day

    # --------------------------------------------------------------- disputes
    wants_dispute = rng.random(n_inv) < P_DISPUTE[beh]
    early_room = due_day - post_day
    d_early = wants_dispute & ~dunned0 & (early_room >= 6)
    d_late = wants_dispute & dunned0
    d_open_day = np.full(n_inv, NEVER // DAY)
    d_res_day = np.full(n_inv, NEVER // DAY)
    eo = uniform_int(rng, post_day + 1, post_day + 3, n_inv)
    er = uniform_int(rng, eo + 1, due_day - 1, n_inv)
    lo_ = uniform_int(rng, letter1_day + 1, letter1_day + 6, n_inv)
    lr = lo_ + uniform_int(rng, 3, 40, n_inv)
    d_open_day = np.where(d_early, eo, np.where(d_late, lo_, d_open_day))
    d_res_day = np.where(d_early, er, np.where(d_late, lr, d_res_day))
    has_dispute = d_early | d_late
    u = rng.random(n_inv)
    d_resolution = np.where(u < 0.40, "CREDIT_MEMO", "REPAID").astype(object)
    full_credit = d_late & ~never_pays & (rng.random(n_inv) < 0.10)
    d_resolution = np.where(full_credit, "CREDIT_MEMO", d_resolution)
    d_open_ts = clock.ts(d_open_day, tod(rng, n_inv, 9, 17), i_comp)
    d_res_ts = clock.ts(d_res_day, tod(rng, n_inv, 9, 17), i_comp)
    d_open_ts = np.where(has_dispute, d_open_ts, NEVER)
    d_res_ts = np.where(has_dispute, d_res_ts, NEVER)
    pays = ~never_pays & ~full_credit
    # payment follows the resolution, and its credit note (posted within 20 h) comes first
    recv_day = np.where(has_dispute & pays, np.maximum(recv_day, d_res_day + uniform_int(rng, 2, 10, n_inv)), recv_day)
    recv_day = np.where(full_credit, NEVER // DAY, recv_day)
    cn_amount = np.where(full_credit, amount,
                         np.where(has_dispute & (d_resolution == "CREDIT_MEMO"),
                                  np.round(amount * (0.05 + 0.25 * rng.random(n_inv))).astype(np.int64), 0))
    cn_ts = np.where(cn_amount > 0, d_res_ts + (HOUR + rng.random(n_inv) * 19 * HOUR).astype(np.int64), NEVER)

    # --------------------------------------------------------------- promises to pay
    _, _, s_ts1 = settle_of(recv_day)
    s_ts1 = np.where(full_credit, cn_ts + settle_secs, s_ts1)
    dunned1 = day_of(s_ts1) > letter1_day
    has_promise = dunned1 & ~full_credit & (rng.random(n_inv) < P_PROMISE[beh])
    p_made_day = np.maximum(letter1_day, np.where(d_late, d_res_day, 0)) + uniform_int(rng, 2, 8, n_inv)
    p_date_day = p_made_day + uniform_int(rng, 5, 20, n_inv)
    kept = has_promise & ~never_pays & (rng.random(n_inv) < P_KEPT[beh])
    broken = has_promise & ~kept
    recv_day = np.where(kept, uniform_int(rng, p_made_day + 1, p_date_day, n_inv), recv_day)
    recv_day = np.where(broken & pays, np.maximum(recv_day, p_date_day + uniform_int(rng, 3, 40, n_inv)), recv_day)
    p_made_ts = np.where(has_promise, clock.ts(p_made_day, tod(rng, n_inv, 9, 17), i_comp), NEVER)
    p_amount = np.where(has_promise, amount - cn_amount, 0)

    # --------------------------------------------------------------- partial payments
    can_partial = pays & (recv_day < NEVER // DAY) & (recv_day - post_day >= 4) & ~has_promise
    has_partial = (can_partial & (rng.random(n_inv) < 0.07)) | (never_pays & (rng.random(n_inv) < 0.30))
    part_day = np.where(never_pays, uniform_int(rng, due_day + 1, due_day + 40, n_inv),
                        uniform_int(rng, post_day + 1, recv_day - 2, n_inv))
    part_amount = np.where(has_partial, np.round((amount - cn_amount) * (0.3 + 0.4 * rng.random(n_inv))).astype(np.int64), 0)

    # --------------------------------------------------------------- batch payments (several invoices, one receipt)
    batchable = c_batch[i_cust] & pays & ~has_dispute & ~has_promise & ~has_partial & (recv_day < due_day)
    snapped = recv_day - ((weekday(recv_day) - c_runday[i_cust]) % 7)
    recv_day = np.where(batchable & (snapped > post_day), snapped, recv_day)
    r_ts, p_ts, s_ts = settle_of(recv_day)
    # one receipt per (customer, day) among batchable invoices: share receipt and posting time
    bkey = np.where(batchable, i_cust * 10**6 + (recv_day - start_day + 1000), -1 - np.arange(n_inv))
    _, bfirst, bgroup = np.unique(bkey, return_index=True, return_inverse=True)
    r_ts = np.where(batchable, r_ts[bfirst[bgroup]], r_ts)
    p_ts = np.where(batchable, p_ts[bfirst[bgroup]], p_ts)
    s_ts = np.where(batchable, p_ts + settle_secs, s_ts)
    s_ts = np.where(full_credit, cn_ts + settle_secs, s_ts)
    # the collector marks the promise kept when the receipt arrives, before it is posted (>= 15 min later)
    kept_close = np.where(kept, r_ts + 60 + (rng.random(n_inv) * 540).astype(np.int64), NEVER)
    p_close_ts = np.where(kept, kept_close,
                          np.where(broken, clock.ts(p_date_day + 1, tod(rng, n_inv, 8, 12), i_comp), NEVER))
    settle_day = day_of(s_ts)

    # --------------------------------------------------------------- dunning letters (policy-following)
    n_slots = 4
    L = np.full((n_inv, n_slots), NEVER // DAY, dtype=np.int64)
    lvl = np.zeros((n_inv, n_slots), dtype=np.int64)
    L[:, 0] = letter1_day
    lvl[:, 0] = 1
    p_made_d = day_of(p_made_ts)
    p_close_d = day_of(p_close_ts)
    for k in (1, 2):
        cand = L[:, k - 1] + uniform_int(rng, pol.min_days_between_levels + 1, pol.min_days_between_levels + 14, n_inv)
        in_d = d_late & (d_open_day <= cand) & (cand <= d_res_day)
        cand = np.where(in_d, d_res_day + uniform_int(rng, 1, 4, n_inv), cand)
        in_p = has_promise & (p_made_d <= cand) & (cand <= p_close_d)
        cand = np.where(in_p, p_close_d + uniform_int(rng, 1, 4, n_inv), cand)
        L[:, k] = cand
        lvl[:, k] = k + 1
    letter_tod = np.where(is_hr, tod(rng, n_inv, 8, 10), tod(rng, n_inv, 6, 9))
    sent = np.zeros((n_inv, n_slots), dtype=bool)
    for k in range(3):
        lts = clock.ts(L[:, k], letter_tod, i_comp)
        sent[:, k] = (L[:, k] < settle_day) & (lts < end_ts) & (sent[:, k - 1] if k else True)

    # --------------------------------------------------------------- write-offs
    wo_day = np.where(never_pays & sent[:, 2],
                      L[:, 2] + uniform_int(rng, pol.write_off_min_days_after_final + 5, 100, n_inv), NEVER // DAY)
    wo_tod = tod(rng, n_inv, 7, 17)
    wo_ts = np.where(wo_day < NEVER // DAY, wo_day * DAY + wo_tod, NEVER)
    wo_ts = np.where(wo_ts < end_ts, wo_ts, NEVER)

    # --------------------------------------------------------------- injected policy deviations
    dev_rule = np.zeros(n_inv, dtype=np.int64)  # index into RULES + 1
    dev_detail = np.full(n_inv, "", dtype=object)
    n_sent = sent.sum(axis=1)
    settled = s_ts < end_ts
    rate, mini = cfg.deviation_rate, cfg.min_deviations_per_rule
    as_of_guard = end_day - 2
    free = lambda: dev_rule == 0  # noqa: E731

    def mark(idx: np.ndarray, rule: str, detail) -> None:
        dev_rule[idx] = RULES.index(rule) + 1
        dev_detail[idx] = detail

    def lts_ok(days: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return clock.ts(days, letter_tod[idx], i_comp[idx]) < end_ts

    # R01 first letter too early
    ix = pick(rng, free() & (n_sent >= 1), rate, mini)
    L[ix, 0] = due_day[ix] + uniform_int(rng, 1, pol.first_min_days_after_due - 2, len(ix))
    mark(ix, "R01", "first letter before due date + minimum days")
    # R02 first letter too late
    new1 = due_day + uniform_int(rng, pol.first_max_days_after_due + 3, pol.first_max_days_after_due + 7, n_inv)
    ok = free() & (n_sent >= 1) & ~d_late & ~has_promise & (settle_day > new1 + 1) \
        & ((n_sent == 1) | (L[:, 1] >= new1 + pol.min_days_between_levels + 1))
    ok &= clock.ts(new1, letter_tod, i_comp) < end_ts
    ix = pick(rng, ok, rate, mini)
    L[ix, 0] = new1[ix]
    mark(ix, "R02", "first letter after due date + maximum days")
    # R03 level skipped
    ok_a = free() & (n_sent == 2) & settled & (wo_ts >= NEVER)
    ok_b = free() & (n_sent == 3) & settled & (wo_ts >= NEVER)
    ix = pick(rng, ok_a | ok_b, rate, mini)
    a = ix[ok_a[ix]]
    b = ix[ok_b[ix]]
    lvl[a, 1] = 3
    lvl[b, 2] = 4
    mark(a, "R03", "level 2 skipped")
    mark(b, "R03", "level 3 skipped")
    # R04 levels too close
    ok = free() & (n_sent >= 2) & ~d_late & ~has_promise
    ix = pick(rng, ok, rate, mini)
    L[ix, 1] = L[ix, 0] + uniform_int(rng, 4, pol.min_days_between_levels - 3, len(ix))
    mark(ix, "R04", "level 2 less than the minimum days after level 1")
    # R05 letter while a dispute is open (letter 2 moved into the dispute)
    lo5 = np.maximum(d_open_day + 1, L[:, 0] + pol.min_days_between_levels + 1)
    ok = free() & d_late & (n_sent >= 2) & (lo5 <= d_res_day - 1) & (L[:, 1] > d_res_day)
    ix = pick(rng, ok, rate, mini)
    L[ix, 1] = uniform_int(rng, lo5[ix], d_res_day[ix] - 1, len(ix))
    mark(ix, "R05", "letter sent while a dispute was open")
    # R06 letter after settlement
    last_k = np.maximum(n_sent - 1, 0)
    last_day = L[np.arange(n_inv), last_k]
    last_lvl = lvl[np.arange(n_inv), last_k]
    new6 = np.maximum(settle_day + uniform_int(rng, 2, 10, n_inv), last_day + pol.min_days_between_levels + 1)
    ok = free() & (n_sent >= 1) & (n_sent <= 2) & (last_lvl <= 2) & settled & (wo_ts >= NEVER)
    ok &= clock.ts(new6, letter_tod, i_comp) < end_ts
    ix = pick(rng, ok, rate, mini)
    L[ix, n_sent[ix]] = new6[ix]
    lvl[ix, n_sent[ix]] = last_lvl[ix] + 1
    sent[ix, n_sent[ix]] = True
    mark(ix, "R06", "letter sent after the invoice was settled")
    # R07 letter while a promise to pay is open
    ok = np.zeros(n_inv, dtype=bool)
    tgt = np.full(n_inv, -1)
    lo7 = np.zeros(n_inv, dtype=np.int64)
    for k in (1, 2):
        lo_k = np.maximum(p_made_d + 1, L[:, k - 1] + pol.min_days_between_levels + 1)
        cond = free() & has_promise & sent[:, k] & (L[:, k - 1] < p_made_d) & (L[:, k] > p_close_d) \
            & (lo_k <= p_close_d - 1) & (tgt < 0)
        tgt = np.where(cond, k, tgt)
        lo7 = np.where(cond, lo_k, lo7)
        ok |= cond
    ix = pick(rng, ok, rate, mini)
    L[ix, tgt[ix]] = uniform_int(rng, lo7[ix], p_close_d[ix] - 1, len(ix))
    mark(ix, "R07", "letter sent while a promise to pay was open")
    # R08 write-off before final level + waiting time
    ok_a = free() & (wo_ts < NEVER) & sent[:, 2]
    new_wo = L[:, 1] + uniform_int(rng, 35, 80, n_inv)
    ok_b = free() & never_pays & sent[:, 1] & (new_wo * DAY + wo_tod < end_ts) & (new_wo < L[:, 2] + 400)
    ix = pick(rng, ok_a | ok_b, rate, mini)
    a = ix[ok_a[ix]]
    b = ix[ok_b[ix] & ~ok_a[ix]]
    wo_day = day_of(wo_ts)
    wo_day[a] = L[a, 2] + uniform_int(rng, 5, pol.write_off_min_days_after_final - 5, len(a))
    wo_day[b] = new_wo[b]
    sent[b, 2] = False
    wo_ts[a] = wo_day[a] * DAY + wo_tod[a]
    wo_ts[b] = wo_day[b] * DAY + wo_tod[b]
    mark(a, "R08", "written off less than the waiting time after the final level")
    mark(b, "R08", "written off without the final level")
    # R09 no letter at all although open beyond the maximum
    ok = free() & (n_sent >= 1) & ~has_dispute & ~has_promise & (wo_ts >= NEVER) \
        & (settle_day > due_day + pol.first_max_days_after_due + 4) \
        & (due_day + pol.first_max_days_after_due + 4 < as_of_guard)
    ix = pick(rng, ok, rate, mini)
    sent[ix, :] = False
    mark(ix, "R09", "no letter although open beyond the maximum days after due")
    # letters can't follow a write-off (none do: write-offs come after the last letter)
    wo_day = day_of(wo_ts)

    # --------------------------------------------------------------- letters table
    li, lk = np.nonzero(sent)
    letters = {"inv": li, "slot": lk, "level": lvl[li, lk], "day": L[li, lk],
               "ts": clock.ts(L[li, lk], letter_tod[li], i_comp[li])}
    o = stable_lexsort((letters["ts"], letters["inv"]))
    letters = {k: v[o] for k, v in letters.items()}
    nl = len(li)
    letters["sent_by_collector"] = rng.random(nl) < 0.25
    letters["channel"] = np.array(["EMAIL", "POST", "PORTAL", "FAX"], dtype=object)[
        np.searchsorted([0.6, 0.88, 0.98], rng.random(nl))]

    # --------------------------------------------------------------- calls and reminders
    open_until = np.minimum(settle_day, wo_day)
    ci_, ck_ = np.nonzero(sent & (rng.random((n_inv, n_slots)) < 0.25))
    c_day = L[ci_, ck_] + uniform_int(rng, 1, 10, len(ci_))
    c_ts = clock.ts(c_day, tod(rng, len(ci_), 9, 17), i_comp[ci_])
    okc = (c_day < open_until[ci_]) & (c_ts < end_ts)
    calls = {"inv": ci_[okc], "ts": c_ts[okc]}
    o = stable_lexsort((calls["ts"], calls["inv"]))
    calls = {k: v[o] for k, v in calls.items()}
    calls["outcome"] = np.array(["REACHED", "NO_ANSWER", "VOICEMAIL", "PROMISED"], dtype=object)[
        rng.integers(0, 4, len(calls["inv"]))]
    rem_day = due_day - uniform_int(rng, 2, 6, n_inv)
    rem_ts = clock.ts(rem_day, np.where(is_hr, tod(rng, n_inv, 7, 8), tod(rng, n_inv, 5, 6)), i_comp)
    okr = (rng.random(n_inv) < 0.35) & (rem_day > post_day) & (rem_ts > post_ts) & (rem_day < open_until) & (rem_ts < end_ts)
    reminders = {"inv": np.flatnonzero(okr), "ts": rem_ts[okr]}

    # --------------------------------------------------------------- payments and allocations
    final_pay = pays & (r_ts < end_ts) & (recv_day < NEVER // DAY)
    part_ok = has_partial & (part_day < open_until) & (part_day < NEVER // DAY)
    part_r = clock.ts(part_day, tod(rng, n_inv, 8, 17), i_comp)
    part_ok &= part_r < end_ts
    part_p = part_r + post_lag // 2 + 60
    part_s = part_p + settle_secs
    # receipts: one per batch group among final payments, one per partial payment
    fp = np.flatnonzero(final_pay)
    fgroup = bgroup[fp]
    ug, first_in_group = np.unique(fgroup, return_index=True)
    pay_of_fp = np.searchsorted(ug, fgroup)
    pp = np.flatnonzero(part_ok)
    n_pay_final = len(ug)
    pay_inv_first = np.concatenate([fp[first_in_group], pp])
    payments = {
        "company": i_comp[pay_inv_first], "cust": i_cust[pay_inv_first],
        "recv_ts": np.concatenate([r_ts[fp[first_in_group]], part_r[pp]]),
        "posted_ts": np.concatenate([p_ts[fp[first_in_group]], part_p[pp]]),
        "currency": c_currency[i_cust[pay_inv_first]],
    }
    npay = len(pay_inv_first)
    final_amount = amount - cn_amount - np.where(part_ok, part_amount, 0)
    alloc_pay = np.concatenate([pay_of_fp, n_pay_final + np.arange(len(pp))])
    alloc_inv = np.concatenate([fp, pp])
    alloc_amt = np.concatenate([final_amount[fp], part_amount[pp]])
    alloc_settle = np.concatenate([s_ts[fp], part_s[pp]])
    alloc_closes = np.concatenate([np.ones(len(fp), dtype=bool), np.zeros(len(pp), dtype=bool)])
    payments["amount"] = np.bincount(alloc_pay, weights=alloc_amt, minlength=npay).astype(np.int64)
    payments["posted_ts"] = np.where(payments["posted_ts"] < end_ts, payments["posted_ts"], NEVER)
    payments["method"] = np.array(["ACH", "WIRE", "CHECK", "CARD"], dtype=object)[
        np.searchsorted([0.45, 0.75, 0.95], rng.random(npay))]
    payments["remittance"] = np.array(["EDI820", "EMAIL", "PORTAL", "STUB"], dtype=object)[rng.integers(0, 4, npay)]
    payments["match_type"] = np.array(["AUTO", "SUGGESTED", "MANUAL"], dtype=object)[
        np.searchsorted([0.7, 0.9], rng.random(npay))]
    payments["matched_ts"] = np.minimum(payments["recv_ts"] + (300 + rng.random(npay) * 5 * HOUR).astype(np.int64),
                                        np.where(payments["posted_ts"] < NEVER, payments["posted_ts"] - 60, NEVER))
    payments["matched_ts"] = np.where(payments["matched_ts"] < end_ts, payments["matched_ts"], NEVER)
    n_alloc = np.bincount(alloc_pay, minlength=npay)
    posted_pay = payments["posted_ts"] < NEVER
    # D365 journal lines name the invoice they pay when they pay exactly one (not always)
    payments["marked_invoice"] = np.where((n_alloc == 1) & ~(posted_pay & (rng.random(npay) < 0.1)),
                                          np.zeros(npay, dtype=np.int64), -1)
    alloc_first = np.full(npay, -1, dtype=np.int64)
    alloc_first[alloc_pay[::-1]] = alloc_inv[::-1]
    payments["marked_invoice"] = np.where(payments["marked_invoice"] == 0, alloc_first, -1)
    allocations = {"pay": alloc_pay, "inv": alloc_inv, "amount": alloc_amt,
                   "settle_ts": np.where((alloc_settle < end_ts) & (payments["posted_ts"][alloc_pay] < NEVER), alloc_settle, NEVER),
                   "closes": alloc_closes}
    o = stable_lexsort((allocations["inv"], allocations["pay"]))
    allocations = {k: v[o] for k, v in allocations.items()}

    # --------------------------------------------------------------- invoice final state
    s_final = np.where(full_credit, cn_ts + settle_secs, np.where(final_pay, s_ts, NEVER))
    settled_ts = np.where(s_final < end_ts, s_final, NEVER)
    wo_amount = np.where(wo_ts < NEVER, amount - cn_amount - np.where(part_ok, part_amount, 0), 0)

    inv = {"company": i_comp, "cust": i_cust, "seq": seq, "refnum": refnum, "has_draft": has_draft,
           "created_ts": created_ts, "posted_ts": post_ts, "post_day": post_day, "due_day": due_day,
           "amount": amount, "currency": c_currency[i_cust], "rate": c_rate[i_cust], "clerk": clerk,
           "settled_ts": settled_ts, "wo_ts": wo_ts, "wo_amount": wo_amount, "behaviour": beh, "segment": seg,
           "dev_rule": dev_rule, "full_credit": full_credit}

    cn = cn_amount > 0
    cn_ok = cn & (cn_ts < end_ts)
    credit_notes = {"inv": np.flatnonzero(cn_ok), "amount": cn_amount[cn_ok], "ts": cn_ts[cn_ok],
                    "settle_ts": np.where(cn_ts[cn_ok] + settle_secs[cn_ok] < end_ts, cn_ts[cn_ok] + settle_secs[cn_ok], NEVER)}
    dsel = has_dispute & (d_open_ts < end_ts)
    disputes = {"inv": np.flatnonzero(dsel), "open_ts": d_open_ts[dsel],
                "resolved_ts": np.where(d_res_ts[dsel] < end_ts, d_res_ts[dsel], NEVER),
                "resolution": d_resolution[dsel], "amount": np.where(cn_amount[dsel] > 0, cn_amount[dsel], amount[dsel] // 5),
                "reason": DISPUTE_REASONS[rng.integers(0, len(DISPUTE_REASONS), dsel.sum())],
                "type": np.array(["DISPUTE", "DEDUCTION", "SHORT_PAY"], dtype=object)[
                    np.searchsorted([0.7, 0.9], rng.random(dsel.sum()))]}
    disputes["internal_reason"] = INTERNAL_REASONS[rng.integers(0, len(INTERNAL_REASONS), dsel.sum())]
    psel = has_promise & (p_made_ts < end_ts)
    promises = {"inv": np.flatnonzero(psel), "made_ts": p_made_ts[psel], "promised_day": p_date_day[psel],
                "close_ts": np.where(p_close_ts[psel] < end_ts, p_close_ts[psel], NEVER),
                "status": np.where(kept[psel], "KEPT", "BROKEN").astype(object), "amount": p_amount[psel]}
    promises["status"] = np.where(promises["close_ts"] >= NEVER, "OPEN", promises["status"])

    dev = pd.DataFrame({"invoice_index": np.flatnonzero(dev_rule), "rule_id": np.array(RULES)[dev_rule[dev_rule > 0] - 1],
                        "detail": dev_detail[dev_rule > 0]})

    world = World(cfg=cfg, start_day=start_day, end_day=end_day, end_ts=end_ts, companies=companies, cust=cust,
                  workers=workers, inv=inv, letters=letters, reminders=reminders, calls=calls, disputes=disputes,
                  promises=promises, credit_reviews=credit_reviews, credit_notes=credit_notes, payments=payments,
                  allocations=allocations, deviations=dev, ids=ids)
    from .coverage import interest_notes  # noqa: PLC0415 - the step module imports this one
    interest_notes(world)
    # the real-ledger shapes, each a step of its own: settlement shapes and outcomes first (the
    # promise and credit steps read the final settlements), then promises, then credit limits
    add_outcome_shapes(world, np.random.default_rng([cfg.seed, 15]))
    from .promises import reshape  # noqa: PLC0415 - the step reads this module's World
    reshape(world, rng)
    from .credit import extend_credit_history  # credit limits over time (imports this module)
    extend_credit_history(world)
    world.as_of_day = as_of_floor
    world.events = build_events(world)
    return world


# ----------------------------------------------------------------------------- ground truth events
# the orders of the seed activity_catalogue (the tie-breaker for equal timestamps)
ACTIVITY_ORDER = {
    "CREDIT_LIMIT_REQUESTED": 10, "CREDIT_LIMIT_APPROVED": 20, "CREDIT_LIMIT_REJECTED": 30, "INVOICE_CREATED": 40,
    "INVOICE_POSTED": 50, "PAYMENT_REMINDER_SENT": 60, "DUE_DATE_PASSED": 70, "DUNNING_LETTER_1_SENT": 80,
    "DUNNING_LETTER_2_SENT": 90, "DUNNING_LETTER_3_SENT": 100, "DUNNING_LETTER_4_SENT": 110,
    "COLLECTION_CALL_MADE": 120, "PROMISE_TO_PAY_MADE": 130, "PROMISE_TO_PAY_KEPT": 140,
    "PROMISE_TO_PAY_BROKEN": 150, "PROMISE_TO_PAY_CANCELLED": 155, "DISPUTE_OPENED": 160, "DISPUTE_RESOLVED": 170,
    "PAYMENT_RECEIVED": 180, "PAYMENT_POSTED": 190, "INVOICE_PARTIALLY_WRITTEN_OFF": 195, "INVOICE_SETTLED": 200,
    "INVOICE_WRITTEN_OFF": 210}
CODES = np.array(list(ACTIVITY_ORDER), dtype=object)
CODE_IDX = {c: i for i, c in enumerate(CODES)}


def allocation_linked(w: World) -> np.ndarray:
    """Per allocation of a receipt to an invoice: whether the landing zone ties the receipt to
    that invoice by the as-of date. HighRadius: once the receipt is matched (cash application).
    D365: once the settlement of that allocation is in the ledger (posted before the end, for a
    posted receipt), or when the journal line names the invoice. A receipt posted just before
    the end but settled after it, whose line names no invoice, is an open payment on account:
    nothing in the data says which invoice it pays."""
    al, pay = w.allocations, w.payments
    hr_comp = np.array([c.collections_system == "HIGHRADIUS" for c in w.companies])
    matched = pay["matched_ts"][al["pay"]] < NEVER
    settled_or_marked = (al["settle_ts"] < NEVER) | (pay["marked_invoice"][al["pay"]] == al["inv"])
    return np.where(hr_comp[pay["company"][al["pay"]]], matched, settled_or_marked)


def build_events(w: World) -> pd.DataFrame:
    """The true activity sequence of every invoice: (invoice index, activity code index, UTC second)."""
    parts: list[tuple[np.ndarray, np.ndarray, str | np.ndarray]] = []
    inv = w.inv
    cr = w.credit_reviews
    parts.append((cr["inv"], cr["requested_ts"], "CREDIT_LIMIT_REQUESTED"))
    dec = cr["decided_ts"] < NEVER
    parts.append((cr["inv"][dec], cr["decided_ts"][dec],
                  np.where(cr["outcome"][dec] == "REJECTED", "CREDIT_LIMIT_REJECTED", "CREDIT_LIMIT_APPROVED")))
    n = len(inv["company"])
    all_inv = np.arange(n)
    parts.append((all_inv, inv["created_ts"], "INVOICE_CREATED"))
    parts.append((all_inv, inv["posted_ts"], "INVOICE_POSTED"))
    parts.append((w.reminders["inv"], w.reminders["ts"], "PAYMENT_REMINDER_SENT"))
    lt = w.letters
    parts.append((lt["inv"], lt["ts"], np.array([f"DUNNING_LETTER_{k}_SENT" for k in range(1, 5)], dtype=object)[lt["level"] - 1]))
    parts.append((w.calls["inv"], w.calls["ts"], "COLLECTION_CALL_MADE"))
    pr = w.promises
    parts.append((pr["inv"], pr["made_ts"], "PROMISE_TO_PAY_MADE"))
    closed = pr["close_ts"] < NEVER
    parts.append((pr["inv"][closed], pr["close_ts"][closed],
                  np.where(pr["status"][closed] == "KEPT", "PROMISE_TO_PAY_KEPT",
                           np.where(pr["status"][closed] == "CANCELLED", "PROMISE_TO_PAY_CANCELLED", "PROMISE_TO_PAY_BROKEN"))))
    d = w.disputes
    parts.append((d["inv"], d["open_ts"], "DISPUTE_OPENED"))
    res = d["resolved_ts"] < NEVER
    parts.append((d["inv"][res], d["resolved_ts"][res], "DISPUTE_RESOLVED"))
    al, pay = w.allocations, w.payments
    linked = allocation_linked(w)
    parts.append((al["inv"][linked], pay["recv_ts"][al["pay"]][linked], "PAYMENT_RECEIVED"))
    posted = linked & (pay["posted_ts"][al["pay"]] < NEVER)
    parts.append((al["inv"][posted], pay["posted_ts"][al["pay"]][posted], "PAYMENT_POSTED"))
    st = inv["settled_ts"] < NEVER
    parts.append((all_inv[st], inv["settled_ts"][st], "INVOICE_SETTLED"))
    parts += write_off_event_parts(inv)

    idx = np.concatenate([p[0] for p in parts]).astype(np.int64)
    ts = np.concatenate([p[1] for p in parts]).astype(np.int64)
    code = np.concatenate([np.full(len(p[0]), CODE_IDX[p[2]], dtype=np.int64) if isinstance(p[2], str)
                           else np.array([CODE_IDX[c] for c in p[2]], dtype=np.int64) if len(p[2]) < 1000
                           else pd.Series(p[2]).map(CODE_IDX).to_numpy(np.int64) for p in parts])
    assert (ts < w.end_ts).all(), "an event after the end of the simulated window"
    # as-of date: the latest source event date (of the zone: not before ``w.as_of_day``, the
    # as-of date of the blocks simulated before); DUE_DATE_PASSED is derived up to it
    w.as_of_day = max(int(ts.max() // DAY), w.as_of_day)
    ddp_ts = (inv["due_day"] + 1) * DAY
    ddp = ((inv["due_day"] + 1) <= w.as_of_day) & (inv["settled_ts"] > ddp_ts) & (inv["outcome_wo_ts"] > ddp_ts)
    idx = np.concatenate([idx, all_inv[ddp]])
    ts = np.concatenate([ts, ddp_ts[ddp]])
    code = np.concatenate([code, np.full(ddp.sum(), CODE_IDX["DUE_DATE_PASSED"], dtype=np.int64)])
    order_val = np.array([ACTIVITY_ORDER[c] for c in CODES])[code]
    o = stable_lexsort((order_val, ts, idx))
    return pd.DataFrame({"invoice_index": idx[o], "activity_index": code[o], "ts": ts[o]})


from .outcomes import add_outcome_shapes, write_off_event_parts  # noqa: E402  (uses this module)
