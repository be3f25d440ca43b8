"""The ``orgnet`` command: thin wrappers, each a few lines over a library call.

Each command lives in its own module here and is listed in ``_COMMANDS``; a module exposes
``command`` (a click command or group).
"""

from __future__ import annotations

import importlib

import click

from orgnet import __version__

__all__ = ["main"]

# (module, command name): one module per command keeps this file free of logic.
_COMMANDS: tuple[tuple[str, str], ...] = (
    ("analyze", "analyze"),
    ("formats", "formats"),
    ("rules", "rules"),
    ("inspect", "inspect"),
    ("identities", "identities"),
    ("import_", "import"),
    ("store", "store"),
    ("synth", "synth"),
    ("reidentify", "reidentify"),
    ("screenshots", "screenshots"),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orgnet")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error (for a bug report).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Organisational network analysis from collaboration metadata.

    Bad input ends with one message naming the file and record, exit code 2; a bug in orgnet
    ends with exit code 1 and a request to report it (``--debug`` shows its traceback).
    """
    ctx.obj = {**(ctx.obj or {}), "debug": debug}


for _module, _name in _COMMANDS:
    main.add_command(importlib.import_module(f"orgnet.cli.{_module}").command, _name)
