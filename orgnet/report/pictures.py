"""Static pictures for slides: the group map and the engagement pyramid, as PNG and SVG.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global state, no display
needed). Each picture is written only when its data are in the findings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from orgnet.report.content import LEVEL_COLOURS, View
from orgnet.report.words import percent

__all__ = ["draw_group_map", "draw_pyramid", "write_pictures"]



def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, stem: Path) -> list[Path]:
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    fig.savefig(paths[0], bbox_inches="tight", facecolor="white")
    # A fixed hash salt (see write_pictures) and no date keep the SVG identical across runs.
    fig.savefig(paths[1], bbox_inches="tight", facecolor="white", metadata={"Date": None})
    return paths


def draw_pyramid(view: View, stem: Path) -> list[Path]:
    """The engagement pyramid: one centred bar per level, the most engaged at the top."""
    levels, counts, total = view.data["levels"], view.data["counts"], max(view.data["total"], 1)
    fig = _figure(7, 0.55 * len(levels) + 1.2)
    ax = fig.add_subplot()
    top = max(max(counts), 1)
    for y, (lev, c) in enumerate(zip(levels, counts, strict=True)):
        w = c / top
        ax.barh(y, w, left=-w / 2, height=0.8, color=LEVEL_COLOURS.get(lev, "#829ab1"))
        ax.text(-0.52, y, lev, ha="right", va="center", fontsize=10)
        ax.text(0.52, y, f"{c:,} ({percent(100 * c / total)}%)", ha="left", va="center", fontsize=10)
    ax.set_xlim(-0.9, 0.9)
    ax.set_ylim(-0.6, len(levels) - 0.4)
    ax.axis("off")
    ax.set_title(f"Engagement pyramid ({total:,} people)", fontsize=12, loc="left")
    return _save(fig, stem)


def draw_group_map(data: dict[str, Any], stem: Path, *, max_labels: int = 40) -> list[Path]:
    """Groups as circles (area: members) at the map's positions, ties as lines (width: weight)."""
    x, y = np.asarray(data["x"], dtype=float), -np.asarray(data["y"], dtype=float)
    size = np.asarray(data["sizeBy"]["members"]["value"], dtype=float)
    colours = next(iter(data["colourBy"].values()))
    fig = _figure(9, 7)
    ax = fig.add_subplot()
    e = data["edges"]
    if e["from"]:
        from matplotlib.collections import LineCollection

        segments = np.stack([np.column_stack([x[e["from"]], y[e["from"]]]),
                             np.column_stack([x[e["to"]], y[e["to"]]])], axis=1)
        ax.add_collection(LineCollection(segments, linewidths=np.asarray(e["width"]) * 0.6, colors="#9fb3c8",
                                         alpha=0.6, zorder=1))
    area = 2000 * size / max(size.max(), 1) + 30
    ax.scatter(x, y, s=area, c=[colours["colours"][i % len(colours["colours"])] for i in colours["codes"]],
               edgecolors="white", linewidths=1, zorder=2)
    for i in np.argsort(-size, kind="stable")[:max_labels]:
        ax.annotate(str(data["labels"][i]), (x[i], y[i]), ha="center", va="center", fontsize=7, zorder=3)
    ax.set_aspect("equal")
    ax.margins(0.08)
    ax.axis("off")
    ax.set_title(f"Groups and the ties between them ({len(x)} {data.get('groupKind', 'group')}s)", fontsize=12,
                 loc="left")
    return _save(fig, stem)


def write_pictures(folder: Path, pyramid: View, groups: dict[str, Any] | None) -> list[Path]:
    """Write ``pyramid.png``/``.svg`` and ``group_map.png``/``.svg`` into ``folder`` when their data exist."""
    import matplotlib

    folder.mkdir(exist_ok=True)
    written: list[Path] = []
    with matplotlib.rc_context({"svg.hashsalt": "orgnet"}):
        if pyramid.available:
            written += draw_pyramid(pyramid, folder / "pyramid")
        if groups is not None and len(groups["ids"]) >= 1:
            written += draw_group_map(groups, folder / "group_map")
    return written
