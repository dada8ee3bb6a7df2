"""From the simulated world to the raw tables of the landing contract.

Each D365 table is a DataFrame whose columns are the contract's columns plus the lake columns
(``sinkmodifiedon``, ``isdelete``, ``versionnumber``); each HighRadius object a DataFrame of
the contract's columns plus ``extracted_at``. Values are kept in a neutral form that the writer
turns into the contract's types:
- timestamp: int64 UTC seconds (``NEVER`` = no value, written as D365's 1900-01-01);
- date: int64 days since 1970-01-01 (``NEVER_DAY`` = no value);
- decimal: float, integer: int (pandas nullable where NULL is possible), varchar: str / None.
HighRadius frames also carry ``_company`` (index into the companies) for local-time formatting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .credit import credit_tables
from .frames import frame
from .ids import IdSeries
from .model import DAY, HOUR, NEVER, PAYMENT_TERMS, SEGMENTS, World
from .outcomes import general_journal_offsets

NEVER_DAY = NEVER // DAY
RECID_BASE = 5_637_144_576


def _recids(n: int, table_no: int, ids: IdSeries | None = None) -> np.ndarray:
    """The first ``n`` recids of a table in the block (``ids``: the series continued across blocks)."""
    local = np.arange(n, dtype=np.int64)
    return RECID_BASE + table_no * 100_000_000 + (local if ids is None else ids.shift(f"recid:{table_no}", local))


def _fmt(prefix, nums: np.ndarray, width: int) -> np.ndarray:
    s = pd.Series(np.asarray(nums, dtype=np.int64)).astype(str).str.zfill(width)
    if isinstance(prefix, str):
        return (prefix + s).to_numpy(dtype=object)
    return (pd.Series(prefix, dtype=object).reset_index(drop=True) + s).to_numpy(dtype=object)


class Lake:
    """Assigns lake columns: the sink time follows the business change by a few minutes and the
    version number grows with it, so the latest change of a record has the highest version."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def stamp(self, df: pd.DataFrame, change_ts: np.ndarray, deleted: np.ndarray | None = None,
              after: np.ndarray | None = None) -> pd.DataFrame:
        """``after``: sink times of the record's previous version, which this one must follow."""
        n = len(df)
        sink = np.asarray(change_ts, dtype=np.int64) + 60 + (self.rng.random(n) * 900).astype(np.int64)
        if after is not None:
            sink = np.maximum(sink, np.asarray(after, dtype=np.int64) + 1)
        df["sinkmodifiedon"] = sink
        flag = np.zeros(n, dtype=bool) if deleted is None else np.asarray(deleted, dtype=bool)
        # live rows: NULL, as Synapse Link (a masked integer array: values 1, masked where live)
        df["isdelete"] = pd.arrays.IntegerArray(flag.astype(np.int64), ~flag)
        df["versionnumber"] = sink * 1000 + (self.rng.random(n) * 1000).astype(np.int64)
        return df


