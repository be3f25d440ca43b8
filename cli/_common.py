"""What every command shares: turning library errors into a clear message and exit code."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.markup import escape

from orgnet.connectors.base import InputError
from orgnet.events import EventSchemaError
from orgnet.privacy.terminal import plain

__all__ = ["console", "err_console", "guarded"]

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

#: Errors that are the input's fault: shown as one clear line, exit code 2, no traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (
    InputError, EventSchemaError, FileNotFoundError, FileExistsError, NotADirectoryError, ValueError,
)


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


def guarded(func: F) -> F:
    """Run a command so that bad input ends with a message and exit code 2, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except USER_ERRORS as exc:
            if not _raised_by_orgnet(exc):
                raise  # a ValueError from deep inside a library is a bug: keep its traceback
            # soft_wrap: a path in the message must stay whole, to be copied.
            # plain: no control character from the data reaches the terminal.
            err_console.print("[bold red]error:[/]", escape(plain(exc)), highlight=False, soft_wrap=True)
            raise SystemExit(2) from None

    return wrapper  # type: ignore[return-value]
