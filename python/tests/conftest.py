"""Shared fixtures: small simulated landing zones, written once per test session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from c2c.simulate import SimConfig, simulate

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def _zone(tmp_path_factory, name: str, **kw) -> Path:
    out = tmp_path_factory.mktemp(name) / "raw"
    simulate(SimConfig(**kw), out)
    return out


@pytest.fixture(scope="session")
def zone_default(tmp_path_factory) -> Path:
    """3,000 invoices over 24 months with the default landing-zone faults."""
    return _zone(tmp_path_factory, "default", invoices=3000, seed=11, faults="default")


@pytest.fixture(scope="session")
def zone_clean(tmp_path_factory) -> Path:
    """2,000 invoices, no landing-zone faults, a different window."""
    return _zone(tmp_path_factory, "clean", invoices=2000, seed=5, faults="none", start=date(2023, 7, 1), months=18)
