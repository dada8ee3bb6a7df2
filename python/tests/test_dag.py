"""The DAG runs one way: staging -> intermediate -> core -> marts.

The check reads the manifest of `dbt parse` and fails on a back edge (a model reading a layer
above its own), staging-on-staging (a staging view reading another staging view), a layer skip
(intermediate reading a base table or a source, core or marts reading staging, marts reading a
mart) and on any model without a description, a grain comment or a primary-key test. Layers are
the folders under models/: staging (base/ folders hold the base tables), intermediate, core,
marts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PK_TESTS = {"unique", "unique_combination_of_columns", "primary_key"}
# What each layer may read, besides seeds. A base table may read another base table: the
# orphan check of its quarantine looks up the keys of the table it refers to.
ALLOWED = {
    "base": {"source", "base"},
    "staging": {"source", "base"},
    "intermediate": {"staging", "intermediate"},
    "core": {"intermediate", "core"},
    "marts": {"intermediate", "core"},
}


def _layer(node: dict) -> str:
    if node["resource_type"] == "seed":
        return "seed"
    parts = Path(node["original_file_path"]).parts
    if parts[1] == "staging" and "base" in parts:
        return "base"
    return parts[1]


def dag_problems(manifest: dict, repo: Path = REPO) -> list[str]:
    """Every breach of the layer rules in a dbt manifest, one line each (empty: none)."""
    nodes = manifest["nodes"]
    pk_tested = set()
    for node in nodes.values():
        if node["resource_type"] == "test":
            name = (node.get("test_metadata") or {}).get("name")
            if name in PK_TESTS and node.get("attached_node"):
                pk_tested.add(node["attached_node"])
    problems = []
    for uid, node in sorted(nodes.items()):
        if node["resource_type"] != "model" or not node["config"].get("enabled", True):
            continue
        layer, name = _layer(node), node["name"]
        if layer not in ALLOWED:
            problems.append(f"{name}: not in a layer folder ({node['original_file_path']})")
            continue
        for parent in node["depends_on"]["nodes"]:
            parent_layer = "source" if parent.startswith("source.") else _layer(nodes[parent])
            if parent_layer != "seed" and parent_layer not in ALLOWED[layer]:
                parent_name = parent.split(".")[-1] if parent_layer == "source" else nodes[parent]["name"]
                problems.append(f"{name} ({layer}) reads {parent_name} ({parent_layer})")
        if not (node.get("description") or "").strip():
            problems.append(f"{name}: no description")
        head = (repo / node["original_file_path"]).read_text(encoding="utf-8").splitlines()[:3]
        if not any("grain:" in line for line in head):
            problems.append(f"{name}: no grain comment in its first lines")
        if uid not in pk_tested:
            problems.append(f"{name}: no primary-key test (unique, unique_combination_of_columns, primary_key)")
    return problems


@pytest.fixture(scope="module")
def manifest(built_default) -> dict:
    """The manifest of the session build of the default zone (the whole project, parsed once)."""
    path = built_default.parent / f"dbt_{built_default.stem}" / "target" / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_dag_runs_one_way_and_every_model_is_described(manifest):
    problems = dag_problems(manifest)
    assert not problems, "\n".join(problems)


def _model(name: str, path: str, parents=(), description="d") -> tuple[str, dict]:
    return f"model.p.{name}", {"resource_type": "model", "name": name, "original_file_path": path,
                               "config": {"enabled": True}, "description": description,
                               "depends_on": {"nodes": list(parents)}}


def test_the_check_catches_every_kind_of_breach(tmp_path):
    files = {
        "base_a": "models/staging/s/base/base_a.sql", "stg_a": "models/staging/s/stg_a.sql",
        "stg_b": "models/staging/s/stg_b.sql", "int_a": "models/intermediate/int_a.sql",
        "int_b": "models/intermediate/int_b.sql", "core_a": "models/core/core_a.sql",
        "core_b": "models/core/core_b.sql", "mart_a": "models/marts/mart_a.sql",
        "mart_b": "models/marts/mart_b.sql", "nograin": "models/marts/nograin.sql",
    }
    for name, path in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("select 1\n" if name == "nograin" else "-- grain: one row\nselect 1\n")
    nodes = dict([
        _model("base_a", files["base_a"], ["source.p.s.a"]),
        _model("stg_a", files["stg_a"], ["model.p.base_a"]),
        _model("stg_b", files["stg_b"], ["model.p.stg_a"]),                      # staging on staging
        _model("int_a", files["int_a"], ["model.p.stg_a", "model.p.core_a"]),    # back edge
        _model("int_b", files["int_b"], ["model.p.base_a", "source.p.s.a"]),     # skips
        _model("core_a", files["core_a"], ["model.p.int_a"], description=""),    # no description
        _model("core_b", files["core_b"], ["model.p.stg_a"]),                    # skip
        _model("mart_a", files["mart_a"], ["model.p.core_a"]),
        _model("mart_b", files["mart_b"], ["model.p.mart_a"]),                   # mart on mart
        _model("nograin", files["nograin"], ["model.p.core_a"]),                 # no grain comment
    ])
    for name in files:
        if name != "mart_a":                                                     # mart_a: no key test
            nodes[f"test.p.unique_{name}"] = {"resource_type": "test", "attached_node": f"model.p.{name}",
                                              "test_metadata": {"name": "unique"}}
    problems = dag_problems({"nodes": nodes}, repo=tmp_path)
    assert sorted(problems) == sorted([
        "stg_b (staging) reads stg_a (staging)",
        "int_a (intermediate) reads core_a (core)",
        "int_b (intermediate) reads base_a (base)",
        "int_b (intermediate) reads a (source)",
        "core_a: no description",
        "core_b (core) reads stg_a (staging)",
        "mart_b (marts) reads mart_a (marts)",
        "mart_a: no primary-key test (unique, unique_combination_of_columns, primary_key)",
        "nograin: no grain comment in its first lines",
    ])
