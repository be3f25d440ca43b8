"""Drill-down maps in headless Chromium, offline: stubs to other groups, gathered watchers and
their switch, the matrix view, breadcrumbs back up, the WebGL map's search and hover."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from orgnet.report.browser import offline_page
from orgnet.report.map import write_maps

pytestmark = pytest.mark.browser


def _data(page: Path) -> dict[str, Any]:
    raw = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>',
                    page.read_text(encoding="utf-8"), re.S)
    assert raw is not None
    return json.loads(raw.group(1))


@pytest.fixture(scope="module")
def levels_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """1,200 synthetic people with the map threshold at 60: divisions, departments, teams."""
    from orgnet.findings import AnalysisOptions, analyze
    from orgnet.synthetic import generate

    org = generate(1200, seed=5)
    findings = analyze(org.events, directory=org.directory,
                       options=AnalysisOptions(betweenness_pivots=32, betweenness_exact_below=500))
    folder = tmp_path_factory.mktemp("levels")
    write_maps(findings, folder, max_people=60)
    return findings, folder


def _clean(record: dict[str, list[str]]) -> None:
    assert record["requests"] == [] and record["console"] == [] and record["errors"] == [], record


def _open(page: Any, path: Path) -> None:
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("window.orgnetMap !== undefined", timeout=30_000)


def test_drill_down_keeps_context_in_the_browser(browser: Any, levels_report: tuple[Any, Path]) -> None:
    _, folder = levels_report
    pages = sorted((folder / "maps").glob("*.html"))
    people_pages = [p for p in pages if p.name != "everyone.html" and _data(p)["what"] == "people"]
    with_stubs = max(people_pages, key=lambda p: len(_data(p)["stubs"]["labels"]))
    deepest = max(pages, key=lambda p: p.read_text(encoding="utf-8").count("›"))
    with offline_page(browser) as (page, record):
        _open(page, with_stubs)
        d = page.evaluate("orgnetMap.data")
        n, k = len(d["ids"]), len(d["stubs"]["labels"])
        assert k > 0
        stubs = page.evaluate(f"orgnetMap.nodes.get().filter(x => typeof x.id === 'number' && x.id >= {n}).length")
        assert stubs == k
        dashed = page.evaluate("orgnetMap.network.body.data.edges.get().filter(e => e.dashes).length")
        assert dashed == len(d["stubs"]["from"]) > 0
        gathered = page.evaluate("orgnetMap.gathered")
        watchers = sum(d["watcher"])
        assert gathered == (watchers > n / 2)
        if gathered:
            hidden = page.evaluate("orgnetMap.nodes.get().filter(x => x.hidden).length")
            assert hidden == watchers
            page.check("#show-watchers")
            assert page.evaluate("orgnetMap.nodes.get().filter(x => x.hidden).length") == 1  # the gathered node
        _open(page, deepest)
        crumbs = page.locator("header nav a")
        assert crumbs.count() >= 4  # report, main map, division, department
        crumbs.nth(2).click()
        page.wait_for_function("window.orgnetMap !== undefined && orgnetMap.data.what === 'groups'", timeout=30_000)
        _clean(record)


def test_matrix_view(browser: Any, levels_report: tuple[Any, Path]) -> None:
    _, folder = levels_report
    with offline_page(browser) as (page, record):
        _open(page, folder / "map.html")
        m = page.evaluate("orgnetMap.data.matrix")
        assert page.locator("#matrix").is_hidden()
        page.click("#matrix-button")
        assert page.locator("#matrix tbody tr").count() == len(m["labels"]) > 1
        assert page.locator("#matrix tbody td").count() == len(m["labels"]) ** 2
        page.click("#matrix-button")
        assert page.locator("#matrix").is_hidden()
        _clean(record)


def test_webgl_map_finds_and_focuses(browser: Any, levels_report: tuple[Any, Path]) -> None:
    findings, folder = levels_report
    with offline_page(browser) as (page, record):
        _open(page, folder / "maps" / "everyone.html")
        assert page.evaluate("orgnetMap.graph.order") == findings.n
        name = str(findings.people["name"].iat[findings.n - 1])
        i = page.evaluate("(q) => orgnetMap.find(q)", name)
        assert i >= 0
        page.fill("#search", name)
        page.press("#search", "Enter")
        assert page.evaluate("orgnetMap.state.selected") == i
        assert page.evaluate("orgnetMap.renderer.getCamera().ratio") == pytest.approx(0.05)
        _clean(record)
