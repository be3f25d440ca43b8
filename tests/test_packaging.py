"""The wheel and the editable install both give a working `orgnet`, with no top-level `cli` module."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True, capture_output=True, cwd=out,
    )
    return next(out.glob("orgnet-*.whl"))


def test_wheel_installs_only_the_orgnet_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.startswith("orgnet-")}
    assert top == {"orgnet"}
    for expected in ("orgnet/cli/__init__.py", "orgnet/cli/analyze.py", "orgnet/synthetic/__init__.py",
                     "orgnet/report/templates/map.html"):
        assert expected in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "orgnet = orgnet.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_wheel_install_gives_a_working_command(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    # Run from an empty folder so nothing from the repository is importable by accident.
    done = subprocess.run([sys.executable, "-c", "import orgnet.cli, orgnet; print(orgnet.__file__)"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip().startswith(str(target))
    helped = subprocess.run([sys.executable, "-m", "orgnet.cli", "--help"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True)
    assert "analyze" in helped.stdout
    assert (target / "bin" / "orgnet").exists()
    no_cli = subprocess.run([sys.executable, "-c", "import cli"], cwd=tmp_path, env=env, capture_output=True)
    assert no_cli.returncode != 0


def test_editable_install_gives_a_working_command(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("orgnet")
    assert script.exists(), "orgnet is not installed in this environment (make install)"
    done = subprocess.run([str(script), "--help"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "analyze" in done.stdout
    no_cli = subprocess.run([sys.executable, "-c", "import cli"], cwd=tmp_path, capture_output=True)
    assert no_cli.returncode != 0
