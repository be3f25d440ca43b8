"""Read the files of an export the same way whether it is a folder or a zip, never unpacking to disk.

A zip is checked when it is opened: member names that would escape the archive (``../``,
absolute paths, drive letters) are refused, and the number of members and their total
uncompressed size are bounded so that a zip bomb ends with a clear :class:`InputError`
instead of filling memory. Reads are bounded again while decompressing, so a member whose
header understates its size cannot get past the guard either.

Examples
--------
>>> import tempfile, pathlib, zipfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with zipfile.ZipFile(d / "x.zip", "w") as z:
...     z.writestr("export/users.json", '[{"id": "U1"}]')
>>> with Archive(d / "x.zip") as a:
...     a.find("users.json"), a.read_json("export/users.json")
('export/users.json', [{'id': 'U1'}])
"""

from __future__ import annotations

import json
import lzma
import os
import posixpath
import re
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

from orgnet.connectors._files import check_path, open_regular
from orgnet.connectors.base import InputError

__all__ = ["MAX_MEMBERS", "MAX_TOTAL_BYTES", "MEMORY_SHARE", "Archive", "decode_json", "first_file_with_suffix", "is_zip"]

#: Most members a zip may hold (a Slack export has one file per channel per day).
MAX_MEMBERS = 500_000
def _memory_bytes() -> int:
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - no sysconf (Windows)
        return 64 * 1024**3


