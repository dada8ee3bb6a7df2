"""The fixed-cost benchmark's project: the node mix it is asked for, every data test a node of its own."""

from __future__ import annotations

import json

import pytest
import yaml

from c2c.bench.dbt_floor import run_summary, write_project


def _tests(root) -> list[str]:
    """The data tests of the written project, one entry per test node (its name or its kind)."""
    spec = yaml.safe_load((root / "models" / "_models.yml").read_text())
    found = []
    for model in spec["models"]:
        for column in model["columns"]:
            for test in column["data_tests"]:
                if isinstance(test, str):
                    found.append(f"{model['name']}.{column['name']}.{test}")
                else:
                    kind, cfg = next(iter(test.items()))
                    found.append(cfg.get("name") if cfg and cfg.get("name") else f"{model['name']}.{column['name']}.{kind}")
    return found


def test_the_project_has_the_event_log_selections_mix(tmp_path):
    root = tmp_path / "floor"
    counts = write_project(root, incremental=29, views=28, tables=15, seeds=5, tests=319)
    assert counts == {"incremental": 29, "view": 28, "table": 15, "seed": 5, "test": 319}
    models = sorted(p.stem for p in (root / "models").glob("*.sql"))
    assert len([m for m in models if m.startswith("base_")]) == 29
    assert len([m for m in models if m.startswith("stg_")]) == 28
    assert len([m for m in models if m.startswith("int_")]) == 15
    assert len(list((root / "seeds").glob("*.csv"))) == 5
    tests = _tests(root)
    # as many test nodes as asked for: no two tests on one column that dbt would merge into one
    assert len(tests) == len(set(tests)) == 319
    assert "materialized='incremental'" in (root / "models" / "base_0.sql").read_text()


def test_a_second_call_replaces_the_project(tmp_path):
    root = tmp_path / "floor"
    write_project(root, incremental=4, views=4, tables=2, seeds=1, tests=40)
    write_project(root, incremental=2, views=1, tables=1, seeds=1, tests=3)
    assert len(list((root / "models").glob("*.sql"))) == 4
    assert len(_tests(root)) == 3


@pytest.mark.parametrize("kw", [dict(views=3, incremental=2), dict(seeds=0), dict(tests=-1)])
def test_impossible_mixes_are_refused(tmp_path, kw):
    args = dict(incremental=2, views=1, tables=1, seeds=1, tests=3) | kw
    with pytest.raises(ValueError):
        write_project(tmp_path / "floor", **args)


def test_many_tests_on_one_column_stay_separate_nodes(tmp_path):
    """More tests than kinds on one column: the repeated kinds get names of their own."""
    root = tmp_path / "floor"
    counts = write_project(root, incremental=1, views=0, tables=0, seeds=1, tests=12)
    tests = _tests(root)
    assert counts["test"] == 12 and len(tests) == len(set(tests)) == 12
    assert sum(1 for t in tests if t.startswith("not_null_base_0")) == 2


def test_a_folder_that_is_not_the_benchmarks_is_never_deleted(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        write_project(tmp_path, incremental=2, views=1, tables=1, seeds=1, tests=3)
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_the_summary_counts_only_the_nodes_that_passed(tmp_path):
    results = tmp_path / "run_results.json"
    results.write_text(json.dumps({"elapsed_time": 13.58, "results": [
        {"status": "success"}, {"status": "pass"}, {"status": "warn"}, {"status": "fail"}, {"status": "error"},
        {"status": "skipped"}]}))
    assert run_summary(results) == (13.58, 3)
