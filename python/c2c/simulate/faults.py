"""Landing-zone faults, injected on purpose and recorded with the handling each should get.

Every fault is one row of the ground truth's ``faults`` table: what was done, to which table
and record, and how the project is expected to handle it: ``quarantine`` with a reason code,
or silently-correct handling (``resolved`` re-deliveries, ``removed`` soft deletes, ``null_date``
for 1900-01-01, ``normalised`` company codes, ``converted_utc`` local offsets).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .config import FaultRates
from .ids import IdSeries
from .model import DAY, HOUR, NEVER

# how a HighRadius record is identified in quarantine and in the ground truth
HR_RECORD_KEY = {
    "hr_customer": ["company_code", "customer_number"],
    "hr_collector": ["collector_id"],
    "hr_correspondence": ["correspondence_id"],
    "hr_correspondence_invoice": ["correspondence_id", "invoice_number"],
    "hr_collection_activity": ["activity_id"],
    "hr_promise_to_pay": ["p2p_id"],
    "hr_dispute": ["dispute_id"],
    "hr_dispute_status_history": ["dispute_id", "status", "changed_at"],
    "hr_credit_review": ["review_id"],
    "hr_payment": ["payment_id"],
    "hr_cash_application": ["application_id"],
}
VERSIONED_HR = ("hr_promise_to_pay", "hr_dispute", "hr_credit_review", "hr_customer")
BAD_CURRENCIES = np.array(["USS", "EUE", "GBR", "UDS", "ERU"], dtype=object)
OTHER_OFFSETS = np.array([330, 540, -480, 60, -180])  # minutes; none is New York's or London's
FAULT_COLUMNS = ["fault_kind", "source_system", "source_table", "source_record_id", "column_name", "file_path",
                 "line_number", "expected_handling", "expected_reason_code", "detail"]


def hr_record_id(obj: str, df: pd.DataFrame) -> pd.Series:
    cols = HR_RECORD_KEY[obj]
    out = df[cols[0]].astype(str)
    for c in cols[1:]:
        out = out + "|" + df[c].astype(str)
    return out


@dataclass
class FaultLog:
    parts: list[pd.DataFrame] = field(default_factory=list)

    def add(self, kind: str, system: str, table: str, record_ids, handling: str, reason: str | None = None,
            column: str | None = None, detail: str = "", file_path: str | None = None, line: int | None = None) -> None:
        ids = pd.Series(np.asarray(record_ids, dtype=object)).astype(str)
        if len(ids) == 0:
            return
        self.parts.append(pd.DataFrame({
            "fault_kind": kind, "source_system": system, "source_table": table, "source_record_id": ids,
            "column_name": column, "file_path": file_path, "line_number": pd.array([line] * len(ids), dtype="Int64"),
            "expected_handling": handling, "expected_reason_code": reason, "detail": detail}))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in FAULT_COLUMNS})
        df = pd.concat(self.parts, ignore_index=True)[FAULT_COLUMNS]
        return df.sort_values(["fault_kind", "source_system", "source_table", "source_record_id"], kind="stable").reset_index(drop=True)


def _choose(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    if rate <= 0 or n == 0:
        return np.zeros(n, dtype=bool)
    return rng.random(n) < rate


def _latest(df: pd.DataFrame, key: list[str], order: str) -> np.ndarray:
    """Mask of the rows that are the latest version of their record."""
    last = df.groupby(key, sort=False)[order].transform("max")
    return (df[order] == last).to_numpy()


def inject_row_faults(d: dict[str, pd.DataFrame], hr: dict[str, pd.DataFrame], rates: FaultRates,
                      rng: np.random.Generator, keys: dict, log: FaultLog, ids: IdSeries | None = None) -> None:
    """Faults that live in the rows (everything but malformed CSV lines); ``ids``: the identifier
    series the new records' recids continue (a block of a larger zone)."""
    # --- soft deletes: records created in D365 and deleted later (not events, not quarantined)
    n_del = int(round(rates.soft_delete * len(keys["inv_id"])))
    if n_del:
        _soft_deletes(d, rng, keys, n_del, log, ids or IdSeries())
    # --- 1900-01-01 in optional date columns
    for table, col in (("custcollectionletterjour", "printdate"), ("credmancreditlimitadjtrans", "fromdate"),
                       ("ledgerjournaltrans", "transdate"), ("custtable", "modifieddatetime")):
        df = d[table]
        m = _choose(rng, len(df), rates.date_1900)
        if m.any():
            df.loc[m, col] = NEVER // DAY if col != "modifieddatetime" else NEVER
            log.add("date_1900", "d365", table, df.loc[m, "recid"], "null_date", column=col,
                    detail="1900-01-01 stands for 'no date'")
    # --- orphan references and unknown currencies (extra rows)
    if rates.orphan_reference:
        _orphans(d, hr, rng, keys, rates.orphan_reference, log)
    if rates.unknown_currency:
        _bad_currency(d, hr, rng, keys, rates.unknown_currency, log)
    if rates.missing_key:
        n = rates.missing_key - rates.missing_key // 2  # the other half goes to HighRadius (inject_text_faults)
        _missing_invoice_ids(d, np.random.default_rng([int(keys["next_seq"]), 17]), n, log)
    # --- CDC re-deliveries: the latest version again, with a higher version number
    for table, df in list(d.items()):
        if table == "srsanalysisenums" or not len(df):
            continue
        m = _latest(df, ["recid"], "versionnumber") & _choose(rng, len(df), rates.cdc_redelivery)
        if m.any():
            dup = df[m].copy()
            dup["versionnumber"] = dup["versionnumber"] + rng.integers(1, 10, len(dup))
            dup["sinkmodifiedon"] = dup["sinkmodifiedon"] + rng.integers(60, 3 * DAY, len(dup))
            d[table] = pd.concat([df, dup], ignore_index=True)
            log.add("cdc_redelivery", "d365", table, dup["recid"], "resolved",
                    detail="same record delivered again with a higher versionnumber")
    # --- company codes in any letter case
    for table, df in d.items():
        if "dataareaid" not in df.columns or not len(df):
            continue
        m = _choose(rng, len(df), rates.mixed_case_company)
        if m.any():
            lower = rng.random(m.sum()) < 0.5
            vals = df.loc[m, "dataareaid"].astype(str)
            df.loc[m, "dataareaid"] = np.where(lower, vals.str.lower(), vals.str.capitalize())
            log.add("mixed_case_company", "d365", table, df.loc[m, "recid"], "normalised", column="dataareaid",
                    detail="dataareaid not in upper case")
    # --- HighRadius re-deliveries: the latest version again in a later extract
    for obj, df in list(hr.items()):
        if obj not in HR_RECORD_KEY or obj in ("hr_correspondence_invoice", "hr_dispute_status_history") or not len(df):
            continue
        key = HR_RECORD_KEY[obj]
        m = _latest(df, key, "extracted_at") & _choose(rng, len(df), rates.hr_redelivery)
        if m.any():
            dup = df[m].copy()
            dup["extracted_at"] = dup["extracted_at"] + rng.integers(1, 10, len(dup)) * DAY
            hr[obj] = pd.concat([df, dup], ignore_index=True)
            log.add("hr_redelivery", "highradius", obj, hr_record_id(obj, dup), "resolved",
                    detail="same record delivered again in a later extract")
    # --- timestamps written in another UTC offset than the tenant's (same instant)
    for obj, df in hr.items():
        m = _choose(rng, len(df), rates.local_time_offset)
        shift = np.full(len(df), np.nan)
        shift[m] = OTHER_OFFSETS[rng.integers(0, len(OTHER_OFFSETS), m.sum())]
        df["_tzshift"] = shift
        if m.any():
            log.add("local_time_offset", "highradius", obj, hr_record_id(obj, df[m]), "converted_utc",
                    detail="timestamps carry another UTC offset than the tenant's")


