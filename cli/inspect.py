"""``orgnet inspect``: say what exports hold (format, records, people, channels, period) before analysing them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from orgnet.cli._common import console, guarded
from orgnet.connectors.dates import DATE_CHECKS
from orgnet.inspect import inspect_paths

__all__ = ["command"]

_ROWS: tuple[tuple[str, str], ...] = (
    ("format", "format"),
    ("records_read", "records read"),
    ("skipped", "skipped (see reasons)"),
    ("events", "events"),
    ("messages", "messages (posts + replies)"),
    ("posts", "  posts"),
    ("replies", "  replies"),
    ("reactions", "reactions"),
    ("mentions", "mentions"),
    ("people", "people"),
    ("active_people", "  active"),
    ("inactive_people", "  inactive (watchers)"),
    ("channels", "channels"),
    ("threads", "threads"),
    ("threads_with_replies", "  with replies"),
    ("first", "first"),
    ("last", "last"),
)


def _cell(summary: dict[str, Any], key: str) -> str:
    if key == "skipped":
        return f"{sum(summary['records_skipped'].values()):,}"
    value = summary.get(key)
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    if key in ("first", "last"):
        return str(value)[:19].replace("T", " ")  # to the second: the full value is in --json
    return escape(str(value))


def _render(summary: dict[str, Any]) -> None:
    sources = summary.get("sources") or [summary]
    table = Table(title="What the export holds", title_justify="left")
    table.add_column("")
    for s in sources:
        table.add_column(escape(Path(s["path"]).name or str(s["path"])), justify="right")
    if "sources" in summary:
        table.add_column("total", justify="right", style="bold")
    columns = [*sources, summary] if "sources" in summary else sources
    for key, label in _ROWS:
        table.add_row(label, *(_cell(s, key) for s in columns))
    console.print(table)
    skipped = summary["records_skipped"]
    if skipped:
        reasons = Table(title="Skipped, by reason", title_justify="left")
        reasons.add_column("reason")
        reasons.add_column("count", justify="right")
        for reason, count in skipped.items():
            reasons.add_row(escape(reason), f"{count:,}")
        console.print(reasons)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", help="Reader to use instead of sniffing (e.g. slack, teams, csv).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--no-subject-threads", is_flag=True,
              help="E-mail: thread by In-Reply-To/References only; do not link RE:/FW: mails without them by subject.")
@click.option("--date-check", type=click.Choice(DATE_CHECKS),
              help="E-mail, CSV, Parquet: which dates are implausible (kept without a date): 'outliers' (default: "
                   "before 1971, in the future, or isolated far from all other dates) or 'bounds' (the first two only).")
@guarded
def command(paths: tuple[Path, ...], fmt: str | None, as_json: bool, no_subject_threads: bool = False,
            date_check: str | None = None) -> None:
    """Show what exports hold: format, records read and skipped, people, channels, period."""
    summary = inspect_paths(list(paths), format=fmt, threading="headers" if no_subject_threads else None,
                            date_check=date_check)
    if as_json:
        click.echo(json.dumps(summary, indent=2, default=str))
    else:
        _render(summary)
