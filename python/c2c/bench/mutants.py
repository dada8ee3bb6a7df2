"""Mutation operators on the SQL of a dbt model, and the deterministic sample of mutants.

A mutant is one small change of a model's SQL text, the kind of slip a reviewer can miss:

- ``comparison``: ``<`` <-> ``<=``, ``>`` <-> ``>=`` (boundaries), ``=`` -> ``<>`` and ``<>`` /
  ``!=`` -> ``=`` (negation);
- ``logic``: ``and`` -> ``or``, ``or`` -> ``and``;
- ``interval``: the day count of ``dbt.dateadd('day', n, ...)`` plus or minus one day;
- ``join``: ``left join`` -> ``inner join``, ``inner join`` or a bare ``join`` -> ``left join``;
- ``coalesce``: the default of ``coalesce(..., d)`` changed (a number + 1, a boolean flipped, a
  text replaced) or, when it is not a literal, dropped;
- ``where``: one ``and`` term of a ``where`` clause replaced by ``true`` (the term dropped).

Only SQL is mutated: comments, string literals and Jinja (``{{ }}``, ``{% %}``, ``{# #}``) are
left alone, except the day count of ``dbt.dateadd``, and so is the SQL only an incremental run
reads (``{% if is_incremental() %}``, and ``{% if only_changed %}`` in event_log's macro). In a join's ``on`` condition ``=`` and
``and`` are not mutated: the result is a near cross join, a defect no one writes unnoticed and
one that only makes the run slow; the join type and the other comparisons there are mutated.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

OPERATORS = ("comparison", "logic", "interval", "join", "coalesce", "where")

# the words that start a part of a statement: what an operator belongs to
CLAUSE_WORDS = {"select", "from", "where", "on", "having", "when", "then", "else", "join", "group", "order",
                "partition", "case", "end", "union", "with", "as", "using"}
# where a where clause ends, at its own parenthesis depth
WHERE_END_WORDS = {"group", "order", "having", "union", "window", "limit", "qualify", "select", "from"}


# Macros that hold a model's SQL (rendered into it), with that model: a mutant of the macro is a
# mutant of the model.
MACRO_MODELS = {"macros/event_log_landing_events.sql": "event_log"}


@dataclass(frozen=True)
class Mutant:
    """One change of one model's SQL: text[start:end] replaced by ``replacement``."""

    path: str  # the model file, relative to the project
    operator: str
    start: int
    end: int
    original: str
    replacement: str
    line: int  # 1-based line of start

    @property
    def model(self) -> str:
        """The model built again for the mutant: the file's model, or the one a macro writes the SQL of."""
        if self.path in MACRO_MODELS:
            return MACRO_MODELS[self.path]
        if self.path.startswith("macros/"):
            # a macro's name selects no model: the rebuild would pass untested and the mutant survive
            raise ValueError(f"{self.path}: a macro in the mutation scope needs its model in MACRO_MODELS")
        return self.path.rsplit("/", 1)[-1].removesuffix(".sql")

    @property
    def key(self) -> str:
        """A stable name: file, line, operator and the change."""
        return f"{self.path}:{self.line} {self.operator} {_short(self.original)} -> {_short(self.replacement)}"

    def apply(self, text: str) -> str:
        if text[self.start:self.end] != self.original:
            raise ValueError(f"{self.path}:{self.line}: the text changed since the mutant was made")
        return text[:self.start] + self.replacement + text[self.end:]


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 3] + "..."


def code_mask(text: str) -> list[bool]:
    """For each character, True when it is SQL code (not a comment, a string literal or Jinja)."""
    mask = [False] * len(text)
    i, n = 0, len(text)
    while i < n:
        two = text[i:i + 2]
        if two == "--":
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif two == "/*":
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif two in ("{{", "{%", "{#"):
            close = {"{{": "}}", "{%": "%}", "{#": "#}"}[two]
            j = text.find(close, i + 2)
            i = n if j < 0 else j + 2
        elif text[i] == "'":
            j = i + 1
            while j < n:
                if text[j] == "'" and text[j + 1:j + 2] == "'":
                    j += 2
                elif text[j] == "'":
                    break
                else:
                    j += 1
            i = j + 1
        else:
            mask[i] = True
            i += 1
    return mask