def _soft_deletes(d: dict[str, pd.DataFrame], rng: np.random.Generator, keys: dict, n: int, log: FaultLog,
                  ids: IdSeries) -> None:
    for table in ("custinvoicetable", "smmactivities", "custdisputehistory"):
        src = d[table]
        if not len(src):
            continue
        take = src.iloc[np.sort(rng.choice(len(src), size=min(n, len(src)), replace=False))].copy()
        take["recid"] = 9_000_000_000_000 + {"custinvoicetable": 1, "smmactivities": 2, "custdisputehistory": 3}[table] * 10**9 \
            + ids.numbers(f"soft_delete:{table}", len(take), 0)
        if table == "custinvoicetable":
            take["invoiceid"] = None
            take["posted"] = 0
        gone = take.copy()
        gone["isdelete"] = pd.array(np.ones(len(gone), dtype=np.int64), dtype="Int64")
        gone["sinkmodifiedon"] = gone["sinkmodifiedon"] + rng.integers(HOUR, 5 * DAY, len(gone))
        gone["versionnumber"] = gone["sinkmodifiedon"] * 1000 + 999
        d[table] = pd.concat([src, take, gone], ignore_index=True)
        log.add("soft_delete", "d365", table, take["recid"], "removed", detail="record deleted in D365 (isdelete = 1)")
        if table == "smmactivities":
            link = d["custcollectionslinkactivitiescusttrans"]
            lk = pd.DataFrame({"recid": 9_100_000_000_000 + ids.numbers("soft_delete:link", len(take), 0),
                               "dataareaid": take["dataareaid"].to_numpy(),
                               "primaryrecid": take["recid"].to_numpy(),
                               "refrecid": rng.choice(keys["ct_inv_recid"], len(take))})
            for c in ("sinkmodifiedon", "isdelete", "versionnumber"):
                lk[c] = take[c].to_numpy()
            lk_gone = lk.copy()
            lk_gone["isdelete"] = pd.array(np.ones(len(lk)), dtype="Int64")
            lk_gone["sinkmodifiedon"] = gone["sinkmodifiedon"].to_numpy()
            lk_gone["versionnumber"] = gone["versionnumber"].to_numpy()
            d["custcollectionslinkactivitiescusttrans"] = pd.concat([link, lk, lk_gone], ignore_index=True)
            log.add("soft_delete", "d365", "custcollectionslinkactivitiescusttrans", lk["recid"], "removed",
                    detail="record deleted in D365 (isdelete = 1)")



