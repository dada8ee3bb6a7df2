"""What the quality suites check, stated over the landing contract and the marts.

Severity policy:

- ``critical``: the build would be wrong or impossible: an unreadable or truncated file, a
  contract column missing, a NULL or duplicate key + version, a HighRadius timestamp without a
  UTC offset. A failed critical expectation fails ``c2c quality`` (exit code 1).
- ``warning``: a row-level problem that staging sets aside in the quarantine (unknown currency,
  orphan reference, a malformed CSV line), or a value outside its usual range or set. Reported
  with its count; never fails the run.

Every table and column named here must exist in the contract (checked by the tests); the
tables, columns and types themselves come from ``c2c.contract.load_contract()``.
"""

from __future__ import annotations

from dataclasses import dataclass

CRITICAL = "critical"
WARNING = "warning"

# Natural keys a live D365 row cannot do without (staging sets such a row aside as MISSING_KEY;
# the gate stops before that, because the record is then unusable for every later step).
D365_REQUIRED_ON_LIVE_ROWS: dict[str, tuple[str, ...]] = {
    "custinvoicejour": ("invoiceid",),
    "custcollectionlettertrans": ("collectionletternum",),
    "custcollectionslinkactivitiescusttrans": ("primaryrecid", "refrecid"),
    "custdisputehistory": ("custtrans",),
    "custsettlement": ("transrecid",),
    "workflowtrackingtable": ("workflowtrackingstatustable",),
}

# The identifying columns of each HighRadius object (the record a re-delivery repeats).
HR_REQUIRED: dict[str, tuple[str, ...]] = {
    "hr_customer": ("company_code", "customer_number"),
    "hr_collector": ("collector_id",),
    "hr_correspondence": ("correspondence_id",),
    "hr_correspondence_invoice": ("correspondence_id", "invoice_number"),
    "hr_collection_activity": ("activity_id",),
    "hr_promise_to_pay": ("p2p_id",),
    "hr_dispute": ("dispute_id",),
    "hr_dispute_status_history": ("dispute_id", "status", "changed_at"),
    "hr_credit_review": ("review_id",),
    "hr_payment": ("payment_id",),
    "hr_cash_application": ("application_id",),
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

# Columns holding an ISO 4217 code, checked against the iso_currencies seed.
CURRENCY_COLUMNS: dict[tuple[str, str], str] = {
    ("d365", "custtable"): "currency",
    ("d365", "custinvoicejour"): "currencycode",
    ("d365", "custtrans"): "currencycode",
    ("d365", "ledgerjournaltrans"): "currencycode",
    ("highradius", "hr_customer"): "currency",
    ("highradius", "hr_promise_to_pay"): "currency",
    ("highradius", "hr_dispute"): "currency",
    ("highradius", "hr_credit_review"): "currency",
    ("highradius", "hr_payment"): "currency",
}

# (system, table, later column, earlier column): the later date is on or after the earlier.
DATE_ORDER: tuple[tuple[str, str, str, str], ...] = (
    ("d365", "custinvoicejour", "duedate", "invoicedate"),
)

# Enumerations the contract states (a value outside the set is worth a look, not a stop).
ENUMS: dict[tuple[str, str, str], tuple] = {
    ("d365", "custcollectionletterjour", "collectionlettercode"): (1, 2, 3, 4),
    ("d365", "custcollectionletterjour", "status"): (0, 1, 2, 3),
    ("d365", "custdisputehistory", "status"): (1, 2, 3, 4, 5),
    ("d365", "custtable", "blocked"): (0, 1, 2, 3),
    ("highradius", "hr_customer", "risk_class"): ("LOW", "MEDIUM", "HIGH"),
    ("highradius", "hr_correspondence", "channel"): ("EMAIL", "POST", "FAX", "PORTAL"),
    ("highradius", "hr_correspondence", "delivery_status"): ("DELIVERED", "BOUNCED", "PENDING"),
    ("highradius", "hr_collection_activity", "activity_type"): ("CALL", "EMAIL", "NOTE", "TASK", "ESCALATION"),
    ("highradius", "hr_promise_to_pay", "status"): ("OPEN", "KEPT", "PARTIALLY_KEPT", "BROKEN", "CANCELLED"),
    ("highradius", "hr_dispute", "dispute_type"): ("DISPUTE", "DEDUCTION", "SHORT_PAY"),
    ("highradius", "hr_dispute", "status"): ("OPEN", "IN_RESEARCH", "VALID", "INVALID", "RESOLVED", "CLOSED"),
    ("highradius", "hr_dispute", "resolution_type"): ("CREDIT_MEMO", "WRITE_OFF", "REPAID", "OFFSET", "VOID"),
    ("highradius", "hr_credit_review", "review_type"): ("NEW", "INCREASE", "PERIODIC", "ORDER_HOLD"),
    ("highradius", "hr_credit_review", "decision"): ("APPROVED", "PARTIAL", "REJECTED", "PENDING"),
    ("highradius", "hr_payment", "payment_method"): ("CHECK", "ACH", "WIRE", "CARD"),
    ("highradius", "hr_payment", "remittance_source"): ("EDI820", "EMAIL", "PORTAL", "STUB"),
    ("highradius", "hr_cash_application", "match_type"): ("AUTO", "SUGGESTED", "MANUAL"),
}

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
