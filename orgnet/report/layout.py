"""Group layouts without overlaps: each group is a box (its disc plus its label underneath), and
boxes are pushed apart until none overlaps.

A force-directed layout places related groups near one another but knows nothing of node or
label sizes, so at a few dozen groups discs and labels pile up. Here the force-directed
positions are only the starting point: every node becomes an axis-aligned box (the disc of
radius ``r`` and the label drawn below it, its width estimated from the number of characters),
the picture is scaled so the boxes fit, and overlapping pairs are pushed apart along the axis
where they overlap least, half each, until none overlaps. Should that not settle within the
iteration budget, the boxes are packed in rows in their reading order (top to bottom, left to
right), which cannot overlap. Everything is deterministic: same input, same picture.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CHAR_WIDTH", "GAP", "box_extents", "overlapping_pairs", "pack_rows", "separate", "nest"]

#: Width of one label character, as a share of the font size: a generous mean for sans-serif
#: faces (capitals and wide letters included), so estimated label boxes cover the drawn ones.
CHAR_WIDTH = 0.68

#: Room kept between two boxes, in the map's units (canvas pixels at zoom 1).
GAP = 10.0


def box_extents(radius: np.ndarray, labels: list[str] | None = None, *, font: float = 16.0,
                gap: float = GAP) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Half-width, extent above and extent below a node's centre: its disc and its label below.

    Parameters
    ----------
    radius : numpy.ndarray
        Disc radius per node.
    labels : list of str, optional
        Labels drawn under the discs (none: discs only).
    font : float
        Label font size, in the same units as ``radius``.
    gap : float
        Room kept around every box.

    Examples
    --------
    >>> hw, up, down = box_extents(np.array([10.0]), ["ab"], font=10, gap=0)
    >>> float(hw[0]), float(up[0]), float(down[0])
    (10.0, 10.0, 25.0)
    """
    r = np.asarray(radius, dtype=float)
    half = r + gap / 2
    up = r + gap / 2
    down = r + gap / 2
    if labels is not None:
        width = np.array([len(s) for s in labels], dtype=float) * font * CHAR_WIDTH
        half = np.maximum(half, width / 2 + gap / 2)
        down = down + 1.5 * font
    return half, up, down


def overlapping_pairs(x: np.ndarray, y: np.ndarray, half: np.ndarray, up: np.ndarray,
                      down: np.ndarray) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, whose boxes overlap (touching is not overlapping).

    Examples
    --------
    >>> one = np.ones(3)
    >>> overlapping_pairs(np.array([0.0, 1.5, 5.0]), np.zeros(3), one, one, one).tolist()
    [[0, 1]]
    """
    cy = y + (down - up) / 2
    hh = (up + down) / 2
    ox = half[:, None] + half[None, :] - np.abs(x[:, None] - x[None, :])
    oy = hh[:, None] + hh[None, :] - np.abs(cy[:, None] - cy[None, :])
    hit = np.triu((ox > 1e-9) & (oy > 1e-9), k=1)
    return np.argwhere(hit)


def pack_rows(x: np.ndarray, y: np.ndarray, half: np.ndarray, up: np.ndarray, down: np.ndarray,
              *, gap: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Boxes in rows, in reading order of their positions: no two can overlap.

    Examples
    --------
    >>> one = np.ones(4)
    >>> px, py = pack_rows(np.zeros(4), np.zeros(4), one, one, one)
    >>> len(overlapping_pairs(px, py, one, one, one))
    0
    """
    n = len(x)
    if n == 0:
        return x.copy(), y.copy()
    width = 2 * half + gap
    row_width = max(float(np.sqrt((width * (up + down + gap)).sum()) * 1.4), float(width.max()))
    order = np.lexsort((x, y))
    px, py = np.zeros(n), np.zeros(n)
    cursor, top, row_height = 0.0, 0.0, 0.0
    for i in order:  # a few hundred groups at most: the loop is over groups, not people
        if cursor > 0 and cursor + width[i] > row_width:
            top += row_height + gap
            cursor, row_height = 0.0, 0.0
        px[i] = cursor + half[i]
        py[i] = top + up[i]
        cursor += width[i]
        row_height = max(row_height, float(up[i] + down[i]))
    return px - px.mean(), py - py.mean()