def _unknown_invoice_ids(keys: dict, k: int) -> np.ndarray:
    base = keys["next_seq"] + 5_000_000
    return np.array([f"CIV-{base + i:08d}" for i in range(k)], dtype=object)


def _orphans(d, hr, rng, keys, n: int, log: FaultLog) -> None:
    targets = []
    if len(hr.get("hr_correspondence_invoice", ())):
        targets += ["hr_correspondence_invoice", "hr_cash_application"]
    if len(d["custcollectionlettertrans"]):
        targets += ["custcollectionlettertrans", "custcollectionslinkactivitiescusttrans"]
    if not targets:
        return
    per = np.bincount(np.arange(n) % len(targets), minlength=len(targets))
    for t, k in zip(targets, per):
        if k == 0:
            continue
        bad_inv = _unknown_invoice_ids(keys, k)
        if t.startswith("hr_"):
            src = hr[t]
            rows = src.iloc[np.sort(rng.choice(len(src), size=k, replace=len(src) < k))].copy()
            rows["invoice_number"] = bad_inv
            if t == "hr_cash_application":
                rows["application_id"] = [f"APP{9_000_000_000 + i}" for i in range(k)]
            rows["extracted_at"] = rows["extracted_at"] + 60
            hr[t] = pd.concat([src, rows], ignore_index=True)
            log.add("orphan_reference", "highradius", t, hr_record_id(t, rows), "quarantine", "ORPHAN_REFERENCE",
                    column="invoice_number", detail="refers to an invoice that does not exist")
        else:
            src = d[t]
            rows = src.iloc[np.sort(rng.choice(len(src), size=k, replace=len(src) < k))].copy()
            rows["recid"] = 9_200_000_000_000 + (0 if t == "custcollectionlettertrans" else 10**9) + np.arange(k)
            col = "custtransid" if t == "custcollectionlettertrans" else "refrecid"
            rows[col] = 9_300_000_000_000 + np.arange(k)
            rows["isdelete"] = pd.array([pd.NA] * k, dtype="Int64")  # a live row, even if copied from a tombstone
            if "invoice" in rows:
                rows["invoice"] = bad_inv
            d[t] = pd.concat([src, rows], ignore_index=True)
            log.add("orphan_reference", "d365", t, rows["recid"], "quarantine", "ORPHAN_REFERENCE", column=col,
                    detail="refers to a customer transaction that does not exist")


