"""Every source in the shared data folder at the command line's defaults: ambassadors are flagged people
with evidence or an explicit "no one stands out" / "cannot be measured from this data", never a ranked list."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

import pytest

from orgnet.findings import analyze
from orgnet.findings.model import Findings
from orgnet.report.content import ambassadors_view

pytestmark = pytest.mark.realdata


def _sources():  # type: ignore[no-untyped-def]
    name = "orgnet_test_realdata_sources"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("realdata_sources.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


SOURCES = sorted(_sources().SOURCES)


@cache
def _findings(root: Path, name: str) -> Findings:
    source = _sources().load_source(name, root)
    return analyze(source.events, directory=source.directory, people=source.people)


@pytest.mark.parametrize("name", SOURCES)
def test_ambassadors_are_flagged_with_evidence_or_an_explicit_none(shared_dataset, name):
    f = _findings(shared_dataset(name).parent, name)
    a = f.ambassadors
    assert a.status in ("flagged", "none_stand_out", "not_measurable")
    assert a.table["flagged"].all(), "an unflagged person in the ambassador list"
    if a.status == "flagged":
        assert len(a.table) == a.flagged > 0
        assert (a.table["responders"] > 0).all() and (a.table["score_z"] >= 3.5).all()
        assert all(r.evidence[0].numbers["people"] > 0 for r in a.reasons())
    else:
        assert not len(a.table)
        said = "no one stands out" if a.status == "none_stand_out" else "cannot be measured from this data"
        assert said in a.note
        view = ambassadors_view(f)
        assert not view.available and said in view.note.lower()
    if a.status == "not_measurable":  # not ranked on it: nobody has a score
        assert f.people["ambassador_score"].isna().all() and a.scored == 0


def test_edge_lists_cannot_measure_ambassadors(shared_dataset):
    # An edge list has no threads, replies or mentions: reach cannot be seen.
    f = _findings(shared_dataset("email-Eu-core").parent, "email-Eu-core")
    assert f.ambassadors.status == "not_measurable"


def test_coleman_towns_are_silos_at_the_defaults(shared_dataset):
    f = _findings(shared_dataset("coleman_physicians").parent, "coleman_physicians")
    towns = f.silos.table.query("kind == 'department'")
    assert len(towns) == 4 and towns["is_silo"].all()


def test_enron_legal_is_the_most_inward_department_at_the_defaults(shared_dataset):
    f = _findings(shared_dataset("enron_perry_wolfe").parent, "enron_perry_wolfe")
    t = f.silos.table.query("kind == 'department'")
    labels = [f.groups.by_kind["department"].label(c) for c in t["code"]]
    assert labels[int(t["ei"].to_numpy().argmin())] == "Legal"


@pytest.mark.parametrize("name", SOURCES)
def test_community_stability_is_reported(shared_dataset, name):
    f = _findings(shared_dataset(name).parent, name)
    s = f.summary.methods["community_stability"]
    assert s["resolution"] > 0 and len(s["nmi"]) == len(s["seeds"])
    assert s["stable"] == (s["mean_nmi"] >= s["min_stability"])
    assert ("unstable" in f.summary.methods["communities"]) == (not s["stable"])
