"""The report folder: every file written, every section present or said to be missing, names escaped."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import markupsafe
import pandas as pd
import pytest

from orgnet.report import write_report
from orgnet.report.map import group_file_name


def _map_data(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S)
    assert raw is not None
    return json.loads(raw.group(1))


def test_every_file_is_written(full_report: Path, full_findings) -> None:
    names = {p.relative_to(full_report).as_posix() for p in full_report.rglob("*") if p.is_file()}
    expected = {"index.html", "map.html", "people.csv", "ties.csv", "groups.csv", "ambassadors.csv", "connectors.csv",
                "findings.json", "graph.graphml", "graph.gexf", "pyramid.png", "pyramid.svg",
                "group_map.png", "group_map.svg"}
    assert expected <= names
    assert not list(full_report.parent.glob(".*partial")), "the staging folder is gone"
    index = (full_report / "index.html").read_text(encoding="utf-8")
    for name in ("map.html", "people.csv", "ties.csv", "groups.csv", "ambassadors.csv", "connectors.csv", "findings.json",
                 "graph.graphml", "graph.gexf", "pyramid.png", "group_map.png"):
        assert f'href="{name}"' in index, name


def test_index_shows_every_finding(full_report: Path, full_findings) -> None:
    index = (full_report / "index.html").read_text(encoding="utf-8")
    for heading in ("Engagement pyramid", "Passionate ambassadors", "Connectors by role", "Silos",
                    "group to group", "Trends over time", "What this report is built from"):
        assert heading in index
    assert "not available in this analysis" not in index
    roles = set(full_findings.connectors.table["role"])
    assert {"central connector", "boundary spanner"} <= roles
    for role in roles:
        assert role.capitalize() in index, role
    assert 'aria-label="Engagement pyramid"' in index and 'aria-label="Group-to-group heatmap"' in index
    assert "2023-12 (partial)" in index and "2024-03" in index  # the first and last periods
    # Reasons are worded by the report from the evidence, with the department noun.
    assert "answered by" in index and "departments" in index
    silo = full_findings.silos.table.query("is_silo and kind == 'department'")
    assert len(silo) == 1 and "of its contacts reach outside it" in index


def test_missing_findings_are_said_to_be_missing(bare_findings, tmp_path: Path) -> None:
    out = write_report(bare_findings, tmp_path / "bare")
    index = (out / "index.html").read_text(encoding="utf-8")
    for what in ("Trends over time are not available", "the events carry no timestamps",
                 "Newcomers: not computed"):
        assert what in index, what
    assert (out / "map.html").exists() and (out / "graph.graphml").exists()


def test_without_a_directory_groups_are_communities(bare_findings, tmp_path: Path) -> None:
    assert bare_findings.groups.primary == "community"
    out = write_report(bare_findings, tmp_path / "communities")
    index = (out / "index.html").read_text(encoding="utf-8")
    words = set(re.findall(r"[a-z]+", re.sub(r"<[^>]+>", " ", index).lower()))
    assert "community" in words and "communities" in words
    assert "department" not in words and "departments" not in words
    reasons = json.loads((out / "findings.json").read_text())["connectors"]["rows"]
    assert reasons and not any("department" in r["reason"]["text"] for r in reasons)


def test_names_are_escaped_everywhere(full_report: Path, grouped_report: Path, orgs) -> None:
    for page in [full_report / "index.html", full_report / "map.html", grouped_report / "map.html",
                 *(grouped_report / "maps").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text, page
        assert "<script>alert(" not in text, page
    index = (full_report / "index.html").read_text(encoding="utf-8")
    assert str(markupsafe.escape(orgs.XSS_NAME)) in index
    assert str(markupsafe.escape(orgs.XSS_DEPARTMENT)) in index
    data = _map_data(full_report / "map.html")
    assert orgs.XSS_NAME in data["labels"]  # the JSON holds the name as text, escaped for <script>


def test_small_organisation_map_draws_people(full_report: Path, full_findings) -> None:
    data = _map_data(full_report / "map.html")
    n = full_findings.n
    assert data["what"] == "people" and len(data["ids"]) == n
    for key in ("labels", "x", "y", "mark"):
        assert len(data[key]) == n, key
    assert set(data["colourBy"]) == {"department", "community", "role"}
    assert {"pagerank", "betweenness"} <= set(data["sizeBy"])
    assert all(len(v["size"]) == n for v in data["sizeBy"].values())
    assert len(data["edges"]["from"]) == len(data["edges"]["to"]) > 0
    ids = full_findings.people["person"].to_numpy(dtype=str)
    marks = dict(zip(data["ids"], data["mark"], strict=True))
    assert all(marks[p] & 1 for p in ids[full_findings.ambassadors.table["code"]])
    brokers = full_findings.connectors.table.query("role == 'information broker'")["code"]
    assert all(marks[p] & 2 for p in ids[brokers])
    assert "vis-network" in (full_report / "map.html").read_text(encoding="utf-8")[:2_000_000]
    assert "http://" not in data and not (full_report / "maps").exists()


def test_large_organisation_map_shows_groups_with_drill_downs(grouped_report: Path, full_findings) -> None:
    data = _map_data(grouped_report / "map.html")
    departments = full_findings.people["department"].dropna().unique()
    assert data["what"] == "groups" and sorted(data["labels"]) == sorted(departments)
    assert sum(data["sizeBy"]["members"]["value"]) == full_findings.n
    for link in data["links"]:
        assert re.fullmatch(r"maps/[A-Za-z0-9_-]+\.html", link), link
        page = _map_data(grouped_report / link)
        assert page["what"] == "people" and 0 < len(page["ids"]) <= 100
        assert 'src="../static/vis-network.min.js"' in (grouped_report / link).read_text(encoding="utf-8")
    assert (grouped_report / "static" / "vis-network.min.js").read_text(encoding="utf-8").startswith("/**")


@pytest.mark.parametrize("label", ["R&D / Paris", "../../etc/passwd", "", "<img src=x>", "Ünïcode 部门"])
def test_group_file_names_are_safe(label: str) -> None:
    name = group_file_name(label)
    assert re.fullmatch(r"[A-Za-z0-9_-]+\.html", name)


def test_group_file_names_are_unique() -> None:
    labels = ["a/b", "a b", "a-b", "A-B", "部门", "部"]
    assert len({group_file_name(x) for x in labels}) == len(labels)


def test_vis_network_licence_notice_is_kept(full_report: Path) -> None:
    text = (full_report / "map.html").read_text(encoding="utf-8")
    assert "vis.js is dual licensed under both" in text and "Apache 2.0 License" in text


def test_report_pages_load_nothing_from_the_network(full_report: Path, grouped_report: Path) -> None:
    for page in [*full_report.glob("*.html"), *grouped_report.rglob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), page


def test_failure_leaves_no_half_written_report(full_findings, tmp_path: Path, monkeypatch) -> None:
    import orgnet.report as report

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "write_graph_files", boom)
    with pytest.raises(RuntimeError):
        report.write_report(full_findings, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_worker_leaves_no_half_written_report(full_findings, tmp_path: Path) -> None:
    # The workers writing the maps, tables and graph files die (as under the out-of-memory
    # killer) while this process draws the pictures: the error surfaces, nothing is left behind.
    import psutil

    def kill_the_workers(step: str):
        if step.startswith("Drawing pictures"):
            for p in psutil.Process().children(recursive=True):
                if "popen_loky" in " ".join(p.cmdline()):
                    p.kill()
        return contextlib.nullcontext()

    with pytest.raises(RuntimeError, match="worker"):
        write_report(full_findings, tmp_path / "out", max_map_people=50, workers=2, progress=kill_the_workers)
    assert list(tmp_path.iterdir()) == []


def test_aggregate_only_and_pseudonymised_findings_render(full_findings, tmp_path: Path, orgs) -> None:
    from orgnet.privacy import aggregate_only

    agg = aggregate_only(full_findings)
    out = write_report(agg, tmp_path / "agg")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Ambassadors are not shown: this report is aggregate-only" in index
    assert orgs.XSS_NAME not in _map_data(out / "map.html")["labels"]
    assert (out / "graph.graphml").exists()


def test_many_groups_map_shows_the_largest(full_findings, tmp_path: Path) -> None:
    from orgnet.report.map import group_map_data

    data = group_map_data(full_findings, column="community", max_groups=2)
    assert len(data["ids"]) == 2 and "largest" in data["note"]


def test_large_graphs_skip_the_graph_files_and_the_json_people(full_findings, tmp_path: Path) -> None:
    ties = full_findings.ties.nnz
    out = write_report(full_findings, tmp_path / "big", max_graph_ties=ties - 1)
    assert not (out / "graph.graphml").exists() and not (out / "graph.gexf").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="graph.graphml"' not in index and f"{ties:,} ties" in index and "--graph-files-max-ties 0" in index
    assert (write_report(full_findings, tmp_path / "all", max_graph_ties=0) / "graph.gexf").exists()
    # Above the JSON limit the per-person table is only in people.csv, and findings.json says so.
    out = write_report(full_findings, tmp_path / "json", max_json_people=len(full_findings.people) - 1)
    data = json.loads((out / "findings.json").read_text())
    assert data["people"] is None and data["people_omitted"]["people"] == len(full_findings.people)
    assert data["people_omitted"]["file"] == "people.csv" and data["groups"]


@pytest.mark.parametrize("workers", [2, 3])  # one worker (the maps), two (maps, tables, graph files)
def test_maps_drawn_in_a_worker_process_are_the_same_files(full_findings, tmp_path: Path, workers: int) -> None:
    here = write_report(full_findings, tmp_path / "here", max_map_people=50, workers=1)
    there = write_report(full_findings, tmp_path / "there", max_map_people=50, workers=workers)
    files = sorted(p.relative_to(here).as_posix() for p in here.rglob("*") if p.is_file())
    assert any(f.startswith("maps/") for f in files)
    assert files == sorted(p.relative_to(there).as_posix() for p in there.rglob("*") if p.is_file())
    for name in files:
        assert (here / name).read_bytes() == (there / name).read_bytes(), name


def test_findings_json_written_by_a_worker_keeps_the_people_limit(full_findings, tmp_path: Path) -> None:
    # With maps per group and two workers (workers=3: this process and two), findings.json is
    # written by the worker that writes the tables (one wording of the reasons for both): the
    # per-person limit must reach it.
    n = len(full_findings.people)
    out = write_report(full_findings, tmp_path / "json", max_map_people=50, workers=3, max_json_people=n - 1)
    data = json.loads((out / "findings.json").read_text())
    assert data["people"] is None and data["people_omitted"]["people"] == n
    reasons = [r["reason"]["text"] for r in data["connectors"]["rows"]]
    table = pd.read_csv(out / "connectors.csv", keep_default_na=False)
    assert reasons and reasons == table["reason"].tolist()
