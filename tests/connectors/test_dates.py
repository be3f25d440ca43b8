"""Plausible dates (connectors/dates.py) and timestamps of CSV/Parquet tables: Unix units, bounds, isolated dates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from orgnet.cli import main
from orgnet.connectors import maildir as maildir_reader
from orgnet.connectors.base import InputError
from orgnet.connectors.dates import IMPLAUSIBLE, ISOLATED, check_dates, isolated_dates, parse_timestamps
from orgnet.connectors.tabular import read_csv, read_parquet


def days(start: str, n: int, step: str = "1D") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq=step, tz="UTC")


# ---------------------------------------------------------------- the isolated-date rule


def test_isolated_dates_on_both_sides_are_flagged():
    bulk = days("2001-01-01", 400, "1D")
    ts = bulk.append(pd.DatetimeIndex(["1980-01-01", "1980-01-01", "2009-06-01"], tz="UTC"))
    flags = isolated_dates(ts)
    assert flags[-3:].all() and not flags[:-3].any()


def test_a_growing_community_keeps_its_early_dates():
    # Few mails a month early, many later: the early ones lie beyond the fence, but no empty gap
    # cuts them off, so they stay.
    early = days("2015-01-01", 60, "30D")
    late = days("2019-12-01", 3000, "4h")
    assert not isolated_dates(early.append(late)).any()


def test_a_second_period_is_not_a_stray_date():
    # 5% of the dates in a period of their own, four years before the rest: more than 1%.
    old = days("2016-03-01", 50, "1D")
    new = days("2021-01-01", 950, "8h")
    assert not isolated_dates(old.append(new)).any()
    # at 1% they are set apart
    assert isolated_dates(old[:9].append(new)).sum() == 9


def test_no_spread_or_too_few_dates_flags_nothing():
    assert not isolated_dates(pd.DatetimeIndex(["2020-01-01"] * 200 + ["1990-01-01"], tz="UTC")).any()
    assert not isolated_dates(days("2020-01-01", 98).append(pd.DatetimeIndex(["1980-01-01"], tz="UTC"))).any()
    assert isolated_dates(pa.array([None, None], type=pa.timestamp("us", tz="UTC"))).tolist() == [False, False]


def test_bounds_are_conventions_and_options():
    ts = pd.DatetimeIndex(["1970-01-01", "1971-06-01", "2099-01-01", None], tz="UTC")
    check = check_dates(ts, date_check="bounds")
    assert check.out_of_bounds == 2 and check.isolated == 0
    assert check.dates.to_pylist()[1].year == 1971
    assert check_dates(ts, earliest="1990-01-01", date_check="bounds").out_of_bounds == 3
    with pytest.raises(ValueError, match="date_check"):
        check_dates(ts, date_check="none")


# ---------------------------------------------------------------- Unix time and text in tables


def test_unix_units_by_magnitude():
    when = pd.Timestamp("2025-01-06T08:00:00.250Z")
    micros = when.value // 1000
    for values in ([micros // 1_000_000], [micros // 1000], [micros], [micros * 1000]):
        got = parse_timestamps(pa.array(values, pa.int64()))[0].to_pylist()[0]
        assert abs(pd.Timestamp(got) - when) < pd.Timedelta(seconds=1)
    seconds = parse_timestamps(pa.array(["1736150400.25", "1736150401"]))[0].to_pylist()
    assert [pd.Timestamp(t).isoformat() for t in seconds] == ["2025-01-06T08:00:00.250000+00:00",
                                                              "2025-01-06T08:00:01+00:00"]
    text, bad = parse_timestamps(pa.array(["20250106", "Mon, 6 Jan 2025 09:00:00 +0100", "2025-01-06T08:00Z", None]))
    assert [pd.Timestamp(t).isoformat() if t else None for t in text.to_pylist()] == [
        "2025-01-06T00:00:00+00:00", "2025-01-06T08:00:00+00:00", "2025-01-06T08:00:00+00:00", None]
    assert not bad.any()


@pytest.mark.realdata
def test_real_csv_of_unix_seconds_and_milliseconds(shared_dataset, tmp_path):
    messages = shared_dataset("enron_perry_wolfe") / "messages.csv"
    cols = {"actor": "sender_id", "ts": "time_unix", "item": "message_id"}
    res = read_csv(messages, column_map=cols)
    assert res.records_read == 21_635 and res.events.column("ts").null_count == 0
    expected = pd.read_csv(messages, usecols=["time_utc"], dtype=str)["time_utc"]
    got = res.events.column("ts").to_pandas().dt.strftime("%Y-%m-%dT%H:%M:%S")
    assert (got.to_numpy() == expected.to_numpy()).all()
    # the same table with milliseconds
    frame = pd.read_csv(messages, dtype=str)
    frame["time_unix"] = (frame["time_unix"].astype("int64") * 1000).astype(str)
    frame.to_csv(tmp_path / "ms.csv", index=False)
    ms = read_csv(tmp_path / "ms.csv", column_map=cols)
    assert ms.events.column("ts").equals(res.events.column("ts"))


def test_csv_with_broken_clock_dates(tmp_path):
    rows = ["actor,target,ts"] + [f"p{i % 7},p{(i + 1) % 7},{1577836800 + i * 3600}" for i in range(300)]
    rows += ["p1,p2,315446400", "p2,p3,0", "p3,p4,4102444800"]  # 1979-12-31, the epoch, 2100
    (tmp_path / "mail.csv").write_text("\n".join(rows) + "\n")
    res = read_csv(tmp_path / "mail.csv")
    ts = res.events.column("ts").to_pandas()
    assert res.records_read == 303 and ts.isna().sum() == 3  # kept as events, without a date
    assert res.records_skipped == {IMPLAUSIBLE: 2, ISOLATED: 1}
    assert ts.dropna().dt.year.eq(2020).all()
    kept = read_csv(tmp_path / "mail.csv", date_check="bounds")
    assert kept.records_skipped == {IMPLAUSIBLE: 2}
    assert kept.events.column("ts").to_pandas().min().year == 1979


def test_parquet_integer_milliseconds(tmp_path):
    ms = np.arange(200, dtype=np.int64) * 60_000 + 1_736_150_400_000
    pq.write_table(pa.table({"actor": ["a"] * 200, "kind": ["post"] * 200, "ts": ms}), tmp_path / "e.parquet")
    ts = read_parquet(tmp_path / "e.parquet").events.column("ts").to_pandas()
    assert ts.iloc[0] == pd.Timestamp("2025-01-06T08:00:00Z") and ts.iloc[-1].year == 2025


def test_unreadable_timestamp_is_an_error_naming_the_row(tmp_path):
    (tmp_path / "e.csv").write_text("actor,ts\nana,1736150400\nben,next tuesday\n")
    with pytest.raises(InputError, match=r"e\.csv: row 2: cannot parse timestamp 'next tuesday'.*seconds or milliseconds"):
        read_csv(tmp_path / "e.csv")


# ---------------------------------------------------------------- the command line, on real mail


@pytest.mark.realdata
def test_cli_date_check_and_subject_threads_on_enron(shared_dataset):
    import json

    path = str(shared_dataset("enron_maildir_subset") / "maildir")
    default = json.loads(CliRunner().invoke(main, ["inspect", "--json", path]).stdout)
    bounds = json.loads(CliRunner().invoke(main, ["inspect", "--json", "--date-check", "bounds", path]).stdout)
    assert default["first"].startswith("1999-12-10") and default["records_noted"][ISOLATED] == 7
    assert bounds["first"].startswith("1980-01-01") and ISOLATED not in bounds["records_noted"]
    off = CliRunner().invoke(main, ["inspect", "--json", "--no-subject-threads", path])
    assert off.exit_code == 0, off.output
    assert default["replies"] == 357 and json.loads(off.stdout)["replies"] == 0
    assert maildir_reader.read(Path(path), date_check="bounds").records_skipped[IMPLAUSIBLE] == 21


# ---------------------------------------------------------------- dates kept in their chunks


def test_a_chunked_column_is_judged_as_one_and_kept_in_its_chunks():
    # The dates of a Parquet file read in batches are judged together without being joined: the
    # same nulled dates and counts as one array, for strays on both sides, out-of-bounds dates
    # and missing ones, wherever the chunks are cut.
    rng = np.random.default_rng(7)
    ts_type = pa.timestamp("us", tz="UTC")
    start = 1_700_000_000_000_000
    for trial in range(300):
        n = int(rng.integers(1, 2000))
        values = start + rng.integers(0, 10**12 * int(rng.integers(1, 40)), n)
        for i in rng.integers(0, n, int(rng.integers(0, 6))):
            values[i] = start + int(rng.choice([-1, 1])) * int(rng.integers(10**13, 10**15))
        if trial % 5 == 0:
            values[rng.integers(0, n, 2)] = 0  # the Unix epoch: out of bounds
        whole = pa.array(values, pa.int64(), mask=rng.random(n) < (0.3 if trial % 3 == 0 else 0)).cast(ts_type)
        cuts = np.sort(rng.integers(0, n + 1, int(rng.integers(0, 5))))
        pieces = [whole.slice(a, b - a) for a, b in zip([0, *cuts], [*cuts, n], strict=True)]
        for date_check in ("outliers", "bounds"):
            one = check_dates(whole, date_check=date_check)
            chunked = check_dates(pa.chunked_array(pieces, ts_type), date_check=date_check)
            assert [len(c) for c in chunked.dates.chunks] == [len(p) for p in pieces]
            assert chunked.dates.combine_chunks().equals(one.dates)
            assert (chunked.out_of_bounds, chunked.isolated) == (one.out_of_bounds, one.isolated)
            assert np.array_equal(chunked.implausible, one.implausible)
