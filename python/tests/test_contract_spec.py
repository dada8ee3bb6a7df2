"""The structured contract loader: what it reads, and a clear error for each kind of mistake,
naming the file and the place (system, table, column)."""

from __future__ import annotations

import pytest

from c2c.contract import load_contract
from c2c.contract.spec import SPEC_PATH, ContractError, load_spec, parse_spec

SAMPLE = """\
systems:
  d365:
    description: D365 tables.
    loader: the lake
    record_columns:
      isdelete: {type: integer, values: {1: deleted, 0: live}, description: Deletion flag.}
    common_columns:
      recid: {description: The record id.}
    tables:
      t1:
        description: A table.
        key: [recid]
        columns:
          recid: {type: bigint, required: always}
          kind: {type: integer, enum: Kinds, values: {1: One, 2: Two}, description: The kind.}
          flag: {type: integer, values: {0: "No", 1: "Yes"}, description: A flag.}
          parent: {type: bigint, references: t1.recid, description: The parent.}
  highradius:
    description: HighRadius objects.
    loader: extracts
    record_columns:
      extracted_at: {type: timestamp, description: Extract time.}
    tables:
      hr_x:
        description: An object.
        key: [x_id]
        columns:
          x_id: {type: varchar, required: always, description: The id.}
          status: {type: varchar, values: [OPEN, CLOSED], domain: currency, description: A status.}
          t1_recid: {type: bigint, references: d365.t1.recid, description: The D365 record.}
"""


def test_sample_is_read_into_tables_and_columns():
    c = parse_spec(SAMPLE, "sample.yml")
    t1 = c.table("d365", "t1")
    assert [col.name for col in t1.all_columns] == ["recid", "kind", "flag", "parent", "isdelete"]
    assert t1.column("recid").description == "The record id." and t1.column("recid").required == "always"
    assert t1.column("kind").values == ((1, "One"), (2, "Two")) and t1.column("kind").enum == "Kinds"
    assert t1.column("parent").references == "d365.t1.recid"
    hr = c.table("highradius", "hr_x")
    assert hr.column("status").value_set == ["OPEN", "CLOSED"]
    assert hr.missing_key_columns == ("x_id",)
    assert c.as_dict()["highradius"]["hr_x"] == {"x_id": "varchar", "status": "varchar", "t1_recid": "bigint"}


@pytest.mark.parametrize("old, new, message", [
    ("kind: {type: integer,", "kind: {type: int,", "systems.d365.tables.t1.columns.kind.type: 'int' is not one of"),
    ("kind: {type: integer,", "kind: {nullable: true, type: integer,",
     "systems.d365.tables.t1.columns.kind: unknown key 'nullable'"),
    ('values: {0: "No", 1: "Yes"}', "values: {0: No, 1: Yes}",
     "systems.d365.tables.t1.columns.flag.values: the label of 0 is False, not a text (quote it"),
    ("values: [OPEN, CLOSED]", "values: [OPEN, 2]", "systems.highradius.tables.hr_x.columns.status.values: 2 is not a text"),
    ("values: {1: One, 2: Two}", "values: {1: One, one: Two}",
     "systems.d365.tables.t1.columns.kind.values: 'one' is not a whole number"),
    ("key: [recid]", "key: [record]", "systems.d365.tables.t1.key: 'record' is not a column of the table"),
    ("        key: [recid]\n", "", "systems.d365.tables.t1: no key"),
    ("references: t1.recid", "references: t2.recid",
     "systems.d365.tables.t1.columns.parent.references: 't2.recid': no table d365.t2"),
    ("references: d365.t1.recid", "references: d365.t1.id",
     "systems.highradius.tables.hr_x.columns.t1_recid.references: 'd365.t1.id': d365.t1 has no column 'id'"),
    ("recid: {description: The record id.}", "id: {description: The record id.}",
     "systems.d365.tables.t1.columns.recid: no description"),
    ("x_id: {type: varchar, required: always,", "x_id: {type: varchar, required: live,",
     "systems.highradius.tables.hr_x.columns.x_id.required: live needs deletion rows"),
    ("x_id: {type: varchar, required: always,", "x_id: {type: varchar, required: yes,",
     "systems.highradius.tables.hr_x.columns.x_id.required: True is not one of always, live"),
    ("domain: currency", "domain: money", "systems.highradius.tables.hr_x.columns.status.domain: 'money' is not one"),
    ("          flag:", "          kind:", "not valid YAML at line 16, column 11: key 'kind' is given twice"),
    ("          parent:", "          isdelete:", "systems.d365.tables.t1.columns.isdelete: is a record column"),
    ("  highradius:\n", "  hr:\n", "systems: expected d365, highradius in this order, got d365, hr"),
    ("description: A table.", "description: [A, table]", "systems.d365.tables.t1.description: expected a non-empty"),
    ("    loader: extracts\n", "", "systems.highradius: no loader"),
    ("kind: {type: integer,", "kind: {type: integer\n", "not valid YAML at line 16, column 6: expected ',' or '}'"),
])
def test_a_malformed_contract_is_an_error_naming_file_and_place(old, new, message):
    assert old in SAMPLE
    with pytest.raises(ContractError) as caught:
        parse_spec(SAMPLE.replace(old, new, 1), "contracts/sample.yml")
    assert str(caught.value).startswith("contracts/sample.yml: ")
    assert message in str(caught.value)


def test_a_missing_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(ContractError, match="spec.yml: cannot be read"):
        load_spec(tmp_path / "spec.yml")


def test_the_project_contract_loads():
    contract = load_spec()
    assert contract.path == SPEC_PATH
    assert len(contract.systems["d365"].tables) >= 20 and len(contract.systems["highradius"].tables) >= 11
    assert load_contract()["d365"]["custtrans"]["transtype"] == "integer"
    for table in contract.tables():
        assert table.key or table.optional
        for column in table.all_columns:
            assert column.description, f"{table.system}.{table.name}.{column.name}"
