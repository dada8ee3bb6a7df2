"""The mutation harness (python -m c2c.bench.mutate, `make mutate`): its operators on a small
model and the determinism of its sample. The mutation run itself is not part of `make test`."""

from __future__ import annotations

import pytest

from c2c.bench.mutants import code_mask, find_mutants, sample

MODEL = """-- grain: one row per case; a comment with < and and coalesce(x, 0)
{{ config(materialized='table') }}
with facts as (
    select
        a.case_id,
        coalesce(b.paid_amount, 0) as paid_amount,
        coalesce(b.note, 'none') as note,
        coalesce(b.closed_at, a.as_of_date) as end_at,
        case when a.amount >= 10 and a.kind <> 'x <= y' then true end as is_big,
        cast({{ dbt.dateadd('day', 1, 'a.due_date') }} as date) as first_day_late
    from a
    left join b
        on a.case_id = b.case_id and a.opened_at < b.closed_at
    where a.amount between 1 and 5
        and (a.kind = 'i' or a.flag)
)
select * from facts
{% if is_incremental() %}
where case_id > 0
{% endif %}
"""


def _changes(text: str) -> set[tuple[int, str, str, str]]:
    return {(m.line, m.operator, " ".join(m.original.split()), m.replacement) for m in find_mutants("m.sql", text)}


def test_every_operator_on_a_small_model():
    assert _changes(MODEL) == {
        (6, "coalesce", "0", "1"),
        (7, "coalesce", "'none'", "'mutant'"),
        (8, "coalesce", "coalesce(b.closed_at, a.as_of_date)", "(b.closed_at)"),
        (9, "comparison", ">=", ">"),
        (9, "logic", "and", "or"),
        (9, "comparison", "<>", "="),
        (10, "interval", "1", "2"),
        (10, "interval", "1", "0"),
        (12, "join", "left join", "inner join"),
        # in the join condition: `=` and `and` are left alone, `<` is mutated
        (13, "comparison", "<", "<="),
        # the `and` of between is not a where term and is not turned into `or`
        (14, "where", "a.amount between 1 and 5", "true"),
        (15, "logic", "and", "or"),
        (15, "where", "(a.kind = 'i' or a.flag)", "true"),
        (15, "comparison", "=", "<>"),
        (15, "logic", "or", "and"),
    }


def test_comments_strings_and_jinja_are_not_code():
    text = "select 'a < b' as t, x -- y < z\n{{ f(1 < 2) }} {# c = d #} where x = 1"
    code = "".join(ch for ch, is_code in zip(text, code_mask(text)) if is_code)
    assert "<" not in code and code.count("=") == 1
    assert [(m.operator, m.original) for m in find_mutants("m.sql", text) if m.operator == "comparison"] == [
        ("comparison", "=")]


def test_interval_day_counts_are_folded():
    text = "select {{ dbt.dateadd('day', horizon_days + 1, 'd') }}, {{ dbt.dateadd('day', -90, 'd') }}, " \
           "{{ dbt.dateadd('day', n, 'd') }}"
    got = sorted(m.replacement for m in find_mutants("m.sql", text))
    assert got == ["-89", "-91", "horizon_days", "horizon_days + 2", "n + 1", "n - 1"]


def test_a_mutant_applies_to_the_text_it_was_made_from_only():
    mutant = next(m for m in find_mutants("m.sql", MODEL) if m.operator == "join")
    assert "inner join b" in mutant.apply(MODEL)
    with pytest.raises(ValueError):
        mutant.apply(MODEL.replace("left join", "full join"))


def test_the_sample_is_deterministic_and_balanced():
    groups = {"one": find_mutants("one.sql", MODEL), "two": find_mutants("two.sql", MODEL.replace("a.", "t."))}
    first, again, other = sample(groups, 10, seed=1), sample(groups, 10, seed=1), sample(groups, 10, seed=2)
    assert [m.key for m in first] == [m.key for m in again]
    assert [m.key for m in first] != [m.key for m in other]
    assert sum(m.path == "one.sql" for m in first) == 5
    assert len({m.key for m in sample(groups, 100, seed=1)}) == len(groups["one"]) + len(groups["two"])


def test_the_equivalent_mutants_of_the_docs_are_mutants_of_the_models():
    from c2c.bench.mutate import REPO, all_mutants, load_equivalent

    equivalent = load_equivalent()
    assert equivalent, "docs/testing.md lists no equivalent mutant (section 'Equivalent mutants')"
    keys = {m.key for ms in all_mutants(REPO).values() for m in ms}
    stale = sorted(set(equivalent) - keys)
    assert not stale, f"listed as equivalent but no longer a mutant of the models (re-judge them): {stale}"
    assert all(len(reason) > 20 for reason in equivalent.values())


def test_a_failing_node_is_named_without_its_hash():
    from c2c.bench.mutate import _node_name

    assert _node_name("test.credit_to_cash.not_null_cases_case_id.5f1c2e9a0b") == "not_null_cases_case_id"
    assert _node_name("test.credit_to_cash.assert_pm_dfg_flow_is_conserved") == "assert_pm_dfg_flow_is_conserved"
    assert _node_name("unit_test.credit_to_cash.cases.cases__collector") == "cases__collector"
    assert _node_name("model.credit_to_cash.fct_ar_monthly") == "fct_ar_monthly"


def test_every_mutant_in_scope_rebuilds_a_model_of_the_project():
    from c2c.bench.mutate import REPO, all_mutants

    models = {p.stem for p in (REPO / "models").rglob("*.sql")}
    targets = {m.path: m.model for ms in all_mutants(REPO).values() for m in ms}
    assert any(path.startswith("macros/") for path in targets), "no macro in the mutation scope: drop MACRO_MODELS"
    missing = sorted(f"{path} -> {model}" for path, model in targets.items() if model not in models)
    assert not missing, f"mutants whose rebuild would select no model: {missing}"


def test_a_macro_without_its_model_is_refused():
    from c2c.bench.mutants import Mutant

    mutant = Mutant("macros/some_macro.sql", "comparison", 0, 1, "<", "<=", 1)
    with pytest.raises(ValueError, match="MACRO_MODELS"):
        _ = mutant.model
