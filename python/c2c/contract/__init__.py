"""The raw landing-zone contract shipped with the package.

Two files describe, table by table and column by column, what the project reads from the
landing zone (the D365 Finance & Operations tables, Parquet, and the HighRadius objects, CSV):

- ``spec.yml`` (``SPEC_PATH``), the structured contract: types, nullability, keys, enumerated
  values with labels, descriptions. The code reads this one (``c2c.contract.spec.load_spec()``)
  and ``c2c contract generate`` writes the dbt sources, the quarantine macro and the landing
  quality suites from it.
- ``raw_sources.yml`` (``COPY_PATH``), the project's copy of the human-readable contract, kept
  equal to the shared original; a test checks that ``spec.yml`` says the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .spec import SPEC_PATH, ContractError, load_spec

COPY_PATH: Path = Path(__file__).with_name("raw_sources.yml")

__all__ = ["COPY_PATH", "SPEC_PATH", "ContractError", "load_contract", "load_spec"]


def load_contract() -> dict[str, Any]:
    """Return the landing-zone contract as a dictionary, read from the structured contract.

    Top-level keys: ``lake_columns`` (columns present on every D365 table: name -> ``type`` and
    ``meaning``), ``d365`` (table -> column -> logical type) and ``highradius`` (object -> column
    -> logical type). Column order follows the file; HighRadius ``extracted_at`` is not listed
    (every object carries it after its own columns).
    """
    return load_spec().as_dict()