class _Sql:
    """A model's text with its code mask, its words and the parenthesis depth of each position."""

    def __init__(self, path: str, text: str):
        self.path, self.text = path, text
        self.mask = code_mask(text)
        self.words = [(m.start(), m.group(0).lower()) for m in re.finditer(r"[A-Za-z_][A-Za-z_0-9]*", text)
                      if self.mask[m.start()] and (m.start() == 0 or not _ident(text[m.start() - 1]))]
        depth, self.depth = 0, []
        for ch, code in zip(text, self.mask):
            if code and ch == "(":
                depth += 1
            self.depth.append(depth)
            if code and ch == ")":
                depth -= 1

    def code_matches(self, pattern: str) -> Iterable[re.Match]:
        for m in re.finditer(pattern, self.text, flags=re.IGNORECASE):
            if all(self.mask[m.start():m.end()]):
                yield m

    def clause_of(self, pos: int) -> str | None:
        """The clause word nearest before pos at the same or an outer parenthesis depth."""
        depth = self.depth[pos]
        for start, word in reversed(self.words):
            if start < pos and word in CLAUSE_WORDS and self.depth[start] <= depth:
                return word
        return None

    def in_between(self, pos: int) -> bool:
        """True when the word at pos is the `and` of a `between ... and ...`."""
        depth = self.depth[pos]
        for start, word in reversed(self.words):
            if start >= pos or self.depth[start] != depth:
                continue
            if word == "between":
                return True
            if word in CLAUSE_WORDS or word in ("and", "or"):
                return False
        return False

    def mutant(self, operator: str, start: int, end: int, replacement: str) -> Mutant:
        return Mutant(self.path, operator, start, end, self.text[start:end], replacement,
                      self.text.count("\n", 0, start) + 1)

    def closing_paren(self, open_pos: int) -> int | None:
        depth = 0
        for i in range(open_pos, len(self.text)):
            if not self.mask[i]:
                continue
            if self.text[i] == "(":
                depth += 1
            elif self.text[i] == ")":
                depth -= 1
                if depth == 0:
                    return i
        return None

    def split_top(self, start: int, end: int, sep: str) -> list[tuple[int, int]]:
        """The spans of text[start:end] between separators at the depth of start (code only):
        sep is ',' or 'and' (a `between`'s `and` does not separate)."""
        depth, spans, begin = self.depth[start], [], start
        if sep == ",":
            cuts = [(i, i + 1) for i in range(start, end)
                    if self.mask[i] and self.text[i] == "," and self.depth[i] == depth]
        else:
            cuts = [(p, p + 3) for p, w in self.words
                    if start <= p < end and w == "and" and self.depth[p] == depth and not self.in_between(p)]
        for cut_start, cut_end in cuts:
            spans.append((begin, cut_start))
            begin = cut_end
        spans.append((begin, end))
        return [_strip(self.text, a, b) for a, b in spans]


def _ident(ch: str) -> bool:
    return ch.isalnum() or ch in "_."


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


COMPARISON = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "=": "<>", "<>": "=", "!=": "="}


def _comparisons(sql: _Sql) -> Iterable[Mutant]:
    for m in sql.code_matches(r"<=|>=|<>|!=|<|>|="):
        op = m.group(0)
        if sql.text[m.end():m.end() + 1] in ("=", ">") or sql.text[m.start() - 1:m.start()] in ("=", "<", ">", "!"):
            continue  # part of a longer operator (=>, ==, ...)
        if op == "=" and sql.clause_of(m.start()) == "on":
            continue
        yield sql.mutant("comparison", m.start(), m.end(), COMPARISON[op])


def _logic(sql: _Sql) -> Iterable[Mutant]:
    for start, word in sql.words:
        if word == "and" and not sql.in_between(start) and sql.clause_of(start) != "on":
            yield sql.mutant("logic", start, start + 3, "or")
        elif word == "or":
            yield sql.mutant("logic", start, start + 2, "and")


def _day_shift(expr: str, delta: int) -> str:
    expr = expr.strip()
    if re.fullmatch(r"-?\d+", expr):
        return str(int(expr) + delta)
    folded = re.fullmatch(r"(.*?)\s*([+-])\s*(\d+)", expr)
    if folded:
        value = (int(folded.group(3)) if folded.group(2) == "+" else -int(folded.group(3))) + delta
        return folded.group(1) if value == 0 else f"{folded.group(1)} {'+' if value > 0 else '-'} {abs(value)}"
    return f"{expr} {'+' if delta > 0 else '-'} 1"


def _intervals(sql: _Sql) -> Iterable[Mutant]:
    for m in re.finditer(r"dbt\.dateadd\(\s*['\"]day['\"]\s*,\s*([^,]+?)\s*,", sql.text):
        for delta in (1, -1):
            yield sql.mutant("interval", m.start(1), m.end(1), _day_shift(m.group(1), delta))


