"""Access and ownership: every model in a group with an owner; the stable interface (the marts,
event_log, cases) public, described, with enforced contracts; everything else protected or
private. Read from the manifest of the session build (as test_dag does)."""

from __future__ import annotations

import copy
import json

import pytest

from c2c.access import access_problems, public_models, python_public_models, python_schema_problems
from c2c.db import connect_built


@pytest.fixture(scope="module")
def manifest(built_default) -> dict:
    path = built_default.parent / f"dbt_{built_default.stem}" / "target" / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_model_has_a_group_and_the_interface_is_public_with_contracts(manifest):
    problems = access_problems(manifest)
    assert not problems, "\n".join(problems)
    public = public_models(manifest)
    assert {"event_log", "cases", "run_stamp", "fct_ar_monthly", "pm_dfg_edges", "fct_data_quality_runs"} <= set(public)
    groups = {g["name"] for g in manifest["groups"].values()}
    assert groups == {"process_mining", "collections", "quality", "audit"}
    # the layers below the interface are not public
    accesses = {n["access"] for n in manifest["nodes"].values()
                if n["resource_type"] == "model" and n["original_file_path"].startswith(("models/staging/",
                                                                                         "models/intermediate/"))}
    assert accesses <= {"private", "protected"} and "private" in accesses


def test_public_python_models_match_their_declared_schema(manifest, built_default):
    declared = python_public_models(manifest)
    assert set(declared) == {"pm_discovered_model", "pm_variant_conformance"}
    with connect_built(built_default) as con:
        assert python_schema_problems(declared, con) == []
        # a planted defect: a declared type that the build does not produce
        wrong = copy.deepcopy(declared)
        wrong["pm_variant_conformance"]["fitness"] = "varchar"
        assert [p.split(":")[0] for p in python_schema_problems(wrong, con)] == ["pm_variant_conformance"]


def _node(name: str, path: str, access: str, group: str | None = "g", contract: bool = True, language: str = "sql",
          description: str = "d", columns: dict | None = None) -> tuple[str, dict]:
    cols = {"a": {"name": "a", "description": "d", "data_type": "varchar"}} if columns is None else columns
    return f"model.p.{name}", {"resource_type": "model", "name": name, "original_file_path": path, "access": access,
                               "group": group, "language": language, "description": description, "columns": cols,
                               "config": {"enabled": True, "group": group, "contract": {"enforced": contract}}}


def test_the_check_catches_every_kind_of_breach():
    nodes = dict([
        _node("stg_ok", "models/staging/stg_ok.sql", "private", contract=False),
        _node("mart_ok", "models/marts/x/mart_ok.sql", "public"),
        _node("py_ok", "models/marts/x/py_ok.py", "public", contract=False, language="python"),
        _node("event_log", "models/core/event_log.sql", "public"),
        _node("no_group", "models/intermediate/no_group.sql", "protected", group=None),
        _node("mart_no_contract", "models/marts/x/mart_no_contract.sql", "public", contract=False),
        _node("mart_no_description", "models/marts/x/mart_no_description.sql", "public", description=" "),
        _node("mart_column_undescribed", "models/marts/x/mart_column_undescribed.sql", "public",
              columns={"a": {"name": "a", "description": "", "data_type": "varchar"}}),
        _node("mart_no_columns", "models/marts/x/mart_no_columns.sql", "public", columns={}),
        _node("mart_protected", "models/marts/x/mart_protected.sql", "protected"),
        _node("int_public", "models/intermediate/int_public.sql", "public"),
        _node("cases", "models/core/cases.sql", "protected"),
    ])
    manifest = {"nodes": nodes, "groups": {"group.p.g": {"name": "g", "owner": {"name": "n", "email": "e@example.org"}},
                                           "group.p.h": {"name": "h", "owner": {"name": "n"}}}}
    assert sorted(access_problems(manifest)) == sorted([
        "group h: no owner name and email",
        "no_group: no group",
        "mart_no_contract: public without an enforced contract",
        "mart_no_description: public without a description",
        "mart_column_undescribed.a: public column without a description",
        "mart_no_columns: public without declared columns",
        "mart_protected: part of the stable interface but access protected",
        "int_public: public but not a mart (public models: models/marts/, event_log, cases)",
        "cases: part of the stable interface but access protected",
    ])


def test_singular_tests_declare_their_group_in_their_sql(manifest):
    """A singular test that reads private models names its group in a config() block of its SQL
    file, not in YAML: when a macro changes, dbt's partial parsing parses the test again before
    it applies the YAML, and a test without its group then fails the parse for reading a private
    model. Every singular test has a group and it is written in its file."""
    from pathlib import Path

    project = Path(__file__).resolve().parents[2]
    singular = [n for n in manifest["nodes"].values()
                if n["resource_type"] == "test" and n["original_file_path"].endswith(".sql")
                and n["original_file_path"].startswith("tests/") and "/generic/" not in n["original_file_path"]]
    assert len(singular) >= 10
    missing = [n["name"] for n in singular if not n.get("group")
               or f"config(group='{n['group']}')" not in (project / n["original_file_path"]).read_text()]
    assert not missing, f"singular tests without config(group=...) in their SQL: {missing}"


def test_collections_marts_rebuilt_in_full_say_why(manifest):
    # docs/incremental.md: a collections mart that every run rebuilds in full says so, and why, in
    # its description (one of the rebuilt_in_full_* doc blocks)
    marts = [n for n in manifest["nodes"].values()
             if n["resource_type"] == "model"
             and (n["original_file_path"].startswith("models/marts/collections/")
                  or n["original_file_path"].startswith("models/core/collections/fct_"))]
    assert len(marts) >= 11
    silent = sorted(n["name"] for n in marts
                    if n["config"]["materialized"] != "incremental"
                    and "Rebuilt in full by every run" not in n["description"])
    assert not silent, f"rebuilt in full without saying why: {silent}"
