"""Profiles planted on top of a generated organisation: present, listed in the truth, seeded."""

from __future__ import annotations

import json

import pyarrow.compute as pc
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.synthetic import generate
from orgnet.synthetic.profiles import MIXES, ProfileMix, add_profiles


@pytest.fixture(scope="module")
def base():  # type: ignore[no-untyped-def]
    return generate(people=300, seed=2, weeks=8)


def test_every_profile_is_planted_and_listed(base):
    org = add_profiles(base, ProfileMix.named("all"), seed=1)
    p = org.truth["profiles"]
    mix = MIXES["all"]
    assert len(p["catalysts"]) == mix.catalysts and len(p["bots"]) == mix.bots
    actors = set(org.events.column("actor").to_pylist())
    assert set(p["bots"]) <= actors and set(p["outsiders"]) <= actors
    assert all(alias in actors for _, alias in p["duplicates"])
    assert org.directory["department"].isna().sum() == len(p["unlisted"]) > 0
    assert org.events.num_rows > base.events.num_rows * 1.1  # the noise
    planted = set(base.truth["ambassadors"]) | set(base.truth["brokers"])
    assert not planted & set(p["catalysts"] + p["responders"] + p["broadcasters"])
    ts = org.events.column("ts")
    assert pc.all(pc.greater_equal(ts.slice(1), ts.slice(0, len(ts) - 1))).as_py()


def test_catalysts_draw_many_and_answer_few(base):
    org = add_profiles(base, ProfileMix(catalysts=2), seed=1)
    c = org.truth["profiles"]["catalysts"][0]
    ev = org.events.to_pandas()
    responders = ev.loc[ev["target"] == c, "actor"].nunique()
    answered = ev.loc[(ev["actor"] == c) & (ev["kind"].astype(str) == "reply"), "target"].nunique()
    assert responders > 50 and answered <= 5


def test_same_seed_same_organisation(base):
    a = add_profiles(base, ProfileMix.named("all"), seed=3)
    b = add_profiles(base, ProfileMix.named("all"), seed=3)
    assert a.events.equals(b.events) and a.truth["profiles"] == b.truth["profiles"]


def test_options_parse_and_bad_ones_are_refused():
    assert ProfileMix.parse("catalysts=4,partial_share=0.5") == ProfileMix(catalysts=4, partial_share=0.5)
    with pytest.raises(ValueError, match="unknown profile"):
        ProfileMix.parse("wizards=3")


def test_synth_command_plants_profiles(tmp_path):
    out = tmp_path / "org"
    result = CliRunner().invoke(main, ["synth", "-n", "200", "--weeks", "4", "--profiles", "bots", "-o", str(out)])
    assert result.exit_code == 0, result.output
    truth = json.loads(next(out.glob("*truth*.json")).read_text())
    assert len(truth["profiles"]["bots"]) == MIXES["bots"].bots
    bad = CliRunner().invoke(main, ["synth", "-n", "200", "--profiles", "wizards", "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2
