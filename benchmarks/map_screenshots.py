"""Screenshots of the maps of synthetic organisations, for docs/img/maps/.

    .venv/bin/python -m benchmarks.map_screenshots 5000 100000

For each size: ``orgnet synth`` (seed 7, cached in benchmarks/work/), the analysis, the maps,
then headless Chromium (offline) takes the top map, the matrix view, the map of the largest
top-level group, a person found by the top map's search (their group's map opened with them
selected) and the whole-organisation WebGL map.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img" / "maps"


def shoot(people: int) -> list[Path]:
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from test_map_scale import _findings, _organisation  # the same cached organisations as the tests

    from orgnet.report.browser import chromium, offline_page
    from orgnet.report.map import write_maps

    findings = _findings(_organisation(people))
    OUT.mkdir(parents=True, exist_ok=True)
    tag = f"{people // 1000}k"
    shots = []
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        folder = Path(tmp)
        _, top = write_maps(findings, folder)
        assert top is not None
        largest = max(range(len(top["ids"])), key=lambda i: top["sizeBy"]["members"]["value"][i])
        name = str(findings.people["name"].iat[people // 2])
        views = [("top", folder / "map.html"), ("matrix", folder / "map.html"),
                 ("drill-down", folder / top["links"][largest]), ("search", folder / "map.html"),
                 ("everyone", folder / "maps" / "everyone.html")]
        for label, page_path in views:
            with offline_page(browser) as (page, record):
                page.set_viewport_size({"width": 1280, "height": 860})
                page.goto(page_path.as_uri(), wait_until="load", timeout=180_000)
                page.wait_for_function("performance.getEntriesByName('orgnet-map-drawn').length > 0",
                                       timeout=180_000)
                if label == "matrix":
                    page.click("#matrix-button")
                elif label == "search":
                    page.fill("#search", name)
                    page.press("#search", "Enter")
                    page.wait_for_function("window.location.hash.startsWith('#person=')", timeout=180_000)
                    page.wait_for_function("window.orgnetMap !== undefined && orgnetMap.state.selected !== null",
                                           timeout=180_000)
                page.wait_for_timeout(500)
                shot = OUT / f"{tag}-{label}.png"
                page.screenshot(path=str(shot))
                assert record["errors"] == [] and record["console"] == [] and record["requests"] == [], record
                shots.append(shot)
    return shots


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["5000"]:
        for path in shoot(int(arg)):
            print(path)
