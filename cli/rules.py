"""``orgnet rules``: every threshold that turns a measure into a flag, its default and why."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from orgnet.cli._common import console
from orgnet.findings.rules import Rules

__all__ = ["command"]


@click.command()
def command() -> None:
    """List the rules and their defaults (change one with `orgnet analyze --rule NAME=VALUE`)."""
    table = Table("rule", "default", "meaning", title="Rules (docs/metrics.md)", title_justify="left")
    for name, value, text in Rules().describe():
        table.add_row(name, "off" if value is None else str(value), escape(text))
    console.print(table)
