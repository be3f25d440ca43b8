"""Maps drawn by two processes through a shared folder: the same files as drawn by one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from orgnet.report.claims import Claims
from orgnet.report.map import draw_unclaimed_groups, map_levels, write_maps


@pytest.fixture(scope="module")
def deep_findings():  # type: ignore[no-untyped-def]
    """1,500 synthetic people (divisions, departments, teams): with the map threshold at 60 the
    top-level groups have group pages with pages below them."""
    from orgnet.findings import AnalysisOptions, analyze
    from orgnet.synthetic import generate

    org = generate(1500, seed=11)
    return analyze(org.events, directory=org.directory,
                   options=AnalysisOptions(betweenness_pivots=32, betweenness_exact_below=500))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _data(page: Path) -> dict[str, Any]:
    raw = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page.read_text("utf-8"), re.S)
    assert raw is not None, page
    return json.loads(raw.group(1))  # type: ignore[no-any-return]


def _drill_down_order(folder: Path) -> list[str]:
    """The pages as the drill-down reaches them: each group page, then the pages it links to, in
    its links' order (read from the pages themselves, not from the writer's own list)."""
    order = ["map.html"]

    def visit(page: str) -> None:
        order.append(page)
        for link in _data(folder / page)["links"]:
            visit("maps/" + link)

    for link in _data(folder / "map.html")["links"]:
        visit(link)
    return order


def _top_groups(findings) -> list[int]:  # type: ignore[no-untyped-def]
    level = map_levels(findings)[0]
    # People with no group at the level share one ("(no division)").
    return list(range(findings.people[level].astype("string").fillna("").nunique()))


def test_claims_are_granted_once_and_results_read_back(tmp_path: Path) -> None:
    a, b = Claims(tmp_path), Claims(tmp_path)
    assert [a.take(1), b.take(1), b.take(2), a.take(2)] == [True, False, True, False]
    b.leave(2, np.arange(3))
    assert a.wait(2).tolist() == [0, 1, 2]
    assert not list(tmp_path.glob("*.part"))  # written under another name, then renamed
    with pytest.raises(ValueError, match="nothing is shared"):
        Claims(None).wait(2)


@pytest.mark.parametrize("helper_takes", ["every other", "all", "none"])
def test_pages_drawn_by_another_process_give_the_same_maps(deep_findings, tmp_path: Path, helper_takes: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    findings = deep_findings
    alone = tmp_path / "alone"
    alone.mkdir()
    pages_alone, data_alone = write_maps(findings, alone, max_people=60)
    groups = _top_groups(findings)
    assert data_alone is not None and len(pages_alone) > 1 + len(groups) > 3  # pages below the top level's
    assert pages_alone == _drill_down_order(alone)

    # The helper (draw_unclaimed_groups) gets the groups the drawing process has not claimed:
    # here those left unclaimed by the test, which then lets the drawing process claim the rest.
    together, shared = tmp_path / "together", tmp_path / "shared"
    together.mkdir()
    shared.mkdir()
    kept = {"every other": groups[::2], "all": groups, "none": []}[helper_takes]
    for c in kept:
        assert Claims(shared).take(c)
    drawn = draw_unclaimed_groups(findings, together, shared, max_people=60, share_from=0)
    assert drawn == len(groups) - len(kept)
    for c in kept:
        (shared / f"{c}.claim").unlink()
    import orgnet.report.map as map_module

    drawn_here: list[int] = []
    top_group = map_module._Writer.top_group
    monkeypatch.setattr(map_module._Writer, "top_group", lambda self, c: drawn_here.append(c) or top_group(self, c))
    pages, data = write_maps(findings, together, max_people=60, shared=shared)
    assert sorted(drawn_here) == sorted(kept)  # the helper's pages are read back, not drawn again

    assert pages == pages_alone and data == data_alone
    assert _files(together) == _files(alone)
    assert sorted(p.name for p in shared.glob("*.result")) == sorted(f"{c}.result" for c in groups if c not in kept)


def test_no_help_when_little_is_left(deep_findings, tmp_path: Path) -> None:
    # The groups left unclaimed hold fewer people than the share: the helper draws nothing.
    groups = _top_groups(deep_findings)
    level = map_levels(deep_findings)[0]
    sizes = deep_findings.people[level].astype("string").fillna("").value_counts().sort_index().to_numpy()
    assert len(sizes) == len(groups)
    smallest = int(np.argmin(sizes))
    for c in groups:
        if c != smallest:
            Claims(tmp_path).take(c)
    share = sizes[smallest] / sizes.sum()
    assert draw_unclaimed_groups(deep_findings, tmp_path, tmp_path, max_people=60, share_from=share * 1.01) == 0
    assert draw_unclaimed_groups(deep_findings, tmp_path, tmp_path, max_people=60, share_from=share) == 1
    assert (tmp_path / f"{smallest}.result").exists()


def test_nothing_is_drawn_beside_a_single_map(full_findings, tmp_path: Path) -> None:
    # Up to max_people the main map shows everyone: no group pages to share, nothing prepared.
    assert draw_unclaimed_groups(full_findings, tmp_path, tmp_path, max_people=10_000) == 0
    assert list(tmp_path.iterdir()) == []
