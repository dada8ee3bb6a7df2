"""What the quality suites check, stated over the landing contract and the marts.

Severity policy:

- ``critical``: the build would be wrong or impossible: an unreadable or truncated file, a
  contract column missing, a NULL or duplicate key + version, a HighRadius timestamp without a
  UTC offset. A failed critical expectation fails ``c2c quality`` (exit code 1).
- ``warning``: a row-level problem that staging sets aside in the quarantine (unknown currency,
  orphan reference, a malformed CSV line), or a value outside its usual range or set. Reported
  with its count; never fails the run.

Every table and column named here must exist in the contract (checked by the tests). What the
contract states (tables, columns, types, keys, required columns, enumerated values, currency
columns) is not repeated here: the suites read it from ``c2c.contract.spec``.
"""

from __future__ import annotations

from dataclasses import dataclass

CRITICAL = "critical"
WARNING = "warning"

# Of the columns the contract requires on live D365 rows (``required: live``), those whose absence
# stops the gate: staging would set such a row aside as MISSING_KEY, but the record is then
# unusable for every later step (a case, a settlement or a link without its key). A missing value
# in another required column is a warning (the row is quarantined, the rest of the build holds).
D365_CRITICAL_ON_LIVE_ROWS: dict[str, tuple[str, ...]] = {
    "custinvoicejour": ("invoiceid",),
    "custcollectionlettertrans": ("collectionletternum",),
    "custcollectionslinkactivitiescusttrans": ("primaryrecid", "refrecid"),
    "custdisputehistory": ("custtrans",),
    "custsettlement": ("transrecid",),
    "workflowtrackingtable": ("workflowtrackingstatustable",),
}


@dataclass(frozen=True)
class Reference:
    """``system/table.column`` must name a record of ``ref_table.ref_column`` (same company when
    ``by_company``: the referring row's company column and the referred table's company)."""

    system: str
    table: str
    column: str
    ref_table: str  # always a D365 table
    ref_column: str
    company_column: str | None = None

    @property
    def flag_column(self) -> str:
        """The derived column that holds the outcome per row (True, False, or NULL when the
        reference is empty)."""
        return f"{self.column}__refers_to_{self.ref_table}"


REFERENCES: tuple[Reference, ...] = (
    Reference("d365", "custtrans", "accountnum", "custtable", "accountnum", "dataareaid"),
    Reference("d365", "custinvoicejour", "invoiceaccount", "custtable", "accountnum", "dataareaid"),
    Reference("d365", "custsettlement", "transrecid", "custtrans", "recid"),
    Reference("d365", "custdisputehistory", "custtrans", "custtrans", "recid"),
    Reference("d365", "custcollectionlettertrans", "custtransid", "custtrans", "recid"),
    Reference("d365", "custcollectionslinkactivitiescusttrans", "refrecid", "custtrans", "recid"),
    Reference("d365", "custcollectionslinkactivitiescusttrans", "primaryrecid", "smmactivities", "recid"),
    Reference("d365", "workflowtrackingtable", "workflowtrackingstatustable", "workflowtrackingstatustable", "recid"),
    Reference("highradius", "hr_correspondence_invoice", "invoice_number", "custinvoicejour", "invoiceid"),
    Reference("highradius", "hr_collection_activity", "invoice_number", "custinvoicejour", "invoiceid", "company_code"),
    Reference("highradius", "hr_promise_to_pay", "invoice_number", "custinvoicejour", "invoiceid", "company_code"),
    Reference("highradius", "hr_dispute", "invoice_number", "custinvoicejour", "invoiceid", "company_code"),
    Reference("highradius", "hr_cash_application", "invoice_number", "custinvoicejour", "invoiceid", "company_code"),
)

# (system, table, later column, earlier column): the later date is on or after the earlier.
DATE_ORDER: tuple[tuple[str, str, str, str], ...] = (
    ("d365", "custinvoicejour", "duedate", "invoicedate"),
)

# Amounts (contract type decimal) beyond this absolute value are out of range.
AMOUNT_LIMIT = 1e12
# D365 dates and timestamps outside this window are out of range (1900-01-01 means "no date"
# and is read as NULL before the check).
EARLIEST_DATE = "1990-01-01"
LATEST_DATE = "2100-12-31"
# A HighRadius timestamp: ISO-8601 date and time with a UTC offset (Z, +hh:mm, +hhmm).
HR_TIMESTAMP_REGEX = r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})\s*$"
# A table whose rows drop below this share of the previous quality run's count warns.
ROW_COUNT_DROP_SHARE = 0.5

# Marts -------------------------------------------------------------------------------------
# First activity of a case once credit-limit events (customer-level, attached before the
# invoice) are left aside; closing activities; tolerated share of cases with events after
# their closing event (dunning letters sent after settlement are process deviations that the
# conformance marts report, not data faults).
CASE_OPENING_ACTIVITIES = ("INVOICE_CREATED", "INVOICE_POSTED")
CREDIT_LIMIT_ACTIVITIES = ("CREDIT_LIMIT_REQUESTED", "CREDIT_LIMIT_APPROVED", "CREDIT_LIMIT_REJECTED")
CLOSING_ACTIVITIES = ("INVOICE_SETTLED", "INVOICE_WRITTEN_OFF")
ENDS_WELL_MOSTLY = 0.95
CASE_STATUSES = ("open", "partially paid", "disputed", "settled", "credited", "written off")
# Distribution checks: at most 10 % of invoices written off, at least 15 % of the settled
# invoices settled by their due date. Wide on purpose: they catch an upstream change that
# moves the whole population (a lost write-off filter, shifted due dates), not a bad month.
NOT_WRITTEN_OFF_MOSTLY = 0.90
SETTLED_ON_TIME_MOSTLY = 0.15
# KPI bounds of the marts. Hard bounds follow from a KPI's definition (a share is within
# [0, 1], CEI within [0, 100] since open AR never falls below current AR): a value outside is a
# wrong computation, critical. Plausibility bounds catch a KPI no real ledger produces (DSO
# above ten years, a median DSO or days-to-pay above a year): warnings.
DSO_MAX_DAYS = 3650
MEDIAN_DAYS_MAX = 365
# At least half of the invoices follow a variant that fits the normative model; below that the
# model or the event log changed, not the process.
FITTING_CASE_SHARE_MIN = 0.5
# The fingerprint of a landing zone: SHA-256 in hex.
FINGERPRINT_REGEX = r"^[0-9a-f]{64}$"
