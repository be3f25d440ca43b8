"""Typed access to the fields of a JSON record: the one check of each field's shape.

Exports are JSON written by other programs (or edited by hand); any field may hold a value of
the wrong type. Readers take each field they use through these functions, which return the
value in the expected shape or raise :class:`~orgnet.connectors.base.InputError` naming the
file, the record and the field. Absent fields (``None``) are the empty value of their type.

Times out of range are not errors but records to count and skip: :func:`plausible_seconds`
tells which Unix times can be a record's time (finite, from 1970 to before 2262, the range of
nanosecond timestamps that pandas and the metrics use).

Examples
--------
>>> items([1, 2], "a.json", 3, "members")
[1, 2]
>>> items(None, "a.json", 3, "members")
[]
>>> items(7, "a.json", 3, "members")
Traceback (most recent call last):
...
orgnet.connectors.base.InputError: a.json, record 3: field 'members' should be a list, found int
>>> text(12, "a.json", 1, "user"), text(None, "a.json", 1, "user")
('12', None)
>>> flag("false", "users.json", 2, "is_bot")
False
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from orgnet.connectors.base import InputError

__all__ = ["MAX_SECONDS", "MAX_WEIGHT", "MIN_SECONDS", "TIME_OUT_OF_RANGE", "WEIGHT_OUT_OF_RANGE", "count", "flag",
           "items", "mapping", "plausible_seconds", "text"]

#: Earliest and latest Unix time (seconds) a record may carry: 1970-01-01 up to 2262-01-01
#: (nanosecond timestamps end in April 2262).
MIN_SECONDS, MAX_SECONDS = 0.0, 9_183_110_400.0
#: Largest weight one event may carry. A weight counts interactions (or a share of one, 1/k);
#: a billion in one row is no record of people working together, and sums of such weights over
#: millions of rows would lose all precision (or overflow to infinity).
MAX_WEIGHT = 1e9
#: Reasons a record is counted and left out for a value out of range.
TIME_OUT_OF_RANGE = "time out of range (before 1970, after 2262 or infinite)"
WEIGHT_OUT_OF_RANGE = f"weight out of range (negative, infinite, not a number or above {MAX_WEIGHT:.0e})"

Where = Any  # a file name (str or Path) or archive member


def _found(value: Any) -> str:
    return type(value).__name__


def items(value: Any, where: Where, record: int | str | None, name: str) -> list[Any]:
    """A list field: the list, ``[]`` when absent; anything else is an :class:`InputError`."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise InputError(where, f"field {name!r} should be a list, found {_found(value)}", record)


def mapping(value: Any, where: Where, record: int | str | None, name: str) -> dict[str, Any]:
    """An object field: the dict, ``{}`` when absent; anything else is an :class:`InputError`."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise InputError(where, f"field {name!r} should be an object, found {_found(value)}", record)


def text(value: Any, where: Where, record: int | str | None, name: str) -> str | None:
    """An id or name field: text (an integer id becomes text), ``None`` when absent or empty.

    Lists, objects, booleans and infinite numbers are an :class:`InputError`.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(value)  # a timestamp written as a number
    raise InputError(where, f"field {name!r} should be text, found {_found(value)}", record)


def count(value: Any, where: Where, record: int | str | None, name: str) -> int:
    """A count field: a non-negative integer (``0`` when absent); an integral float or digits are accepted."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise InputError(where, f"field {name!r} should be a count, found bool", record)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value < 2**53:
        return value
    raise InputError(where, f"field {name!r} should be a count (a whole number from 0), found {value!r:.40}", record)


def flag(value: Any, where: Where, record: int | str | None, name: str) -> bool:
    """A true/false field: JSON booleans, ``0``/``1`` and the words ``"true"``/``"false"``; absent is false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", ""):
        return value.strip().lower() in ("true", "1")
    raise InputError(where, f"field {name!r} should be true or false, found {value!r:.40}", record)


def plausible_seconds(seconds: Any) -> Any:
    """Which Unix times (a number or an array of them) a record can carry: finite and in range.

    Examples
    --------
    >>> plausible_seconds(1704186060.0), plausible_seconds(float("inf")), plausible_seconds(-5.0)
    (True, False, False)
    >>> plausible_seconds(np.array([1e20, 1.7e9, np.nan])).tolist()
    [False, True, False]
    """
    s = np.asarray(seconds, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(s) & (s >= MIN_SECONDS) & (s < MAX_SECONDS)
    return bool(ok) if ok.ndim == 0 else ok
