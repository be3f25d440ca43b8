"""The report's front page, ``index.html``: what a community manager reads first.

Rendered with a jinja2 template whose autoescaping is on for every value, so names, departments
and reasons are always text. Charts are inline SVG drawn from numbers prepared here (no
JavaScript library, nothing loaded from the network), and the page prints cleanly.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from orgnet.findings import Findings
from orgnet.report import content
from orgnet.report.words import Wording, coverage_sentence, percent

__all__ = ["heatmap_cell_size", "heatmap_cells", "heatmap_margins", "pyramid_bars", "render_index", "sparkline"]



def pyramid_bars(view: content.View, *, width: float = 420, row: float = 34) -> list[dict[str, Any]]:
    """Centred bars of the pyramid, most engaged level on top: ``x``, ``y``, ``w``, label and count."""
    levels, counts, total = view.data["levels"], view.data["counts"], max(view.data["total"], 1)
    top = max(max(counts), 1)
    bars = []
    for k, (lev, c) in enumerate(reversed(list(zip(levels, counts, strict=True)))):
        w = max(width * c / top, 1.5)
        bars.append({"label": lev, "count": c, "share": 100 * c / total, "x": 150 + (width - w) / 2,
                     "y": k * row, "w": w, "h": row - 6, "colour": content.LEVEL_COLOURS.get(lev, "#829ab1")})
    return bars


def _blue(t: float) -> str:
    # White to deep blue; square root so small shares stay visible.
    t = math.sqrt(min(max(t, 0.0), 1.0))
    lo, hi = np.array([247, 251, 255]), np.array([8, 48, 107])
    r, g, b = (lo + (hi - lo) * t).round().astype(int)
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_cells(view: content.View, *, cell: int = 20) -> list[dict[str, Any]]:
    """One coloured cell per pair of groups (row: from, column: to) with its share of the row's ties."""
    share = np.asarray(view.data["share"])
    labels = view.data["labels"]
    return [{"x": j * cell, "y": i * cell, "fill": _blue(float(share[i, j])), "share": 100 * float(share[i, j]),
             "from": labels[i], "to": labels[j], "diag": i == j, "dark": share[i, j] > 0.35}
            for i in range(len(labels)) for j in range(len(labels))]


def heatmap_cell_size(n_groups: int) -> int:
    """Cell size in pixels: big enough to print the share inside when there are few groups."""
    return 40 if n_groups <= 12 else 28 if n_groups <= 20 else 20


#: Heatmap label layout: at most this many characters (longer labels are cut with "…"), font size
#: 11 px, whose widest common glyphs (DejaVu Sans, the usual fallback) are about 7 px; column labels
#: turned 55 degrees up from the horizontal, starting 4 px right of the column's centre.
LABEL_CHARS, LABEL_CHAR_PX, LABEL_ANGLE, LABEL_OFFSET = 22, 7.0, 55.0, 4.0


def heatmap_margins(labels: list[str], cell: int) -> dict[str, int]:
    """Room around the heatmap's cells for its labels, from the longest label actually shown.

    ``left`` holds the row labels, ``top`` the turned column labels, ``right`` what the last
    column's label sticks out beyond the last cell (a fixed margin cut "Technical Support" to
    "Technical").

    Examples
    --------
    >>> heatmap_margins(["Technical Support"], 40)
    {'left': 190, 'top': 150, 'right': 59}
    >>> heatmap_margins(["A"], 40)["right"]
    10
    """
    longest = max((min(len(str(x)), LABEL_CHARS) for x in labels), default=0) * LABEL_CHAR_PX
    turn = math.radians(LABEL_ANGLE)
    right = LABEL_OFFSET + longest * math.cos(turn) - cell / 2 + 6
    top = longest * math.sin(turn) + 12
    return {"left": 190, "top": max(150, math.ceil(top)), "right": max(10, math.ceil(right))}


