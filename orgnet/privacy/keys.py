"""Pseudonymisation keys and keyed pseudonyms: the same key gives the same pseudonym in every run.

Examples
--------
>>> p = Pseudonymizer(b"0123456789abcdef-example-key")
>>> p.pseudonym("ana@example.org") == p.pseudonym("ana@example.org")
True
>>> p.pseudonym("ana@example.org").startswith("p_"), len(p.pseudonym("ana@example.org"))
(True, 14)
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgnet.connectors.base import InputError

__all__ = ["MIN_DISTINCT_KEY_BYTES", "MIN_KEY_BYTES", "PSEUDONYM_HEX", "Pseudonymizer", "key_fingerprint",
           "key_problem", "load_key"]

#: Shortest key accepted, in bytes (128 bits).
MIN_KEY_BYTES = 16

#: Fewest distinct byte values a key must hold: a key of one repeated byte (32 zero bytes, "kkkk...")
#: or of two or three alternating ones is guessed in a few tries, whatever its length. A key from
#: ``secrets.token_hex(32)`` has about 16 distinct characters.
MIN_DISTINCT_KEY_BYTES = 4

#: Hex digits of HMAC in a pseudonym; lengthened by 4 until the values of one call never collide.
PSEUDONYM_HEX = 12

_KEY_CHECK = b"orgnet key fingerprint v1"


def key_problem(key: bytes) -> str | None:
    """Why ``key`` is too weak to pseudonymise with, or None when it is not.

    Examples
    --------
    >>> key_problem(bytes(32))
    'the key is 32 copies of one byte; ...'
    >>> key_problem(b"short"), key_problem(b"0123456789abcdef") is None
    ('the key is 5 bytes; at least 16 are needed ...', True)
    """
    advice = "(make one with: python -c \"import secrets; print(secrets.token_hex(32))\" > orgnet.key)"
    if len(key) < MIN_KEY_BYTES:
        return f"the key is {len(key)} bytes; at least {MIN_KEY_BYTES} are needed {advice}"
    distinct = len(set(key))
    if distinct == 1:
        return f"the key is {len(key)} copies of one byte; a key must be random {advice}"
    if distinct < MIN_DISTINCT_KEY_BYTES:
        return (f"the key holds only {distinct} different byte values; at least {MIN_DISTINCT_KEY_BYTES} are "
                f"needed, a key must be random {advice}")
    return None


def load_key(key_file: str | os.PathLike[str] | None = None, env: str = "ORGNET_KEY") -> bytes:
    """Read the pseudonymisation key from a file, else from an environment variable.

    There is no built-in default: a key the user does not hold cannot protect anyone.

    Parameters
    ----------
    key_file : path, optional
        A file holding the key (its bytes, a trailing newline ignored).
    env : str
        Environment variable read when ``key_file`` is not given.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    InputError
        No key given, the file is unreadable, or the key is too weak (:func:`key_problem`):
        shorter than :data:`MIN_KEY_BYTES`, or fewer than :data:`MIN_DISTINCT_KEY_BYTES`
        different byte values (32 zero bytes, say).

    Examples
    --------
    >>> load_key(env="ORGNET_TEST_NO_SUCH_VARIABLE")
    Traceback (most recent call last):
    ...
    orgnet.connectors.base.InputError: key: no key given; ...
    """
    if key_file is not None:
        path = Path(key_file)
        try:
            key = path.read_bytes()
        except OSError as exc:
            raise InputError(path, f"cannot read the key file ({exc.strerror or exc})") from None
        where: str | Path = path
    else:
        value = os.environ.get(env)
        if not value:
            raise InputError(
                "key",
                f"no key given; pass --key-file FILE or set {env} (make one with: "
                "python -c \"import secrets; print(secrets.token_hex(32))\" > orgnet.key)",
            )
        key, where = value.encode("utf-8"), f"${env}"
    key = key.rstrip(b"\r\n")
    problem = key_problem(key)
    if problem is not None:
        raise InputError(where, problem)
    return key


def key_fingerprint(key: bytes) -> str:
    """A short public check value of a key: two reports with the same fingerprint used the same key.

    Examples
    --------
    >>> key_fingerprint(b"0123456789abcdef") == key_fingerprint(b"0123456789abcdef")
    True
    """
    return hmac.new(key, _KEY_CHECK, hashlib.sha256).hexdigest()[:8]


def is_missing(v: Any) -> bool:
    """True for None, pandas' NA and NaT, and float NaN.

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), "", 0)]
    [True, True, False, False]
    """
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def map_strings(arr: pa.Array | pa.ChunkedArray, mapping: Mapping[str, str]) -> pa.Array:
    """Replace the values of a string array found in ``mapping`` (others kept), vectorised.

    Examples
    --------
    >>> map_strings(pa.array(["a", None, "b"]), {"a": "x"}).to_pylist()
    ['x', None, 'b']
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.string())
    if not mapping:
        return arr
    keys = pa.array(list(mapping.keys()), pa.string())
    vals = pa.array(list(mapping.values()), pa.string())
    idx = pc.index_in(arr, value_set=keys)
    return pc.if_else(pc.is_valid(idx), vals.take(idx), arr)


