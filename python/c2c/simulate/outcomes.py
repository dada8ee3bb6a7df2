"""How invoices end: settlement shapes and the case outcome, with its ground truth.

Runs on the simulated world after the payment, credit-note and write-off steps and before the
true events are derived. It adds the settlement shapes a real customer ledger has and fixes the
outcome of every invoice by the rule of the event log contract:

- residual write-off: the customer pays 95-99.9 % and the small remainder is written off a few
  days later; the write-off closes the invoice but is not material, so the case is settled;
- disputed part written off: a dispute resolved by writing off the disputed part (HighRadius
  resolution type WRITE_OFF) instead of a credit note; the remainder is paid later;
- general-journal offset (custtrans transtype 36): the invoice is settled by a netting posted
  through a general journal (the customer is also a vendor), not by a cash receipt;
- the write-offs that already close defaulting invoices after partial payments are the case
  outcome only when write-offs cover at least ``WRITE_OFF_MATERIALITY`` of the invoice.

Outcome per invoice: ``written_off`` (a write-off closed it and write-offs are material),
``credited`` (closed with no cash and no netting: credit notes, plus any non-material
write-off), ``settled`` (closed otherwise), ``open``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import RULES
from .frames import frame
from .model import DAY, NEVER, World, tod, uniform_int

# must equal the default of the dbt var write_off_materiality
WRITE_OFF_MATERIALITY = 0.5
RESIDUAL_RATE = 0.04          # share of invoices paid in full by one closing receipt that are paid short
DISPUTE_WRITE_OFF_RATE = 0.30  # share of partial credit-memo dispute resolutions written off instead
NETTING_RATE = 0.015          # share of single-invoice receipts that are a general-journal netting instead
GJ_TABLE_NO = 47              # recid block of the general-journal custtrans rows


def is_material(write_off_cents: np.ndarray, amount_cents: np.ndarray,
                materiality: float = WRITE_OFF_MATERIALITY) -> np.ndarray:
    """Write-offs cover a material share of the invoice (the boundary itself is material)."""
    return np.asarray(write_off_cents, dtype=np.float64) >= materiality * np.asarray(amount_cents, dtype=np.float64)


def add_outcome_shapes(w: World, rng: np.random.Generator) -> None:
    """Add the settlement shapes to the world and record every invoice's outcome in ``w.inv``."""
    inv = w.inv
    n = len(inv["company"])
    counts: dict[str, int] = {}
    counts["r08_write_offs_made_material"] = _keep_r08_write_offs_material(w, rng)
    _general_journal_nettings(w, rng)
    counts["dispute_part_written_off"] = _disputed_part_written_off(w, rng)
    counts["residual_write_off"] = _residual_write_offs(w, rng)
    w.payments["amount"] = np.bincount(w.allocations["pay"], weights=w.allocations["amount"],
                                       minlength=len(w.payments["company"])).astype(np.int64)
    inv["wo_amount"] = np.where(inv["wo_ts"] < NEVER, inv["wo_amount"], 0)
    _record_outcomes(w, n)
    w.outcome_shapes = counts  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------- shapes
def _single_receipt_closings(w: World) -> tuple[np.ndarray, np.ndarray]:
    """Allocation rows that close an invoice settled by that one receipt alone, and their invoices."""
    al, inv = w.allocations, w.inv
    n = len(inv["company"])
    per_inv = np.bincount(al["inv"], minlength=n)
    rows = np.flatnonzero(al["closes"] & (al["settle_ts"] < NEVER) & (per_inv[al["inv"]] == 1))
    return rows, al["inv"][rows]


def _clean(w: World, idx: np.ndarray) -> np.ndarray:
    """Invoices with no credit note, write-off, dispute, promise or injected deviation."""
    inv = w.inv
    n = len(inv["company"])
    busy = np.zeros(n, dtype=bool)
    for part in (w.credit_notes["inv"], w.disputes["inv"], w.promises["inv"]):
        busy[part] = True
    busy |= (inv["wo_ts"] < NEVER) | inv["full_credit"] | (inv["dev_rule"] > 0) | (inv["behaviour"] == 4)
    return ~busy[idx]


