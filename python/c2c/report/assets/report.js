/* credit-to-cash report: renders the data blob (script#report-data) into the pages.
   Libraries: Chart.js (charts) and dagre (graph layout), inlined before this script. */
"use strict";
const D = JSON.parse(document.getElementById("report-data").textContent);
if (D.conformance.grid_columns) {  // rows of values -> objects
  const cols = D.conformance.grid_columns;
  D.conformance.grid = D.conformance.grid.map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]])));
}
let LANG = D.language;
const PAGE_SIZE = 10;

const T = {
  en: {
    language: "Language", overview: "Overview", process_map: "Process map", conformance: "Dunning conformance",
    precursors: "Write-off precursors", promises: "Promises & disputes", cash_application: "Cash application",
    collectors: "Collectors", quality: "Data quality",
    invoices: "Invoices", open_invoices: "Open invoices", open_ar: "Open AR", as_of: "As of",
    trend: "DSO, countback DSO, best-possible DSO and CEI by month", company: "Company", segment: "Segment",
    all_segments: "all segments", dso: "DSO", countback_dso: "Countback DSO", best_possible_dso: "Best-possible DSO",
    cei: "CEI (%)", ageing: "Ageing at the as-of date", current: "Current", past_due_1_30: "1-30 days",
    past_due_31_60: "31-60 days", past_due_61_90: "61-90 days", past_due_over_90: "> 90 days",
    by_company: "By company", by_segment: "By company and segment", add_days: "Avg days delinquent",
    status: "Status", days: "days", paths_shown: "Paths shown", edges_shown: "edges shown of",
    edge_label: "Edge label", not_listed: "{n} invoices: this cell's invoices are not listed in the page (see the note above)", variants_shown: "Cases of", all_cases: "all variants", top: "top", frequency: "frequency", median: "median waiting (days)", p90: "p90 waiting (days)",
    variants: "Variants", of_variants: "variants in all; the most frequent are listed", rank: "#", share: "Share",
    cumulative: "Cumulative", cases: "Cases", median_days: "Median days", p90_days: "p90 days", activities: "Activities",
    rules: "Rules", rule: "Rule", name: "Name", judged_on: "Judged on", definition: "Definition",
    policy_versions: "Policy versions", violations: "Violations", collector: "Collector", none: "(none)",
    grid: "Violations by rule × company × segment × collector (click a cell)", all: "all",
    cell_invoices: "Invoices in violation", showing: "showing", of: "of", listed_cap: "at most {n} invoices per cell are in the page",
    prev: "previous", next: "next", page: "page", invoice: "Invoice", expected: "Expected", observed: "Observed",
    deviation: "Deviation (days)", policy: "Policy", reference_date: "Reference date", trail: "Event trail",
    evidence_rows: "highlighted rows are the evidence of the verdict", time: "Time (UTC)", activity: "Activity",
    resource: "Resource", system: "System", level: "Level", amount: "Amount", policy_rows: "Dunning policy rows",
    precursor: "Precursor", value: "Value", observed_at: "Observed at", with: "With", written_off_with: "Written off (with)",
    rate_with: "Rate with", without: "Without", written_off_without: "Written off (without)", rate_without: "Rate without",
    lift: "Lift", interval: "95 % interval", small_group: "small group",
    outcome: "Outcome", promised_amount: "Promised amount", median_days_to_outcome: "Median days to outcome",
    kept: "Kept", kept_rate: "Kept rate", with_outcome: "With outcome", disputes: "Disputes", reason: "Reason",
    resolved: "Resolved", median_days_resolved: "Median days to resolve", p90_days_resolved: "p90 days to resolve",
    disputed_amount: "Disputed amount", open_disputes: "Open", median_days_open: "Median days open",
    receipts: "Receipts", posted: "Posted", median_lag_hours: "Median lag (h)", p90_lag_hours: "p90 lag (h)",
    median_lag_business_days: "Median lag (business days)", lag_histogram: "Posted receipts by application lag (days)",
    calls: "Calls", reminders: "Reminders", letters: "Letters", promises_kept: "Kept", promises_broken: "Broken",
    disputes_opened: "Disputes opened", disputes_resolved: "Disputes resolved", invoices_settled: "Settled",
    invoices_written_off: "Written off", settled_amount_accounting: "Settled amount (acc.)",
    average_days_to_pay: "Avg days to pay", by_month: "Activity by month", runs: "Quality runs",
    stage: "Stage", run_at: "Run at", suites: "Suites", expectations: "Expectations", critical: "Critical",
    warnings: "Warnings", unexpected_rows: "Unexpected rows", passed: "Passed", failures: "Expectations not met (latest run of each stage)",
    suite: "Suite", table: "Table", column: "Column", expectation: "Expectation", severity: "Severity", message: "Message",
    quarantine: "Quarantine by reason", source_system: "System", source_table: "Table", reason_code: "Reason",
    rows: "Rows", reconciliation: "Raw = staged + quarantined + superseded", holds: "Holds",
    raw_rows: "Raw rows", staged_rows: "Staged", quarantined_rows: "Quarantined", superseded_rows: "Superseded", malformed_lines: "Malformed lines (beside)", yes: "yes", no: "no",
    unexpected_share: "Share", version: "Version", valid_from: "Valid from", valid_to: "Valid to",
    min_days_after_due: "Min days after due", max_days_after_due: "Max days after due",
    min_days_since_previous: "Min days since previous", is_final_level: "Final level",
    write_off_min_days_after_final: "Write-off after final (days)"
  },
  fr: {
    language: "Langue", overview: "Vue d'ensemble", process_map: "Carte du processus", conformance: "Conformité des relances",
    precursors: "Signes avant-coureurs", promises: "Promesses et litiges", cash_application: "Lettrage des encaissements",
    collectors: "Recouvreurs", quality: "Qualité des données",
    invoices: "Factures", open_invoices: "Factures ouvertes", open_ar: "Encours clients", as_of: "Au",
    trend: "DSO, DSO par épuisement, meilleur DSO possible et CEI par mois", company: "Société", segment: "Segment",
    all_segments: "tous les segments", dso: "DSO", countback_dso: "DSO par épuisement", best_possible_dso: "Meilleur DSO possible",
    cei: "CEI (%)", ageing: "Balance âgée à la date d'arrêté", current: "Non échu", past_due_1_30: "1-30 jours",
    past_due_31_60: "31-60 jours", past_due_61_90: "61-90 jours", past_due_over_90: "> 90 jours",
    by_company: "Par société", by_segment: "Par société et segment", add_days: "Retard moyen (jours)",
    status: "Statut", days: "jours", paths_shown: "Chemins affichés", edges_shown: "arcs affichés sur",
    edge_label: "Libellé des arcs", not_listed: "{n} factures : les factures de cette case ne figurent pas dans la page (voir la note ci-dessus)", variants_shown: "Cas de", all_cases: "toutes les variantes", top: "les", frequency: "fréquence", median: "attente médiane (jours)", p90: "attente p90 (jours)",
    variants: "Variantes", of_variants: "variantes au total ; les plus fréquentes sont listées", rank: "n°", share: "Part",
    cumulative: "Cumul", cases: "Cas", median_days: "Jours (médiane)", p90_days: "Jours (p90)", activities: "Activités",
    rules: "Règles", rule: "Règle", name: "Nom", judged_on: "Porte sur", definition: "Définition",
    policy_versions: "Versions de la politique", violations: "Violations", collector: "Recouvreur", none: "(aucun)",
    grid: "Violations par règle × société × segment × recouvreur (cliquer une case)", all: "tous",
    cell_invoices: "Factures en violation", showing: "affichées", of: "sur", listed_cap: "au plus {n} factures par case figurent dans la page",
    prev: "précédente", next: "suivante", page: "page", invoice: "Facture", expected: "Attendu", observed: "Observé",
    deviation: "Écart (jours)", policy: "Politique", reference_date: "Date de référence", trail: "Historique des événements",
    evidence_rows: "les lignes surlignées sont la preuve du verdict", time: "Heure (UTC)", activity: "Activité",
    resource: "Ressource", system: "Système", level: "Niveau", amount: "Montant", policy_rows: "Lignes de la politique de relance",
    precursor: "Signe", value: "Valeur", observed_at: "Observé à", with: "Avec", written_off_with: "Passées en perte (avec)",
    rate_with: "Taux avec", without: "Sans", written_off_without: "Passées en perte (sans)", rate_without: "Taux sans",
    lift: "Lift", interval: "Intervalle à 95 %", small_group: "petit groupe",
    outcome: "Issue", promised_amount: "Montant promis", median_days_to_outcome: "Jours jusqu'à l'issue (médiane)",
    kept: "Tenues", kept_rate: "Taux tenu", with_outcome: "Avec issue", disputes: "Litiges", reason: "Motif",
    resolved: "Résolus", median_days_resolved: "Jours de résolution (médiane)", p90_days_resolved: "Jours de résolution (p90)",
    disputed_amount: "Montant contesté", open_disputes: "Ouverts", median_days_open: "Jours ouverts (médiane)",
    receipts: "Encaissements", posted: "Lettrés", median_lag_hours: "Délai médian (h)", p90_lag_hours: "Délai p90 (h)",
    median_lag_business_days: "Délai médian (jours ouvrés)", lag_histogram: "Encaissements lettrés par délai (jours)",
    calls: "Appels", reminders: "Rappels", letters: "Lettres", promises_kept: "Tenues", promises_broken: "Rompues",
    disputes_opened: "Litiges ouverts", disputes_resolved: "Litiges résolus", invoices_settled: "Soldées",
    invoices_written_off: "Passées en perte", settled_amount_accounting: "Montant soldé (compta.)",
    average_days_to_pay: "Délai moyen de paiement", by_month: "Activité par mois", runs: "Contrôles qualité",
    stage: "Étape", run_at: "Exécuté le", suites: "Suites", expectations: "Attentes", critical: "Critiques",
    warnings: "Avertissements", unexpected_rows: "Lignes en écart", passed: "Réussi", failures: "Attentes non satisfaites (dernier contrôle de chaque étape)",
    suite: "Suite", table: "Table", column: "Colonne", expectation: "Attente", severity: "Gravité", message: "Message",
    quarantine: "Quarantaine par motif", source_system: "Système", source_table: "Table", reason_code: "Motif",
    rows: "Lignes", reconciliation: "Brut = intégré + en quarantaine + remplacé", holds: "Vérifié",
    raw_rows: "Lignes brutes", staged_rows: "Intégrées", quarantined_rows: "En quarantaine", superseded_rows: "Remplacées", malformed_lines: "Lignes mal formées (à part)", yes: "oui", no: "non",
    unexpected_share: "Part", version: "Version", valid_from: "Valable du", valid_to: "Valable au",
    min_days_after_due: "Jours min. après échéance", max_days_after_due: "Jours max. après échéance",
    min_days_since_previous: "Jours min. depuis la précédente", is_final_level: "Dernier niveau",
    write_off_min_days_after_final: "Perte après le dernier niveau (jours)"
  }
};
const t = (k) => (T[LANG] && T[LANG][k]) || T.en[k] || k;
const label = (code) => (D.labels[code] && D.labels[code][LANG]) || code;
const locale = () => (LANG === "fr" ? "fr-FR" : "en-US");
const fmt = (v, d) => (v === null || v === undefined ? "" :
  new Intl.NumberFormat(locale(), {minimumFractionDigits: d, maximumFractionDigits: d}).format(v));
