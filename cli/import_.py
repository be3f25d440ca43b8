"""``orgnet import``: read exports and add their events to a DuckDB store (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from orgnet import connectors
from orgnet.cli._common import console, guarded
from orgnet.cli._readers import reader_options
from orgnet.store import import_events, store_info

__all__ = ["command"]


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--store", "store_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="DuckDB store file (created on first import).")
@click.option("--format", "fmt", help="Reader to use instead of sniffing.")
@reader_options
@guarded
def command(paths: tuple[Path, ...], store_path: Path, fmt: str | None, reader_options: dict[str, Any]) -> None:
    """Import exports into a store; events already there are skipped (see docs/scale.md for the key)."""
    for path in paths:
        result = connectors.read(path, format=fmt, **reader_options)
        done = import_events(store_path, result.events, str(path), people=result.people)
        completed = f", {done['completed']:,} stored events given their target" if done["completed"] else ""
        console.print(f"[green]✓[/] {path}: {done['added']:,} new of {done['rows_in']:,} events "
                      f"({result.format}){completed}, {done['people_in']:,} people", highlight=False)
    info = store_info(store_path)
    console.print(f"{store_path}: {info['events']:,} events, {info['people']:,} people, "
                  f"{info['first'] or '-'} to {info['last'] or '-'}", highlight=False)
