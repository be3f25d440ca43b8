"""The map of a real Slack community whose members are mostly watchers (issue 16): with the
command line's defaults the watchers are gathered into one node with their count, the active
network fills the view instead of shrinking to a blob inside a ring of watchers, and the switch
brings the watchers back."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.report.browser import offline_page

pytestmark = [pytest.mark.browser, pytest.mark.realdata, pytest.mark.slow]


@pytest.fixture(scope="module")
def olake(shared_dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("olake") / "report"
    result = CliRunner().invoke(main, ["analyze", str(shared_dataset("slack_olake_community")), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_watchers_are_gathered_and_the_active_network_fills_the_view(browser: Any, olake: Path) -> None:
    text = (olake / "map.html").read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S)
    assert raw is not None
    data = json.loads(raw.group(1))
    watcher = np.asarray(data["watcher"], dtype=bool)
    assert watcher.mean() > 0.5, "the community is mostly watchers (the case this test is about)"
    # Tied people are laid out together: the watchers (with no tie) lie outside them, not the reverse.
    xy = np.column_stack([data["x"], data["y"]])
    tied = np.zeros(len(xy), dtype=bool)
    tied[data["edges"]["from"]] = True
    tied[data["edges"]["to"]] = True
    centre = xy[tied].mean(axis=0)
    assert np.hypot(*(xy[tied] - centre).T).max() < np.hypot(*(xy[watcher & ~tied] - centre).T).min() * 1.05
    with offline_page(browser) as (page, record):
        page.goto((olake / "map.html").as_uri(), wait_until="load")
        page.wait_for_function("window.orgnetMap !== undefined", timeout=30_000)
        assert page.evaluate("orgnetMap.gathered") is True
        label = page.evaluate("orgnetMap.nodes.get('watchers').label")
        assert label == f"{int(watcher.sum()):,} watchers"
        assert page.evaluate("orgnetMap.nodes.get().filter(x => x.hidden).length") == int(watcher.sum())
        # The view frames the people shown: the tied network spans a good share of the canvas.
        box = page.evaluate("""() => { const ids = orgnetMap.data.edges.from.concat(orgnetMap.data.edges.to);
            const p = ids.map(i => orgnetMap.network.canvasToDOM(orgnetMap.network.getPositions([i])[i]));
            const xs = p.map(q => q.x), ys = p.map(q => q.y);
            return [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys),
                    document.getElementById("map").clientWidth, document.getElementById("map").clientHeight]; }""")
        assert max(box[0] / box[2], box[1] / box[3]) > 0.3, box
        page.check("#show-watchers")
        assert page.evaluate("orgnetMap.nodes.get().filter(x => x.hidden).length") == 1
        assert record["requests"] == [] and record["console"] == [] and record["errors"] == []
