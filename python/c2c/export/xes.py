"""The event log as IEEE XES 1849-2016, written as a stream.

One trace per case (concept:name = case id), events in the project's order (case, time,
activity order, event id). Event concept:name is the activity label, English (event_log.activity)
or French (event_log.activity_fr) as asked; the stable activity code is an attribute and a second
classifier, the same in both languages. Timestamps are UTC, written with their offset.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

_ATTR_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
    <string key="activity_code" value="__INVALID__"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity code" keys="activity_code"/>
  <string key="concept:name" value="credit-to-cash event log"/>
  <string key="source" value="credit-to-cash event_log"/>
"""

QUERY = """
select
    case_id, company_code, invoice_id, customer_id,
    activity, activity_code, activity_order,
    strftime(event_timestamp, '%Y-%m-%dT%H:%M:%S.%g+00:00') as event_time,
    resource, resource_type, event_id, source_system, source_table, source_record_id,
    dunning_level, cast(amount as double) as amount, currency, reason_code
from event_log
order by case_id, event_timestamp, activity_order, event_id
"""


# the languages of the activity labels: event_log column of each
LANGUAGES = {"en": "activity", "fr": "activity_fr"}


def _attr(value: object) -> str:
    return escape(str(value), _ATTR_ENTITIES)


def _string(key: str, value: object, indent: str) -> str:
    if value is None:
        return ""
    return f'{indent}<string key="{key}" value="{_attr(value)}"/>\n'


def event_query(language: str = "en") -> str:
    """QUERY with the activity label in the language asked: en (activity) or fr (activity_fr)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return QUERY if language == "en" else QUERY.replace("    activity, activity_code,", "    activity_fr as activity, activity_code,", 1)


def write_xes(con, out: Path, progress: Callable[[int], None] | None = None, batch_size: int = 50_000,
              language: str = "en") -> dict:
    """Write the event log of `con` to `out` (gzip when it ends with .gz), activity labels in
    `language` (en or fr); returns counts."""
    total = con.execute("select count(*) from event_log").fetchone()[0]
    cases = 0
    events = 0
    opener = gzip.open if str(out).endswith(".gz") else open
    cursor = con.execute(event_query(language))
    with opener(out, "wt", encoding="utf-8", newline="\n") as fh:
        fh.write(HEADER)
        current = None
        while True:
            rows = cursor.fetchmany(batch_size)
            if not rows:
                break
            parts: list[str] = []
            for (case_id, company, invoice, customer, activity, code, _order, ts, resource, role, event_id,
                 system, table, record, level, amount, currency, reason) in rows:
                if case_id != current:
                    if current is not None:
                        parts.append("  </trace>\n")
                    parts.append("  <trace>\n")
                    parts.append(_string("concept:name", case_id, "    "))
                    parts.append(_string("company_code", company, "    "))
                    parts.append(_string("invoice_id", invoice, "    "))
                    parts.append(_string("customer_id", customer, "    "))
                    current = case_id
                    cases += 1
                parts.append("    <event>\n")
                parts.append(_string("concept:name", activity, "      "))
                parts.append(f'      <date key="time:timestamp" value="{ts}"/>\n')
                parts.append(_string("activity_code", code, "      "))
                parts.append('      <string key="lifecycle:transition" value="complete"/>\n')
                parts.append(_string("org:resource", resource, "      "))
                parts.append(_string("org:role", role, "      "))
                parts.append(_string("event_id", event_id, "      "))
                parts.append(_string("source_system", system, "      "))
                parts.append(_string("source_table", table, "      "))
                parts.append(_string("source_record_id", record, "      "))
                if level is not None:
                    parts.append(f'      <int key="dunning_level" value="{int(level)}"/>\n')
                if amount is not None:
                    parts.append(f'      <float key="amount" value="{float(amount)!r}"/>\n')
                parts.append(_string("currency", currency, "      "))
                parts.append(_string("reason_code", reason, "      "))
                parts.append("    </event>\n")
            events += len(rows)
            fh.write("".join(parts))
            if progress:
                progress(len(rows))
        if current is not None:
            fh.write("  </trace>\n")
        fh.write("</log>\n")
    if events != total:
        raise RuntimeError(f"event_log changed during the export: {total} events counted, {events} written")
    return {"cases": cases, "events": events}
