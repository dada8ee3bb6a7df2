"""The report in a real browser: Debian's Chromium driven by Playwright, no network allowed.

Opens the report of the session build (built_default) and checks what a reader sees against the
marts, queried here independently: the overview figures, the process map's edges at 100 % of the
paths, a click from a rule's cell to an invoice and its event trail with the verdict's evidence,
the switch to French labels. Saves a screenshot of every page under docs/screenshots/ (the
README shows two of them). Every request the page makes is recorded: anything but the report's
own file:// URL fails the test.

Needs the `chromium` executable (C2C_CHROMIUM names another path): without it the tests skip,
saying `apt-get install chromium`; under CI=true they fail instead (.ci/run installs it)."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path

import pytest

from c2c.db import connect_built
from c2c.report import write_report

from .conftest import REPO, in_ci

SCREENSHOTS = REPO / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
HOW_TO_GET = "install Debian's Chromium (as root: apt-get install chromium), or set C2C_CHROMIUM to its path"


def chromium_path() -> str | None:
    configured = os.environ.get("C2C_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium")


def _playwright_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (make test installs it with the dev extra)"
    return None


_MISSING = _playwright_missing() or (None if chromium_path() else f"no chromium executable: {HOW_TO_GET}")
if _MISSING and not in_ci():
    pytest.skip(f"browser tests skipped: {_MISSING}", allow_module_level=True)


@pytest.fixture(scope="session", autouse=True)
def _browser_available():
    """Before any build: under CI=true a missing browser fails every test of the module at once."""
    if _MISSING:
        pytest.fail(f"browser tests cannot run under CI=true: {_MISSING}")


@pytest.fixture(scope="module")
def report_file(built_default, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report_browser") / "report.html"
    write_report(built_default, out, "en")
    return out


@pytest.fixture(scope="module")
def browser_page(report_file):
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport=VIEWPORT)

        def route(r):
            requests.append(r.request.url)
            if r.request.url == report_file.as_uri():
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(report_file.as_uri())
        page.wait_for_selector("#overview [data-figure=invoices]")
        yield page, requests, errors
        browser.close()
    assert [url for url in requests if url != report_file.as_uri()] == [], "the page asked for something outside itself"


def _tab(page, name: str) -> None:
    page.click(f"nav button[data-tab={name}]")
    page.wait_for_selector(f"section#{name}.active")


def _slide(page, percent: int) -> None:
    page.eval_on_selector("#dfg-paths", "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", percent)


def _shot(page, name: str) -> None:
    """docs/screenshots/<name>.png, rewritten only when the picture changed. The run stamp, which
    differs from build to build (invocation id, build time), is masked, so that the same
    simulation gives the same picture."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(mask=[page.locator("section.page.active [data-stamp]")], mask_color="#d9dee5")
    path = SCREENSHOTS / f"{name}.png"
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)


def test_the_page_loads_only_itself_and_raises_no_error(browser_page, report_file):
    page, requests, errors = browser_page
    assert requests and all(url == report_file.as_uri() for url in requests), requests
    assert errors == []
    assert page.locator("script[src], link[href], img[src]").count() == 0


def test_overview_figures_equal_the_marts(browser_page, built_default):
    page, _, _ = browser_page
    with connect_built(built_default) as con:
        invoices = con.execute("select count(*) from cases").fetchall()[0][0]
        month = con.execute("select max(month_start_date) from fct_ar_monthly").fetchall()[0][0]
        open_ar, open_invoices = con.execute(
            "select sum(open_ar_amount_reporting), sum(open_invoice_count) from fct_ar_monthly "
            "where customer_segment = '*' and currency = '*' and month_start_date = ?", [month]).fetchall()[0]
        companies = con.execute(
            "select company_code, open_ar_amount_reporting, past_due_over_90_amount_reporting, dso_days "
            "from fct_ar_monthly where customer_segment = '*' and currency = '*' and month_start_date = ? "
            "order by company_code", [month]).fetchall()
        stamp = con.execute("select dbt_invocation_id, landing_zone_fingerprint from run_stamp").fetchall()[0]
    _tab(page, "overview")
    figure = lambda name: page.inner_text(f"#overview [data-figure={name}]")  # noqa: E731
    assert figure("invoices") == f"{invoices:,}"
    assert figure("open_invoices") == f"{int(open_invoices):,}"
    assert figure("open_ar") == f"{float(open_ar):,.2f}"
    rows = page.locator("#ov-companies tbody tr")
    assert rows.count() == len(companies)
    for i, (company, ar, over_90, dso) in enumerate(companies):
        row = rows.nth(i)
        assert row.locator("[data-col=company_code]").inner_text() == company
        assert row.locator("[data-col=open_ar]").inner_text() == f"{float(ar):,.2f}"
        assert row.locator("[data-col=past_due_over_90]").inner_text() == f"{float(over_90):,.2f}"
        assert row.locator("[data-col=dso]").inner_text() == ("" if dso is None else f"{float(dso):,.1f}")
    for section in page.locator("section.page").all():
        text = section.locator("[data-stamp]").inner_text()
        assert stamp[0] in text and stamp[1] in text
    _shot(page, "overview")


