"""``orgnet formats``: the readers orgnet has, as `--format` names."""

from __future__ import annotations

import click
from rich.table import Table

from orgnet.cli._common import console
from orgnet.connectors import READERS

__all__ = ["command"]


@click.command()
def command() -> None:
    """List the export formats orgnet reads (names for --format)."""
    table = Table("format", "what it reads")
    for name, reader in READERS.items():
        table.add_row(name, reader.description)
    console.print(table)
