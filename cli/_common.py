"""What every command shares: turning library errors into a clear message and exit code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from rich.console import Console
from rich.markup import escape

from orgnet.connectors.base import InputError
from orgnet.events import EventSchemaError

__all__ = ["console", "err_console", "guarded"]

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

#: Errors that are the input's fault: shown as one clear line, exit code 2, no traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (
    InputError, EventSchemaError, FileNotFoundError, FileExistsError, NotADirectoryError, ValueError,
)


def guarded(func: F) -> F:
    """Run a command so that bad input ends with a message and exit code 2, not a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except USER_ERRORS as exc:
            err_console.print("[bold red]error:[/]", escape(str(exc)), highlight=False)
            raise SystemExit(2) from None

    return wrapper  # type: ignore[return-value]
