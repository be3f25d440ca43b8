"""The readers' options, shared by every command that reads exports (analyze, inspect, import)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from orgnet.connectors.dates import DATE_CHECKS
from orgnet.connectors.tabular import HEADERLESS_ORDER, parse_column_map, parse_delimiter, parse_kind_map

__all__ = ["reader_options"]

F = TypeVar("F", bound=Callable[..., Any])


def _parsed(parse: Callable[[str | None], Any]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    # A malformed value is a usage error (exit code 2) named after its option, before anything is read.
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        try:
            return parse(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc).split(": ", 1)[-1]) from None

    return callback


_OPTIONS = (
    click.option("--map", "column_map", metavar="COL=NAME,...", callback=_parsed(parse_column_map),
                 help="Tables: map event columns to the file's columns, e.g. actor=sender,target=recipient,ts=date "
                      "(with --no-header: by position, actor=1,target=2)."),
    click.option("--delimiter", metavar="CHAR", callback=_parsed(parse_delimiter),
                 help="CSV: field separator (one character, or tab); found from the file when not given "
                      "(comma, semicolon, tab or pipe)."),
    click.option("--no-header", is_flag=True,
                 help="CSV: the first line is data, not column names; columns are numbered from 1 and read as "
                      f"{','.join(HEADERLESS_ORDER[:2])}[,{HEADERLESS_ORDER[2]}[,{HEADERLESS_ORDER[3]}]] "
                      "unless --map names them."),
    click.option("--kinds", "kind_map", metavar="VALUE=KIND,...", callback=_parsed(parse_kind_map),
                 help="Tables: map the file's kind values to event kinds, e.g. like=reaction,comment=reply."),
    click.option("--no-subject-threads", is_flag=True,
                 help="E-mail: thread by In-Reply-To/References only; do not link RE:/FW: mails without them by "
                      "subject."),
    click.option("--date-check", type=click.Choice(DATE_CHECKS),
                 help="E-mail, CSV, Parquet: which dates are implausible (kept without a date): 'outliers' (default: "
                      "before 1971, in the future, or isolated far from all other dates) or 'bounds' (the first two "
                      "only)."),
)


def reader_options(func: F) -> F:
    """Add ``--map``, ``--delimiter``, ``--no-header``, ``--kinds``, ``--no-subject-threads`` and
    ``--date-check`` to a command.

    The command receives them parsed, in one keyword argument ``reader_options`` (a dict of
    reader keyword arguments: ``column_map``, ``delimiter``, ``no_header``, ``kind_map``,
    ``threading``, ``date_check``); options left unset are dropped before a reader sees them.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, column_map: dict[str, str], delimiter: str | None, no_header: bool,
                kind_map: dict[str, str], no_subject_threads: bool, date_check: str | None, **kwargs: Any) -> Any:
        kwargs["reader_options"] = {"column_map": column_map, "delimiter": delimiter, "no_header": no_header,
                                    "kind_map": kind_map, "threading": "headers" if no_subject_threads else None,
                                    "date_check": date_check}
        return func(*args, **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]