def _general_journal_nettings(w: World, rng: np.random.Generator) -> int:
    """A receipt that paid one invoice becomes a netting posted through a general journal."""
    al, pay = w.allocations, w.payments
    npay = len(pay["company"])
    rows, invs = _single_receipt_closings(w)
    one = np.bincount(al["pay"], minlength=npay)[al["pay"][rows]] == 1
    ok = one & _clean(w, invs) & (pay["posted_ts"][al["pay"][rows]] < NEVER)
    rows = rows[ok & (rng.random(len(rows)) < NETTING_RATE)]
    w.nettings = {"inv": al["inv"][rows], "amount": al["amount"][rows],  # type: ignore[attr-defined]
                  "posted_ts": pay["posted_ts"][al["pay"][rows]], "settle_ts": al["settle_ts"][rows]}
    drop_pay = np.zeros(npay, dtype=bool)
    drop_pay[al["pay"][rows]] = True
    keep_al = ~drop_pay[al["pay"]]
    new_index = np.cumsum(~drop_pay) - 1
    for k, v in list(al.items()):
        al[k] = v[keep_al]
    al["pay"] = new_index[al["pay"]]
    for k, v in list(pay.items()):
        if isinstance(v, np.ndarray) and len(v) == npay:
            pay[k] = v[~drop_pay]
    return len(rows)


def _disputed_part_written_off(w: World, rng: np.random.Generator) -> int:
    """A dispute resolved by writing off the disputed part instead of issuing a credit note."""
    cn, inv, d = w.credit_notes, w.inv, w.disputes
    cand = (cn["settle_ts"] < NEVER) & ~inv["full_credit"][cn["inv"]] & (inv["wo_ts"][cn["inv"]] >= NEVER)
    pick = cand & (rng.random(len(cn["inv"])) < DISPUTE_WRITE_OFF_RATE)
    ix = cn["inv"][pick]
    inv["wo_ts"][ix] = cn["ts"][pick]
    inv["wo_amount"][ix] = cn["amount"][pick]
    for k, v in list(cn.items()):
        cn[k] = v[~pick]
    d["resolution"] = np.where(np.isin(d["inv"], ix), "WRITE_OFF", d["resolution"]).astype(object)
    return len(ix)


