"""DECISIONLOG.md keeps its format: short dated entries, superseded ones pointing to a real entry.

Every entry is a heading `## YYYY-MM-DD — title` followed by at most 10 non-blank lines
(Problem / Decision / Why); entries are in date order; an entry marked
`Superseded by YYYY-MM-DD — <title>` names another, later entry of the log exactly and is cut to
at most 4 lines. The header above the first entry is free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "DECISIONLOG.md"

MAX_BODY_LINES = 10
MAX_SUPERSEDED_LINES = 4
HEADING = re.compile(r"^## (\d{4}-\d{2}-\d{2}) — (\S.*?)\s*$")
SUPERSEDED = re.compile(r"Superseded by (\d{4}-\d{2}-\d{2}) — ")


@dataclass
class Entry:
    line: int
    heading: str
    day: date | None = None
    title: str = ""
    body: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()} — {self.title}" if self.day else self.heading

    @property
    def text(self) -> str:
        """The body as one line, so that a reference wrapped over two lines is found."""
        return " ".join(" ".join(self.body).split())


def parse(text: str) -> tuple[list[Entry], list[str]]:
    """The entries of a decision log, and the problems of its format."""
    entries: list[Entry] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("#") and (entries or line.startswith("## ")):
            # below the first entry, every heading must open an entry of its own
            entry = Entry(number, line)
            match = HEADING.match(line)
            if not match:
                problems.append(f"line {number}: {line!r} is not an entry heading '## YYYY-MM-DD — title'")
            else:
                try:
                    entry.day = date.fromisoformat(match.group(1))
                except ValueError:
                    problems.append(f"line {number}: {match.group(1)} is not a date")
                entry.title = match.group(2)
            entries.append(entry)
        elif entries and line.strip():
            entries[-1].body.append(line)
    if not entries:
        problems.append("no entry: the log needs headings '## YYYY-MM-DD — title'")
    return entries, problems


def check(text: str) -> list[str]:
    """Every way the log breaks its format, one message each; empty when it is well-formed."""
    entries, problems = parse(text)
    by_key: dict[str, Entry] = {}
    for entry in entries:
        if not entry.day:
            continue
        if entry.key in by_key:
            problems.append(f"line {entry.line}: '{entry.key}' is also the heading of line {by_key[entry.key].line}")
        by_key.setdefault(entry.key, entry)

    previous: Entry | None = None
    for entry in entries:
        where = f"line {entry.line} ({entry.heading[3:] or entry.heading})"
        if not entry.body:
            problems.append(f"{where}: the entry has no body")
        if len(entry.body) > MAX_BODY_LINES:
            problems.append(f"{where}: {len(entry.body)} lines of body, at most {MAX_BODY_LINES}")
        if entry.day and previous and previous.day and entry.day < previous.day:
            problems.append(f"{where}: dated before the entry above it ({previous.day}); entries are in date order")
        if entry.day:
            previous = entry

        references = list(SUPERSEDED.finditer(entry.text))
        for reference in references:
            target_day = reference.group(1)
            rest = entry.text[reference.end():]
            # the longest title of that day that the reference spells out, followed by a non-word
            named = [
                other for other in entries
                if other.day and other.day.isoformat() == target_day and rest.startswith(other.title)
                and not rest[len(other.title):len(other.title) + 1].isalnum()
            ]
            if not named:
                problems.append(f"{where}: 'Superseded by {target_day} — {rest[:60]}...' names no entry of the log")
                continue
            target = max(named, key=lambda other: len(other.title))
            if target is entry:
                problems.append(f"{where}: the entry is superseded by itself")
            elif entry.day and target.day and target.day < entry.day:
                problems.append(f"{where}: superseded by an earlier entry ('{target.key}')")
        if references and len(entry.body) > MAX_SUPERSEDED_LINES:
            problems.append(
                f"{where}: a superseded entry is cut to its gist: {len(entry.body)} lines, at most {MAX_SUPERSEDED_LINES}")
    return problems


def test_decision_log_entries_are_short_dated_and_reference_existing_entries():
    problems = check(LOG.read_text(encoding="utf-8"))
    assert not problems, "DECISIONLOG.md:\n" + "\n".join(problems)


def test_decision_log_has_superseded_entries_that_the_check_resolves():
    # the check must see the references the log holds, not pass because it finds none
    entries, _ = parse(LOG.read_text(encoding="utf-8"))
    assert len(entries) > 20
    assert any(SUPERSEDED.search(entry.text) for entry in entries)


GOOD = """# Decision log

Header text, free.

## 2026-01-01 — First decision

**Problem.** p. **Decision.** d.
**Why.** w.

## 2026-01-01 — Old way

**Decision.** The old way.
Superseded by 2026-02-01 — New way: a longer
title wrapped.

## 2026-02-01 — New way: a longer title wrapped

**Decision.** The new way.
"""


def test_a_well_formed_log_passes():
    assert check(GOOD) == []


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace("## 2026-01-01 — First decision", "## First decision"), "is not an entry heading"),
        (GOOD.replace("## 2026-01-01 — First decision", "## 2026-13-01 — First decision"), "is not a date"),
        (GOOD.replace("## 2026-01-01 — First decision", "## 2026-01-01 —"), "is not an entry heading"),
        (GOOD.replace("**Why.** w.", "### Measured\n\nfigures"), "is not an entry heading"),
        (GOOD.replace("**Why.** w.", "\n".join(f"line {i}" for i in range(10))), "lines of body, at most 10"),
        (GOOD.replace("Superseded by 2026-02-01 — New way", "Superseded by 2026-02-01 — Newer way"), "names no entry"),
        (GOOD.replace("Superseded by 2026-02-01", "Superseded by 2026-03-01"), "names no entry"),
        (GOOD.replace("**Decision.** The old way.", "a\nb\nc\nd"), "cut to its gist"),
        (GOOD.replace("## 2026-02-01 — New way", "## 2025-12-01 — New way")
             .replace("Superseded by 2026-02-01", "Superseded by 2025-12-01"), "date order"),
        (GOOD + "\n## 2026-02-01 — New way: a longer title wrapped\n\nAgain.\n", "is also the heading"),
        (GOOD.replace("**Problem.** p. **Decision.** d.\n**Why.** w.", ""), "has no body"),
    ],
)
def test_a_broken_log_fails(broken, message):
    problems = check(broken)
    assert any(message in problem for problem in problems), problems