def separate(xy: np.ndarray, half: np.ndarray, up: np.ndarray, down: np.ndarray, *,
             max_iterations: int = 400, spread: float = 1.6, clearance: float = 1.0) -> np.ndarray:
    """Positions near ``xy`` (any scale) where no two boxes overlap.

    The positions are first scaled so the boxes' total area covers about ``1 / spread**2`` of
    the picture; overlapping pairs are then pushed apart (along the axis of least overlap, half
    each) until none is left, else packed in rows (:func:`pack_rows`).

    Parameters
    ----------
    xy : numpy.ndarray
        Starting positions, shape ``(n, 2)`` (a force-directed layout).
    half, up, down : numpy.ndarray
        Box extents from :func:`box_extents`.
    max_iterations : int
        Rounds of pushing before falling back on rows.
    spread : float
        How much larger than the boxes the picture starts.
    clearance : float
        Boxes end at least this far apart (so positions rounded for the page still do not overlap).

    Returns
    -------
    numpy.ndarray
        Node centres, shape ``(n, 2)``.

    Examples
    --------
    >>> half, up, down = box_extents(np.full(30, 20.0), ["some group"] * 30)
    >>> out = separate(np.zeros((30, 2)), half, up, down)
    >>> len(overlapping_pairs(out[:, 0], out[:, 1], half, up, down))
    0
    """
    xy = np.asarray(xy, dtype=float)
    n = len(xy)
    if n <= 1:
        return np.zeros((n, 2))
    x, y = xy[:, 0] - xy[:, 0].mean(), xy[:, 1] - xy[:, 1].mean()
    # Ties between equal positions are broken by a fixed, tiny offset (deterministic).
    angle = np.arange(n) * 2.399963  # golden angle
    x = x + np.cos(angle) * 1e-6 * (1 + np.abs(x).max())
    y = y + np.sin(angle) * 1e-6 * (1 + np.abs(y).max())
    extent = max(float(np.abs(x).max()), float(np.abs(y).max()), 1e-9)
    target = spread * float(np.sqrt((4 * half * (up + down) / 2).sum()))
    x, y = x / extent * target / 2, y / extent * target / 2
    hh = (up + down) / 2
    shift = (down - up) / 2
    # Each round compares every pair: the budget shrinks with the square of the count (beyond a
    # few hundred groups the rows below take over sooner).
    rounds = min(max_iterations, int(4e7 // (n * n)))
    for _ in range(rounds):
        cy = y + shift
        dx = x[:, None] - x[None, :]
        dy = cy[:, None] - cy[None, :]
        ox = half[:, None] + half[None, :] - np.abs(dx)
        oy = hh[:, None] + hh[None, :] - np.abs(dy)
        hit = np.triu((ox > -clearance) & (oy > -clearance), k=1)
        if not hit.any():
            return np.column_stack([x, y])
        i, j = np.nonzero(hit)
        along_x = ox[i, j] <= oy[i, j]
        sx = np.where(dx[i, j] >= 0, 1.0, -1.0)
        sy = np.where(dy[i, j] >= 0, 1.0, -1.0)
        push = (np.where(along_x, ox[i, j], oy[i, j]) + clearance) * 0.5 + 1e-6
        mx = np.zeros(n)
        my = np.zeros(n)
        np.add.at(mx, i, np.where(along_x, sx * push, 0.0))
        np.add.at(mx, j, np.where(along_x, -sx * push, 0.0))
        np.add.at(my, i, np.where(along_x, 0.0, sy * push))
        np.add.at(my, j, np.where(along_x, 0.0, -sy * push))
        # Several pushes on one node add up: damped so crowded nodes do not overshoot.
        count = np.bincount(np.concatenate([i, j]), minlength=n).clip(1)
        x, y = x + mx / np.sqrt(count), y + my / np.sqrt(count)
    if len(overlapping_pairs(x, y, half, up, down)):
        x, y = pack_rows(x, y, half, up, down, gap=clearance)
    return np.column_stack([x, y])


def nest(centres: np.ndarray, radius: np.ndarray, inner: list[np.ndarray]) -> list[np.ndarray]:
    """Place each group's own layout (any scale) inside its disc: ``inner[g]`` scaled to
    ``radius[g]`` and moved to ``centres[g]``.

    Examples
    --------
    >>> out = nest(np.array([[10.0, 0.0]]), np.array([2.0]), [np.array([[-1.0, 0.0], [3.0, 0.0]])])
    >>> out[0].tolist()
    [[8.0, 0.0], [12.0, 0.0]]
    """
    out = []
    for c, r, pts in zip(centres, radius, inner, strict=True):
        pts = np.asarray(pts, dtype=float).reshape(-1, 2)
        if len(pts) == 0:
            out.append(pts)
            continue
        pts = pts - pts.mean(axis=0)
        extent = float(np.hypot(pts[:, 0], pts[:, 1]).max()) or 1.0
        out.append(pts / extent * r + c)
    return out
