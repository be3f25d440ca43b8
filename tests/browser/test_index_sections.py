"""The questions a community manager brings, answered on the page, in headless Chromium offline.

The demo organisation (as ``make demo`` analyses it) and the real Slack export
``slack_olake_community`` (command-line defaults) each show: when posts get answered, getting
outside, formal against informal structure, and a table of channels. Every figure checked on the
page is read from the report's own ``findings.json``, not written into the test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.report.browser import offline_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "datasets" / "synthetic" / "example"


def _analyze(*args: str) -> None:
    done = CliRunner().invoke(main, ["analyze", *args])
    assert done.exit_code == 0, done.output


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "report"
    _analyze(str(DEMO), "--directory", str(DEMO / "directory.csv"), "--out", str(out))
    return out


@pytest.fixture(scope="module")
def olake_report(shared_dataset: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("olake") / "report"
    _analyze(str(shared_dataset("slack_olake_community")), "--out", str(out))
    return out


@pytest.fixture(params=["demo", "olake"])
def any_report(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(f"{request.param}_report")  # type: ignore[no-any-return]


@contextmanager
def index(browser: Any, report: Path) -> Iterator[Any]:
    with offline_page(browser) as (page, record):
        page.goto((report / "index.html").as_uri(), wait_until="load")
        yield page
        assert record["requests"] == [] and record["errors"] == [] and record["console"] == [], record


def _doc(report: Path) -> dict[str, Any]:
    return json.loads((report / "findings.json").read_text())  # type: ignore[no-any-return]


def test_response_times_are_shown_and_not_zero(browser: Any, any_report: Path) -> None:
    half = _doc(any_report)["responses"]["half_life"]
    assert half["answered"] > 0 and half["half_life_hours"] > 0
    with index(browser, any_report) as page:
        section = page.locator("#responses")
        text = " ".join(section.inner_text().split())
        assert re.search(r"Half of the answered posts got their first answer within [\d.]+ (minutes|hours|days)",
                         text), text
        assert "within 0 minutes" not in text
        assert f"{half['answered']:,} of {half['posts']:,} posts" in text
        assert "Reactions are not counted as answers" in text
        cells = section.locator("svg[aria-label='Share of posts answered by weekday and hour'] g.rcell")
        assert cells.count() == len(_doc(any_report)["responses"]["by_weekday_hour"]) > 0


def test_getting_outside_is_shown_per_period_and_by_name(browser: Any, any_report: Path) -> None:
    r = _doc(any_report)["responses"]
    with index(browser, any_report) as page:
        section = page.locator("#outside")
        text = " ".join(section.inner_text().split())
        assert f"at least {r['outside_min_contacts']} of them" in text
        assert r["getting_outside"][-1]["partial"]  # both exports end inside a month
        rows = section.locator("#outside-periods tbody tr")
        assert rows.count() == len(r["getting_outside"]) > 0
        for row, period in zip(rows.all(), r["getting_outside"], strict=True):
            cells = row.locator("td").all_inner_texts()
            assert cells[0].startswith(period["period"])
            assert ("partial" in cells[0]) == period["partial"]  # a month the data covers only in part
            assert cells[2] == ("No one" if period["outside"] == 0 else
                                f"{period['outside']:,} ({100 * period['share_outside']:.0f}%)")
        people = section.locator("#outside-people tbody tr")
        assert people.count() == min(25, len(r["outside_people"]))
        if not r["outside_people"]:
            assert f"No one had {r['outside_min_contacts']} or more outside contacts" in text


def test_formal_against_informal(browser: Any, demo_report: Path, olake_report: Path) -> None:
    formal = _doc(demo_report)["formal"]
    assert formal["available"]
    with index(browser, demo_report) as page:
        text = " ".join(page.locator("#formal").inner_text().split())
        assert f"agreement {formal['nmi']:.2f} on a 0–1 scale" in text
        assert re.search(r"\d+ managers;", text)
        leaders = [m for m in formal["managers"] if m["is_informal_leader"] and not m["is_manager"]]
        assert page.locator("#formal-leaders tbody tr").count() == min(15, len(leaders)) > 0
    # Without a directory there are no departments: the page says so and how to get them.
    assert not _doc(olake_report)["formal"]["available"]
    with index(browser, olake_report) as page:
        assert "needs an HR directory (give --directory)" in page.locator("#formal .na").inner_text()


def test_channels_table(browser: Any, any_report: Path) -> None:
    channels = _doc(any_report)["channels"]
    assert channels["rows"]
    with index(browser, any_report) as page:
        rows = page.locator("#channel-table tbody tr")
        assert rows.count() == min(30, len(channels["rows"]))
        first = rows.first.locator("td").all_inner_texts()
        top = channels["rows"][0]
        assert first[0] == top["channel"] and first[1] == f"{top['members']:,}"
        shown = {r.locator("td").first.inner_text() for r in rows.all()}
        assert {r["channel"] for r in channels["rows"][:30]} == shown
        assert page.locator("nav.toc a[href='#channels']").count() == 1


def test_olake_channels_are_its_slack_channels(olake_report: Path, shared_dataset: Any) -> None:
    listed = {c["name"] for c in json.loads((shared_dataset("slack_olake_community") / "channels.json").read_text())}
    rows = _doc(olake_report)["channels"]["rows"]
    assert {r["channel"] for r in rows} <= listed
    assert all(r["answered"] <= r["posts"] for r in rows)