def build_tables(w: World, rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], dict]:
    """Returns (d365 tables, highradius objects, keys) where keys holds the ids other steps need."""
    lake = Lake(rng)
    ids = w.ids

    def recids(n: int, table_no: int) -> np.ndarray:
        return _recids(n, table_no, ids)

    comps = w.companies
    comp_code = np.array([c.code for c in comps], dtype=object)
    is_hr_comp = np.array([c.collections_system == "HIGHRADIUS" for c in comps])
    cust, inv, wk = w.cust, w.inv, w.workers
    n_inv = len(inv["company"])
    n_cust = len(cust["company"])
    n_w = len(wk["company"])
    d: dict[str, pd.DataFrame] = {}
    hr: dict[str, pd.DataFrame] = {}

    # ------------------------------------------------------------------ parties, workers, customers
    party_recid = recids(n_cust + n_w, 1)
    cust_party = party_recid[:n_cust]
    w_party = party_recid[n_cust:]
    d["dirpartytable"] = lake.stamp(frame({
        "recid": party_recid,
        "name": np.concatenate([cust["name"], wk["name"]]),
        "partynumber": _fmt("P", ids.numbers("P", n_cust + n_w), 9),
    }), np.concatenate([cust["created_ts"], np.full(n_w, w.start_day * DAY - 400 * DAY)]))
    w_recid = recids(n_w, 2)
    d["hcmworker"] = lake.stamp(frame({
        "recid": w_recid, "person": w_party, "personnelnumber": _fmt("W", ids.numbers("W", n_w), 6),
    }), np.full(n_w, w.start_day * DAY - 400 * DAY))
    w_user = wk["user"]
    terms_ids = np.array([t[0] for t in PAYMENT_TERMS], dtype=object)
    pt_rows = [(ci, t) for ci in range(len(comps)) for t in range(len(PAYMENT_TERMS))]
    d["paymterm"] = lake.stamp(frame({
        "recid": recids(len(pt_rows), 3),
        "dataareaid": [comp_code[ci] for ci, _ in pt_rows],
        "paymtermid": [PAYMENT_TERMS[t][0] for _, t in pt_rows],
        "description": [PAYMENT_TERMS[t][2] for _, t in pt_rows],
        "numofdays": pd.array([PAYMENT_TERMS[t][1] for _, t in pt_rows], dtype="int32"),
    }), np.full(len(pt_rows), w.start_day * DAY - 500 * DAY))
    cust_recid = recids(n_cust, 4)
    d["custtable"] = lake.stamp(frame({
        "recid": cust_recid, "dataareaid": comp_code[cust["company"]], "accountnum": cust["account"],
        "party": cust_party, "custgroup": np.where(cust["segment"] == 3, "PUB", np.where(cust["segment"] == 0, "KEY", "STD")),
        "segmentid": SEGMENTS[cust["segment"]], "lineofbusinessid": np.array(["MFG", "RET", "SRV", "GOV"], dtype=object)[cust["segment"]],
        "creditmax": cust["credit_limit"], "paymtermid": terms_ids[cust["terms"]], "currency": cust["currency"],
        "blocked": pd.array(cust["blocked"], dtype="int32"),
        "createddatetime": cust["created_ts"], "modifieddatetime": cust["created_ts"] + 3 * DAY,
    }), cust["created_ts"] + 3 * DAY)
    davc_recid = recids(n_cust, 5)
    d["dimensionattributevaluecombination"] = lake.stamp(frame({
        "recid": davc_recid, "displayvalue": cust["account"]}), cust["created_ts"])

    # ------------------------------------------------------------------ invoices
    prefix = np.array(["CIV-", "PRJ-", "FTI-", "INT-"], dtype=object)[inv["refnum"]]
    inv_id = _fmt(prefix, inv["seq"], 8)
    i_comp = inv["company"]
    i_acc = cust["account"][inv["cust"]]
    clerk_user = w_user[inv["clerk"]]
    rate = inv["rate"]
    amt = inv["amount"] / 100.0
    amt_mst = np.round(inv["amount"] * rate) / 100.0
    dr = np.flatnonzero(inv["has_draft"])
    dr_recid = recids(len(dr), 6)
    drafts_v1 = frame({"recid": dr_recid, "dataareaid": comp_code[i_comp[dr]], "invoiceid": None,
                              "invoiceaccount": i_acc[dr], "createddatetime": inv["created_ts"][dr],
                              "createdby": clerk_user[dr], "posted": pd.array(np.zeros(len(dr)), dtype="int32")})
    drafts_v2 = drafts_v1.copy()
    drafts_v2["invoiceid"] = inv_id[dr]
    drafts_v2["posted"] = pd.array(np.ones(len(dr)), dtype="int32")
    lake.stamp(drafts_v1, inv["created_ts"][dr])
    lake.stamp(drafts_v2, inv["posted_ts"][dr], after=drafts_v1["sinkmodifiedon"].to_numpy())
    d["custinvoicetable"] = pd.concat([drafts_v1, drafts_v2], ignore_index=True)

    cn = w.credit_notes
    n_cn = len(cn["inv"])
    cn_id = _fmt("CCN-", ids.numbers("CCN-", n_cn), 8)
    cn_inv = cn["inv"]
    jour_recid = recids(n_inv + n_cn, 7)
    voucher_inv = _fmt("VINV", ids.numbers("VINV", n_inv), 9)
    voucher_cn = _fmt("VCCN", ids.numbers("VCCN", n_cn), 9)
    d["custinvoicejour"] = lake.stamp(frame({
        "recid": jour_recid,
        "dataareaid": np.concatenate([comp_code[i_comp], comp_code[i_comp[cn_inv]]]),
        "invoiceid": np.concatenate([inv_id, cn_id]),
        "invoicedate": np.concatenate([inv["post_day"], cn["ts"] // DAY]),
        "duedate": np.concatenate([inv["due_day"], cn["ts"] // DAY]),
        "invoiceamount": np.concatenate([amt, -cn["amount"] / 100.0]),
        "invoiceamountmst": np.concatenate([amt_mst, -np.round(cn["amount"] * rate[cn_inv]) / 100.0]),
        "currencycode": np.concatenate([inv["currency"], inv["currency"][cn_inv]]),
        "invoiceaccount": np.concatenate([i_acc, i_acc[cn_inv]]),
        "payment": np.concatenate([terms_ids[cust["terms"][inv["cust"]]], terms_ids[cust["terms"][inv["cust"][cn_inv]]]]),
        "ledgervoucher": np.concatenate([voucher_inv, voucher_cn]),
        "salesid": np.concatenate([np.where(inv["refnum"] == 0, _fmt("SO-", inv["seq"], 8), None), np.full(n_cn, None)]),
        "refnum": pd.array(np.concatenate([inv["refnum"], np.full(n_cn, 2)]), dtype="int32"),
        "createddatetime": np.concatenate([inv["posted_ts"], cn["ts"]]),
        "createdby": np.concatenate([clerk_user, clerk_user[cn_inv]]),
    }), np.concatenate([inv["posted_ts"], cn["ts"]]))

    # ------------------------------------------------------------------ customer ledger
    pay, al = w.payments, w.allocations
    npay = len(pay["company"])
    posted_pay = np.flatnonzero(pay["posted_ts"] < NEVER)
    wo = np.flatnonzero(inv["wo_ts"] < NEVER)
    ct_inv_recid = recids(n_inv, 8)
    ct_cn_recid = recids(n_cn, 9)
    ct_pay_recid = np.full(npay, -1, dtype=np.int64)
    ct_pay_recid[posted_pay] = recids(len(posted_pay), 10)
    ct_wo_recid = recids(len(wo), 11)
    pay_voucher = _fmt("VPAY", ids.numbers("VPAY", npay), 9)
    wo_voucher = _fmt("VWO", ids.numbers("VWO", len(wo)), 9)
    pay_rate = rate[al["inv"]]
    # settlements: (invoice, other custtrans recid, amount cents, time, transdate)
    al_ok = al["settle_ts"] < NEVER
    cn_ok = cn["settle_ts"] < NEVER
    s_inv = np.concatenate([al["inv"][al_ok], cn_inv[cn_ok], wo])
    s_other = np.concatenate([ct_pay_recid[al["pay"][al_ok]], ct_cn_recid[cn_ok], ct_wo_recid])
    s_amt = np.concatenate([al["amount"][al_ok], cn["amount"][cn_ok], inv["wo_amount"][wo]])
    s_ts = np.concatenate([al["settle_ts"][al_ok], cn["settle_ts"][cn_ok], inv["wo_ts"][wo] + 30])
    g_inv, g_other, g_amt, g_ts, ct_gj = general_journal_offsets(w, lake, comp_code, i_acc, rate, clerk_user, recids)
    s_inv, s_other, s_amt, s_ts = (np.concatenate(p) for p in ((s_inv, g_inv), (s_other, g_other), (s_amt, g_amt), (s_ts, g_ts)))
    settled_cents = np.bincount(s_inv, weights=s_amt, minlength=n_inv).astype(np.int64)
    last_settle = np.full(n_inv, -1, dtype=np.int64)
    np.maximum.at(last_settle, s_inv, s_ts)
    closed_day = np.where(settled_cents >= inv["amount"], last_settle // DAY, NEVER_DAY)
    lt = w.letters
    max_level = np.zeros(n_inv, dtype=np.int64)
    np.maximum.at(max_level, lt["inv"], lt["level"])
    last_letter = np.full(n_inv, -1, dtype=np.int64)
    np.maximum.at(last_letter, lt["inv"], lt["ts"])
    inv_transtype = np.where(np.isin(inv["refnum"], (2, 3)), 8, 2)  # free text and interest notes: no sales order
    ct_inv_v1 = frame({
        "recid": ct_inv_recid, "dataareaid": comp_code[i_comp], "accountnum": i_acc, "invoice": inv_id,
        "voucher": voucher_inv, "transdate": inv["post_day"], "duedate": inv["due_day"],
        "transtype": inv_transtype, "amountcur": amt, "amountmst": amt_mst, "settleamountcur": 0.0,
        "currencycode": inv["currency"], "closed": NEVER_DAY, "lastsettledate": NEVER_DAY,
        "collectionlettercode": 0, "createddatetime": inv["posted_ts"], "createdby": clerk_user})
    changed = np.flatnonzero((last_settle > 0) | (last_letter > 0))
    ct_inv_v2 = ct_inv_v1.iloc[changed].copy()
    ct_inv_v2["settleamountcur"] = settled_cents[changed] / 100.0
    ct_inv_v2["closed"] = closed_day[changed]
    ct_inv_v2["lastsettledate"] = np.where(last_settle[changed] > 0, last_settle[changed] // DAY, NEVER_DAY)
    ct_inv_v2["collectionlettercode"] = max_level[changed]
    lake.stamp(ct_inv_v1, inv["posted_ts"])
    lake.stamp(ct_inv_v2, np.maximum(last_settle[changed], last_letter[changed]) + 5,
               after=ct_inv_v1["sinkmodifiedon"].to_numpy()[changed])
    cn_acc = i_acc[cn_inv]
    ct_cn = lake.stamp(frame({
        "recid": ct_cn_recid, "dataareaid": comp_code[i_comp[cn_inv]], "accountnum": cn_acc, "invoice": cn_id,
        "voucher": voucher_cn, "transdate": cn["ts"] // DAY, "duedate": cn["ts"] // DAY, "transtype": 8,
        "amountcur": -cn["amount"] / 100.0, "amountmst": -np.round(cn["amount"] * rate[cn_inv]) / 100.0,
        "settleamountcur": np.where(cn_ok, -cn["amount"] / 100.0, 0.0), "currencycode": inv["currency"][cn_inv],
        "closed": np.where(cn_ok, cn["settle_ts"] // DAY, NEVER_DAY),
        "lastsettledate": np.where(cn_ok, cn["settle_ts"] // DAY, NEVER_DAY), "collectionlettercode": 0,
        "createddatetime": cn["ts"], "createdby": clerk_user[cn_inv]}), np.where(cn_ok, cn["settle_ts"], cn["ts"]))
    pp = posted_pay
    pay_acc = cust["account"][pay["cust"]]
    pay_rate_first = np.ones(npay)
    pay_rate_first[al["pay"]] = pay_rate
    ct_pay = lake.stamp(frame({
        "recid": ct_pay_recid[pp], "dataareaid": comp_code[pay["company"][pp]], "accountnum": pay_acc[pp],
        "invoice": None, "voucher": pay_voucher[pp], "transdate": pay["posted_ts"][pp] // DAY, "duedate": NEVER_DAY,
        "transtype": 15, "amountcur": -pay["amount"][pp] / 100.0,
        "amountmst": -np.round(pay["amount"][pp] * pay_rate_first[pp]) / 100.0,
        "settleamountcur": -pay["amount"][pp] / 100.0, "currencycode": pay["currency"][pp],
        "closed": pay["posted_ts"][pp] // DAY, "lastsettledate": pay["posted_ts"][pp] // DAY,
        "collectionlettercode": 0, "createddatetime": pay["posted_ts"][pp],
        "createdby": w_user[inv["clerk"][_first_alloc_inv(al, npay)[pp]]]}), pay["posted_ts"][pp] + 30)
    collector_user = w_user[cust["collector"][inv["cust"]]]
    ct_wo = lake.stamp(frame({
        "recid": ct_wo_recid, "dataareaid": comp_code[i_comp[wo]], "accountnum": i_acc[wo], "invoice": None,
        "voucher": wo_voucher, "transdate": inv["wo_ts"][wo] // DAY, "duedate": NEVER_DAY, "transtype": 35,
        "amountcur": -inv["wo_amount"][wo] / 100.0, "amountmst": -np.round(inv["wo_amount"][wo] * rate[wo]) / 100.0,
        "settleamountcur": -inv["wo_amount"][wo] / 100.0, "currencycode": inv["currency"][wo],
        "closed": inv["wo_ts"][wo] // DAY, "lastsettledate": inv["wo_ts"][wo] // DAY, "collectionlettercode": 0,
        "createddatetime": inv["wo_ts"][wo], "createdby": collector_user[wo]}), inv["wo_ts"][wo] + 30)
    ct = pd.concat([ct_inv_v1, ct_inv_v2, ct_cn, ct_pay, ct_wo, ct_gj], ignore_index=True)
    for col in ("transtype", "collectionlettercode"):
        ct[col] = pd.array(ct[col].to_numpy(), dtype="int32")
    d["custtrans"] = ct

    ns = len(s_inv)
    s_rate = rate[s_inv]
    s_recid = recids(2 * ns, 12)
    inv_recid_of = ct_inv_recid[s_inv]
    d["custsettlement"] = lake.stamp(frame({
        "recid": s_recid, "dataareaid": np.concatenate([comp_code[i_comp[s_inv]]] * 2),
        "transrecid": np.concatenate([inv_recid_of, s_other]), "offsetrecid": np.concatenate([s_other, inv_recid_of]),
        "transdate": np.concatenate([s_ts // DAY] * 2),
        "settleamountcur": np.concatenate([s_amt / 100.0, -s_amt / 100.0]),
        "settleamountmst": np.concatenate([np.round(s_amt * s_rate) / 100.0, -np.round(s_amt * s_rate) / 100.0]),
        "createddatetime": np.concatenate([s_ts] * 2),
        "createdby": np.concatenate([clerk_user[s_inv]] * 2)}), np.concatenate([s_ts] * 2))

    # ------------------------------------------------------------------ payment journals (one per receipt)
    pay_hr = is_hr_comp[pay["company"]]
    # D365-native receipts are keyed in when received; HighRadius posts each matched receipt to D365
    in_d365 = np.where(pay_hr, pay["posted_ts"] < NEVER, True)
    jp = np.flatnonzero(in_d365)
    j_created = np.where(pay_hr[jp], pay["posted_ts"][jp] - 120, pay["recv_ts"][jp])
    j_posted = pay["posted_ts"][jp] < NEVER
    journalnum = _fmt("APJ-", ids.numbers("APJ-", len(jp)), 8)
    first_inv = _first_alloc_inv(al, npay)
    lj_v1 = frame({
        "recid": recids(len(jp), 13), "dataareaid": comp_code[pay["company"][jp]], "journalnum": journalnum,
        "journaltype": 7, "posted": 0, "posteddatetime": NEVER, "createddatetime": j_created,
        "createdby": w_user[inv["clerk"][first_inv[jp]]]})
    lj_v2 = lj_v1[j_posted].copy()
    lj_v2["posted"] = 1
    lj_v2["posteddatetime"] = pay["posted_ts"][jp][j_posted]
    lake.stamp(lj_v1, j_created)
    lake.stamp(lj_v2, pay["posted_ts"][jp][j_posted], after=lj_v1["sinkmodifiedon"].to_numpy()[j_posted])
    lj = pd.concat([lj_v1, lj_v2], ignore_index=True)
    for col in ("journaltype", "posted"):
        lj[col] = pd.array(lj[col].to_numpy(), dtype="int32")
    d["ledgerjournaltable"] = lj
    marked = pay["marked_invoice"][jp]
    d["ledgerjournaltrans"] = lake.stamp(frame({
        "recid": recids(len(jp), 14), "dataareaid": comp_code[pay["company"][jp]], "journalnum": journalnum,
        "linenum": 1.0, "voucher": pay_voucher[jp], "transdate": pay["recv_ts"][jp] // DAY,
        "accounttype": pd.array(np.ones(len(jp)), dtype="int32"), "ledgerdimension": davc_recid[pay["cust"][jp]],
        "amountcurcredit": pay["amount"][jp] / 100.0, "amountcurdebit": 0.0, "currencycode": pay["currency"][jp],
        "markedinvoice": np.where(marked >= 0, inv_id[np.maximum(marked, 0)], None),
        "createddatetime": j_created, "createdby": w_user[inv["clerk"][first_inv[jp]]]}), j_created)

    # ------------------------------------------------------------------ collections: D365-native companies
    fr = ~is_hr_comp[i_comp]
    lmask = fr[lt["inv"]]
    li = np.flatnonzero(lmask)
    # a few letters are created and cancelled, or created and never posted: not events
    n_noise = max(1, len(li) // 50) if len(li) else 0
    noise_src = li[rng.integers(0, len(li), n_noise)] if n_noise else li[:0]
    l_inv = np.concatenate([lt["inv"][li], lt["inv"][noise_src]])
    l_level = np.concatenate([lt["level"][li], lt["level"][noise_src]])
    l_ts = np.concatenate([lt["ts"][li], lt["ts"][noise_src] - (2 * HOUR + rng.random(n_noise) * 20 * HOUR).astype(np.int64)])
    l_final = np.concatenate([np.full(len(li), 2), np.where(rng.random(n_noise) < 0.6, 3, 0)])
    l_channel = np.concatenate([lt["channel"][li], lt["channel"][noise_src]])
    nl = len(l_inv)
    letter_recid = recids(nl, 15)
    letter_num = _fmt("CL-", ids.numbers("CL-", nl), 8)
    printed = (l_channel == "POST") & (l_final == 2)
    ccl_v1 = frame({
        "recid": letter_recid, "dataareaid": comp_code[i_comp[l_inv]], "collectionletternum": letter_num,
        "accountnum": i_acc[l_inv], "collectionlettercode": l_level, "collectionletterdate": l_ts // DAY,
        "printdate": NEVER_DAY, "status": 0, "createddatetime": l_ts, "createdby": collector_user[l_inv]})
    fin = np.flatnonzero(l_final != 0)
    ccl_v2 = ccl_v1.iloc[fin].copy()
    ccl_v2["status"] = l_final[fin]
    ccl_v2["printdate"] = np.where(printed[fin], l_ts[fin] // DAY, NEVER_DAY)
    lake.stamp(ccl_v1, l_ts - 300)
    lake.stamp(ccl_v2, l_ts[fin] + 600, after=ccl_v1["sinkmodifiedon"].to_numpy()[fin])
    ccl = pd.concat([ccl_v1, ccl_v2], ignore_index=True)
    for col in ("collectionlettercode", "status"):
        ccl[col] = pd.array(ccl[col].to_numpy(), dtype="int32")
    d["custcollectionletterjour"] = ccl
    remain = (inv["amount"][l_inv] - 0) / 100.0
    d["custcollectionlettertrans"] = lake.stamp(frame({
        "recid": recids(nl, 16), "dataareaid": comp_code[i_comp[l_inv]], "collectionletternum": letter_num,
        "custtransid": ct_inv_recid[l_inv], "invoice": inv_id[l_inv],
        "collectionlettercode": pd.array(l_level, dtype="int32"), "duedate": inv["due_day"][l_inv],
        "remainamount": remain, "transdate": inv["post_day"][l_inv]}), l_ts)

    collector_recid = w_recid[cust["collector"][inv["cust"]]]
    dp, pr = w.disputes, w.promises
    dsel = np.flatnonzero(fr[dp["inv"]])
    psel = np.flatnonzero(fr[pr["inv"]])
    rows = []
    # (invoice, status, ts, followup day, reason)
    rows.append((dp["inv"][dsel], 1, dp["open_ts"][dsel], NEVER_DAY, dp["reason"][dsel]))
    # a dispute replaced by a promise has no Resolved row: the promise's status-2 row ends it
    rs = dsel[(dp["resolved_ts"][dsel] < NEVER) & ~dp["ended_by_promise"][dsel]]
    rows.append((dp["inv"][rs], 3, dp["resolved_ts"][rs], NEVER_DAY, dp["reason"][rs]))
    rows.append((pr["inv"][psel], 2, pr["made_ts"][psel], pr["promised_day"][psel], np.full(len(psel), None)))
    # a cancelled promise has no row of its own: the next status change of the invoice ends it
    pc = psel[(pr["close_ts"][psel] < NEVER) & (pr["status"][psel] != "CANCELLED")]
    rows.append((pr["inv"][pc], np.where(pr["status"][pc] == "KEPT", 5, 4), pr["close_ts"][pc], NEVER_DAY,
                 np.full(len(pc), None)))
    h_inv = np.concatenate([r[0] for r in rows]).astype(np.int64)
    h_status = np.concatenate([np.broadcast_to(r[1], len(r[0])) for r in rows]).astype(np.int32)
    h_ts = np.concatenate([r[2] for r in rows])
    h_recid = recids(len(h_inv), 17)
    promise_recid = np.zeros(len(pr["inv"]), dtype=np.int64)
    promise_recid[psel] = h_recid[len(dsel) + len(rs):len(dsel) + len(rs) + len(psel)]
    d["custdisputehistory"] = lake.stamp(frame({
        "recid": h_recid, "dataareaid": comp_code[i_comp[h_inv]], "custtrans": ct_inv_recid[h_inv],
        "status": pd.array(h_status, dtype="int32"), "statuschangeddate": h_ts // DAY,
        "followupdate": np.concatenate([np.broadcast_to(r[3], len(r[0])) for r in rows]),
        "reasoncode": np.concatenate([r[4] for r in rows]), "responsibleworker": collector_recid[h_inv],
        "createddatetime": h_ts, "createdby": collector_user[h_inv]}), h_ts)

    cl, rm = w.calls, w.reminders
    csel = np.flatnonzero(fr[cl["inv"]])
    rsel = np.flatnonzero(fr[rm["inv"]])
    # e-mails logged against invoices: activities that are not events of the log
    emails = np.flatnonzero(fr & (rng.random(n_inv) < 0.05) & (inv["posted_ts"] + 2 * DAY < w.end_ts))
    a_inv = np.concatenate([cl["inv"][csel], rm["inv"][rsel], emails])
    a_ts = np.concatenate([cl["ts"][csel], rm["ts"][rsel], inv["posted_ts"][emails] + DAY])
    a_type = np.concatenate([np.full(len(csel), "Call"), np.full(len(rsel), "Reminder"), np.full(len(emails), "Email")]).astype(object)
    a_purpose = np.where(a_type == "Call", "Collections call", np.where(a_type == "Reminder", "Payment reminder", "Statement sent"))
    na = len(a_inv)
    act_recid = recids(na, 18)
    d["smmactivities"] = lake.stamp(frame({
        "recid": act_recid, "dataareaid": comp_code[i_comp[a_inv]],
        "activitynumber": _fmt("ACT-", ids.numbers("ACT-", na), 8),
        "category": pd.array(np.where(a_type == "Call", 2, 1), dtype="int32"), "typeid": a_type, "purpose": a_purpose,
        "startdatetime": a_ts, "actualenddatetime": a_ts + 120 + (rng.random(na) * 900).astype(np.int64),
        "closed": pd.array(np.ones(na), dtype="int32"), "responsibleworker": collector_recid[a_inv],
        "createddatetime": a_ts, "createdby": collector_user[a_inv]}), a_ts + 1200)
    d["custcollectionslinkactivitiescusttrans"] = lake.stamp(frame({
        "recid": recids(na, 19), "dataareaid": comp_code[i_comp[a_inv]], "primaryrecid": act_recid,
        "refrecid": ct_inv_recid[a_inv]}), a_ts + 1200)

    # ------------------------------------------------------------------ HighRadius companies
    hrm = is_hr_comp[i_comp]
    hr_cust = np.flatnonzero(is_hr_comp[cust["company"]])
    collectors = np.unique(cust["collector"][hr_cust])
    coll_id = np.full(n_w, None, dtype=object)
    coll_id[collectors] = _fmt("COL", ids.numbers("COL", len(collectors)), 4)
    never_before = w.start_day * DAY - 200 * DAY
    hr["hr_collector"] = frame({
        "collector_id": coll_id[collectors], "collector_name": wk["name"][collectors],
        "team": np.array([comp_code[c] + " Collections" for c in wk["company"][collectors]], dtype=object),
        "_company": wk["company"][collectors], "_change_ts": never_before})
    hr["hr_customer"] = frame({
        "company_code": comp_code[cust["company"][hr_cust]], "customer_number": cust["account"][hr_cust],
        "customer_name": cust["name"][hr_cust], "segment": SEGMENTS[cust["segment"][hr_cust]],
        "risk_class": cust["risk"][hr_cust], "collector_id": coll_id[cust["collector"][hr_cust]],
        "credit_limit": cust["credit_limit"][hr_cust], "currency": cust["currency"][hr_cust],
        "_company": cust["company"][hr_cust], "_change_ts": np.maximum(cust["created_ts"][hr_cust], never_before)})
    inv_coll = coll_id[cust["collector"][inv["cust"]]]
    # correspondence: reminders (level 0) and letters
    lh = np.flatnonzero(hrm[lt["inv"]])
    rh = np.flatnonzero(hrm[rm["inv"]])
    c_inv = np.concatenate([rm["inv"][rh], lt["inv"][lh]])
    c_level = np.concatenate([np.zeros(len(rh), dtype=np.int64), lt["level"][lh]])
    c_ts = np.concatenate([rm["ts"][rh], lt["ts"][lh]])
    c_by_coll = np.concatenate([np.zeros(len(rh), dtype=bool), lt["sent_by_collector"][lh]])
    c_channel = np.concatenate([np.full(len(rh), "EMAIL", dtype=object), lt["channel"][lh]])
    nc = len(c_inv)
    corr_id = _fmt("COR", ids.numbers("COR", nc), 10)
    hr["hr_correspondence"] = frame({
        "correspondence_id": corr_id, "company_code": comp_code[i_comp[c_inv]], "customer_number": i_acc[c_inv],
        "template_name": np.array(["COURTESY_REMINDER"] + [f"DUNNING_LEVEL_{k}" for k in range(1, int(c_level.max(initial=0)) + 1)],
                                  dtype=object)[c_level],
        "dunning_level": c_level, "channel": c_channel, "sent_at": c_ts,
        "sent_by": np.where(c_by_coll, inv_coll[c_inv], "SYSTEM"),
        "delivery_status": np.where(rng.random(nc) < 0.03, "BOUNCED", "DELIVERED"),
        "_company": i_comp[c_inv], "_change_ts": c_ts})
    hr["hr_correspondence_invoice"] = frame({
        "correspondence_id": corr_id, "invoice_number": inv_id[c_inv], "_company": i_comp[c_inv], "_change_ts": c_ts})
    ch = np.flatnonzero(hrm[cl["inv"]])
    notes = np.flatnonzero(hrm & (rng.random(n_inv) < 0.06) & (inv["posted_ts"] + 3 * DAY < w.end_ts))
    k_inv = np.concatenate([cl["inv"][ch], notes])
    k_ts = np.concatenate([cl["ts"][ch], inv["posted_ts"][notes] + 2 * DAY])
    k_type = np.concatenate([np.full(len(ch), "CALL"), np.where(rng.random(len(notes)) < 0.5, "NOTE", "EMAIL")]).astype(object)
    account_level = np.concatenate([np.zeros(len(ch), dtype=bool), rng.random(len(notes)) < 0.5])
    nk = len(k_inv)
    hr["hr_collection_activity"] = frame({
        "activity_id": _fmt("ACT", ids.numbers("ACT", nk), 10), "company_code": comp_code[i_comp[k_inv]],
        "customer_number": i_acc[k_inv], "invoice_number": np.where(account_level, None, inv_id[k_inv]),
        "activity_type": k_type,
        "outcome_code": np.concatenate([cl["outcome"][ch], np.full(len(notes), "LOGGED", dtype=object)]),
        "collector_id": inv_coll[k_inv], "created_at": k_ts,
        "completed_at": k_ts + 120 + (rng.random(nk) * 900).astype(np.int64),
        "_company": i_comp[k_inv], "_change_ts": k_ts})
    # promises: a version when made (OPEN) and one when kept / broken
    ph = np.flatnonzero(hrm[pr["inv"]])
    p_id = _fmt("P2P", ids.numbers("P2P", len(ph)), 9)
    p_base = frame({
        "p2p_id": p_id, "company_code": comp_code[i_comp[pr["inv"][ph]]], "customer_number": i_acc[pr["inv"][ph]],
        "invoice_number": inv_id[pr["inv"][ph]], "promised_amount": pr["amount"][ph] / 100.0,
        "currency": inv["currency"][pr["inv"][ph]], "promised_date": pr["promised_day"][ph],
        "created_at": pr["made_ts"][ph], "created_by": inv_coll[pr["inv"][ph]], "status": "OPEN",
        "status_changed_at": pr["made_ts"][ph], "_company": i_comp[pr["inv"][ph]], "_change_ts": pr["made_ts"][ph]})
    closed_p = pr["close_ts"][ph] < NEVER
    p_fin = p_base[closed_p].copy()
    p_fin["status"] = pr["status"][ph][closed_p]
    p_fin["status_changed_at"] = pr["close_ts"][ph][closed_p]
    p_fin["_change_ts"] = pr["close_ts"][ph][closed_p]
    hr["hr_promise_to_pay"] = pd.concat([p_base, p_fin], ignore_index=True)
    promise_source_id = promise_recid.astype(str).astype(object)
    promise_source_id[ph] = p_id
    dh = np.flatnonzero(hrm[dp["inv"]])
    dis_id = _fmt("DSP", ids.numbers("DSP", len(dh)), 9)
    d_inv = dp["inv"][dh]
    res = dp["resolved_ts"][dh]
    d_base = frame({
        "dispute_id": dis_id, "dispute_type": dp["type"][dh], "company_code": comp_code[i_comp[d_inv]],
        "customer_number": i_acc[d_inv], "invoice_number": inv_id[d_inv], "customer_reason_code": dp["reason"][dh],
        "internal_reason_code": dp["internal_reason"][dh], "amount": dp["amount"][dh] / 100.0,
        "currency": inv["currency"][d_inv], "status": "OPEN", "owner_id": inv_coll[d_inv], "opened_at": dp["open_ts"][dh],
        "resolved_at": NEVER, "resolution_type": None, "_company": i_comp[d_inv], "_change_ts": dp["open_ts"][dh]})
    done = res < NEVER
    # status paths (simulate.promises): OPEN -> IN_RESEARCH -> VALID -> RESOLVED, OPEN -> IN_RESEARCH
    # -> INVALID, OPEN -> CLOSED; one version of the record per status change
    research, valid = dp["research_ts"][dh], dp["valid_ts"][dh]
    in_res, is_valid = research < NEVER, valid < NEVER
    d_res = d_base[in_res].copy()
    d_res["status"] = "IN_RESEARCH"
    d_res["_change_ts"] = research[in_res]
    d_val = d_base[is_valid].copy()
    d_val["status"] = "VALID"
    d_val["_change_ts"] = valid[is_valid]
    d_fin = d_base[done].copy()
    d_fin["status"] = dp["final_status"][dh][done]
    d_fin["resolved_at"] = res[done]
    d_fin["resolution_type"] = dp["resolution"][dh][done]
    d_fin["_change_ts"] = res[done]
    hr["hr_dispute"] = pd.concat([d_base, d_res, d_val, d_fin], ignore_index=True)
    sh_id = np.concatenate([dis_id, dis_id[in_res], dis_id[is_valid], dis_id[done]])
    sh_status = np.concatenate([np.full(len(dh), "OPEN", dtype=object), np.full(in_res.sum(), "IN_RESEARCH", dtype=object),
                                np.full(is_valid.sum(), "VALID", dtype=object), dp["final_status"][dh][done]])
    sh_ts = np.concatenate([dp["open_ts"][dh], research[in_res], valid[is_valid], res[done]])
    sh_comp = np.concatenate([i_comp[d_inv], i_comp[d_inv][in_res], i_comp[d_inv][is_valid], i_comp[d_inv][done]])
    hr["hr_dispute_status_history"] = frame({
        "dispute_id": sh_id, "status": sh_status.astype(object), "changed_at": sh_ts,
        "changed_by": np.concatenate([inv_coll[d_inv], inv_coll[d_inv][in_res], inv_coll[d_inv][is_valid], inv_coll[d_inv][done]]),
        "_company": sh_comp, "_change_ts": sh_ts})
    cr = w.credit_reviews
    credit_tables(w, lake, rng, d, hr, comp_code, collector_user[cr["inv"]], inv_coll[cr["inv"]], w_user[cr["approver"]],
                  recids, _fmt, ids)
    hp = np.flatnonzero(pay_hr)
    pay_id = np.full(npay, None, dtype=object)
    pay_id[hp] = _fmt("RCPT", ids.numbers("RCPT", len(hp)), 10)
    hr["hr_payment"] = frame({
        "payment_id": pay_id[hp], "company_code": comp_code[pay["company"][hp]], "customer_number": pay_acc[hp],
        "payment_method": pay["method"][hp], "received_at": pay["recv_ts"][hp], "amount": pay["amount"][hp] / 100.0,
        "currency": pay["currency"][hp], "remittance_source": pay["remittance"][hp],
        "_company": pay["company"][hp], "_change_ts": pay["recv_ts"][hp]})
    am = pay_hr[al["pay"]] & (pay["matched_ts"][al["pay"]] < NEVER)
    ai = np.flatnonzero(am)
    a_pay = al["pay"][ai]
    a_posted = pay["posted_ts"][a_pay]
    hr["hr_cash_application"] = frame({
        "application_id": _fmt("APP", ids.numbers("APP", len(ai)), 10), "payment_id": pay_id[a_pay],
        "company_code": comp_code[pay["company"][a_pay]], "invoice_number": inv_id[al["inv"][ai]],
        "applied_amount": al["amount"][ai] / 100.0, "match_type": pay["match_type"][a_pay],
        "matched_at": pay["matched_ts"][a_pay],
        "matched_by": np.where(pay["match_type"][a_pay] == "AUTO", "SYSTEM", inv_coll[al["inv"][ai]]),
        "posted_to_erp_at": a_posted, "erp_voucher": np.where(a_posted < NEVER, pay_voucher[a_pay], None),
        "_company": pay["company"][a_pay], "_change_ts": np.where(a_posted < NEVER, a_posted, pay["matched_ts"][a_pay])})

    keys = {"inv_id": inv_id, "case_company": comp_code[i_comp], "ct_inv_recid": ct_inv_recid, "pay_id": pay_id,
            "promise_source_id": promise_source_id,
            "corr_id": corr_id, "next_seq": int(inv["seq"].max()) + 1 if n_inv else 1, "cust_recid": cust_recid}
    return d, hr, keys


def _first_alloc_inv(al: dict, npay: int) -> np.ndarray:
    first = np.zeros(npay, dtype=np.int64)
    first[al["pay"][::-1]] = al["inv"][::-1]
    return first
