"""The event log as an object-centric event log, OCEL 2.0 (SQLite or JSON).

The flat event log has one case per invoice, so a real-world event that concerns several
invoices (a receipt that pays three invoices, a journal that posts several receipts) appears
once in each case. Its lineage (source system, table and record id, with the activity) is the
same in every copy: here such copies are one OCEL event, related to every invoice it concerns.

Object types and how their ids are found (DECISIONLOG.md):
- invoice: the case id; customer: company and customer account;
- payment: the record of the Payment Received event; a Payment Posted event relates to the
  receipt it posts, paired within each invoice in time order (the k-th posting with the k-th
  receipt);
- dunning letter: the record of the Dunning Letter n Sent event;
- dispute, promise to pay, credit review: the record of the opening event (Dispute Opened,
  Promise To Pay Made, Credit Limit Requested); the closing event (resolved; kept or broken;
  approved or rejected) belongs to the object with the same record when there is one (the
  HighRadius records hold both), else to the opening event of the same invoice in time order
  (the k-th closing with the k-th opening), else to an object of its own record;
- credit-limit events belong to the customer and the credit review, not to an invoice: the
  flat log attaches them to an invoice by a rule, which is not a real relationship;
- Invoice Created also relates to the customer invoiced (so every customer object has an
  event; OCEL readers drop objects without one).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Callable

OBJECT_TYPES = ("invoice", "customer", "payment", "dunning letter", "dispute", "promise to pay", "credit review")

# activity code -> (object type, opening or closing event of that object)
FAMILIES = {
    "PAYMENT_RECEIVED": ("payment", "open"),
    "PAYMENT_POSTED": ("payment", "close"),
    "DUNNING_LETTER_1_SENT": ("dunning letter", "open"),
    "DUNNING_LETTER_2_SENT": ("dunning letter", "open"),
    "DUNNING_LETTER_3_SENT": ("dunning letter", "open"),
    "DUNNING_LETTER_4_SENT": ("dunning letter", "open"),
    "DISPUTE_OPENED": ("dispute", "open"),
    "DISPUTE_RESOLVED": ("dispute", "close"),
    "PROMISE_TO_PAY_MADE": ("promise to pay", "open"),
    "PROMISE_TO_PAY_KEPT": ("promise to pay", "close"),
    "PROMISE_TO_PAY_BROKEN": ("promise to pay", "close"),
    "CREDIT_LIMIT_REQUESTED": ("credit review", "open"),
    "CREDIT_LIMIT_APPROVED": ("credit review", "close"),
    "CREDIT_LIMIT_REJECTED": ("credit review", "close"),
}
CUSTOMER_LEVEL = ("CREDIT_LIMIT_REQUESTED", "CREDIT_LIMIT_APPROVED", "CREDIT_LIMIT_REJECTED")
# object type -> qualifier of its relationship to the invoice (object-to-object)
TO_INVOICE = {"payment": "pays", "dunning letter": "dunning for", "dispute": "disputes",
              "promise to pay": "promises payment of"}

EVENT_ATTRIBUTES = (
    ("activity_code", "string"), ("resource", "string"), ("resource_type", "string"),
    ("source_system", "string"), ("source_table", "string"), ("source_record_id", "string"),
    ("dunning_level", "integer"), ("amount", "float"), ("currency", "string"), ("reason_code", "string"),
)
OBJECT_ATTRIBUTES = {
    "invoice": (("company_code", "string"), ("invoice_id", "string"), ("customer_id", "string"),
                ("amount", "float"), ("currency", "string")),
    "customer": (("company_code", "string"), ("customer_id", "string")),
}
RECORD_ATTRIBUTES = (("company_code", "string"), ("source_system", "string"), ("source_table", "string"),
                     ("source_record_id", "string"), ("dunning_level", "integer"), ("amount", "float"),
                     ("currency", "string"), ("reason_code", "string"))
INITIAL_TIME = "1970-01-01T00:00:00.000+00:00"


def _sql_map(mapping: dict[str, str]) -> str:
    return "case activity_code " + " ".join(f"when '{k}' then '{v}'" for k, v in mapping.items()) + " end"


def _prepare(con, language: str = "en") -> None:
    """Temporary tables ocel_events, ocel_objects, ocel_e2o, ocel_o2o (in memory); event types
    (activity labels) in `language`, en or fr."""
    from .xes import LANGUAGES

    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    family = _sql_map({k: v[0] for k, v in FAMILIES.items()})
    role = _sql_map({k: v[1] for k, v in FAMILIES.items()})
    customer_level = ", ".join(f"'{a}'" for a in CUSTOMER_LEVEL)
    con.execute(f"""
        create or replace temp table ocel_rows as
        select
            activity_code || '|' || source_system || '|' || source_table || '|' || coalesce(source_record_id, '')
                as ocel_event_id,
            source_system || ':' || source_table || ':' || coalesce(source_record_id, '') as record_key,
            {family} as object_type,
            {role} as object_role,
            case when customer_id is not null
                then 'customer:' || lower(company_code) || ':' || customer_id end as customer_object_id,
            activity_code in ({customer_level}) as is_customer_level,
            *
        from event_log
    """)
    con.execute(f"""
        create or replace temp table ocel_events as
        select
            ocel_event_id,
            min({LANGUAGES[language]}) as activity,
            min(activity_code) as activity_code,
            min(event_timestamp) as event_timestamp,
            min(resource) as resource,
            min(resource_type) as resource_type,
            min(source_system) as source_system,
            min(source_table) as source_table,
            min(source_record_id) as source_record_id,
            min(dunning_level) as dunning_level,
            -- one value where every copy agrees (a receipt's amount); none where they differ
            case when count(distinct amount) = 1 then cast(min(amount) as double) end as amount,
            case when count(distinct currency) = 1 then min(currency) end as currency,
            case when count(distinct reason_code) = 1 then min(reason_code) end as reason_code
        from ocel_rows
        group by ocel_event_id
    """)
    # the object of each record event, per case
    con.execute("""
        create or replace temp table ocel_record_objects as
        with ranked as (
            select
                *,
                row_number() over (
                    partition by case_id, object_type, object_role
                    order by event_timestamp, activity_order, event_id
                ) as k
            from ocel_rows
            where object_type is not null
        ),
        openers as (
            select case_id, object_type, k, record_key, object_type || ':' || record_key as object_id,
                   company_code, source_system, source_table, source_record_id, dunning_level,
                   cast(amount as double) as amount, currency, reason_code
            from ranked where object_role = 'open'
        ),
        closers as (
            select ranked.*,
                   coalesce(same_record.object_id, same_rank.object_id, ranked.object_type || ':' || ranked.record_key)
                       as object_id
            from ranked
            left join (select distinct case_id, object_type, record_key, object_id from openers) as same_record
                on ranked.case_id = same_record.case_id and ranked.object_type = same_record.object_type
                and ranked.record_key = same_record.record_key
            left join openers as same_rank
                on ranked.case_id = same_rank.case_id and ranked.object_type = same_rank.object_type
                and ranked.k = same_rank.k
            where ranked.object_role = 'close'
        )
        select case_id, ocel_event_id, object_type, object_type || ':' || record_key as object_id, company_code,
               source_system, source_table, source_record_id, dunning_level, cast(amount as double) as amount,
               currency, reason_code, 0 as is_closer, event_timestamp, event_id
        from ranked
        where object_role = 'open'
        union all
        select case_id, ocel_event_id, object_type, object_id, company_code, source_system, source_table,
               source_record_id, dunning_level, cast(amount as double) as amount, currency, reason_code, 1 as is_closer,
               event_timestamp, event_id
        from closers
    """)
    con.execute(f"""
        create or replace temp table ocel_e2o as
        select distinct ocel_event_id, case_id as object_id, 'invoice' as qualifier
        from ocel_rows where not is_customer_level
        union
        select distinct ocel_event_id, customer_object_id, 'customer'
        from ocel_rows
        where (is_customer_level or activity_code = 'INVOICE_CREATED') and customer_object_id is not null
        union
        select distinct ocel_event_id, object_id, object_type
        from ocel_record_objects
    """)
    con.execute(f"""
        create or replace temp table ocel_objects as
        with invoices as (
            select
                case_id as object_id,
                min(company_code) as company_code,
                min(invoice_id) as invoice_id,
                min(customer_id) as customer_id,
                min(case when activity_code = 'INVOICE_POSTED' then cast(amount as double) end) as amount,
                min(case when activity_code = 'INVOICE_POSTED' then currency end) as currency
            from ocel_rows
            group by case_id
        ),
        customers as (
            select customer_object_id as object_id, min(company_code) as company_code, min(customer_id) as customer_id
            from ocel_rows where customer_object_id is not null
            group by customer_object_id
        ),
        records as (
            -- attributes from the object's first event (its opening event when there is one)
            select * from (
                select *, row_number() over (
                    partition by object_id order by is_closer, event_timestamp, event_id) as n
                from ocel_record_objects
            ) where n = 1
        )
        select object_id, 'invoice' as object_type, company_code, invoice_id, customer_id,
               null as source_system, null as source_table, null as source_record_id,
               cast(null as integer) as dunning_level, amount, currency, null as reason_code
        from invoices
        union all
        select object_id, 'customer', company_code, null, customer_id, null, null, null, null, null, null, null
        from customers
        union all
        select object_id, object_type, company_code, null, null, source_system, source_table, source_record_id,
               dunning_level, amount, currency, reason_code
        from records
    """)
    to_invoice = " ".join(f"when '{k}' then '{v}'" for k, v in TO_INVOICE.items())
    con.execute(f"""
        create or replace temp table ocel_o2o as
        select distinct case_id as source_id, customer_object_id as target_id, 'billed to' as qualifier
        from ocel_rows where customer_object_id is not null and not is_customer_level
        union
        select distinct object_id, case_id, case object_type {to_invoice} end
        from ocel_record_objects where object_type <> 'credit review'
        union
        select distinct record_objects.object_id, rows.customer_object_id, 'reviews credit of'
        from ocel_record_objects as record_objects
        inner join ocel_rows as rows on record_objects.ocel_event_id = rows.ocel_event_id
        where record_objects.object_type = 'credit review' and rows.customer_object_id is not null
    """)


def counts(con) -> dict[str, int]:
    """Events, objects (by type), event-object and object-object relationships of the OCEL."""
    out = {
        "events": con.execute("select count(*) from ocel_events").fetchone()[0],
        "objects": con.execute("select count(*) from ocel_objects").fetchone()[0],
        "event_object": con.execute("select count(*) from ocel_e2o").fetchone()[0],
        "object_object": con.execute("select count(*) from ocel_o2o").fetchone()[0],
    }
    for object_type, n in con.execute("select object_type, count(*) from ocel_objects group by 1 order by 1").fetchall():
        out[f"objects:{object_type}"] = n
    return out


def _type_table(name: str) -> str:
    """SQLite-safe table-name part of an event or object type (letters and digits, capitalised words)."""
    return re.sub(r"[^0-9A-Za-z]+", "", "".join(w.capitalize() for w in name.split(" "))) or "Type"


EVENTS_QUERY = """
    select ocel_event_id, activity,
           strftime(event_timestamp, '%Y-%m-%dT%H:%M:%S.%g+00:00') as event_time,
           activity_code, resource, resource_type, source_system, source_table, source_record_id,
           dunning_level, amount, currency, reason_code
    from ocel_events
    order by event_timestamp, ocel_event_id
"""


def _write_sqlite(con, out: Path, progress: Callable[[int], None] | None, batch_size: int) -> None:
    if out.exists():
        out.unlink()
    db = sqlite3.connect(out)
    try:
        db.execute("pragma journal_mode = off")
        db.execute("pragma synchronous = off")
        db.execute("create table event (ocel_id text primary key, ocel_type text)")
        db.execute("create table object (ocel_id text primary key, ocel_type text)")
        db.execute("create table event_map_type (ocel_type text primary key, ocel_type_map text)")
        db.execute("create table object_map_type (ocel_type text primary key, ocel_type_map text)")
        db.execute("create table event_object (ocel_event_id text, ocel_object_id text, ocel_qualifier text, "
                   "primary key (ocel_event_id, ocel_object_id, ocel_qualifier))")
        db.execute("create table object_object (ocel_source_id text, ocel_target_id text, ocel_qualifier text, "
                   "primary key (ocel_source_id, ocel_target_id, ocel_qualifier))")
        event_types = [r[0] for r in con.execute("select distinct activity from ocel_events order by 1").fetchall()]
        event_maps = {t: _type_table(t) for t in event_types}
        sql_types = {"string": "text", "integer": "integer", "float": "real"}
        event_cols = ", ".join(f'"{name}" {sql_types[kind]}' for name, kind in EVENT_ATTRIBUTES)
        for t, m in event_maps.items():
            db.execute("insert into event_map_type values (?, ?)", (t, m))
            db.execute(f'create table "event_{m}" (ocel_id text primary key, ocel_time timestamp, {event_cols})')
        object_types = [r[0] for r in con.execute("select distinct object_type from ocel_objects order by 1").fetchall()]
        object_maps = {t: _type_table(t) for t in object_types}
        for t, m in object_maps.items():
            attrs = OBJECT_ATTRIBUTES.get(t, RECORD_ATTRIBUTES)
            cols = ", ".join(f'"{name}" {sql_types[kind]}' for name, kind in attrs)
            db.execute("insert into object_map_type values (?, ?)", (t, m))
            db.execute(f'create table "object_{m}" (ocel_id text, ocel_time timestamp, ocel_changed_field text, {cols})')

        cur = con.execute(EVENTS_QUERY)
        while rows := cur.fetchmany(batch_size):
            db.executemany("insert into event values (?, ?)", [(r[0], r[1]) for r in rows])
            by_type: dict[str, list] = {}
            for r in rows:
                by_type.setdefault(r[1], []).append((r[0], r[2], *r[3:]))
            marks = ", ".join("?" for _ in range(2 + len(EVENT_ATTRIBUTES)))
            for t, values in by_type.items():
                db.executemany(f'insert into "event_{event_maps[t]}" values ({marks})', values)
            if progress:
                progress(len(rows))

        attr_names = {t: [a for a, _ in OBJECT_ATTRIBUTES.get(t, RECORD_ATTRIBUTES)] for t in object_types}
        cur = con.execute("select * from ocel_objects order by object_type, object_id")
        names = [d[0] for d in cur.description]
        while rows := cur.fetchmany(batch_size):
            db.executemany("insert into object values (?, ?)", [(r[0], r[1]) for r in rows])
            by_type = {}
            for r in rows:
                rec = dict(zip(names, r))
                t = rec["object_type"]
                by_type.setdefault(t, []).append(
                    (rec["object_id"], INITIAL_TIME, None, *[rec[a] for a in attr_names[t]]))
            for t, values in by_type.items():
                marks = ", ".join("?" for _ in range(3 + len(attr_names[t])))
                db.executemany(f'insert into "object_{object_maps[t]}" values ({marks})', values)
            if progress:
                progress(len(rows))

        for table, query in (
            ("event_object", "select ocel_event_id, object_id, qualifier from ocel_e2o order by 1, 2, 3"),
            ("object_object", "select source_id, target_id, qualifier from ocel_o2o order by 1, 2, 3"),
        ):
            cur = con.execute(query)
            while rows := cur.fetchmany(batch_size):
                db.executemany(f"insert into {table} values (?, ?, ?)", rows)
                if progress:
                    progress(len(rows))
        db.commit()
    finally:
        db.close()


def _write_json(con, out: Path, progress: Callable[[int], None] | None, batch_size: int) -> None:
    event_types = [r[0] for r in con.execute("select distinct activity from ocel_events order by 1").fetchall()]
    object_types = [r[0] for r in con.execute("select distinct object_type from ocel_objects order by 1").fetchall()]
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write('{\n"objectTypes": ')
        fh.write(json.dumps([
            {"name": t, "attributes": [{"name": a, "type": k} for a, k in OBJECT_ATTRIBUTES.get(t, RECORD_ATTRIBUTES)]}
            for t in object_types], ensure_ascii=False))
        fh.write(',\n"eventTypes": ')
        fh.write(json.dumps([
            {"name": t, "attributes": [{"name": a, "type": k} for a, k in EVENT_ATTRIBUTES]} for t in event_types],
            ensure_ascii=False))
        fh.write(',\n"objects": [')
        cur = con.execute("""
            select objects.*,
                   list({'objectId': o2o.target_id, 'qualifier': o2o.qualifier}
                        order by o2o.target_id, o2o.qualifier) filter (where o2o.target_id is not null) as rels
            from ocel_objects as objects
            left join ocel_o2o as o2o on objects.object_id = o2o.source_id
            group by all
            order by objects.object_type, objects.object_id
        """)

        def json_object(rec: dict) -> dict:
            t = rec["object_type"]
            attrs = [{"name": a, "time": INITIAL_TIME, "value": rec[a]}
                     for a, _ in OBJECT_ATTRIBUTES.get(t, RECORD_ATTRIBUTES) if rec[a] is not None]
            return {"id": rec["object_id"], "type": t, "attributes": attrs, "relationships": rec["rels"] or []}

        _write_json_items(fh, cur, json_object, batch_size, progress)
        fh.write('\n],\n"events": [')
        cur = con.execute(f"""
            with events as ({EVENTS_QUERY.replace('order by event_timestamp, ocel_event_id', '')}),
            rels as (
                select ocel_event_id,
                       list({{'objectId': object_id, 'qualifier': qualifier}} order by object_id, qualifier) as rels
                from ocel_e2o group by ocel_event_id
            )
            select events.*, rels.rels
            from events left join rels on events.ocel_event_id = rels.ocel_event_id
            order by events.event_time, events.ocel_event_id
        """)

        def json_event(rec: dict) -> dict:
            attrs = [{"name": a, "value": rec[a]} for a, _ in EVENT_ATTRIBUTES if rec[a] is not None]
            return {"id": rec["ocel_event_id"], "type": rec["activity"], "time": rec["event_time"],
                    "attributes": attrs, "relationships": rec["rels"] or []}

        _write_json_items(fh, cur, json_event, batch_size, progress)
        fh.write("\n]\n}\n")


def _write_json_items(fh, cur, to_item: Callable[[dict], dict], batch_size: int,
                      progress: Callable[[int], None] | None) -> None:
    """Write the rows of ``cur``, each turned into a dict by ``to_item``, as the items of a JSON
    array (the caller writes the brackets), batch by batch."""
    names = [d[0] for d in cur.description]
    first = True
    while rows := cur.fetchmany(batch_size):
        parts = []
        for r in rows:
            parts.append(("\n" if first else ",\n") + json.dumps(to_item(dict(zip(names, r))), ensure_ascii=False))
            first = False
        fh.write("".join(parts))
        if progress:
            progress(len(rows))


def write_ocel(con, out: Path, fmt: str = "sqlite", progress: Callable[[int], None] | None = None,
               on_prepared: Callable[[dict], None] | None = None, batch_size: int = 50_000,
               language: str = "en") -> dict:
    """Write the OCEL 2.0 of the event log in `con` to `out` as sqlite or json, event types (activity
    labels) in `language` (en or fr); returns counts."""
    if fmt not in ("sqlite", "json"):
        raise ValueError(f"OCEL format must be sqlite or json, got {fmt!r}")
    _prepare(con, language)
    result = counts(con)
    if on_prepared:
        on_prepared(result)
    if fmt == "sqlite":
        _write_sqlite(con, out, progress, batch_size)
    else:
        _write_json(con, out, progress, batch_size)
    return result