def test_process_map_edges_equal_pm_dfg_edges(browser_page, built_default):
    page, _, _ = browser_page
    with connect_built(built_default) as con:
        want = {(s, t): f for s, t, f in con.execute(
            "select source_activity_code, target_activity_code, edge_frequency from pm_dfg_edges").fetchall()}
        ranked = con.execute("select source_activity_code, target_activity_code from pm_dfg_edges "
                             "order by edge_frequency desc, source_activity_code, target_activity_code").fetchall()
    _tab(page, "process_map")
    _slide(page, 100)
    got = {(e.get_attribute("data-source"), e.get_attribute("data-target")): int(e.get_attribute("data-frequency"))
           for e in page.locator("#dfg g.edge").all()}
    assert got == want
    assert page.locator("#dfg g.node").count() == len({a for edge in want for a in edge})
    _slide(page, 1)
    kept = [(e.get_attribute("data-source"), e.get_attribute("data-target")) for e in page.locator("#dfg g.edge").all()]
    assert kept == [tuple(edge) for edge in ranked[:math.ceil(len(ranked) / 100)]], \
        "the slider at 1 % keeps the most frequent 1 % of the edges"
    # the cases of the most frequent variant only: its path, each edge as often as it has cases
    with connect_built(built_default) as con:
        activities, cases = con.execute("select variant_activities, case_count from pm_variants "
                                        "where variant_rank = 1").fetchall()[0]
    path = ["\u25b6", *activities.split(" > "), "\u25a0"]
    page.select_option("#dfg-variants", "1")
    _slide(page, 100)
    got = {(e.get_attribute("data-source"), e.get_attribute("data-target")): int(e.get_attribute("data-frequency"))
           for e in page.locator("#dfg g.edge").all()}
    want_top = {}
    for edge in zip(path, path[1:]):
        want_top[edge] = want_top.get(edge, 0) + cases
    assert got == want_top
    page.select_option("#dfg-variants", "0")
    _slide(page, 30)
    _shot(page, "process_map")


def test_a_rule_cell_leads_to_an_invoice_and_its_trail(browser_page, built_default):
    page, _, _ = browser_page
    _tab(page, "conformance")
    cell = page.locator("#cf-grid td.cell.v").first
    rule, company, segment, collector = cell.get_attribute("data-cell").split("|")
    with connect_built(built_default) as con:
        violations = con.execute(
            "select count(*) from fct_dunning_conformance f join cases c on c.case_id = f.case_id "
            "where f.status = 'violation' and f.rule_id = ? and f.company_code = ? "
            "and coalesce(c.customer_segment, '') = ? and coalesce(c.collector_id, '') = ?",
            [rule, company, segment, collector]).fetchall()[0][0]
    assert cell.inner_text() == f"{violations:,}"
    cell.click()
    assert page.inner_text("#cf-drill-count").endswith(f"of {violations:,}")
    invoice = page.locator("#cf-invoices tr.inv").first
    case_id = invoice.get_attribute("data-case")
    invoice.click()
    page.wait_for_selector("#cf-trail-table")
    with connect_built(built_default) as con:
        trail = con.execute("select activity_code, event_id from event_log where case_id = ? "
                            "order by event_timestamp, activity_order, event_id", [case_id]).fetchall()
        evidence = con.execute("select evidence_event_ids, expected_value from fct_dunning_conformance "
                               "where case_id = ? and rule_id = ?", [case_id, rule]).fetchall()[0]
    shown = [row.get_attribute("data-activity") for row in page.locator("#cf-trail-table tbody tr").all()]
    assert shown == [code for code, _ in trail]
    marked = [i for i, row in enumerate(page.locator("#cf-trail-table tbody tr").all())
              if "evidence" in (row.get_attribute("class") or "")]
    assert marked == [i for i, (_, event_id) in enumerate(trail) if event_id in evidence[0].split(",")]
    assert evidence[1] in page.inner_text("#cf-verdict")
    page.locator("#cf-trail").scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, document.querySelector('#cf-drill').offsetTop - 90)")
    _shot(page, "conformance_drilldown")
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("section", ["precursors", "promises", "cash_application", "collectors", "quality"])
def test_every_other_page_renders(browser_page, section):
    page, _, errors = browser_page
    _tab(page, section)
    assert page.locator(f"section#{section} table, section#{section} .note").count() > 0
    assert errors == []
    _shot(page, section)


def test_switching_to_french_shows_french_labels(browser_page, built_default):
    page, _, _ = browser_page
    with connect_built(built_default) as con:
        label_en, label_fr = con.execute("select label_en, label_fr from activity_catalogue "
                                         "where activity_code = 'INVOICE_POSTED'").fetchall()[0]
    _tab(page, "process_map")
    assert label_en in page.text_content("#dfg")
    page.select_option("#lang", "fr")
    assert page.inner_text("nav button[data-tab=process_map]") == "Carte du processus"
    assert label_fr in page.text_content("#dfg") and label_fr in page.inner_text("#variants")
    assert label_en not in page.text_content("#dfg")
    page.select_option("#lang", "en")
