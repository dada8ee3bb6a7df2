"""The raw landing-zone contract shipped with the package.

``raw_sources.yml`` describes, table by table and column by column, what the project
reads from the landing zone: the D365 Finance & Operations tables (Parquet) and the
HighRadius objects (CSV). The simulator writes landing zones that follow it and the
dbt sources declare exactly these tables and columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CONTRACT_PATH: Path = Path(__file__).with_name("raw_sources.yml")

__all__ = ["CONTRACT_PATH", "load_contract"]


def load_contract() -> dict[str, Any]:
    """Return the landing-zone contract as a dictionary.

    Top-level keys: ``lake_columns`` (columns present on every D365 table), ``d365``
    (table -> column -> logical type) and ``highradius`` (object -> column -> logical
    type). Column order follows the file.
    """
    with CONTRACT_PATH.open(encoding="utf-8") as handle:
        contract = yaml.safe_load(handle)
    if not isinstance(contract, dict):
        raise ValueError(f"{CONTRACT_PATH}: expected a mapping at the top level")
    return contract
