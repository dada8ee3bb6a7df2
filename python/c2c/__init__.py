"""credit-to-cash: SQL-first process mining for accounts receivable."""

__version__ = "0.1.0"
