"""Open input files without ever blocking: FIFOs, devices and sockets are refused, not read.

``open()`` on a FIFO waits for a writer, forever; a character device (``/dev/zero``) never
ends. Every file a reader opens goes through :func:`open_regular`, which opens without
blocking (``O_NONBLOCK``) and checks that what it opened is a regular file (``S_ISREG``)
before a byte is read. A folder walk counts what it refuses (:data:`NOT_REGULAR`).

Examples
--------
>>> import os, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); os.mkfifo(d / "pipe")
>>> open_regular(d / "pipe")
Traceback (most recent call last):
...
orgnet.connectors._files.NotRegularFile: .../pipe: a FIFO (named pipe), not a regular file; refusing to read it
>>> check_path(d / "pipe")
Traceback (most recent call last):
...
orgnet.connectors._files.NotRegularFile: .../pipe: a FIFO (named pipe), not a regular file; refusing to read it
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from orgnet.connectors.base import InputError

__all__ = ["NOT_REGULAR", "UNREADABLE", "NotRegularFile", "check_path", "open_regular"]

#: Reasons a folder walk counts a file it does not read.
NOT_REGULAR = "not a regular file (FIFO, device or socket)"
UNREADABLE = "unreadable file"


class NotRegularFile(InputError):
    """A path is a FIFO, a device or a socket: reading it could block or never end."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a file"


def check_path(path: str | Path) -> None:
    """Refuse a path given to a reader that is neither a regular file nor a folder (without opening it).

    Raises
    ------
    InputError
        The path does not exist or cannot be looked at (:class:`NotRegularFile` when it is a
        FIFO, device or socket).
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError(path, "no such file or folder") from None
    except OSError as exc:
        raise InputError(path, f"cannot look at it ({exc.strerror or exc})") from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise NotRegularFile(path, f"{_kind(mode)}, not a regular file; refusing to read it")


def open_regular(path: str | Path) -> BinaryIO:
    """Open a regular file for binary reading; anything else is refused before it is read.

    Raises
    ------
    NotRegularFile
        The path is a FIFO, a device, a socket or a folder.
    InputError
        The file cannot be opened (missing, permission denied, ...).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(path, f"cannot open: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:  # pragma: no cover - fstat on an open descriptor
        os.close(fd)
        raise InputError(path, f"cannot open: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotRegularFile(path, f"{_kind(mode)}, not a regular file; refusing to read it")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)  # a regular file: reads behave as usual
    return os.fdopen(fd, "rb")
