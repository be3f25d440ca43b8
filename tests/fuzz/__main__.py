"""Run the hostile-input tests for longer: ``python -m tests.fuzz --seconds 600`` (seconds per test).

``--save-failures`` copies every input that fails into ``tests/fuzz/corpus/<reader>/`` (replayed
by ``test_corpus`` from then on; commit it with the fix); ``--report FILE`` writes what was
tried, per reader, as JSON (inputs tried and their outcome, fields given wrong values, failures).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run ``pytest tests/fuzz`` with that budget per test."""
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="fuzzing time per test (default 60)")
    parser.add_argument("-k", default=None, help="only tests matching this pytest expression (e.g. mbox)")
    parser.add_argument("--save-failures", action="store_true", help="copy failing inputs into tests/fuzz/corpus")
    parser.add_argument("--report", type=Path, default=None, help="write what was tried to this JSON file")
    args = parser.parse_args(argv)
    os.environ["ORGNET_FUZZ_SECONDS"] = str(args.seconds)
    if args.save_failures:
        os.environ["ORGNET_FUZZ_SAVE_FAILURES"] = "1"
    if args.report is not None:
        os.environ["ORGNET_FUZZ_REPORT"] = str(args.report.resolve())
    cmd = [str(Path(__file__).resolve().parent), "-q", "-p", "no:cacheprovider"]
    if args.k:
        cmd += ["-k", args.k]
    return int(pytest.main(cmd))


if __name__ == "__main__":
    sys.exit(main())