const fint = (v) => fmt(v, 0);
const famt = (v) => fmt(v, 2);
const f1 = (v) => fmt(v, 1);
const fpct = (v) => (v === null || v === undefined ? "" : fmt(v * 100, 1) + " %");
const esc = (s) => String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g,
  (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));

const SECTIONS = ["overview", "process_map", "conformance", "precursors", "promises", "cash_application",
                  "collectors", "quality"];
let current = "overview";
const charts = [];

function el(html) { const d = document.createElement("div"); d.innerHTML = html; return d; }

/* a table from column specs [key, header key, formatter, numeric] */
function table(rows, cols, attrs) {
  const head = cols.map((c) => `<th class="${c[3] ? "n" : ""}">${esc(t(c[1]))}</th>`).join("");
  const body = rows.map((r) => "<tr>" + cols.map((c) => {
    const v = c[2] ? c[2](r[c[0]], r) : esc(r[c[0]]);
    return `<td class="${c[3] ? "n" : ""}" data-col="${c[0]}">${v}</td>`;
  }).join("") + "</tr>").join("");
  return `<table ${attrs || ""}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function notes(section) {
  return (section.notes || []).map((n) => `<p class="note">${esc(n)}</p>`).join("");
}

function chart(canvas, config) {
  config.options = Object.assign({animation: false, responsive: true, maintainAspectRatio: false}, config.options || {});
  charts.push(new Chart(canvas, config));
}

function renderAll() {
  charts.splice(0).forEach((c) => c.destroy());
  document.documentElement.lang = LANG;
  document.getElementById("lang-label").textContent = t("language");
  const nav = document.getElementById("tabs");
  nav.innerHTML = SECTIONS.map((s) => `<button data-tab="${s}" class="${s === current ? "active" : ""}">${esc(t(s))}</button>`).join("");
  nav.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => show(b.dataset.tab)));
  const main = document.getElementById("pages");
  main.innerHTML = SECTIONS.map((s) => `<section id="${s}" class="page ${s === current ? "active" : ""}">` +
    `<h2>${esc(t(s))}</h2><div class="stamp" data-stamp>${esc(D.stamp.text)}</div><div class="body"></div></section>`).join("");
  RENDER.overview(); RENDER.process_map(); RENDER.conformance(); RENDER.precursors(); RENDER.promises();
  RENDER.cash_application(); RENDER.collectors(); RENDER.quality();
}

function show(section) {
  current = section;
  document.querySelectorAll("nav button").forEach((b) => b.classList.toggle("active", b.dataset.tab === section));
  document.querySelectorAll("section.page").forEach((p) => p.classList.toggle("active", p.id === section));
  charts.forEach((c) => c.resize());
  if (section === "process_map") drawDfg();
}

const body = (s) => document.querySelector(`#${s} .body`);
const RENDER = {};

/* ---------------------------------------------------------------- overview */
RENDER.overview = function () {
  const o = D.overview, b = body("overview");
  const cur = o.reporting_currency || "";
  let h = notes(o) + `<div class="tiles">
    <div class="tile"><div class="v" data-figure="invoices">${fint(o.invoices)}</div><div class="k">${t("invoices")}</div></div>`;
  if (o.companies) {
    h += `<div class="tile"><div class="v" data-figure="open_invoices">${fint(o.open_invoices)}</div><div class="k">${t("open_invoices")}</div></div>
      <div class="tile"><div class="v" data-figure="open_ar">${famt(o.open_ar)}</div><div class="k">${t("open_ar")} (${esc(cur)})</div></div>
      <div class="tile"><div class="v" data-figure="as_of">${esc(o.as_of_snapshot)}</div><div class="k">${t("as_of")}</div></div>`;
  }
  h += "</div>";
  if (o.companies) {
    const companies = o.companies.map((c) => c.company_code);
    const segs = [...new Set(o.segments.map((s) => s.customer_segment))];
    h += `<h3>${t("trend")}</h3><div class="controls">
      <label>${t("company")} <select id="ov-company">${companies.map((c) => `<option>${esc(c)}</option>`).join("")}</select></label>
      <label>${t("segment")} <select id="ov-segment"><option value="*">${t("all_segments")}</option>${segs.map((s) => `<option>${esc(s)}</option>`).join("")}</select></label></div>
      <div class="row2"><div class="chart"><canvas id="ov-trend"></canvas></div><div class="chart"><canvas id="ov-ageing"></canvas></div></div>`;
    const kpi = [["dso", "dso", f1, 1], ["countback_dso", "countback_dso", f1, 1], ["best_possible_dso", "best_possible_dso", f1, 1],
                 ["add_days", "add_days", f1, 1], ["cei", "cei", f1, 1]];
    const amounts = [["open_invoice_count", "open_invoices", fint, 1], ["open_ar", "open_ar", famt, 1], ["current", "current", famt, 1],
      ["past_due_1_30", "past_due_1_30", famt, 1], ["past_due_31_60", "past_due_31_60", famt, 1],
      ["past_due_61_90", "past_due_61_90", famt, 1], ["past_due_over_90", "past_due_over_90", famt, 1]];
    h += `<h3>${t("ageing")} (${esc(o.as_of_snapshot)}, ${esc(cur)}) — ${t("by_company")}</h3>` +
      table(o.companies, [["company_code", "company"]].concat(amounts, kpi), 'id="ov-companies"') +
      `<h3>${t("by_segment")}</h3><div class="scroll">` +
      table(o.segments, [["company_code", "company"], ["customer_segment", "segment"]].concat(amounts, kpi), 'id="ov-segments"') + "</div>";
  }
  b.innerHTML = h;
  if (!o.companies) return;
  const draw = () => {
    const key = document.getElementById("ov-company").value + "|" + document.getElementById("ov-segment").value;
    const s = o.trend[key] || [];
    const old = charts.findIndex((c) => c.canvas.id === "ov-trend");
    if (old >= 0) charts.splice(old, 1)[0].destroy();
    chart(document.getElementById("ov-trend"), {type: "line", data: {labels: s.map((r) => r[0]), datasets: [
      {label: t("dso"), data: s.map((r) => r[1]), borderColor: "#1f5f99", pointRadius: 0},
      {label: t("countback_dso"), data: s.map((r) => r[2]), borderColor: "#d07b1f", pointRadius: 0},
      {label: t("best_possible_dso"), data: s.map((r) => r[3]), borderColor: "#3c8d40", pointRadius: 0},
      {label: t("cei"), data: s.map((r) => r[4]), borderColor: "#8e44ad",
       borderDash: [4, 3], pointRadius: 0, yAxisID: "y1"}]},
      options: {scales: {y: {title: {display: true, text: t("days")}}, y1: {position: "right", min: 0,
        title: {display: true, text: t("cei") + " (%)"}, grid: {drawOnChartArea: false}}}}});
  };
  document.getElementById("ov-company").addEventListener("change", draw);
  document.getElementById("ov-segment").addEventListener("change", draw);
  draw();
  const buckets = ["current", "past_due_1_30", "past_due_31_60", "past_due_61_90", "past_due_over_90"];
  const colours = ["#3c8d40", "#a5c85a", "#f0c419", "#e67e22", "#b3261e"];
  chart(document.getElementById("ov-ageing"), {type: "bar", data: {labels: o.companies.map((c) => c.company_code),
    datasets: buckets.map((k, i) => ({label: t(k), data: o.companies.map((c) => c[k]), backgroundColor: colours[i]}))},
    options: {scales: {x: {stacked: true}, y: {stacked: true, title: {display: true, text: cur}}}}});
};

/* ---------------------------------------------------------------- process map */
let dfgDrawn = null;
RENDER.process_map = function () {
  const p = D.process_map, b = body("process_map");
  dfgDrawn = null;
  if (!p.edges) { b.innerHTML = notes(p); return; }
  b.innerHTML = notes(p) + `<div class="controls">
    <label>${t("paths_shown")} <input type="range" id="dfg-paths" min="1" max="100" value="30"> <span id="dfg-pct">30 %</span></label>
    <label>${t("variants_shown")} <select id="dfg-variants"><option value="0">${t("all_cases")}</option>${
      [1, 2, 3, 5, 10, 20, 50, 100].filter((n) => n <= p.variants.length).map((n) => `<option value="${n}">${t("top")} ${n} (${fpct(p.variants[n - 1].cumulative_share)})</option>`).join("")}</select></label>
    <span id="dfg-count"></span>
    <label>${t("edge_label")} <select id="dfg-label"><option value="frequency">${t("frequency")}</option>
      <option value="median">${t("median")}</option><option value="p90">${t("p90")}</option></select></label></div>
    <div id="dfg-wrap"><svg id="dfg"></svg></div>
    <h3>${t("variants")}</h3><p class="muted">${fint(p.variant_count)} ${t("of_variants")} (${fint(p.case_count)} ${t("cases").toLowerCase()})</p>
    <div class="scroll">` + table(p.variants, [["variant_rank", "rank", fint, 1], ["case_count", "cases", fint, 1],
      ["case_share", "share", fpct, 1], ["cumulative_share", "cumulative", fpct, 1],
      ["median_throughput_days", "median_days", f1, 1], ["p90_throughput_days", "p90_days", f1, 1],
      ["variant_activities", "activities", (v) => v.map((a) => `<span class="chip">${esc(label(a))}</span>`).join(" ")]],
      'id="variants"') + "</div>";
  document.getElementById("dfg-paths").addEventListener("input", drawDfg);
  document.getElementById("dfg-label").addEventListener("change", drawDfg);
  document.getElementById("dfg-variants").addEventListener("change", drawDfg);
  if (current === "process_map") drawDfg();
};

/* the directly-follows edges of the cases of some variants: frequencies from the variants'
   sequences and case counts (waiting times are the mart's, over all cases, so they are left out) */
function variantEdges(variants) {
  const freq = new Map(), cases = new Map();
  variants.forEach((v) => {
    const seq = ["\u25b6"].concat(v.variant_activities, ["\u25a0"]);
    const seen = new Set();
    for (let i = 0; i + 1 < seq.length; i++) {
      const k = seq[i] + "\u0000" + seq[i + 1];
      freq.set(k, (freq.get(k) || 0) + v.case_count);
      if (!seen.has(k)) { seen.add(k); cases.set(k, (cases.get(k) || 0) + v.case_count); }
    }
  });
  return [...freq.entries()].map(([k, f]) => {
    const [source, target] = k.split("\u0000");
    return {source, target, edge_frequency: f, case_frequency: cases.get(k), median_waiting_days: null, p90_waiting_days: null};
  }).sort((a, b) => b.edge_frequency - a.edge_frequency || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
                    (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

function drawDfg() {
  const p = D.process_map;
  if (!p.edges || current !== "process_map") return;
  const pct = +document.getElementById("dfg-paths").value, mode = document.getElementById("dfg-label").value;
  const top = +document.getElementById("dfg-variants").value;
  const state = [pct, mode, top, LANG].join("/");
  if (dfgDrawn === state) return;
  dfgDrawn = state;
  document.getElementById("dfg-pct").textContent = pct + " %";
  const all = top ? variantEdges(p.variants.slice(0, top)) : p.edges;
  const keep = Math.max(1, Math.ceil(all.length * pct / 100));
  const edges = all.slice(0, keep);  // most frequent first
  document.getElementById("dfg-count").textContent = `${fint(edges.length)} ${t("edges_shown")} ${fint(all.length)}`;
  const stats = {};
  if (top) {  // events of an activity in those cases: the frequencies of the edges into it
    all.forEach((e) => { stats[e.target] = {event_count: ((stats[e.target] || {}).event_count || 0) + e.edge_frequency}; });
  } else {
    p.nodes.forEach((n) => { stats[n.activity_code] = n; });
  }
  const g = new dagre.graphlib.Graph({multigraph: false});
  g.setGraph({rankdir: "TB", nodesep: 40, edgesep: 14, ranksep: 50, marginx: 12, marginy: 12});
  g.setDefaultEdgeLabel(() => ({}));
  const used = new Set();
  edges.forEach((e) => { used.add(e.source); used.add(e.target); });
  [...used].sort().forEach((code) => {
    const terminal = code === "\u25b6" || code === "\u25a0";
    const text = terminal ? code : label(code);
    g.setNode(code, {text, terminal, width: terminal ? 28 : Math.max(90, text.length * 6.4 + 16), height: terminal ? 28 : 36});
  });
  const maxF = Math.max(...edges.map((e) => e.edge_frequency));
  edges.forEach((e) => {
    const value = mode === "frequency" ? fint(e.edge_frequency) : mode === "median" ? f1(e.median_waiting_days) : f1(e.p90_waiting_days);
    g.setEdge(e.source, e.target, {e, text: value, width: value.length * 6 + 6, height: 14, labelpos: "c"});
  });
  dagre.layout(g);
  const svg = document.getElementById("dfg");
  const W = g.graph().width, H = g.graph().height;
  svg.setAttribute("width", W); svg.setAttribute("height", H); svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  let out = `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10z" fill="#51606f"/></marker></defs>`;
  g.edges().forEach((id) => {
    const ed = g.edge(id), e = ed.e;
    const pts = ed.points.map((pt) => `${pt.x.toFixed(1)},${pt.y.toFixed(1)}`);
    const w = (1 + 5 * e.edge_frequency / maxF).toFixed(2);
    out += `<g class="edge" data-source="${esc(e.source)}" data-target="${esc(e.target)}" data-frequency="${e.edge_frequency}">` +
      `<title>${esc(label(e.source))} → ${esc(label(e.target))}: ${fint(e.edge_frequency)} (${fint(e.case_frequency)} ${t("cases").toLowerCase()}); ${t("median")} ${f1(e.median_waiting_days)}, ${t("p90")} ${f1(e.p90_waiting_days)}</title>` +
      `<path d="M${pts.join("L")}" stroke-width="${w}" marker-end="url(#arrow)"/>` +
      `<text x="${ed.x.toFixed(1)}" y="${(ed.y + 4).toFixed(1)}" text-anchor="middle">${esc(ed.text)}</text></g>`;
  });
  g.nodes().forEach((code) => {
    const n = g.node(code), s = stats[code];
    out += `<g class="node${n.terminal ? " terminal" : ""}" data-activity="${esc(code)}" transform="translate(${(n.x - n.width / 2).toFixed(1)},${(n.y - n.height / 2).toFixed(1)})">` +
      `<rect width="${n.width}" height="${n.height}" rx="${n.terminal ? 14 : 5}"/>` +
      `<text x="${n.width / 2}" y="${n.terminal ? 18 : 15}" text-anchor="middle">${esc(n.text)}</text>` +
      (s ? `<text x="${n.width / 2}" y="29" text-anchor="middle" class="muted">${fint(s.event_count)}</text>` : "") + `</g>`;
  });
  svg.innerHTML = out;
}

/* ---------------------------------------------------------------- conformance */
const cf = {cell: null, page: 0, invoice: null};
RENDER.conformance = function () {
  const c = D.conformance, b = body("conformance");
  if (!c.grid) { b.innerHTML = notes(c); return; }
  const totals = {};
  c.grid.forEach((g) => { totals[g.rule_id] = (totals[g.rule_id] || 0) + g.violations; });
  const companies = [...new Set(c.grid.map((g) => g.company_code))];
  const segments = [...new Set(c.grid.map((g) => g.segment))].sort();
  b.innerHTML = notes(c) + `<h3>${t("rules")}</h3>` + table(c.rules.map((r) => Object.assign({violations: totals[r.rule_id] || 0}, r)),
    [["rule_id", "rule"], ["rule_name", "name"], ["judged_on", "judged_on"], ["rule_description", "definition"],
     ["policy_versions", "policy_versions", (v) => esc(v.join(", "))], ["violations", "violations", fint, 1]], 'id="rules"') +
    `<h3>${t("grid")}</h3><div class="controls">
      <label>${t("company")} <select id="cf-company"><option value="">${t("all")}</option>${companies.map((x) => `<option>${esc(x)}</option>`).join("")}</select></label>
      <label>${t("segment")} <select id="cf-segment"><option value="">${t("all")}</option>${segments.map((x) => `<option>${esc(x)}</option>`).join("")}</select></label>
      <span class="muted">${esc(t("listed_cap").replace("{n}", c.cell_cap))}</span></div>
    <div class="scroll" id="cf-grid-wrap"></div><div id="cf-drill"></div><div id="cf-trail"></div>
    <h3>${t("policy_rows")}</h3>` + table(c.policy, [["policy_id", "policy"], ["policy_version", "version"],
      ["company_code", "company"], ["customer_segment", "segment"], ["valid_from", "valid_from"], ["valid_to", "valid_to"],
      ["dunning_level", "level", null, 1], ["min_days_after_due", "min_days_after_due", null, 1],
      ["max_days_after_due", "max_days_after_due", null, 1], ["min_days_since_previous", "min_days_since_previous", null, 1],
      ["is_final_level", "is_final_level", (v) => (v ? t("yes") : t("no"))], ["write_off_min_days_after_final", "write_off_min_days_after_final", null, 1]]);
  document.getElementById("cf-company").addEventListener("change", drawGrid);
  document.getElementById("cf-segment").addEventListener("change", drawGrid);
  drawGrid(); drawDrill(); drawTrail();
};

function drawGrid() {
  const c = D.conformance;
  const co = document.getElementById("cf-company").value, se = document.getElementById("cf-segment").value;
  const rules = c.rules.map((r) => r.rule_id);
  const groups = new Map();
  c.grid.forEach((g) => {
    if ((co && g.company_code !== co) || (se && g.segment !== se)) return;
    const k = [g.company_code, g.segment, g.collector].join("|");
    if (!groups.has(k)) groups.set(k, {company: g.company_code, segment: g.segment, collector: g.collector, cells: {}});
    groups.get(k).cells[g.rule_id] = g;
  });
  const max = Math.max(1, ...c.grid.map((g) => g.violations));
  let h = `<table id="cf-grid"><thead><tr><th>${t("company")}</th><th>${t("segment")}</th><th>${t("collector")}</th>` +
    rules.map((r) => `<th class="n">${r}</th>`).join("") + "</tr></thead><tbody>";
  groups.forEach((g) => {
    h += `<tr><td>${esc(g.company)}</td><td>${esc(g.segment)}</td><td>${esc(g.collector || t("none"))}</td>`;
    rules.forEach((r) => {
      const cell = g.cells[r], v = cell ? cell.violations : 0;
      const key = [r, g.company, g.segment, g.collector].join("|");
      const alpha = v ? (0.35 + 0.65 * v / max).toFixed(2) : 0;
      h += v ? `<td class="cell v${cf.cell === key ? " sel" : ""}" data-cell="${esc(key)}" style="background:rgba(179,38,30,${alpha})" title="${fint(v)} / ${fint(cell.checked)}">${fint(v)}</td>`
             : `<td class="cell muted">${cell ? "0" : ""}</td>`;
    });
    h += "</tr>";
  });
  const wrap = document.getElementById("cf-grid-wrap");
  wrap.innerHTML = h + "</tbody></table>";
  wrap.querySelectorAll("td.cell.v").forEach((td) => td.addEventListener("click", () => {
    cf.cell = td.dataset.cell; cf.page = 0; cf.invoice = null; drawGrid(); drawDrill(); drawTrail();
  }));
}

function cellCount(key) {
  const [r, co, se, col] = key.split("|");
  const g = D.conformance.grid.find((x) => x.rule_id === r && x.company_code === co && x.segment === se && x.collector === col);
  return g ? g.violations : 0;
}

function drawDrill() {
  const box = document.getElementById("cf-drill");
  if (!cf.cell) { box.innerHTML = ""; return; }
  const list = D.conformance.cells[cf.cell] || [];
  if (!list.length) {
    box.innerHTML = `<p class="note" id="cf-drill-count">${esc(t("not_listed").replace("{n}", fint(cellCount(cf.cell))))}</p>`;
    return;
  }
  const [r, co, se, col] = cf.cell.split("|");
  const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
  const rows = list.slice(cf.page * PAGE_SIZE, (cf.page + 1) * PAGE_SIZE);
  box.innerHTML = `<h3>${t("cell_invoices")}: ${esc(r)} · ${esc(co)} · ${esc(se)} · ${esc(col || t("none"))}</h3>
    <p class="muted" id="cf-drill-count">${t("showing")} ${fint(list.length)} ${t("of")} ${fint(cellCount(cf.cell))}</p>
    <table id="cf-invoices"><thead><tr><th>${t("invoice")}</th><th>${t("policy")}</th><th>${t("expected")}</th><th>${t("observed")}</th><th class="n">${t("deviation")}</th></tr></thead><tbody>` +
    rows.map((x) => `<tr class="inv${cf.invoice === x.case_id ? " sel" : ""}" data-case="${esc(x.case_id)}"><td>${esc(x.invoice_id)}</td>` +
      `<td>${esc(x.policy_id)} v${esc(x.policy_version)}</td><td>${esc(x.expected_value)}</td><td>${esc(x.observed_value)}</td>` +
      `<td class="n">${fint(x.deviation_days)}</td></tr>`).join("") + `</tbody></table>
    <div class="pager"><button id="cf-prev" ${cf.page === 0 ? "disabled" : ""}>${t("prev")}</button>
      <span>${t("page")} ${cf.page + 1} / ${pages}</span><button id="cf-next" ${cf.page + 1 >= pages ? "disabled" : ""}>${t("next")}</button></div>`;
  document.getElementById("cf-prev").addEventListener("click", () => { cf.page--; drawDrill(); });
  document.getElementById("cf-next").addEventListener("click", () => { cf.page++; drawDrill(); });
  box.querySelectorAll("tr.inv").forEach((tr) => tr.addEventListener("click", () => {
    cf.invoice = tr.dataset.case; drawDrill(); drawTrail();
  }));
}

function drawTrail() {
  const box = document.getElementById("cf-trail");
  if (!cf.cell || !cf.invoice) { box.innerHTML = ""; return; }
  const v = (D.conformance.cells[cf.cell] || []).find((x) => x.case_id === cf.invoice);
  const trail = D.conformance.trails[cf.invoice] || [];
  const evidence = new Set(v ? v.evidence : []);
  box.innerHTML = `<h3>${t("trail")}: ${esc(cf.invoice)}</h3>` + (v ? `<div class="verdict" id="cf-verdict">
      <b>${esc(cf.cell.split("|")[0])}</b> · ${t("policy")} ${esc(v.policy_id)} v${esc(v.policy_version)} ·
      ${t("reference_date")} ${esc(v.policy_reference_date)}<br>${t("expected")}: ${esc(v.expected_value)}
      (${fint(v.expected_days)} ${t("days")})<br>${t("observed")}: ${esc(v.observed_value)} (${fint(v.observed_days)} ${t("days")})
      <br>${t("deviation")}: ${fint(v.deviation_days)} · <span class="muted">${t("evidence_rows")}</span></div>` : "") +
    `<table id="cf-trail-table"><thead><tr><th>${t("time")}</th><th>${t("activity")}</th><th>${t("resource")}</th><th>${t("system")}</th>` +
    `<th class="n">${t("level")}</th><th class="n">${t("amount")}</th></tr></thead><tbody>` +
    trail.map((e, i) => `<tr class="${evidence.has(i) ? "evidence" : ""}" data-activity="${esc(e[1])}"><td>${esc(e[0])}</td>` +
      `<td>${esc(label(e[1]))}</td><td>${esc(e[2])}</td><td>${esc(e[3])}</td><td class="n">${esc(e[4])}</td>` +
      `<td class="n">${e[5] === null ? "" : famt(e[5]) + " " + esc(e[6])}</td></tr>`).join("") + "</tbody></table>";
}

/* ---------------------------------------------------------------- collections */
RENDER.precursors = function () {
  const p = D.precursors, b = body("precursors");
  if (!p.rows) { b.innerHTML = notes(p); return; }
  b.innerHTML = notes(p) + table(p.rows, [["precursor", "precursor"], ["precursor_value", "value"], ["observed_at", "observed_at"],
    ["invoices_with", "with", fint, 1], ["written_off_with", "written_off_with", fint, 1], ["write_off_rate_with", "rate_with", fpct, 1],
    ["invoices_without", "without", fint, 1], ["written_off_without", "written_off_without", fint, 1],
    ["write_off_rate_without", "rate_without", fpct, 1], ["lift", "lift", (v) => fmt(v, 2), 1],
    ["lift_low", "interval", (v, r) => (v === null ? "" : `${fmt(v, 2)} – ${fmt(r.lift_high, 2)}`), 1],
    ["is_small_group", "small_group", (v) => (v ? t("yes") : "")]], 'id="precursor-table"');
};

RENDER.promises = function () {
  const p = D.promises, d = D.disputes, b = body("promises");
  let h = `<h3>${t("promises")}</h3>` + notes(p);
  if (p.by_outcome) {
    h += table(p.by_outcome, [["outcome", "outcome"], ["promises", "promises", fint, 1], ["promised_amount", "promised_amount", famt, 1],
      ["median_days_to_outcome", "median_days_to_outcome", f1, 1]], 'id="promise-outcomes"') +
      table(p.by_segment, [["company_code", "company"], ["segment", "segment"], ["promises", "promises", fint, 1],
        ["with_outcome", "with_outcome", fint, 1], ["kept", "kept", fint, 1],
        ["kept", "kept_rate", (v, r) => (r.with_outcome ? fpct(v / r.with_outcome) : ""), 1]]);
  }
  h += `<h3>${t("disputes")}</h3>` + notes(d);
  if (d.by_reason) {
    h += table(d.by_reason, [["reason_code", "reason"], ["disputes", "disputes", fint, 1], ["resolved", "resolved", fint, 1],
      ["median_days_resolved", "median_days_resolved", f1, 1], ["p90_days_resolved", "p90_days_resolved", f1, 1],
      ["disputed_amount", "disputed_amount", famt, 1]], 'id="dispute-reasons"') +
      table(d.by_company, [["company_code", "company"], ["disputes", "disputes", fint, 1], ["resolved", "resolved", fint, 1],
        ["open_disputes", "open_disputes", fint, 1], ["median_days_open", "median_days_open", f1, 1]]);
  }
  b.innerHTML = h;
};

RENDER.cash_application = function () {
  const c = D.cash_application, b = body("cash_application");
  if (!c.by_system) { b.innerHTML = notes(c); return; }
  b.innerHTML = notes(c) + `<div class="row2"><div>` + table(c.by_system, [["company_code", "company"], ["source_system", "system"],
    ["receipts", "receipts", fint, 1], ["posted", "posted", fint, 1], ["median_lag_hours", "median_lag_hours", f1, 1],
    ["p90_lag_hours", "p90_lag_hours", f1, 1], ["median_lag_business_days", "median_lag_business_days", f1, 1]], 'id="cash-table"') +
    `</div><div><h3>${t("lag_histogram")}</h3><div class="chart"><canvas id="cash-hist"></canvas></div></div></div>`;
  chart(document.getElementById("cash-hist"), {type: "bar", data: {labels: c.histogram.map((x) => x[0]),
    datasets: [{label: t("receipts"), data: c.histogram.map((x) => x[1]), backgroundColor: "#1f5f99"}]},
    options: {plugins: {legend: {display: false}}}});
};

RENDER.collectors = function () {
  const c = D.collectors, b = body("collectors");
  if (!c.by_collector) { b.innerHTML = notes(c); return; }
  b.innerHTML = notes(c) + `<h3>${t("by_month")}</h3><div class="chart"><canvas id="coll-month"></canvas></div><div class="scroll">` +
    table(c.by_collector, [["collector_id", "collector"], ["company_code", "company"], ["calls", "calls", fint, 1],
      ["reminders", "reminders", fint, 1], ["letters", "letters", fint, 1], ["promises", "promises", fint, 1],
      ["promises_kept", "promises_kept", fint, 1], ["promises_broken", "promises_broken", fint, 1],
      ["disputes_opened", "disputes_opened", fint, 1], ["disputes_resolved", "disputes_resolved", fint, 1],
      ["invoices_settled", "invoices_settled", fint, 1], ["invoices_written_off", "invoices_written_off", fint, 1],
      ["settled_amount_accounting", "settled_amount_accounting", famt, 1], ["average_days_to_pay", "average_days_to_pay", f1, 1]],
      'id="collector-table"') + "</div>";
  const m = c.by_month;
  chart(document.getElementById("coll-month"), {type: "bar", data: {labels: m.map((x) => x.month.slice(0, 7)), datasets: [
    {label: t("calls"), data: m.map((x) => x.calls), backgroundColor: "#1f5f99"},
    {label: t("reminders"), data: m.map((x) => x.reminders), backgroundColor: "#a5c85a"},
    {label: t("letters"), data: m.map((x) => x.letters), backgroundColor: "#e67e22"},
    {label: t("promises"), data: m.map((x) => x.promises), backgroundColor: "#8e44ad"}]},
    options: {scales: {x: {stacked: true}, y: {stacked: true}}}});
};

RENDER.quality = function () {
  const q = D.quality, b = body("quality");
  let h = notes(q);
  if (q.runs && q.runs.length) {
    h += `<h3>${t("runs")}</h3>` + table(q.runs, [["stage", "stage"], ["run_at", "run_at"], ["suite_count", "suites", fint, 1],
      ["expectation_count", "expectations", fint, 1], ["critical_failure_count", "critical", fint, 1],
      ["warning_count", "warnings", fint, 1], ["unexpected_row_count", "unexpected_rows", fint, 1],
      ["is_passed", "passed", (v) => (v ? t("yes") : t("no"))]]) +
      `<h3>${t("failures")}</h3>` + table(q.failures, [["stage", "stage"], ["suite_name", "suite"], ["table_name", "table"],
      ["column_name", "column"], ["expectation_type", "expectation"], ["severity", "severity"],
      ["unexpected_count", "unexpected_rows", fint, 1], ["unexpected_share", "unexpected_share", fpct, 1]]);
  }
  if (q.quarantine) {
    h += `<h3>${t("quarantine")}</h3>` + table(q.quarantine, [["source_system", "source_system"], ["source_table", "source_table"],
      ["reason_code", "reason_code"], ["quarantined_rows", "rows", fint, 1]], 'id="quarantine-table"');
  }
  if (q.reconciliation) {
    const cols = [["source_system", "source_system"], ["source_table", "source_table"], ["raw_rows", "raw_rows", fint, 1],
      ["staged_rows", "staged_rows", fint, 1], ["quarantined_rows", "quarantined_rows", fint, 1],
      ["superseded_rows", "superseded_rows", fint, 1], ["malformed_lines", "malformed_lines", fint, 1],
      ["holds", "holds", (v) => (v ? t("yes") : t("no"))]];
    h += `<h3>${t("reconciliation")}</h3>` + table(q.reconciliation, cols, 'id="reconciliation-table"');
  }
  b.innerHTML = h;
};

document.getElementById("lang").value = LANG;
document.getElementById("lang").addEventListener("change", (ev) => { LANG = ev.target.value; renderAll(); show(current); });
renderAll();
show(current);
