"""Deterministic PNML / BPMN text.

pm4py names hidden transitions, gateways and flows with random UUIDs and writes the nodes of a
model in set order, so the same model would serialise differently on every run. The marts must
be byte-identical for the same input: this module renames every element id after the graph
structure (a Weisfeiler-Lehman colouring of the nodes by kind, label and neighbours) and writes
the elements in that order.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _canonical_order(nodes: dict[str, str], edges: list[tuple[str, str]], rounds: int = 6) -> list[str]:
    """Node ids ordered by a colour that depends only on kinds, labels and the graph's shape."""
    colour = {n: _digest(base) for n, base in nodes.items()}
    preds: dict[str, list[str]] = {n: [] for n in nodes}
    succs: dict[str, list[str]] = {n: [] for n in nodes}
    for s, t in edges:
        if s in nodes and t in nodes:
            succs[s].append(t)
            preds[t].append(s)
    for _ in range(rounds):
        colour = {
            n: _digest(colour[n], "<", *sorted(colour[p] for p in preds[n]), ">", *sorted(colour[s] for s in succs[n]))
            for n in nodes
        }
    # readable order: by kind and label first, the colour breaks ties; equal colours keep the
    # input order, which only happens for nodes the structure cannot tell apart
    return sorted(nodes, key=lambda n: (nodes[n], colour[n]))


def canonical_pnml(text: str | bytes) -> str:
    """pm4py PNML (one net, one page) with structural ids and elements in a fixed order."""
    root = ET.fromstring(text)
    net = root.find("net")
    page = net.find("page")
    nodes: dict[str, str] = {}
    for el in page:
        kind = _local(el.tag)
        if kind in ("place", "transition"):
            label_el = el.find("name/text")
            is_hidden = any(t.get("activity") == "$invisible$" for t in el.findall("toolspecific"))
            label = "" if (kind == "place" or is_hidden or label_el is None) else (label_el.text or "")
            marking = el.find("initialMarking/text")
            base = f"{kind}|{label}|{'' if marking is None else marking.text}"
            nodes[el.get("id")] = base
    final_ids = {p.get("idref") for p in net.findall("finalmarkings/marking/place")}
    for n in list(nodes):
        if n in final_ids:
            nodes[n] += "|final"
    arcs = [(a.get("source"), a.get("target")) for a in page if _local(a.tag) == "arc"]
    order = _canonical_order(nodes, arcs)
    counters = {"place": 0, "transition": 0}
    rename: dict[str, str] = {}
    for n in order:
        kind = nodes[n].split("|", 1)[0]
        counters[kind] += 1
        rename[n] = f"{'p' if kind == 'place' else 't'}{counters[kind]}"
    rank = {rename[n]: i for i, n in enumerate(order)}
    elements = list(page)
    for el in elements:
        page.remove(el)
        kind = _local(el.tag)
        if kind in ("place", "transition"):
            el.set("id", rename[el.get("id")])
            name = el.find("name/text")
            hidden = any(t.get("activity") == "$invisible$" for t in el.findall("toolspecific"))
            if (kind == "place" or hidden) and name is not None:  # pm4py's names carry counters
                name.text = el.get("id")
            for t in el.findall("toolspecific"):
                if t.get("localNodeID") is not None:
                    t.set("localNodeID", el.get("id"))
        elif kind == "arc":
            el.set("source", rename[el.get("source")])
            el.set("target", rename[el.get("target")])
            el.set("id", f"{el.get('source')}-{el.get('target')}")
    nodes_sorted = sorted((e for e in elements if _local(e.tag) != "arc"), key=lambda e: rank[e.get("id")])
    arcs_sorted = sorted((e for e in elements if _local(e.tag) == "arc"),
                         key=lambda e: (rank[e.get("source")], rank[e.get("target")]))
    page.extend(nodes_sorted + arcs_sorted)
    for p in net.findall("finalmarkings/marking/place"):
        p.set("idref", rename[p.get("idref")])
    net.set("id", "net1")
    net_name = net.find("name/text")
    if net_name is not None:
        net_name.text = "net1"
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def canonical_bpmn(text: str | bytes) -> str:
    """pm4py BPMN XML: the process only (no diagram layout), structural ids, fixed order."""
    ET.register_namespace("", BPMN_NS)
    root = ET.fromstring(text)
    for child in list(root):
        if _local(child.tag) != "process":  # diagram interchange: layout only, not deterministic
            root.remove(child)
    process = next(c for c in root if _local(c.tag) == "process")
    nodes: dict[str, str] = {}
    flows = []
    for el in process:
        kind = _local(el.tag)
        if kind == "sequenceFlow":
            flows.append(el)
        else:
            nodes[el.get("id")] = f"{kind}|{el.get('name') or ''}"
    edges = [(f.get("sourceRef"), f.get("targetRef")) for f in flows]
    order = _canonical_order(nodes, edges)
    rename = {n: f"n{i + 1}" for i, n in enumerate(order)}
    rank = {rename[n]: i for i, n in enumerate(order)}
    seen: dict[str, int] = {}
    for f in flows:
        f.set("sourceRef", rename[f.get("sourceRef")])
        f.set("targetRef", rename[f.get("targetRef")])
        flow_id = f"{f.get('sourceRef')}-{f.get('targetRef')}"
        seen[flow_id] = seen.get(flow_id, 0) + 1
        f.set("id", flow_id if seen[flow_id] == 1 else f"{flow_id}-{seen[flow_id]}")
    elements = list(process)
    for el in elements:
        process.remove(el)
    for el in elements:
        if _local(el.tag) != "sequenceFlow":
            el.set("id", rename[el.get("id")])
    # incoming / outgoing references name flows by id: written again from the renamed flows
    for el in elements:
        for ref in list(el):
            if _local(ref.tag) in ("incoming", "outgoing"):
                el.remove(ref)
    by_source: dict[str, list[str]] = {}
    by_target: dict[str, list[str]] = {}
    for f in flows:
        by_source.setdefault(f.get("sourceRef"), []).append(f.get("id"))
        by_target.setdefault(f.get("targetRef"), []).append(f.get("id"))
    for el in elements:
        if _local(el.tag) == "sequenceFlow":
            continue
        for fid in sorted(by_target.get(el.get("id"), [])):
            ET.SubElement(el, f"{{{BPMN_NS}}}incoming").text = fid
        for fid in sorted(by_source.get(el.get("id"), [])):
            ET.SubElement(el, f"{{{BPMN_NS}}}outgoing").text = fid
    nodes_sorted = sorted((e for e in elements if _local(e.tag) != "sequenceFlow"), key=lambda e: rank[e.get("id")])
    flows_sorted = sorted(flows, key=lambda e: (rank[e.get("sourceRef")], rank[e.get("targetRef")]))
    process.extend(nodes_sorted + flows_sorted)
    process.set("id", "credit_to_cash_discovered")
    root.set("id", "definitions")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
