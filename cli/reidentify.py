"""``orgnet reidentify``: map pseudonyms from a report back to people, for those who hold the key."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from orgnet.cli._common import console, guarded
from orgnet.privacy import load_key, read_candidates, reidentify

__all__ = ["command"]


@click.command()
@click.argument("pseudonyms", nargs=-1, required=True)
@click.option("--candidates", "candidates_path", required=True, type=click.Path(exists=True, path_type=Path),
              help="Who they may be: an HR directory CSV, a file of ids (one per line) or the original export.")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The key the report was made with (else $ORGNET_KEY).")
@guarded
def command(pseudonyms: tuple[str, ...], candidates_path: Path, key_file: Path | None) -> None:
    """Show who PSEUDONYMS stand for, by recomputing the keyed hash of every candidate.

    A pseudonym cannot be reversed: only people in --candidates can be found, and only with the key.
    """
    key = load_key(key_file)
    found = reidentify(pseudonyms, read_candidates(candidates_path), key)
    t = Table(title="Re-identified", title_justify="left")
    t.add_column("pseudonym")
    t.add_column("person")
    for ps, who in found.items():
        t.add_row(escape(ps), escape(who) if who is not None else "[dim](not among the candidates)[/]")
    console.print(t)
    if any(v is None for v in found.values()):
        raise SystemExit(1)
