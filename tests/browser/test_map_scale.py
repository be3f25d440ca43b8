"""Maps of synthetic organisations of 1,000, 20,000 and 100,000 people in headless Chromium.

For each size: the organisation is generated with ``orgnet synth`` (cached under
``benchmarks/work/``, which git ignores), analysed, and its maps written. In the browser,
offline: the top map draws (time to the first frame), no two group nodes overlap (their drawn
boxes, labels included), the search box of the top map finds people anywhere and opens the map
of their group with them selected, the whole-organisation WebGL map and the largest drill-down
map draw, and no page logs an error. Every person is on a person map reached by following the
maps' links from the top. Timings are printed and, with ``ORGNET_RECORD=1``, recorded in
``benchmarks/results/maps.json``; they are not asserted (the machine's load varies).

At 1,000 people the map threshold is lowered to 250 so the top map shows groups at every size
(with the default, 2,000, a 1,000-person organisation gets one person map).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from orgnet.report.browser import offline_page
from orgnet.report.map import MAP_MAX_PEOPLE, write_maps

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "maps.json"
CACHE = ROOT / "benchmarks" / "work"

SIZES = [pytest.param(1000, id="1k"), pytest.param(20_000, id="20k", marks=pytest.mark.slow),
         pytest.param(100_000, id="100k", marks=pytest.mark.slow)]

_DRAWN = "performance.getEntriesByName('orgnet-map-drawn').length > 0"
_TIMING = """() => {
  const t = performance.getEntriesByType("navigation")[0];
  const mark = (name) => { const m = performance.getEntriesByName(name); return m.length ? m[0].startTime : null; };
  return {load_ms: t.loadEventEnd, drawn_ms: mark("orgnet-map-drawn"), parsed_ms: mark("orgnet-data-parsed"),
          graph_ms: mark("orgnet-graph-built")};
}"""
_BOXES = "orgnetMap.data.ids.map((_, i) => orgnetMap.network.getBoundingBox(i))"


def _organisation(people: int) -> Path:
    """``orgnet synth`` output for ``people`` (seed 7), generated once and cached."""
    folder = CACHE / f"synth-{people}-s7"
    if not (folder / "events.parquet").exists() or not (folder / "directory.csv").exists():
        partial = CACHE / f".synth-{people}-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "orgnet.cli", "synth", "-n", str(people), "-s", "7", "-o", str(partial)],
                       check=True, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)
    return folder


def _findings(folder: Path) -> Any:
    import pandas as pd
    import pyarrow.parquet as pq

    from orgnet.findings import AnalysisOptions, analyze

    directory = pd.read_csv(folder / "directory.csv", dtype=str, keep_default_na=False, na_values=[""])
    # Sampled betweenness with few pivots: the maps' speed, not the metric's, is measured here.
    return analyze(pq.read_table(folder / "events.parquet"), directory=directory,
                   options=AnalysisOptions(betweenness_pivots=64, betweenness_exact_below=2000))


def _graph_data(page: Path) -> dict[str, Any]:
    text = page.read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S)
    assert raw is not None, page
    return json.loads(raw.group(1))


def _clean(record: dict[str, list[str]]) -> None:
    assert record["requests"] == [], f"network requests attempted: {record['requests'][:5]}"
    assert record["console"] == [], f"console errors: {record['console'][:5]}"
    assert record["errors"] == [], f"page errors: {record['errors'][:5]}"


def _open(browser: Any, page_path: Path) -> dict[str, Any]:
    """Open a map, wait for its first frame, check it stayed clean: its timings and size."""
    with offline_page(browser) as (page, record):
        page.goto(page_path.as_uri(), wait_until="load", timeout=180_000)
        page.wait_for_function(_DRAWN, timeout=180_000)
        timing = page.evaluate(_TIMING)
        _clean(record)
    timing = {k: round(v, 1) for k, v in timing.items() if v is not None}
    return {**timing, "bytes": page_path.stat().st_size}


def _overlapping(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    b = np.array([[x["left"], x["right"], x["top"], x["bottom"]] for x in boxes])
    hit = ((b[:, None, 0] < b[None, :, 1]) & (b[None, :, 0] < b[:, None, 1])
           & (b[:, None, 2] < b[None, :, 3]) & (b[None, :, 2] < b[:, None, 3]))
    return [tuple(map(int, ij)) for ij in np.argwhere(np.triu(hit, k=1))]


def _reached_by_drilling_down(folder: Path) -> dict[str, str]:
    """Every person on a person map reached from map.html by following group links: id -> page."""
    seen: dict[str, str] = {}
    todo = [link for link in _graph_data(folder / "map.html")["links"]]
    while todo:
        link = todo.pop()
        data = _graph_data(folder / link)
        if data["what"] == "groups":
            todo += ["maps/" + lk for lk in data["links"]]
        else:
            for pid in data["ids"]:
                seen.setdefault(pid, link)
    return seen


def _record(people: int, entry: dict[str, Any]) -> None:
    # Figures are recorded only when asked (ORGNET_RECORD=1): a test run never rewrites tracked files.
    if os.environ.get("ORGNET_RECORD") != "1":
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    data.setdefault("description", "Maps of synthetic organisations (orgnet synth, seed 7) in headless Chromium "
                                   "(offline, file://): time to the first frame drawn (ms after navigation start), "
                                   "page sizes, the time to write the maps, and a search from the top map that "
                                   "opens the map of the person's group. Recorded by tests/browser/test_map_scale.py.")
    data.setdefault("results", {})[str(people)] = entry
    RESULTS.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@pytest.mark.parametrize("people", SIZES)
def test_maps_at_scale(browser: Any, people: int, tmp_path: Path) -> None:
    findings = _findings(_organisation(people))
    max_people = 250 if people <= 1000 else MAP_MAX_PEOPLE
    folder = tmp_path / "report"
    folder.mkdir()
    start = time.perf_counter()
    pages, top = write_maps(findings, folder, max_people=max_people)
    write_s = time.perf_counter() - start
    assert top is not None and top["what"] == "groups"

    # Every person is reachable by drilling down, and people.js sends them to that same page.
    reached = _reached_by_drilling_down(folder)
    ids = findings.people["person"].astype(str).to_numpy()
    assert set(reached) == set(ids)
    index_text = (folder / "maps" / "people.js").read_text(encoding="utf-8")
    index = json.loads(index_text[len("window.orgnetPeople = "):].rstrip().rstrip(";"))
    assert [index["pages"][p] for p in index["page"]] == [reached[i] for i in ids]

    figures: dict[str, Any] = {"top map": _open(browser, folder / "map.html")}
    with offline_page(browser) as (page, record):
        page.goto((folder / "map.html").as_uri(), wait_until="load", timeout=180_000)
        page.wait_for_function(_DRAWN, timeout=180_000)
        boxes = page.evaluate(_BOXES)
        assert len(boxes) == len(top["ids"]) > 1
        assert _overlapping(boxes) == [], "group nodes overlap on the top map"
        _clean(record)

    # Search from the top map: people chosen across the organisation (names unique to them),
    # the last one from the largest group.
    names = findings.people["name"].astype(str).to_numpy()
    unique = np.flatnonzero(~findings.people["name"].duplicated(keep=False).to_numpy())
    rng = np.random.default_rng(people)
    chosen = list(rng.choice(unique, 3, replace=False))
    largest = findings.people[top["groupKind"]].astype(str).value_counts().index[0]
    in_largest = np.intersect1d(unique, np.flatnonzero(findings.people[top["groupKind"]].astype(str) == largest))
    chosen.append(int(in_largest[-1]))
    search_ms = []
    for i in chosen:
        with offline_page(browser) as (page, record):
            page.goto((folder / "map.html").as_uri(), wait_until="load", timeout=180_000)
            page.wait_for_function(_DRAWN, timeout=180_000)
            start = time.perf_counter()
            page.fill("#search", str(names[i]))
            page.press("#search", "Enter")
            page.wait_for_function("window.location.hash.startsWith('#person=')", timeout=180_000)
            page.wait_for_function("window.orgnetMap !== undefined && orgnetMap.state.selected !== null",
                                   timeout=180_000)
            search_ms.append(round(1000 * (time.perf_counter() - start)))
            assert page.evaluate("orgnetMap.data.ids[orgnetMap.state.selected]") == ids[i]
            assert page.url.split("#")[0].endswith(reached[ids[i]])
            _clean(record)

    figures["everyone (WebGL)"] = _open(browser, folder / "maps" / "everyone.html")
    drill = [folder / p for p in pages if p.startswith("maps/") and p != "maps/everyone.html"]
    largest_page = max(drill, key=lambda p: p.stat().st_size)
    figures["largest drill-down map"] = _open(browser, largest_page)
    figures["largest drill-down map"]["people"] = len(_graph_data(largest_page)["ids"])

    entry = {
        "people": people, "ties": int(findings.ties.nnz), "max_map_people": max_people,
        "write_maps_s": round(write_s, 1), "pages": len(pages),
        "maps_bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()),
        "top map groups": len(top["ids"]), "search_to_person_ms": search_ms, "first_draw": figures,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
        "chromium": browser.version, "when": time.strftime("%Y-%m-%d"),
    }
    _record(people, entry)
    print(f"\n{people:,} people: top map first frame {figures['top map']['drawn_ms']:.0f} ms; everyone (WebGL) "
          f"{figures['everyone (WebGL)']['drawn_ms']:.0f} ms ({figures['everyone (WebGL)']['bytes'] / 1e6:.1f} MB); "
          f"maps written in {write_s:.1f} s ({len(pages)} pages); search {search_ms} ms")