class Pseudonymizer:
    """Keyed, stable pseudonyms: ``p_`` + the first hex digits of HMAC-SHA256(key, value).

    The same key and value give the same pseudonym in every run, so periods compare person by
    person; without the key a pseudonym cannot be linked to anyone, and even with it only by
    recomputing the pseudonyms of known candidates (:func:`orgnet.privacy.reidentify`).

    Parameters
    ----------
    key : bytes
        At least :data:`MIN_KEY_BYTES` bytes.
    hex_digits : int
        Hex digits to start with (12 = 48 bits); :meth:`mapping` lengthens them when two
        different values of one call would collide.

    Examples
    --------
    >>> p = Pseudonymizer(b"0123456789abcdef")
    >>> out = p.pseudonyms(["ana", "ben", "ana"])
    >>> out[0] == out[2] != out[1]
    True
    """

    def __init__(self, key: bytes, *, hex_digits: int = PSEUDONYM_HEX) -> None:
        if not isinstance(key, (bytes, bytearray)):
            raise ValueError(f"a pseudonymisation key must be bytes (at least {MIN_KEY_BYTES})")
        problem = key_problem(bytes(key))
        if problem is not None:
            raise ValueError(problem)
        self._key = bytes(key)
        self.hex_digits = int(hex_digits)
        self.fingerprint = key_fingerprint(self._key)

    def digest(self, value: str) -> str:
        """Full hex HMAC-SHA256 of a value (UTF-8)."""
        return hmac.new(self._key, str(value).encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def pseudonym(self, value: str, prefix: str = "p_") -> str:
        """The pseudonym of one value at the current length."""
        return prefix + self.digest(value)[: self.hex_digits]

    def mapping(self, values: Iterable[Any], prefix: str = "p_") -> dict[str, str]:
        """Pseudonyms of distinct values (one HMAC per distinct value), collision-free.

        When two different values share a pseudonym at the current length, every pseudonym is
        lengthened by 4 hex digits (and :attr:`hex_digits` keeps the new length for later calls).
        Missing values (None, NA, NaN) are left out.
        """
        distinct = sorted({str(v) for v in values if not is_missing(v)})
        digests = [self.digest(v) for v in distinct]
        while True:
            short = [d[: self.hex_digits] for d in digests]
            if len(set(short)) == len(short) or self.hex_digits >= 64:
                break
            self.hex_digits += 4
        return {v: prefix + s for v, s in zip(distinct, short, strict=True)}

    def pseudonyms(self, values: Any, prefix: str = "p_") -> np.ndarray:
        """Pseudonyms of an array of values (missing values stay missing), vectorised over the array."""
        arr = pa.array(np.asarray(values, dtype=object), pa.string(), from_pandas=True)
        mapped = map_strings(arr, self.mapping(pc.unique(pc.drop_null(arr)).to_pylist(), prefix))
        return np.asarray(mapped.to_numpy(zero_copy_only=False))
