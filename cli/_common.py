"""What every command shares: the one boundary turning errors into a message and an exit code.

:func:`guarded` wraps every command. Input the user can fix (:class:`InputError`,
:class:`EventSchemaError`, a file that is missing, unreadable or cannot be written) ends with one
line naming the file and exit code 2. Anything else is a bug in orgnet: it ends with exit code 1
and a request to report it; the traceback is shown only with ``orgnet --debug`` (or
``ORGNET_DEBUG=1``), never to a user by default.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

__all__ = ["BUG_EXIT", "INPUT_EXIT", "ISSUES_URL", "console", "debug_enabled", "err_console", "guarded"]

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code for input the user can fix; for a bug in orgnet.
INPUT_EXIT, BUG_EXIT = 2, 1
#: Where a bug is reported (the project names no public URL yet).
ISSUES_URL = "the orgnet issue tracker"

#: Errors that are the input's fault: shown as one clear line, exit code 2, no traceback.
def plain(text: str) -> str:
    """:func:`orgnet.privacy.terminal.plain`, imported on use: a command that never fails never loads it."""
    from orgnet.privacy.terminal import plain as strip_controls

    return strip_controls(text)


# InputError and EventSchemaError are ValueErrors: caught here without importing their modules
# (and pandas, pyarrow behind them) in commands that read no data (`orgnet rules`, `formats`).
USER_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError)


def _is_input_error(exc: BaseException) -> bool:
    base = sys.modules.get("orgnet.connectors.base")  # not loaded: no InputError can have been raised
    return base is not None and isinstance(exc, base.InputError)


# Where orgnet's own code lives (three folders in a source checkout, one in a wheel).
_OWN_CODE = tuple(
    Path(spec.origin).resolve().parent
    for spec in map(importlib.util.find_spec, ("orgnet", "orgnet.cli", "orgnet.synthetic"))
    if spec is not None and spec.origin is not None
)


def _raised_by_orgnet(exc: BaseException) -> bool:
    # Our own errors (and OS errors about the user's files) are the input's fault; a bare
    # ValueError raised inside numpy or pandas is not, and must not pass as one.
    if type(exc) is not ValueError:
        return True
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    if last is None:
        return False
    origin = Path(last).resolve()
    return any(origin.is_relative_to(root) for root in _OWN_CODE)


def debug_enabled() -> bool:
    """Whether tracebacks are shown: ``orgnet --debug`` or ``ORGNET_DEBUG=1``."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    if root is not None and isinstance(root.obj, dict) and root.obj.get("debug"):
        return True
    return os.environ.get("ORGNET_DEBUG", "") not in ("", "0")


def _user_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not _is_input_error(exc):
        # "No space left on device", "Permission denied": say which file, once.
        what = exc.strerror or str(exc)
        name = exc.filename if exc.filename is not None else None
        return f"{name}: {what}" if name else what
    return str(exc)


def _report_bug(exc: BaseException) -> None:
    if debug_enabled():
        err_console.print(escape("".join(traceback.format_exception(exc))), highlight=False, soft_wrap=True)
    err_console.print(
        "[bold red]orgnet hit a bug:[/]", escape(plain(f"{type(exc).__name__}: {exc}")), highlight=False, soft_wrap=True,
    )
    err_console.print(
        f"This is not your input's fault. Please file it as an issue on {ISSUES_URL} with the output of the same "
        "command run as `orgnet --debug ...` (it shows the traceback; check it holds no names first).",
        highlight=False, soft_wrap=True,
    )


def guarded(func: F) -> F:
    """Run a command so that bad input ends with a message and exit code 2, a bug with exit code 1.

    Neither shows a traceback unless ``--debug`` is given.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own usage errors keep their exit code and wording
        except USER_ERRORS as exc:
            if not _raised_by_orgnet(exc):
                _report_bug(exc)  # a ValueError from deep inside a library is a bug
                raise SystemExit(BUG_EXIT) from None
            if debug_enabled():
                err_console.print(escape("".join(traceback.format_exception(exc))), highlight=False)
            # soft_wrap: a path in the message must stay whole, to be copied.
            # plain: no control character from the data reaches the terminal.
            err_console.print("[bold red]error:[/]", escape(plain(_user_message(exc))), highlight=False,
                              soft_wrap=True)
            raise SystemExit(INPUT_EXIT) from None
        except Exception as exc:  # noqa: BLE001 - the one place any other error becomes a bug report
            _report_bug(exc)
            raise SystemExit(BUG_EXIT) from None

    return wrapper  # type: ignore[return-value]