def _joins(sql: _Sql) -> Iterable[Mutant]:
    for m in sql.code_matches(r"\b(?:(left|right|full|inner|cross)(?:\s+outer)?\s+)?join\b"):
        kind = (m.group(1) or "").lower()
        if kind == "left":
            yield sql.mutant("join", m.start(), m.end(), "inner join")
        elif kind in ("", "inner"):
            yield sql.mutant("join", m.start(), m.end(), "left join")


LITERAL_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _coalesce_default(default: str) -> str | None:
    """The changed default of a coalesce, or None when the default is not a literal."""
    lower = default.lower()
    if LITERAL_NUMBER.fullmatch(default):
        decimals = len(default.split(".")[1]) if "." in default else 0
        return f"{float(default) + 1:.{decimals}f}"
    if lower in ("true", "false"):
        return "false" if lower == "true" else "true"
    if re.fullmatch(r"'[^']*'", default):
        return "'mutant'" if default != "'mutant'" else "'other'"
    return None


def _coalesces(sql: _Sql) -> Iterable[Mutant]:
    for m in sql.code_matches(r"\bcoalesce\s*\("):
        open_pos = m.end() - 1
        close = sql.closing_paren(open_pos)
        if close is None:
            continue
        args = sql.split_top(open_pos + 1, close, ",")
        if len(args) < 2:
            continue
        a, b = args[-1]
        default = sql.text[a:b]
        if default.lower() == "null":
            continue
        changed = _coalesce_default(default)
        if changed is not None:
            yield sql.mutant("coalesce", a, b, changed)
        elif len(args) == 2:  # coalesce(x, y) -> (x)
            first = sql.text[args[0][0]:args[0][1]]
            yield sql.mutant("coalesce", m.start(), close + 1, f"({first})")
        else:  # the last argument dropped
            yield sql.mutant("coalesce", args[-2][1], b, "")


def _where_end(sql: _Sql, start: int) -> int:
    """Where the where clause at start ends: the parenthesis that closes it, or the next clause
    at its depth, or the end of the text."""
    depth, ends = sql.depth[start], [len(sql.text)]
    ends += [i for i in range(start, len(sql.text))
             if sql.mask[i] and sql.text[i] == ")" and sql.depth[i] == depth][:1]
    ends += [p for p, w in sql.words if p > start and w in WHERE_END_WORDS and sql.depth[p] == depth][:1]
    return min(ends)


def _wheres(sql: _Sql) -> Iterable[Mutant]:
    for pos, word in sql.words:
        if word != "where":
            continue
        begin, end = pos + len("where"), _where_end(sql, pos)
        if "{%" in sql.text[begin:end]:
            continue  # a clause shaped by Jinja control flow
        for a, b in sql.split_top(begin, end, "and"):
            if a < b and sql.text[a:b].lower() != "true":
                yield sql.mutant("where", a, b, "true")


# SQL that only an incremental run reads (the harness rebuilds with --full-refresh; the
# incremental path has tests of its own, python/tests/test_incremental.py): is_incremental()
# blocks, and the only_changed blocks of event_log_landing_events (its second, incremental pass)
INCREMENTAL_BLOCK = re.compile(r"{%-?\s*if\s+(?:is_incremental\(\)|only_changed)\s*-?%}.*?{%-?\s*endif\s*-?%}",
                               re.DOTALL)


def find_mutants(path: str, text: str) -> list[Mutant]:
    """Every mutant of one model, in the order of the text (then of the operator)."""
    sql = _Sql(path, text)
    found = [*_comparisons(sql), *_logic(sql), *_intervals(sql), *_joins(sql), *_coalesces(sql), *_wheres(sql)]
    incremental = [(m.start(), m.end()) for m in INCREMENTAL_BLOCK.finditer(text)]
    found = [m for m in found if not any(a <= m.start < b for a, b in incremental)]
    unique = {(m.start, m.end, m.replacement): m for m in found}
    return sorted(unique.values(), key=lambda m: (m.start, OPERATORS.index(m.operator), m.end, m.replacement))


def sample(groups: dict[str, Sequence[Mutant]], count: int, seed: int) -> list[Mutant]:
    """count mutants, as many from each group as the others (round robin over the groups, each
    shuffled with the seed): the same seed and the same models give the same mutants."""
    rng = random.Random(seed)
    queues = {}
    for name in sorted(groups):
        shuffled = sorted(groups[name], key=lambda m: (m.path, m.start, m.operator, m.replacement))
        rng.shuffle(shuffled)
        queues[name] = shuffled
    chosen: list[Mutant] = []
    while len(chosen) < count and any(queues.values()):
        for name in sorted(queues):
            if queues[name] and len(chosen) < count:
                chosen.append(queues[name].pop(0))
    return chosen
