"""Input checks shared by every metric: one rule set, and one kind of error for bad input.

Every metric function calls these at its top, so a bad input fails the same way whatever the
measure: a :class:`ValueError` whose message starts with the function's name, names the
argument and says how many values break the rule, e.g.
``pagerank: adjacency has 2 negative tie weights; tie weights must be finite and >= 0``.
(An input of the wrong kind altogether, such as a list where a matrix is expected, is a
:class:`TypeError`, as Python's conventions have it.)

The rules
---------
adjacency
    A square 2-D ``scipy.sparse`` matrix or array (any format), or a square 2-D dense
    :class:`numpy.ndarray`, of real numbers (bool, integer or float). ``A[i, j]`` is the
    weight of ties from ``i`` to ``j``. Every stored weight is finite and non-negative: a
    negative or NaN weight has no meaning as tie strength, and accepting one made PageRank
    return values near 1e15 while Burt's constraint raised. It comes back as a canonical
    ``float64`` CSR array (duplicates summed, indices sorted) without stored zeros: a tie is a
    positive weight, so every count of ties agrees with every sum of weights. Self-ties are
    kept unless the measure asks for them to be dropped (brokerage and silos, whose definitions
    have no self-ties). The caller's matrix is never modified; a clean ``float64``
    ``csr_array`` (what :class:`orgnet.graph.OrgGraph` holds) comes back as it is, not copied.
group codes
    A 1-D integer array with one code per person, ``-1`` for "no group" (never a lower
    value), and codes below ``n_groups`` when a number of groups is given.
values per person
    A 1-D array of real numbers with one value per person, all finite.
masks per person
    A 1-D array with one truth value per person.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = [
    "Adjacency",
    "BoolArray",
    "FloatArray",
    "IntArray",
    "check_adjacency",
    "check_codes",
    "check_mask",
    "check_nodes",
    "check_values",
    "without_self_ties",
]

#: What a metric accepts as ties: a sparse matrix or array of any format, or a dense array.
Adjacency: TypeAlias = "sp.sparray | sp.spmatrix | npt.NDArray[Any]"
#: Arrays metrics return, by element type.
FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

_WEIGHT_RULE = "tie weights must be finite and >= 0"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def check_adjacency(adjacency: Adjacency, *, func: str, name: str = "adjacency",
                    drop_self_ties: bool = False) -> sp.csr_array:
    """The checked ties of ``adjacency``: canonical ``float64`` CSR, no stored zeros.

    Parameters
    ----------
    adjacency : scipy.sparse matrix or array, or numpy.ndarray
        Square matrix of tie weights (see the module docstring for the rules).
    func : str
        Name of the metric function, put at the start of an error message.
    name : str
        Name of the argument, for the error message.
    drop_self_ties : bool
        Leave out the diagonal (for measures defined without self-ties).

    Returns
    -------
    scipy.sparse.csr_array
        ``float64``, duplicates summed, indices sorted, no stored zeros; the input itself when
        it already is all that (never a modified input).

    Raises
    ------
    TypeError
        Neither a sparse matrix nor a numpy array.
    ValueError
        Not square and 2-D, not real numbers, or weights that are negative, NaN or infinite.

    Examples
    --------
    >>> a = check_adjacency(np.array([[0, 2], [1, 0]]), func="example")
    >>> a.dtype, a.toarray().tolist()
    (dtype('float64'), [[0.0, 2.0], [1.0, 0.0]])
    >>> check_adjacency(np.array([[0, -1.0], [np.nan, 0]]), func="example")
    Traceback (most recent call last):
    ...
    ValueError: example: adjacency has 1 negative tie weight; tie weights must be finite and >= 0
    >>> check_adjacency(np.ones((2, 3)), func="example")
    Traceback (most recent call last):
    ...
    ValueError: example: adjacency must be a square 2-D matrix; got shape (2, 3)
    """
    if not (sp.issparse(adjacency) or isinstance(adjacency, np.ndarray)):
        raise TypeError(f"{func}: {name} must be a scipy.sparse matrix or a numpy array; "
                        f"got {type(adjacency).__name__}")
    given: Any = adjacency  # any sparse format or a dense array: read through their common attributes
    shape = tuple(given.shape)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"{func}: {name} must be a square 2-D matrix; got shape {shape}")
    if given.dtype.kind not in "biuf":
        raise ValueError(f"{func}: {name} must hold real tie weights; got dtype {given.dtype}")
    # Whether ``a`` has arrays of its own (else it shares them with the caller's matrix).
    owned = isinstance(given, np.ndarray) or given.format != "csr"
    a: sp.csr_array = given if isinstance(given, sp.csr_array) else sp.csr_array(given)
    if a.dtype != np.float64:
        a, owned = a.astype(np.float64), True
    data = a.data
    lowest = data.min() if len(data) else 1.0
    # Two passes without temporaries for a clean matrix; the counts only when something is wrong.
    if not (lowest >= 0 and np.isfinite(data.max() if len(data) else 0.0)):
        negative = int((data < 0).sum())
        if negative:
            raise ValueError(f"{func}: {name} has {_plural(negative, 'negative tie weight')}; {_WEIGHT_RULE}")
        bad = int((~np.isfinite(data)).sum())
        raise ValueError(f"{func}: {name} has {_plural(bad, 'NaN or infinite tie weight')}; {_WEIGHT_RULE}")
    if not a.has_canonical_format:
        if not owned:
            a, owned = a.copy(), True
        a.sum_duplicates()
    if drop_self_ties:
        # The diagonal is read in C without temporaries: a matrix with no self-tie and no zero is kept.
        return a if lowest > 0 and not a.diagonal().any() else without_self_ties(a)
    if lowest == 0:
        if not owned:
            a = a.copy()
        a.eliminate_zeros()
    return a


def without_self_ties(a: sp.csr_array) -> sp.csr_array:
    """A CSR matrix without its diagonal entries and stored zeros (a new matrix only when it has some).

    Examples
    --------
    >>> b = without_self_ties(sp.csr_array(np.array([[1.0, 2.0], [0.0, 0.0]])))
    >>> b.toarray().tolist(), b.nnz
    ([[0.0, 2.0], [0.0, 0.0]], 1)
    """
    rows = np.repeat(np.arange(a.shape[0], dtype=a.indices.dtype), np.diff(a.indptr))
    drop = (a.indices == rows) | (a.data == 0)
    if not drop.any():
        return a
    keep = ~drop
    indptr = np.zeros(a.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[keep], minlength=a.shape[0]), out=indptr[1:])
    return sp.csr_array((a.data[keep], a.indices[keep], indptr), shape=a.shape)


def check_codes(codes: npt.ArrayLike, n: int, *, func: str, name: str = "groups",
                n_groups: int | None = None, per: str = "person", widen: bool = True) -> tuple[IntArray, int]:
    """Integer codes, one per person (or per ``per``), ``-1`` = none; and the number of groups.

    Parameters
    ----------
    codes : array of int
        One code per person (group codes, or node codes such as a manager's).
    n : int
        Number of people.
    func, name : str
        Function and argument names for the error message.
    n_groups : int, optional
        Number of groups (or of people, for node codes): codes must be below it, and it is
        returned as the count (default: the largest code plus one).
    per : str
        What each code belongs to, for the error message ("person", "event", ...).
    widen : bool
        Return 64-bit codes (default). False keeps signed 32-bit codes as they are, for a caller
        that only indexes with them (per-event codes: a 64-bit copy is 400 MB at 50M events).

    Returns
    -------
    codes : numpy.ndarray of int64 (or int32, given 32-bit codes and ``widen=False``)
    n_groups : int

    Raises
    ------
    ValueError
        Wrong length, not integers, codes below -1 or not below ``n_groups``.

    Examples
    --------
    >>> codes, k = check_codes([2, -1, 0], 3, func="example")
    >>> codes.tolist(), k
    ([2, -1, 0], 3)
    >>> check_codes(np.array([0, 1]), 3, func="example")
    Traceback (most recent call last):
    ...
    ValueError: example: groups must have one code per person (3); got shape (2,)
    """
    values = _one_each(codes, n, func=func, name=name, what="code", per=per, kinds="iu",
                       expected="integer codes (-1 = none)")
    out = values if not widen and values.dtype == np.int32 else values.astype(np.int64, copy=False)
    if not n:
        return out, max(n_groups or 0, 0)
    low, high = int(out.min()), int(out.max())
    if low < -1:
        raise ValueError(f"{func}: {name} has {_plural(int((out < -1).sum()), 'code')} below -1 (-1 = none)")
    if n_groups is None:
        return out, high + 1
    if high >= n_groups:
        count = int((out >= n_groups).sum())
        raise ValueError(f"{func}: {name} has {_plural(count, 'code')} >= {n_groups} "
                         f"(codes run from 0 to {n_groups - 1}, -1 = none)")
    return out, int(n_groups)


def check_values(values: npt.ArrayLike, n: int, *, func: str, name: str, per: str = "person") -> FloatArray:
    """One finite real value per person (or per ``per``: group, ...), as ``float64``.

    Examples
    --------
    >>> check_values([0.5, 1], 2, func="example", name="scores").tolist()
    [0.5, 1.0]
    >>> check_values([0.5, np.nan], 2, func="example", name="scores")
    Traceback (most recent call last):
    ...
    ValueError: example: scores has 1 NaN or infinite value; values must be finite
    """
    array = _one_each(values, n, func=func, name=name, what="value", per=per, kinds="biuf", expected="real numbers")
    out = array.astype(np.float64, copy=False)
    bad = int((~np.isfinite(out)).sum())
    if bad:
        raise ValueError(f"{func}: {name} has {_plural(bad, 'NaN or infinite value')}; values must be finite")
    return out


def check_mask(mask: npt.ArrayLike, n: int, *, func: str, name: str) -> BoolArray:
    """One truth value per person.

    Examples
    --------
    >>> check_mask([1, 0], 2, func="example", name="among").tolist()
    [True, False]
    """
    return _one_each(mask, n, func=func, name=name, what="value", per="person", kinds="",
                     expected="").astype(bool, copy=False)


def _one_each(values: npt.ArrayLike, n: int, *, func: str, name: str, what: str, per: str, kinds: str,
              expected: str) -> npt.NDArray[Any]:
    """``values`` as a 1-D array of ``n`` elements whose dtype kind is one of ``kinds`` (``""``: any).

    An empty array passes whatever its dtype (``np.asarray([])`` is float).
    """
    array = np.asarray(values)
    if array.shape != (n,):
        raise ValueError(f"{func}: {name} must have one {what} per {per} ({n}); got shape {array.shape}")
    if kinds and n and array.dtype.kind not in kinds:
        raise ValueError(f"{func}: {name} must be {expected}; got dtype {array.dtype}")
    return array


def check_nodes(nodes: npt.ArrayLike, n: int, *, func: str, name: str) -> IntArray:
    """Node codes of some people (any number of them), each in ``[0, n)``.

    Examples
    --------
    >>> check_nodes([2, 0], 3, func="example", name="brokers").tolist()
    [2, 0]
    >>> check_nodes([3], 3, func="example", name="brokers")
    Traceback (most recent call last):
    ...
    ValueError: example: brokers has 1 node code outside 0..2
    """
    array = np.asarray(nodes)
    if array.ndim != 1:
        raise ValueError(f"{func}: {name} must be a 1-D array of node codes; got shape {array.shape}")
    if len(array) and array.dtype.kind not in "iu":
        raise ValueError(f"{func}: {name} must be integer node codes; got dtype {array.dtype}")
    out = array.astype(np.int64, copy=False)
    outside = int(((out < 0) | (out >= n)).sum())
    if outside:
        raise ValueError(f"{func}: {name} has {_plural(outside, 'node code')} outside 0..{n - 1}")
    return out
