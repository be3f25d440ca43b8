"""Graph exports for Gephi and other tools: GraphML and GEXF with every person attribute and metric.

Both files are built column by column with vectorised string operations (no per-node XML
objects): each attribute column is formatted and escaped once, then the columns are joined
into one line per node. Missing values are left out (no ``<data>`` / ``<attvalue>``), as both
formats allow. Ties are the directed weighted ties of the graph.

Examples
--------
>>> xml_text(pd.Series(['a<b & "c"', None, "ok\\x00"])).tolist()
['a&lt;b &amp; &quot;c&quot;', '', 'ok']
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from orgnet.analysis import Findings
from orgnet.report.content import split_list

__all__ = ["export_columns", "write_gexf", "write_graphml", "xml_text"]

# Characters XML 1.0 does not allow at all (C0 controls but tab, newline, carriage return; U+FFFE/F).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(values: pd.Series) -> pd.Series:
    """Strings escaped for XML text and attribute values; missing values become ``""``."""
    s = values.astype("string").fillna("")
    s = s.str.replace(_INVALID_XML, "", regex=True)
    return (s.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
            .str.replace(">", "&gt;", regex=False).str.replace('"', "&quot;", regex=False))


def export_columns(findings: Findings) -> list[tuple[str, str, pd.Series]]:
    """The person attributes written to the exports: ``(name, type, values)``.

    Types are ``boolean``, ``long``, ``double`` or ``string``; lists (roles) become ``;``-joined
    text and timestamps ISO text. ``person`` is the node id, so it is not repeated.
    """
    p = findings.people
    out: list[tuple[str, str, pd.Series]] = []
    for col in p.columns:
        if col == "person":
            continue
        s = p[col]
        if pd.api.types.is_bool_dtype(s):
            kind = "boolean"
        elif pd.api.types.is_integer_dtype(s):
            kind = "long"
        elif pd.api.types.is_float_dtype(s):
            kind = "double"
        elif pd.api.types.is_datetime64_any_dtype(s):
            kind, s = "string", s.dt.strftime("%Y-%m-%dT%H:%M:%S")
        else:
            kind = "string"
            if s.dtype == object and s.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
                s = s.map(lambda v: "; ".join(split_list(v)))
        out.append((str(col), kind, s))
    return out


def _formatted(kind: str, s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Values as XML-safe text and a mask of the values present."""
    present = s.notna().to_numpy().copy()
    if kind == "boolean":
        text = pd.Series(np.where(s.fillna(False).astype(bool).to_numpy(), "true", "false"), index=s.index)
    elif kind == "long":
        text = s.astype("Int64").astype("string").fillna("")
    elif kind == "double":
        v = s.astype(float).to_numpy()
        present &= np.isfinite(v)
        text = pd.Series(np.char.mod("%.10g", np.nan_to_num(v)), index=s.index)
    else:
        text = xml_text(s)
    return text, present


def _ties(findings: Findings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coo = sp.coo_array(findings.graph.adjacency)
    return coo.row, coo.col, coo.data


def _join(parts: list[pd.Series], index: pd.Index) -> pd.Series:
    total = pd.Series("", index=index, dtype=object)
    for part in parts:
        total = total + part.astype(object)
    return total


def write_graphml(findings: Findings, path: Path) -> None:
    """Write ``graph.graphml``: nodes keyed by person id, all attributes, directed weighted ties."""
    p = findings.people
    ids = xml_text(p["person"]).reset_index(drop=True)
    cols = export_columns(findings)
    keys = [f'<key id="d{i}" for="node" attr.name="{xml_text(pd.Series([name])).iloc[0]}" attr.type="{kind}"/>'
            for i, (name, kind, _) in enumerate(cols)]
    keys.append('<key id="weight" for="edge" attr.name="weight" attr.type="double"/>')
    parts = []
    for i, (_, kind, s) in enumerate(cols):
        text, present = _formatted(kind, s.reset_index(drop=True))
        parts.append(pd.Series(np.where(present, f'<data key="d{i}">' + text.astype(object) + "</data>", ""),
                               dtype=object))
    node_lines = '<node id="' + ids.astype(object) + '">' + _join(parts, ids.index) + "</node>"
    src, dst, w = _ties(findings)
    idv = ids.to_numpy(dtype=object)
    edge_lines = ('<edge source="' + idv[src] + '" target="' + idv[dst] + '"><data key="weight">'
                  + np.char.mod("%.10g", w).astype(object) + "</data></edge>")
    _write_lines(path, [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
        *keys,
        '<graph id="orgnet" edgedefault="directed">',
    ], node_lines, edge_lines, ["</graph>", "</graphml>"])


def write_gexf(findings: Findings, path: Path) -> None:
    """Write ``graph.gexf`` (GEXF 1.3): node id = person id, label = name, every attribute, tie weights."""
    p = findings.people
    ids = xml_text(p["person"]).reset_index(drop=True)
    labels = xml_text(p["name"].astype("string").fillna(p["person"].astype("string"))).reset_index(drop=True)
    cols = export_columns(findings)
    gexf_type = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}
    attrs = [f'<attribute id="{i}" title="{xml_text(pd.Series([name])).iloc[0]}" type="{gexf_type[kind]}"/>'
             for i, (name, kind, _) in enumerate(cols)]
    parts = []
    for i, (_, kind, s) in enumerate(cols):
        text, present = _formatted(kind, s.reset_index(drop=True))
        parts.append(pd.Series(np.where(present, f'<attvalue for="{i}" value="' + text.astype(object) + '"/>', ""),
                               dtype=object))
    node_lines = ('<node id="' + ids.astype(object) + '" label="' + labels.astype(object) + '"><attvalues>'
                  + _join(parts, ids.index) + "</attvalues></node>")
    src, dst, w = _ties(findings)
    idv = ids.to_numpy(dtype=object)
    edge_lines = ('<edge id="' + np.arange(len(w)).astype(str).astype(object) + '" source="' + idv[src]
                  + '" target="' + idv[dst] + '" weight="' + np.char.mod("%.10g", w).astype(object) + '"/>')
    _write_lines(path, [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">',
        '<meta><creator>orgnet</creator><description>people and their weighted directed ties</description></meta>',
        '<graph mode="static" defaultedgetype="directed">',
        '<attributes class="node">', *attrs, "</attributes>",
        "<nodes>",
    ], node_lines, ["</nodes>", "<edges>"], edge_lines, ["</edges>", "</graph>", "</gexf>"])


def _write_lines(path: Path, *chunks: Any) -> None:
    """Write lines: each chunk is a list of lines, or a Series/array of lines (one per node or tie)."""
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for chunk in chunks:
            lines = chunk.tolist() if hasattr(chunk, "tolist") else list(chunk)
            if lines:
                fh.write("\n".join(lines) + "\n")
