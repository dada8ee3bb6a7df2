"""The contract is stated once: the structured contract (spec.yml) says what the project's copy of
the human-readable contract (raw_sources.yml) says, and the staging quarantine follows it.

- every table and object, every column in order with its type, the lake columns, every
  enumerated value with its label: the same in both files;
- the staging base models take their MISSING_KEY / UNPARSEABLE_VALUE conditions and HighRadius
  keys from the generated macro landing_contract, each for its own table; the conditions still
  written by hand (currency codes, references, the D365 company key) name the columns the
  contract and the quality rules name;
- the D365 enums the contract names decode through the d365_enum_fallback seed.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from c2c.contract import COPY_PATH
from c2c.contract.compare import differences
from c2c.contract.spec import load_spec
from c2c.quality import rules

REPO = Path(__file__).resolve().parents[2]


def _table_of(path: Path) -> tuple[str, str]:
    system, table = path.stem[len("base_"):].split("__", 1)
    return system, table


# the base model of each landing table (other base models, such as the rejected CSV lines, read
# no contract table)
BASE_MODELS = [p for p in sorted((REPO / "models" / "staging").glob("*/base/base_*.sql"))
               if _table_of(p) in {(t.system, t.name) for t in load_spec().tables()}]


def test_project_copy_and_structured_contract_agree():
    found = differences(load_spec(), COPY_PATH.read_text(encoding="utf-8"))
    assert not found, (f"{COPY_PATH.name} and spec.yml disagree (change spec.yml, then run `c2c contract "
                       "generate`):\n" + "\n".join(found))


@pytest.mark.parametrize("edit, expected", [
    (("    numofdays: integer\n", "    numofdays: decimal\n"),
     "d365.paymterm.numofdays: decimal in raw_sources.yml, integer in spec.yml"),
    (("    numofdays: integer\n", "    numofdays: integer\n    daysextra: integer\n"),
     "d365.paymterm: columns differ (only in raw_sources.yml: ['daysextra']"),
    (("  hr_collector:\n", "  hr_collectors:\n"), "highradius.hr_collector: in spec.yml, not in raw_sources.yml"),
    (("0 Created, 2 Posted, 3 Canceled", "0 Created, 1 Printed, 2 Posted, 3 Canceled"),
     "d365.custcollectionletterjour.status=1 (Printed): enumerated in raw_sources.yml, not in spec.yml"),
    (("# OPEN, KEPT, PARTIALLY_KEPT, BROKEN, CANCELLED", "# OPEN, KEPT, BROKEN, CANCELLED"),
     "highradius.hr_promise_to_pay.status=PARTIALLY_KEPT (PARTIALLY_KEPT): enumerated in spec.yml, not in"),
    (("2 Sales, 8 Cust,", "2 SalesOrder, 8 Cust,"),
     "d365.custtrans.transtype=2: labelled 'SalesOrder' in raw_sources.yml, 'Sales' in spec.yml"),
])
def test_a_change_of_the_copy_is_reported_by_table_column_and_value(edit, expected):
    text = COPY_PATH.read_text(encoding="utf-8")
    assert edit[0] in text
    found = differences(load_spec(), text.replace(edit[0], edit[1], 1))
    assert any(line.startswith(expected) for line in found), found


@pytest.mark.parametrize("path", BASE_MODELS, ids=lambda p: p.stem)
def test_base_models_take_their_quarantine_conditions_from_the_contract(path):
    system, table = _table_of(path)
    sql = path.read_text(encoding="utf-8")
    calls = re.findall(r"contract_\w+\('(\w+)', '(\w+)'", sql)
    assert all(call == (system, table) for call in calls), f"{path.name} reads another table's contract: {calls}"
    if table == "srsanalysisenums":
        return  # optional, keyless: nothing is quarantined
    assert f"first_unparseable_column(\n            '{system}', contract_typed_columns('{system}', '{table}')" in sql
    assert sql.count(f"when {{{{ contract_missing_key('{system}', '{table}') }}}}") == 2, (
        f"{path.name}: MISSING_KEY reason and detail must both come from contract_missing_key")
    assert not re.search(r"when typed\.\w+ is null\s+then 'MISSING_KEY'", sql), f"{path.name}: a hand-written key"
    if system == "highradius":
        assert f"partition by {{{{ contract_key('{system}', '{table}') }}}}" in sql
        assert f"contract_missing_key('{system}', '{table}', relation='', key_only=true)" in sql


@pytest.mark.parametrize("path", BASE_MODELS, ids=lambda p: p.stem)
def test_hand_written_quarantine_checks_name_the_contract_columns(path):
    system, table = _table_of(path)
    spec = load_spec().table(system, table)
    sql = path.read_text(encoding="utf-8")
    currency = set(re.findall(r"when typed\.(\w+) is not null and currency_\w+\.currency_code is null", sql))
    assert currency == {c.name for c in spec.columns if c.domain == "currency"}, (
        f"{path.name} checks the currency of {sorted(currency)}; the contract marks "
        f"{sorted(c.name for c in spec.columns if c.domain == 'currency')}")
    orphans = set(re.findall(r"when typed\.(\w+) is not null and \w+\.(?:ref_key|invoiceid) is null\s+then 'ORPHAN", sql))
    assert orphans == {r.column for r in rules.REFERENCES if (r.system, r.table) == (system, table)}
    if system == "d365" and spec.key:
        has_company = re.search(r"d365_current_versions\(source\('d365', '\w+'\), has_company=(true|false)[,)]", sql)
        assert has_company and (has_company.group(1) == "true") == ("dataareaid" in spec.key), path.name


def test_every_contract_table_has_its_base_model():
    tables = {(t.system, t.name) for t in load_spec().tables()}
    assert {_table_of(p) for p in BASE_MODELS} == tables


def test_d365_enums_the_contract_names_decode_through_the_fallback_seed():
    with (REPO / "seeds" / "d365_enum_fallback.csv").open(encoding="utf-8", newline="") as handle:
        seed = {(r["enumname"], int(r["enumitemvalue"])) for r in csv.DictReader(handle)}
    missing = [f"{t.name}.{c.name}: {c.enum} {v}" for t in load_spec().systems["d365"].tables.values()
               for c in t.columns if c.enum for v in c.value_set if (c.enum, v) not in seed]
    assert not missing, "enum values missing from seeds/d365_enum_fallback.csv:\n" + "\n".join(missing)
