"""``orgnet identities``: who is who in exports: likely duplicate identities as a ready alias file, non-human senders."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from orgnet.cli._common import console, guarded
from orgnet.connectors.tabular import parse_column_map
from orgnet.directory import read_directory
from orgnet.identity import alias_file, read_aliases
from orgnet.inspect import membership_line
from orgnet.load import load_events

__all__ = ["command"]

#: Rows shown in each table on screen (the file holds them all).
_SHOWN = 30


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("aliases.csv"),
              show_default=True, help="Alias file to write (alias,person,evidence,certain): use it with --alias.")
@click.option("--format", "fmt", help="Reader to use instead of sniffing (see `orgnet formats`).")
@click.option("--org-domain", "org_domains", multiple=True, metavar="DOMAIN",
              help="E-mail domain of the organisation (repeatable); inferred from the senders when not given.")
@click.option("--directory", "directory_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="HR directory CSV: its people are the members, and two of them are never one person.")
@click.option("--alias", "alias_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Aliases already known (alias,person): applied before looking for more.")
@click.option("--map", "column_map", metavar="COL=NAME,...", help="Map event columns to a table's columns.")
@click.option("--no-auto-merge", is_flag=True, help="List even the certain duplicates as suggestions only.")
@guarded
def command(paths: tuple[Path, ...], out: Path, fmt: str | None, org_domains: tuple[str, ...],
            directory_path: Path | None, alias_path: Path | None, column_map: str | None,
            no_auto_merge: bool) -> None:
    """Suggest duplicate identities in PATHS (with their evidence) and write them as an alias file."""
    loaded = load_events(list(paths), format=fmt,
                         directory=read_directory(directory_path) if directory_path else None,
                         aliases=read_aliases(alias_path) if alias_path else None,
                         auto_merge=not no_auto_merge, org_domain=list(org_domains) or None,
                         column_map=parse_column_map(column_map))
    rows = alias_file(loaded.duplicates, loaded.merged)
    rows.to_csv(out, index=False)
    m = loaded.membership
    if m is not None:
        console.print(escape(membership_line(m.rule, m.domains, m.note, m.members, m.external, m.non_human)),
                      highlight=False)
    people = loaded.people
    flagged = people.loc[people["non_human"] != "", ["person", "name", "non_human"]].fillna("")
    if len(flagged):
        t = Table(title=f"Non-human senders ({len(flagged):,})", title_justify="left")
        for col in ("account", "name", "evidence"):
            t.add_column(col, overflow="fold")
        for row in flagged.head(_SHOWN).itertuples(index=False):
            t.add_row(*(escape(str(v)) for v in row))
        console.print(t)
    if len(rows):
        t = Table(title=f"Likely duplicates ({len(rows):,}; {int(rows['certain'].sum()):,} certain)",
                  title_justify="left")
        for col in ("alias", "person", "evidence", "certain"):
            t.add_column(col, overflow="fold")
        for row in rows.head(_SHOWN).itertuples(index=False):
            t.add_row(*(escape(str(v)) for v in (row.alias, row.person, row.evidence)), "yes" if row.certain else "")
        console.print(t)
    console.print(f"Wrote {len(rows):,} aliases to [bold]{escape(str(out))}[/] (delete the rows you disagree with, "
                  "then pass it with --alias).", highlight=False)