def _residual_write_offs(w: World, rng: np.random.Generator) -> int:
    """The closing receipt pays 95-99.9 %; the remainder is written off 0-6 days later."""
    al, inv = w.allocations, w.inv
    pol = w.cfg.policy
    rows, invs = _single_receipt_closings(w)
    netted = np.isin(invs, w.nettings["inv"])  # type: ignore[attr-defined]
    has_letter = np.zeros(len(inv["company"]), dtype=bool)
    has_letter[w.letters["inv"]] = True
    share = np.exp(rng.uniform(np.log(0.001), np.log(0.05), len(rows)))
    residual = np.maximum(1, np.round(inv["amount"][invs] * share)).astype(np.int64)
    settle = al["settle_ts"][rows]
    wo_day = settle // DAY + uniform_int(rng, 0, 6, len(rows))
    wo_ts = np.maximum(wo_day * DAY + tod(rng, len(rows), 8, 17), settle + 3_600)
    # no letter can fall due while the remainder is open: letters stop at the receipt
    quiet = has_letter[invs] | (wo_ts // DAY < inv["due_day"][invs] + pol.first_max_days_after_due)
    ok = _clean(w, invs) & ~netted & quiet & (residual < al["amount"][rows]) & (wo_ts + 60 < w.end_ts)
    ok &= rng.random(len(rows)) < RESIDUAL_RATE
    rows, invs = rows[ok], invs[ok]
    al["amount"][rows] -= residual[ok]
    inv["wo_ts"][invs] = wo_ts[ok]
    inv["wo_amount"][invs] = residual[ok]
    return len(rows)


def _keep_r08_write_offs_material(w: World, rng: np.random.Generator) -> int:
    """An invoice injected with an early write-off (R08) must end written off: its partial payment
    is lowered so that the write-off of the remainder is material."""
    inv, al = w.inv, w.allocations
    r08 = RULES.index("R08") + 1
    wo = (inv["wo_ts"] < NEVER) & (inv["dev_rule"] == r08) & ~is_material(inv["wo_amount"], inv["amount"])
    rows = np.flatnonzero(wo[al["inv"]] & ~al["closes"])
    target_wo = np.ceil(inv["amount"][al["inv"][rows]] * (WRITE_OFF_MATERIALITY + 0.05 + 0.2 * rng.random(len(rows))))
    lowered = al["amount"][rows] - (target_wo - inv["wo_amount"][al["inv"][rows]]).astype(np.int64)
    ok = lowered > 0
    rows = rows[ok]
    delta = al["amount"][rows] - lowered[ok]
    al["amount"][rows] = lowered[ok]
    inv["wo_amount"][al["inv"][rows]] += delta
    return len(rows)


# ----------------------------------------------------------------------------- outcome truth
def _record_outcomes(w: World, n: int) -> None:
    """Which settlement closed each invoice (the ledger's settlement order) and the outcome."""
    inv, al, cn, gj = w.inv, w.allocations, w.credit_notes, w.nettings  # type: ignore[attr-defined]
    wo = np.flatnonzero(inv["wo_ts"] < NEVER)
    pieces = frame({
        "inv": np.concatenate([al["inv"], cn["inv"], wo, gj["inv"]]),
        "ts": np.concatenate([al["settle_ts"], cn["settle_ts"], inv["wo_ts"][wo] + 30, gj["settle_ts"]]),
        "cents": np.concatenate([al["amount"], cn["amount"], inv["wo_amount"][wo], gj["amount"]]),
        "kind": np.concatenate([np.full(len(al["inv"]), "payment"), np.full(len(cn["inv"]), "credit note"),
                                np.full(len(wo), "write-off"), np.full(len(gj["inv"]), "offset")])})
    pieces = pieces[pieces["ts"] < w.end_ts].sort_values(["inv", "ts"], kind="stable")
    total = np.bincount(pieces["inv"], weights=pieces["cents"], minlength=n)
    last = pieces.groupby("inv").tail(1)
    closed_ts = np.full(n, NEVER, dtype=np.int64)
    closing_kind = np.full(n, "", dtype=object)
    closes = total[last["inv"].to_numpy()] >= inv["amount"][last["inv"].to_numpy()]
    closed_ts[last["inv"].to_numpy()[closes]] = last["ts"].to_numpy()[closes]
    closing_kind[last["inv"].to_numpy()[closes]] = last["kind"].to_numpy()[closes]
    # value received from the customer: a cash receipt or a netting against what is owed to it
    received = np.zeros(n, dtype=bool)
    received[pieces.loc[pieces["kind"].isin(["payment", "offset"]), "inv"].to_numpy()] = True
    material = (closing_kind == "write-off") & is_material(inv["wo_amount"], inv["amount"])
    closed = closed_ts < NEVER
    paid = np.zeros(n, dtype=bool)
    paid[pieces.loc[pieces["kind"] == "payment", "inv"].to_numpy()] = True
    inv["has_cash_receipt"] = paid
    inv["closed_ts"] = closed_ts
    inv["closing_kind"] = closing_kind  # payment, credit note, write-off, offset; '' while open
    inv["wo_material"] = material
    inv["settled_ts"] = np.where(closed & ~material, closed_ts, NEVER)
    inv["outcome_wo_ts"] = np.where(material, inv["wo_ts"], NEVER)
    inv["outcome"] = np.select([material, closed & ~received, closed], ["written_off", "credited", "settled"],
                               "open").astype(object)


def write_off_event_parts(inv: dict) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """True write-off events: the outcome (material, closing) or a partial write-off."""
    idx = np.arange(len(inv["company"]))
    wo = inv["wo_ts"] < NEVER
    out = wo & inv["wo_material"]
    part = wo & ~inv["wo_material"]
    return [(idx[out], inv["wo_ts"][out], "INVOICE_WRITTEN_OFF"),
            (idx[part], inv["wo_ts"][part], "INVOICE_PARTIALLY_WRITTEN_OFF")]


def shape_counts(w: World) -> dict[str, int]:
    """How often each settlement shape and outcome occurs (for the simulation summary)."""
    inv, al = w.inv, w.allocations
    n = len(inv["company"])
    wo = inv["wo_ts"] < NEVER
    per_pay = np.bincount(al["pay"], minlength=len(w.payments["company"]))
    partly_paid = np.bincount(al["inv"][~al["closes"]], minlength=n) > 0
    counts = {f"outcome_{k}": int(v) for k, v in zip(*np.unique(inv["outcome"], return_counts=True))}
    counts.update({
        "write_off_material": int((wo & inv["wo_material"]).sum()),
        "write_off_partial": int((wo & ~inv["wo_material"]).sum()),
        "write_off_partial_closing": int((wo & ~inv["wo_material"] & (inv["closed_ts"] == inv["wo_ts"] + 30)).sum()),
        "write_off_after_partial_payment_material": int((wo & partly_paid & inv["wo_material"]).sum()),
        "write_off_after_partial_payment_not_material": int(
            (wo & partly_paid & ~inv["wo_material"] & (inv["closed_ts"] == inv["wo_ts"] + 30)).sum()),
        "credit_note_settlements": int(len(w.credit_notes["inv"])),
        "receipts_over_several_invoices": int((per_pay > 1).sum()),
        "partial_payments": int((~al["closes"]).sum()),
        "general_journal_offsets": int(len(w.nettings["inv"])),  # type: ignore[attr-defined]
    })
    counts.update({k: int(v) for k, v in w.outcome_shapes.items()})  # type: ignore[attr-defined]
    return counts


def general_journal_offsets(w: World, lake, comp_code: np.ndarray, i_acc: np.ndarray, rate: np.ndarray,
                            clerk_user: np.ndarray, recids) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                                     pd.DataFrame]:
    """custtrans rows (transtype 36) of the nettings and their settlement sides:
    (invoice, offset recid, cents, settlement time, custtrans rows)."""
    gj = w.nettings  # type: ignore[attr-defined]
    g = gj["inv"]
    i_comp = w.inv["company"]
    recid = recids(len(g), GJ_TABLE_NO)
    never_day = NEVER // DAY
    settled = gj["settle_ts"] < NEVER
    ct = lake.stamp(frame({
        "recid": recid, "dataareaid": comp_code[i_comp[g]], "accountnum": i_acc[g], "invoice": None,
        "voucher": np.array([f"VGJ{k:09d}" for k in w.ids.numbers("VGJ", len(g))], dtype=object),
        "transdate": gj["posted_ts"] // DAY, "duedate": never_day, "transtype": 36,
        "amountcur": -gj["amount"] / 100.0, "amountmst": -np.round(gj["amount"] * rate[g]) / 100.0,
        "settleamountcur": np.where(settled, -gj["amount"] / 100.0, 0.0), "currencycode": w.inv["currency"][g],
        "closed": np.where(settled, gj["settle_ts"] // DAY, never_day),
        "lastsettledate": np.where(settled, gj["settle_ts"] // DAY, never_day), "collectionlettercode": 0,
        "createddatetime": gj["posted_ts"], "createdby": clerk_user[g]}),
        np.where(settled, gj["settle_ts"], gj["posted_ts"]) + 30)
    return g[settled], recid[settled], gj["amount"][settled], gj["settle_ts"][settled], ct
