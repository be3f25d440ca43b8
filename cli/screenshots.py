"""``orgnet screenshots``: PNG screenshots of a report's index.html and map.html (headless Chromium)."""

from __future__ import annotations

from pathlib import Path

import click

from orgnet.cli._common import console, guarded
from orgnet.report.browser import BrowserMissing, screenshot_report

__all__ = ["command"]


@click.command()
@click.argument("report_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("screenshots"),
              show_default=True, help="Folder for index.png and map.png (created).")
@click.option("--width", type=int, default=1280, show_default=True, help="Viewport width in CSS pixels.")
@click.option("--height", type=int, default=860, show_default=True, help="Viewport height in CSS pixels.")
@guarded
def command(report_dir: Path, out: Path, width: int, height: int) -> None:
    """Screenshot REPORT_DIR's index.html (whole page) and map.html, offline, with headless Chromium."""
    try:
        shots = screenshot_report(report_dir, out, width=width, height=height)
    except BrowserMissing as exc:
        raise click.ClickException(str(exc)) from None
    for shot in shots:
        console.print(f"[green]✓[/] {shot}", highlight=False)