def _bad_currency(d, hr, rng, keys, n: int, log: FaultLog) -> None:
    to_hr = n // 2 if len(hr.get("hr_payment", ())) else 0
    k = n - to_hr
    src = d["custinvoicejour"]
    live = src[src["invoiceamount"] > 0]
    rows = live.iloc[np.sort(rng.choice(len(live), size=k, replace=len(live) < k))].copy()
    rows["recid"] = 9_400_000_000_000 + np.arange(k)
    rows["invoiceid"] = np.array([f"CIV-{keys['next_seq'] + 6_000_000 + i:08d}" for i in range(k)], dtype=object)
    rows["currencycode"] = BAD_CURRENCIES[rng.integers(0, len(BAD_CURRENCIES), k)]
    d["custinvoicejour"] = pd.concat([src, rows], ignore_index=True)
    log.add("unknown_currency", "d365", "custinvoicejour", rows["recid"], "quarantine", "UNKNOWN_CURRENCY",
            column="currencycode", detail="currency code is not an ISO 4217 code")
    if to_hr:
        src = hr["hr_payment"]
        rows = src.iloc[np.sort(rng.choice(len(src), size=to_hr, replace=len(src) < to_hr))].copy()
        rows["payment_id"] = [f"RCPT{9_000_000_000 + i}" for i in range(to_hr)]
        rows["currency"] = BAD_CURRENCIES[rng.integers(0, len(BAD_CURRENCIES), to_hr)]
        hr["hr_payment"] = pd.concat([src, rows], ignore_index=True)
        log.add("unknown_currency", "highradius", "hr_payment", rows["payment_id"], "quarantine", "UNKNOWN_CURRENCY",
                column="currency", detail="currency code is not an ISO 4217 code")


def _missing_invoice_ids(d, rng, n: int, log: FaultLog) -> None:
    """n posted invoices delivered again under a new recid without their invoice id (a required
    column): quarantined as MISSING_KEY. Drawn from a generator of their own, so that a profile
    without them simulates the same rows."""
    src = d["custinvoicejour"]
    live = src[src["invoiceamount"] > 0]
    if n <= 0 or not len(live):
        return
    rows = live.iloc[np.sort(rng.choice(len(live), size=n, replace=len(live) < n))].copy()
    rows["recid"] = 9_500_000_000_000 + np.arange(n)
    rows["invoiceid"] = None
    rows["isdelete"] = pd.array([pd.NA] * n, dtype="Int64")
    d["custinvoicejour"] = pd.concat([src, rows], ignore_index=True)
    log.add("missing_key", "d365", "custinvoicejour", rows["recid"], "quarantine", "MISSING_KEY", column="invoiceid",
            detail="a required column is empty")


# HighRadius objects that get a line without its (one-column) key: one line each at most, as
# every such line has the same record id (the empty key)
MISSING_KEY_HR = ("hr_payment", "hr_collection_activity", "hr_cash_application", "hr_collector", "hr_credit_review")
_OFFSET = re.compile(r"(Z|[+-][0-9]{2}:?[0-9]{2})$")


