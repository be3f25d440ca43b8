"""Maps of a large organisation: group layouts without overlaps, drill-down levels that reach
every person, the search index, colours that do not repeat, stubs, watchers, the matrix."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgnet.report.layout import box_extents, overlapping_pairs, pack_rows, separate
from orgnet.report.map import PALETTE, palette, write_maps


def _data(page: Path) -> dict[str, Any]:
    text = page.read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S)
    assert raw is not None, page
    return json.loads(raw.group(1))


def _people_index(folder: Path) -> dict[str, Any]:
    text = (folder / "maps" / "people.js").read_text(encoding="utf-8")
    assert text.startswith("window.orgnetPeople = ")
    return json.loads(text[len("window.orgnetPeople = "):].rstrip().rstrip(";"))


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 80), seed=st.integers(0, 10_000), stacked=st.booleans())
def test_separated_boxes_never_overlap(n: int, seed: int, stacked: bool) -> None:
    rng = np.random.default_rng(seed)
    radius = 12 + 48 * rng.random(n)
    labels = ["x" * int(k) for k in rng.integers(1, 40, n)]
    half, up, down = box_extents(radius, labels)
    start = np.zeros((n, 2)) if stacked else rng.normal(size=(n, 2))
    xy = separate(start, half, up, down)
    assert len(overlapping_pairs(xy[:, 0], xy[:, 1], half, up, down)) == 0
    # Deterministic: the same input gives the same picture.
    assert np.array_equal(xy, separate(start, half, up, down))


def test_packed_rows_never_overlap() -> None:
    rng = np.random.default_rng(3)
    half, up, down = box_extents(5 + 50 * rng.random(400), ["group"] * 400)
    x, y = pack_rows(rng.normal(size=400), rng.normal(size=400), half, up, down)
    assert len(overlapping_pairs(x, y, half, up, down)) == 0


def test_palette_does_not_repeat_a_colour() -> None:
    colours = palette(30)
    assert len(set(colours[: len(PALETTE)])) == len(PALETTE)
    assert set(colours[len(PALETTE):]).isdisjoint(PALETTE)


@pytest.fixture(scope="module")
def org_maps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """1,500 synthetic people (divisions, departments, teams) with the map threshold at 60, so
    all three levels get group maps."""
    from orgnet.findings import AnalysisOptions, analyze
    from orgnet.synthetic import generate

    org = generate(1500, seed=11)
    findings = analyze(org.events, directory=org.directory,
                       options=AnalysisOptions(betweenness_pivots=32, betweenness_exact_below=500))
    folder = tmp_path_factory.mktemp("maps")
    write_maps(findings, folder, max_people=60)
    return findings, folder


def test_every_person_is_on_a_person_map_reached_by_drilling_down(org_maps: tuple[Any, Path]) -> None:
    findings, folder = org_maps
    top = _data(folder / "map.html")
    assert top["what"] == "groups" and top["groupKind"] == "division"
    seen: dict[str, str] = {}
    kinds = set()
    todo = [("", link) for link in top["links"]]
    while todo:
        _, link = todo.pop()
        page = _data(folder / link)
        if page["what"] == "groups":
            kinds.add(page["groupKind"])
            assert len(page["ids"]) >= 2
            todo += [(link, "maps/" + lk) for lk in page["links"]]
        else:
            for pid in page["ids"]:
                assert pid not in seen, f"{pid} on two person maps"
                seen[pid] = link
    assert set(seen) == set(findings.people["person"].astype(str))
    assert kinds == {"department", "team"}
    # The search index sends everyone to the page they are on.
    index = _people_index(folder)
    assert index["ids"] == findings.people["person"].astype(str).tolist()
    assert all(index["pages"][p] == seen[pid] for pid, p in zip(index["ids"], index["page"], strict=True))


def test_group_maps_have_no_overlap_and_distinct_colours(org_maps: tuple[Any, Path]) -> None:
    _, folder = org_maps
    pages = [folder / "map.html", *sorted((folder / "maps").glob("*.html"))]
    group_pages = [d for d in map(_data, pages) if d["what"] == "groups"]
    assert len(group_pages) > 3
    for d in group_pages:
        radius = np.asarray(d["sizeBy"]["members"]["size"])
        half, up, down = box_extents(radius, d["labels"])
        assert len(overlapping_pairs(np.asarray(d["x"]), np.asarray(d["y"]), half, up, down)) == 0, d["title"]
        colours = next(iter(d["colourBy"].values()))["colours"]
        coloured = [c for c in colours if c in PALETTE]
        assert len(coloured) == len(set(coloured)) == min(len(colours), len(PALETTE))
        assert len(d["matrix"]["labels"]) == min(len(d["labels"]), 60)


def test_drill_down_keeps_context(org_maps: tuple[Any, Path]) -> None:
    findings, folder = org_maps
    people_pages = [d for d in map(_data, sorted((folder / "maps").glob("*.html"))) if d["what"] == "people"]
    with_stubs = [d for d in people_pages if d["stubs"]["labels"]]
    assert with_stubs, "no drill-down map shows ties leaving its group"
    d = with_stubs[0]
    assert d["title"].split(" ", 1)[1] not in d["stubs"]["labels"]  # stubs lead elsewhere
    assert max(d["stubs"]["from"]) < len(d["ids"]) and max(d["stubs"]["to"]) < len(d["stubs"]["labels"])
    assert all(link.startswith("../maps/") for link in d["stubs"]["links"])
    assert {"role", "community"} <= set(d["colourBy"])
    # A breadcrumb leads back up from the deepest pages.
    deepest = max((folder / "maps").glob("*.html"), key=lambda p: p.read_text(encoding="utf-8").count("›"))
    assert deepest.read_text(encoding="utf-8").count("›") >= 2


def test_everyone_map_is_webgl_and_holds_everyone(org_maps: tuple[Any, Path]) -> None:
    findings, folder = org_maps
    page = folder / "maps" / "everyone.html"
    text = page.read_text(encoding="utf-8")
    assert 'src="../static/sigma.min.js"' in text and "vis-network.min.js" not in text
    d = _data(page)
    assert len(d["ids"]) == findings.n and len(set(zip(d["x"], d["y"], strict=True))) > findings.n * 0.9
    for name in ("sigma.min.js", "graphology.umd.min.js"):
        head = (folder / "static" / name).read_text(encoding="utf-8")[:2000]
        assert "Permission is hereby granted" in head and "MIT" in head


def test_watchers_are_marked(org_maps: tuple[Any, Path]) -> None:
    findings, folder = org_maps
    d = _data(folder / "maps" / "everyone.html")
    level = findings.people["pyramid_level"].astype(str).to_numpy()
    assert d["watcher"] == (level == "watcher").astype(int).tolist()
