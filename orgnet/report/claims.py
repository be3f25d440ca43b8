"""Pieces of work shared by two processes through a folder: each piece claimed once, its result left there.

The drill-down maps of a large organisation are drawn by a worker process while the main process
writes the tables; once the main process is done with those, it draws the pages the worker has
not started yet (:func:`orgnet.report.map.draw_unclaimed_groups`). A piece is claimed by
creating its file with ``O_CREAT | O_EXCL``, which the file system grants to one process only;
the process that drew it leaves its result beside (written under another name, then renamed, so
a reader never sees half of it), and the process that assembles the whole waits for it.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> mine, theirs = Claims(folder), Claims(folder)
>>> mine.take(3), theirs.take(3), theirs.take(4), mine.taken(5)
(True, False, True, False)
>>> theirs.leave(4, {"drawn": 4})
>>> mine.wait(4)
{'drawn': 4}
>>> Claims(None).take(3)  # no folder: nothing is shared, every piece is one's own
True
"""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path
from typing import Any

__all__ = ["Claims"]

#: Seconds between looks for a result another process is still working on.
POLL_SECONDS = 0.05


class Claims:
    """Claims on pieces of work numbered by integers, in ``folder`` (None: no sharing)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def take(self, piece: int) -> bool:
        """Claim ``piece``; False when another process has claimed it already."""
        if self.folder is None:
            return True
        try:
            os.close(os.open(self.folder / f"{piece}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def taken(self, piece: int) -> bool:
        """Whether some process has claimed ``piece`` (never, without a folder)."""
        return self.folder is not None and (self.folder / f"{piece}.claim").exists()

    def leave(self, piece: int, result: Any) -> None:
        """Leave the result of a claimed ``piece`` for the process that assembles the whole."""
        if self.folder is None:
            return
        part = self.folder / f"{piece}.part"
        part.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        part.replace(self.folder / f"{piece}.result")

    def wait(self, piece: int) -> Any:
        """The result another process left for ``piece`` (waiting until it is there).

        There is no time limit: the process drawing it either finishes it or fails, and a
        failure stops this one (:func:`orgnet.report.write_report` stops its workers).
        """
        if self.folder is None:
            raise ValueError(f"piece {piece} was not drawn here and nothing is shared")
        path = self.folder / f"{piece}.result"
        while not path.exists():
            time.sleep(POLL_SECONDS)
        return pickle.loads(path.read_bytes())
