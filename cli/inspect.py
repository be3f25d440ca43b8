"""``orgnet inspect``: say what exports hold (format, records, people, channels, period) before analysing them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from orgnet.cli._common import console, guarded
from orgnet.cli._readers import reader_options
from orgnet.inspect import inspect_paths, membership_line

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
    ("active_people", "  active (contributed: anything but joining or viewing)"),
    ("inactive_people", "  watchers (only joined or viewed, or no event)"),
    ("external_people", "external correspondents (not people of the organisation)"),
    ("non_human_people", "non-human senders (lists, bots, role mailboxes; not people)"),
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
    noted = summary.get("records_noted") or {}
    if noted:
        kept = Table(title="Kept, with a note", title_justify="left")
        kept.add_column("reason")
        kept.add_column("count", justify="right")
        for reason, count in noted.items():
            kept.add_row(escape(reason), f"{count:,}")
        console.print(kept)


#: Non-human senders and duplicate suggestions shown on screen (--json and `orgnet identities` give all).
_SHOWN = 25


def _render_identities(ids: dict[str, Any]) -> None:
    m = ids.get("membership") or {}
    if m:
        console.print(escape(membership_line(m["rule"], m["domains"], m["note"], m["members"], m["external"],
                                             m["non_human"])), highlight=False)
    if ids.get("duplicate_events"):
        console.print(f"Duplicates across inputs: {ids['duplicate_events']:,} events given by an earlier path "
                      "(counted once).", highlight=False)
    for key, title, columns in (("non_human", "Non-human senders", ("person", "name", "evidence")),
                                ("duplicates", "Likely duplicate identities", ("alias", "person", "evidence",
                                                                               "certain"))):
        rows = ids.get(key) or []
        if not rows:
            continue
        more = f", first {_SHOWN}" if len(rows) > _SHOWN else ""
        table = Table(title=f"{title} ({len(rows):,}{more})", title_justify="left")
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows[:_SHOWN]:
            table.add_row(*(escape("yes" if row[c] is True else "" if row[c] in (None, False) else str(row[c]))
                            for c in columns))
        console.print(table)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", help="Reader to use instead of sniffing (e.g. slack, teams, csv).")
@click.option("--org-domain", "org_domains", multiple=True, metavar="DOMAIN",
              help="E-mail domain of the organisation (repeatable); inferred from the senders when not given.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@reader_options
@guarded
def command(paths: tuple[Path, ...], fmt: str | None, as_json: bool, reader_options: dict[str, Any],
            org_domains: tuple[str, ...] = ()) -> None:
    """Show what exports hold: format, records, people, channels, period, non-human senders, duplicates."""
    summary = inspect_paths(list(paths), format=fmt, org_domain=list(org_domains) or None, **reader_options)
    if as_json:
        click.echo(json.dumps(summary, indent=2, default=str))
    else:
        _render(summary)
        _render_identities(summary["identities"])
