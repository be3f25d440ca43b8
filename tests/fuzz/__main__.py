"""Run the hostile-input tests for longer: ``python -m tests.fuzz --seconds 600`` (seconds per test)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pytest


def main(argv: list[str] | None = None) -> int:
    """Parse ``--seconds`` and run ``pytest tests/fuzz`` with that budget per test."""
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="fuzzing time per test (default 60)")
    parser.add_argument("-k", default=None, help="only tests matching this pytest expression (e.g. mbox)")
    args = parser.parse_args(argv)
    os.environ["ORGNET_FUZZ_SECONDS"] = str(args.seconds)
    cmd = [str(Path(__file__).resolve().parent), "-q", "-p", "no:cacheprovider"]
    if args.k:
        cmd += ["-k", args.k]
    return int(pytest.main(cmd))


if __name__ == "__main__":
    sys.exit(main())
