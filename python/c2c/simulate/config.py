"""Parameters of a simulated landing zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

RULES = ("R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "R09")
FAULT_PROFILES = ("none", "default", "heavy", "all")


@dataclass(frozen=True)
class Company:
    code: str
    currency: str
    collections_system: str  # "HIGHRADIUS" or "D365"
    timezone: str  # tenant local time zone (HighRadius timestamps are local)
    share: float  # share of the invoices
    account_prefix: str
    foreign_currencies: tuple[tuple[str, float, float], ...] = ()  # (code, share of customers, rate to accounting)


DEFAULT_COMPANIES: tuple[Company, ...] = (
    Company("USMF", "USD", "HIGHRADIUS", "America/New_York", 0.45, "US", (("CAD", 0.08, 0.73),)),
    Company("GBSI", "GBP", "HIGHRADIUS", "Europe/London", 0.25, "GB", (("EUR", 0.10, 0.86),)),
    Company("FRRT", "EUR", "D365", "Europe/Paris", 0.30, "FR", (("CHF", 0.05, 1.06),)),
)


@dataclass(frozen=True)
class DunningPolicy:
    """The policy the simulated collectors follow (mirrors the shipped seed `dunning_policy`)."""

    first_min_days_after_due: int = 5
    first_max_days_after_due: int = 20
    min_days_between_levels: int = 14
    final_level: int = 3
    write_off_min_days_after_final: int = 30


@dataclass(frozen=True)
class FaultRates:
    """Share of rows (or number of rows) that get each landing-zone fault."""

    cdc_redelivery: float = 0.0
    soft_delete: float = 0.0
    date_1900: float = 0.0
    mixed_case_company: float = 0.0
    hr_redelivery: float = 0.0
    local_time_offset: float = 0.0
    orphan_reference: int = 0
    unknown_currency: int = 0
    malformed_csv_line: int = 0
    # rows the landing-zone gate stops on (a required column empty, a value that does not
    # convert): only in the profiles that test the build itself, "all" and "heavy"
    missing_key: int = 0
    unparseable_value: int = 0

    @staticmethod
    def profile(name: str) -> "FaultRates":
        if name == "none":
            return FaultRates()
        if name == "default":
            return FaultRates(0.01, 0.005, 0.01, 0.02, 0.01, 0.02, 12, 6, 1)
        if name == "all":  # the default faults and those of every other quarantine reason (CI's build)
            return FaultRates(0.01, 0.005, 0.01, 0.02, 0.01, 0.02, 12, 6, 1, missing_key=4, unparseable_value=4)
        if name == "heavy":
            return FaultRates(0.05, 0.02, 0.05, 0.10, 0.05, 0.10, 60, 30, 5, missing_key=10, unparseable_value=10)
        raise ValueError(f"unknown fault profile {name!r}; expected one of {', '.join(FAULT_PROFILES)}")


@dataclass(frozen=True)
class SimConfig:
    invoices: int = 20_000
    seed: int = 42
    start: date = date(2024, 1, 1)
    months: int = 24
    faults: str = "default"
    deviation_rate: float = 0.03  # share of the invoices eligible for a rule that deviate from it
    min_deviations_per_rule: int = 3  # so that small landing zones still show every rule
    companies: tuple[Company, ...] = DEFAULT_COMPANIES
    policy: DunningPolicy = field(default_factory=DunningPolicy)
    include_enum_table: bool = True
    # invoices simulated and written together: a larger zone is simulated block by block (see
    # ``simulate``), so that its memory does not grow with the number of invoices
    block_invoices: int = 200_000

    def __post_init__(self) -> None:
        if self.block_invoices <= 0:
            raise ValueError(f"block_invoices must be a positive number of invoices, got {self.block_invoices}")

    @property
    def fault_rates(self) -> FaultRates:
        return FaultRates.profile(self.faults)