#: Share of the machine's memory all members of a zip may hold once decompressed: parsed JSON
#: takes several times its text, so a zip that expands past an eighth of memory would not fit.
MEMORY_SHARE = 8
#: Most bytes all members of a zip may hold once decompressed: an eighth of the machine's
#: memory (3 GiB on a 24 GiB machine), at least 256 MiB and at most 8 GiB.
MAX_TOTAL_BYTES = max(256 * 1024**2, min(8 * 1024**3, _memory_bytes() // MEMORY_SHARE))
#: Compression methods Python's zipfile reads: stored, deflate, bzip2, lzma.
SUPPORTED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate",
                     zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
_METHOD_NAMES = {9: "Deflate64 (what Windows Explorer writes for large files)", 6: "implode", 93: "zstandard",
                 95: "xz", 98: "PPMd", 99: "AES encryption"}
#: Highest decompressed/compressed ratio of a member larger than ``RATIO_FLOOR`` bytes: exports
#: compress about 5-20 times; a bomb, a thousand times or more.
MAX_RATIO = 200
RATIO_FLOOR = 32 * 1024**2

#: What decompressing a damaged member raises inside zipfile, zlib, bz2 and lzma.
_MEMBER_ERRORS = (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, lzma.LZMAError, RuntimeError,
                  NotImplementedError, IndexError, struct.error, OverflowError)
_DRIVE = re.compile(r"^[A-Za-z]:")


def is_zip(path: Path) -> bool:
    """Tell whether ``path`` is a zip file (by its signature, not its name).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.zip"; _ = p.write_bytes(b"not a zip")
    >>> is_zip(p)
    False
    """
    return path.is_file() and zipfile.is_zipfile(path)


def first_file_with_suffix(folder: Path, suffixes: tuple[str, ...], max_entries: int = 5_000) -> Path | None:
    """Find a file ending in one of ``suffixes`` under ``folder``, looking at few entries (for sniffing).

    Folders are walked breadth-first and the walk stops after ``max_entries`` entries, so a
    huge folder of something else (a maildir) costs little.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "a").mkdir(); _ = (d / "a" / "x.JSON").write_text("[]")
    >>> first_file_with_suffix(d, (".json",)).name, first_file_with_suffix(d, (".jsonl",))
    ('x.JSON', None)
    """
    queue = [folder]
    seen = 0
    while queue:
        current = queue.pop(0)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > max_entries:
                return None
            if entry.is_dir(follow_symlinks=False):
                queue.append(Path(entry.path))
            elif entry.name.lower().endswith(suffixes):
                return Path(entry.path)
    return None


def decode_json(data: bytes, where: str, record: int | str | None = None) -> Any:
    """Parse JSON bytes, turning bad encodings and bad syntax into an :class:`InputError`.

    Parameters
    ----------
    data : bytes
        The raw content (UTF-8, with or without a byte-order mark).
    where : str
        The file (or ``archive.zip!member``) named in the error.
    record : int or str, optional
        The record (line) named in the error.

    Examples
    --------
    >>> decode_json(b'{"a": 1}', "x.json")
    {'a': 1}
    >>> decode_json(b'{"a": ', "x.json")
    Traceback (most recent call last):
    ...
    orgnet.connectors.base.InputError: x.json: not valid JSON (Expecting value at line 1, column 7) ...
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            where,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "expected a UTF-8 JSON export",
            record,
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            where,
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "the file may be truncated",
            record,
        ) from None
    except RecursionError:
        raise InputError(where, "JSON nested too deeply to be an export (a hostile file?)", record) from None


class Archive:
    """The files of an export folder or zip, addressed by POSIX paths relative to its root.

    Parameters
    ----------
    path : str or Path
        A folder, a zip file, or a single file (then the archive holds just that file).
    max_members : int, optional
        Most members a zip may hold (default :data:`MAX_MEMBERS`).
    max_total_bytes : int, optional
        Most bytes a zip's members may hold once decompressed (default :data:`MAX_TOTAL_BYTES`).

    Raises
    ------
    InputError
        The path does not exist, the zip is corrupt, a member name escapes the archive, or
        the zip exceeds one of the bounds.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        max_members: int | None = None,
        max_total_bytes: int | None = None,
    ) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._sizes: dict[str, int] = {}
        check_path(self.path)  # missing, a FIFO or a device: refused before anything opens it
        if self.path.is_dir():
            self._base = self.path
            self._names = sorted(
                p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file()
            )
        elif is_zip(self.path):
            self._base = None
            # Read the bounds at call time so that they can be tuned (and tested) module-wide.
            self._open_zip(
                MAX_MEMBERS if max_members is None else max_members,
                MAX_TOTAL_BYTES if max_total_bytes is None else max_total_bytes,
            )
        elif self.path.suffix.lower() == ".zip":
            raise InputError(self.path, "not a valid zip archive (damaged or truncated?)")
        else:
            self._base = self.path.parent
            self._names = [self.path.name]

    def _open_zip(self, max_members: int, max_total_bytes: int) -> None:
        try:
            zf = zipfile.ZipFile(self.path)
            infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, IndexError, EOFError, NotImplementedError,
                OverflowError, struct.error) as exc:
            # A broken central directory surfaces as any of these inside zipfile.
            raise InputError(self.path, f"cannot open the zip archive: its directory is damaged ({exc})") from None
        seen: set[str] = set()
        if len(infos) > max_members:
            zf.close()
            raise InputError(
                self.path,
                f"the zip holds {len(infos):,} members, more than the limit of {max_members:,} "
                "(a zip bomb guard); unpack it and read the folder if it is genuine",
            )
        total = 0
        names = []
        for info in infos:
            name = info.filename
            if _unsafe(name):
                zf.close()
                raise InputError(
                    self.path,
                    f"zip member {name!r} has a path outside the archive; refusing to read it",
                )
            problem = _member_problem(info, seen)
            if problem:
                zf.close()
                raise InputError(self.path, f"zip member {name!r} {problem}")
            seen.add(name)
            total += info.file_size
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                zf.close()
                raise InputError(
                    self.path,
                    f"zip member {name!r} decompresses {info.file_size // max(info.compress_size, 1):,} times "
                    f"its size, more than {MAX_RATIO} (a zip bomb guard); unpack it and read the folder "
                    "if it is genuine",
                )
            if total > max_total_bytes:
                zf.close()
                raise InputError(
                    self.path,
                    f"the zip's members decompress to more than {max_total_bytes:,} bytes "
                    "(a zip bomb guard); unpack it and read the folder if it is genuine",
                )
            if not info.is_dir():
                names.append(name)
                self._sizes[name] = info.file_size
        self._zip = zf
        self._names = sorted(names)
        self._max_total = max_total_bytes
        self._read_total = 0

    # -- context manager -------------------------------------------------------------------
    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the zip file, if any."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    # -- lookup ------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Every file in the archive, sorted, as POSIX paths relative to its root."""
        return list(self._names)

    def exists(self, name: str) -> bool:
        """Tell whether the archive holds the file ``name``."""
        return name in self._name_set

    @property
    def _name_set(self) -> set[str]:
        cached = getattr(self, "_set", None)
        if cached is None:
            cached = self._set = set(self._names)
        return cached

    def find(self, filename: str) -> str | None:
        """Return the shallowest member called ``filename`` (a zip may wrap the export in a folder).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "a").mkdir(); _ = (d / "a" / "u.json").write_text("[]")
        >>> Archive(d).find("u.json"), Archive(d).find("v.json")
        ('a/u.json', None)
        """
        hits = [n for n in self._names if posixpath.basename(n) == filename]
        return min(hits, key=lambda n: (n.count("/"), n)) if hits else None

    def where(self, name: str) -> str:
        """Name a member for messages: ``folder/member`` or ``archive.zip!member``."""
        if self._zip is not None:
            return f"{self.path}!{name}"
        assert self._base is not None
        return str(self._base / name)

    # -- reading -----------------------------------------------------------------------------
    def read_bytes(self, name: str) -> bytes:
        """Return the content of member ``name``.

        Raises
        ------
        InputError
            The member is missing, unreadable, or decompresses past the archive's bound.
        """
        if self._zip is None:
            assert self._base is not None
            try:
                with open_regular(self._base / name) as fh:
                    return fh.read()
            except OSError as exc:
                raise InputError(self.where(name), f"cannot read the file ({exc.strerror or exc})") from None
        try:
            with self._zip.open(name) as fh:
                budget = self._max_total - self._read_total
                data = fh.read(budget + 1)
        except KeyError:
            raise InputError(self.where(name), "no such member in the zip") from None
        except _MEMBER_ERRORS as exc:
            raise InputError(self.where(name), f"cannot decompress the member ({exc})") from None
        self._read_total += len(data)
        if self._read_total > self._max_total:
            raise InputError(
                self.where(name),
                f"the zip's members decompress to more than {self._max_total:,} bytes, more than "
                "their headers declare (a zip bomb guard)",
            )
        return data

    def read_head(self, name: str, size: int = 65_536) -> bytes:
        """Return at most the first ``size`` bytes of member ``name`` (for cheap format sniffing)."""
        try:
            if self._zip is None:
                assert self._base is not None
                with open_regular(self._base / name) as fh:
                    return fh.read(size)
            with self._zip.open(name) as zfh:
                return zfh.read(size)
        except (KeyError, *_MEMBER_ERRORS) as exc:
            raise InputError(self.where(name), f"cannot read the member ({exc})") from None

    def read_json(self, name: str) -> Any:
        """Parse member ``name`` as JSON (see :func:`decode_json` for the errors)."""
        return decode_json(self.read_bytes(name), self.where(name))

    def size(self, name: str) -> int:
        """Return the (declared) size in bytes of member ``name``."""
        if self._zip is not None:
            return self._sizes.get(name, 0)
        assert self._base is not None
        return (self._base / name).stat().st_size


def _member_problem(info: zipfile.ZipInfo, seen: set[str]) -> str | None:
    """What makes a zip member unreadable, worded for the user; ``None`` when it can be read."""
    if info.flag_bits & 0x1:
        return "is password-protected (encrypted); unpack it with the password and read the folder"
    if info.compress_type not in SUPPORTED_METHODS:
        method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        return (f"is compressed with {method}, which cannot be read here (only "
                f"{', '.join(SUPPORTED_METHODS.values())}); unpack it with another tool (7-Zip, unzip) "
                "and read the folder")
    if info.filename in seen:
        return "appears twice in the zip (a damaged or tampered archive); which copy to read is unknown"
    return None


def _unsafe(name: str) -> bool:
    # Some Windows tools write backslashes as separators: judge the name with either.
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        return True
    return ".." in PurePosixPath(posix).parts
