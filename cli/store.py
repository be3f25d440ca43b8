"""``orgnet store``: look into a DuckDB event store (``orgnet store info``)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from orgnet.cli._common import console, guarded
from orgnet.store import store_info

__all__ = ["command"]


@click.group()
def command() -> None:
    """Inspect an event store made by `orgnet import`."""


@command.command("info")
@click.option("--store", "store_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="DuckDB store file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys: events, people, first, last, sources, imports).")
@guarded
def info(store_path: Path, as_json: bool) -> None:
    """Sources, event counts and periods held by a store."""
    data = store_info(store_path)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    console.print(f"[bold]{store_path}[/]: {data['events']:,} events, {data['people']:,} people, "
                  f"{data['first'] or '-'} to {data['last'] or '-'}", highlight=False)
    t = Table(title="Sources", title_justify="left")
    for col in ("source", "events", "first", "last"):
        t.add_column(col, justify="right" if col == "events" else "left")
    for name, s in data["sources"].items():
        t.add_row(name, f"{s['events']:,}", s["first"] or "-", s["last"] or "-")
    console.print(t)
