"""The group-to-group heatmap: room for every label, the last column's included."""

from __future__ import annotations

import math
import re
from pathlib import Path

from orgnet.report.index import LABEL_ANGLE, LABEL_CHAR_PX, LABEL_CHARS, LABEL_OFFSET, heatmap_margins


def _overhang(label: str, cell: int) -> float:
    """How far the last column's turned label reaches beyond the last cell."""
    width = min(len(label), LABEL_CHARS) * LABEL_CHAR_PX
    return LABEL_OFFSET + width * math.cos(math.radians(LABEL_ANGLE)) - cell / 2


def test_margins_hold_the_longest_label() -> None:
    # A fixed 10 px right margin cut the demo's last column, "Technical Support", to "Technical".
    for labels, cell in ((["Technical Support"], 40), (["x" * 60], 20), (["Legal", "A much longer unit name"], 28)):
        m = heatmap_margins(labels, cell)
        assert m["right"] >= _overhang(max(labels, key=len), cell)
        width = min(max(map(len, labels)), LABEL_CHARS) * LABEL_CHAR_PX
        assert m["top"] >= width * math.sin(math.radians(LABEL_ANGLE))
        assert m["left"] >= width  # row labels, right-aligned left of the cells
    assert heatmap_margins(["A", "B"], 40)["right"] == 10
    assert heatmap_margins([], 40)["right"] == 10


def test_written_heatmap_is_wide_enough(full_report: Path) -> None:
    index = (full_report / "index.html").read_text(encoding="utf-8")
    svg = re.search(r'aria-label="Group-to-group heatmap" width="(\d+)" height="(\d+)">\s*'
                    r'<g transform="translate\((\d+),(\d+)\)">(.*?)</svg>', index, re.S)
    assert svg is not None
    width, _, left, _, body = int(svg[1]), int(svg[2]), int(svg[3]), int(svg[4]), svg[5]
    labels = re.findall(r"rotate\(-55\)\" font-size=\"11\"><title>(.*?)</title>", body)
    cell = int(re.search(r'<rect x="\d+" y="\d+" width="(\d+)"', body)[1]) + 1  # type: ignore[index]
    assert labels
    assert width >= left + len(labels) * cell + _overhang(labels[-1], cell)


def test_communities_in_numeric_order(bare_findings) -> None:  # type: ignore[no-untyped-def]
    # The maildir heatmap read C1, C10, C11, ..., C16, C2, C3.
    from orgnet.report import content

    labels = content.group_matrix_view(bare_findings).data["labels"]
    numbers = [int(lab[1:]) for lab in labels]
    assert numbers == sorted(numbers)
    assert content.natural_key("C2") < content.natural_key("C10")