def sparkline(values: list[float | None], *, width: float = 220, height: float = 48,
              partial: list[bool] | None = None) -> dict[str, Any]:
    """Points of a small line chart (missing values skipped); partial periods' dots are drawn hollow."""
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    ok = np.isfinite(v)
    if ok.sum() == 0:
        return {"points": "", "dots": [], "first": None, "last": None}
    lo, hi = np.nanmin(v), np.nanmax(v)
    span = hi - lo or 1.0
    xs = np.linspace(6, width - 6, len(v))
    ys = height - 6 - (height - 12) * (v - lo) / span
    part = partial or [False] * len(v)
    pts = [(float(xs[i]), float(ys[i])) for i in np.flatnonzero(ok)]
    dots = [(float(xs[i]), float(ys[i]), bool(part[i])) for i in np.flatnonzero(ok)]
    return {"points": " ".join(f"{x:.1f},{y:.1f}" for x, y in pts), "dots": dots,
            "first": float(v[ok][0]), "last": float(v[ok][-1]), "min": float(lo), "max": float(hi)}


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    if isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer() and abs(value) >= 1):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(
            lambda name: (resources.files("orgnet.report") / "templates" / name).read_text(encoding="utf-8")
        ),
        autoescape=True,  # every {{ value }} is HTML-escaped; nothing in the template is marked safe
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _fmt
    env.filters["pct"] = percent
    env.filters["people"] = lambda n: Wording().count(n, "person")  # "1 person", "2 people"
    env.filters["blue"] = lambda t: "#ffffff" if t is None else _blue(float(t))
    env.filters["signed"] = lambda v: "–" if v is None else f"{v:+.2f}"
    env.filters["short"] = lambda s, n=LABEL_CHARS: s if len(s) <= n else s[: n - 1] + "…"
    return env


def render_index(findings: Findings, path: Path, *, files: dict[str, list[str]], maps: list[str],
                 pictures: list[str]) -> None:
    """Write ``index.html``.

    Parameters
    ----------
    findings : Findings
        The analysis.
    path : Path
        Where to write the page.
    files : dict of str to list of str
        Report files by kind (``tables``, ``data``, ``graph``), relative to the report folder.
    maps : list of str
        Map pages written (``map.html`` first, then drill-down maps).
    pictures : list of str
        Static pictures written.
    """
    pyramid = content.pyramid_view(findings)
    matrix = content.group_matrix_view(findings)
    periods = content.periods_view(findings)
    cell = heatmap_cell_size(len(matrix.data.get("labels", [])))
    s = findings.summary
    ctx = {
        "s": s,
        "noun": findings.groups.primary,
        "community_caveat": content.community_caveat(findings),
        "mailbox_caveat": content.mailbox_caveat(findings),
        # Edge lists: the pyramid says why levels cannot be measured; the tiles must not list
        # posts, replies and reactions that the data does not have.
        "plain_ties": bool(findings.pyramid.note),
        "period": s.period,
        "coverage": coverage_sentence(s.coverage),
        "sources": s.sources,
        "methods": content.methods_view(findings),
        "glossary": content.GLOSSARY,
        "skipped": s.records_skipped,
        "noted": s.records_noted,
        "skipped_findings": s.skipped_findings,
        "privacy": content.privacy_lines(findings),
        "population": content.population_view(findings),
        "pyramid": pyramid,
        "pyramid_bars": pyramid_bars(pyramid) if pyramid.available else [],
        "ambassadors": content.ambassadors_view(findings),
        "connectors": content.connectors_view(findings),
        "silos": content.silos_view(findings),
        "matrix": matrix,
        "cell": cell,
        "margins": heatmap_margins(list(matrix.data.get("labels", [])), cell),
        "cells": heatmap_cells(matrix, cell=cell) if matrix.available else [],
        "periods": periods,
        "responses": content.responses_view(findings),
        "outside": content.outside_view(findings),
        "formal": content.formal_view(findings),
        "channels": content.channels_view(findings),
        "sparks": [dict(name=x["name"], headline=x["headline"], **sparkline(x["values"], partial=x["partial"]))
                   for x in periods.data.get("series", [])],
        "files": files,
        "maps": maps,
        "group_maps": max(0, len(maps) - 1),
        "pictures": pictures,
    }
    html = _environment().get_template("index.html").render(**ctx)
    path.write_text(html, encoding="utf-8")