def inject_text_faults(root: Path, files: list[Path], rates: FaultRates, seed: int, log: FaultLog) -> None:
    """Lines in the written HighRadius CSV files that staging must quarantine for their text:
    a copy of a line without its key (MISSING_KEY: rates.missing_key // 2 objects of
    MISSING_KEY_HR) and copies under a new id with a value that does not convert
    (UNPARSEABLE_VALUE, rates.unparseable_value lines): alternately a dunning level with a
    fraction ('1.5') and a payment time without its UTC offset. Drawn from a generator of
    their own, so that a profile without them simulates the same rows."""
    rng = np.random.default_rng([seed, 23])
    by_object: dict[str, list[Path]] = {}
    for f in sorted(f for f in files if f.suffix == ".csv"):
        by_object.setdefault(f.parent.name, []).append(f)

    def append(obj: str, change) -> tuple[str, dict] | None:
        candidates = by_object.get(obj, [])
        if not candidates:
            return None
        f = candidates[int(rng.integers(0, len(candidates)))]
        text = f.read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        rows = [r for r in rows if r.get("extracted_at")]  # not a malformed line
        if not rows:
            return None
        row = change(dict(rows[int(rng.integers(0, len(rows)))]))
        out = io.StringIO()
        csv.DictWriter(out, fieldnames=list(row), lineterminator="\n").writerow(row)
        f.write_text(text + ("" if text.endswith("\n") else "\n") + out.getvalue(), encoding="utf-8")
        return f.relative_to(root).as_posix(), row

    for obj in MISSING_KEY_HR[:rates.missing_key // 2]:
        key = HR_RECORD_KEY[obj][0]
        if append(obj, lambda r, key=key: {**r, key: ""}):
            log.add("missing_key", "highradius", obj, [""], "quarantine", "MISSING_KEY", column=key,
                    detail="the key is empty")
    for i in range(rates.unparseable_value):
        if i % 2 == 0:
            obj, key, column, new_id = "hr_correspondence", "correspondence_id", "dunning_level", f"CORX{9_000_000 + i}"
        else:
            obj, key, column, new_id = "hr_payment", "payment_id", "received_at", f"RCPTX{9_000_000 + i}"

        def change(r, key=key, column=column, new_id=new_id):
            r[key] = new_id
            r[column] = "1.5" if column == "dunning_level" else _OFFSET.sub("", r[column])
            return r

        if append(obj, change):
            log.add("unparseable_value", "highradius", obj, [new_id], "quarantine", "UNPARSEABLE_VALUE", column=column,
                    detail="a dunning level with a fraction" if column == "dunning_level"
                    else "a timestamp without its UTC offset")


def inject_malformed_lines(root: Path, files: list[Path], n: int, rng: np.random.Generator, log: FaultLog) -> None:
    """Insert n truncated lines (too few fields) into HighRadius CSV files, after the header."""
    candidates = sorted(f for f in files if f.suffix == ".csv")
    if not candidates or n <= 0:
        return
    touched = set()
    for i in range(n):
        f = candidates[int(rng.integers(0, len(candidates)))]
        lines = f.read_bytes().split(b"\n")
        body = [ln for ln in lines[1:] if ln]
        pos = 1 + int(rng.integers(0, len(body) + 1))
        lines.insert(pos, f"MALFORMED{i:04d},{f.parent.name.upper()}".encode())
        f.write_bytes(b"\n".join(lines))
        touched.add(f)
    for f in sorted(touched):  # line numbers once every insertion is done
        rel = f.relative_to(root).as_posix()
        for no, line in enumerate(f.read_bytes().split(b"\n"), start=1):
            if line.startswith(b"MALFORMED"):
                log.add("malformed_csv_line", "highradius", f.parent.name, [f"{rel}:{no}"], "quarantine",
                        "MALFORMED_ROW", file_path=rel, line=no, detail="line has fewer fields than the header")
