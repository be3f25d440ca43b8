"""The ``orgnet`` command: thin wrappers, each a few lines over a library call.

Each command lives in its own module here and is listed in ``_COMMANDS``; a module exposes
``command`` (a click command or group).
"""

from __future__ import annotations

import importlib

import click

from orgnet import __version__

__all__ = ["main"]

# (module, command name, the command's short help): one module per command keeps this file free
# of logic. A command's module (and the analysis stack behind it) is imported only when that
# command runs, so `orgnet --version` and `orgnet --help` answer at once; a test keeps the short
# help here equal to each command's own.
_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("analyze", "analyze",
     "Analyse exported collaboration logs (PATHS, or --store) and write a report folder."),
    ("formats", "formats",
     "List the export formats orgnet reads (names for --format)."),
    ("rules", "rules",
     "List the rules and their defaults (change one with `orgnet analyze --rule NAME=VALUE`)."),
    ("inspect", "inspect",
     "Show what exports hold: format, records, people, channels, period, non-human senders, duplicates."),
    ("identities", "identities",
     "Suggest duplicate identities in PATHS (with their evidence) and write them as an alias file."),
    ("import_", "import",
     "Import exports into a store; events already there are skipped (see docs/scale.md for the key)."),
    ("store", "store",
     "Inspect an event store made by `orgnet import`."),
    ("synth", "synth",
     "Generate a realistic organisation (directory, events, planted truth) into OUT."),
    ("reidentify", "reidentify",
     "Show who PSEUDONYMS stand for, by recomputing the keyed hash of every candidate."),
    ("screenshots", "screenshots",
     "Screenshot REPORT_DIR's index.html (whole page) and map.html, offline, with headless Chromium."),
)


class _LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for _, name, _ in _COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module, name, _ in _COMMANDS:
            if name == cmd_name:
                command: click.Command = importlib.import_module(f"orgnet.cli.{module}").command
                return command
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for _, name, _ in _COMMANDS)
        rows = sorted((name, click.utils.make_default_short_help(short, limit)) for _, name, short in _COMMANDS)
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orgnet")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error (for a bug report).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Organisational network analysis from collaboration metadata.

    Bad input ends with one message naming the file and record, exit code 2; a bug in orgnet
    ends with exit code 1 and a request to report it (``--debug`` shows its traceback).
    """
    ctx.obj = {**(ctx.obj or {}), "debug": debug}
