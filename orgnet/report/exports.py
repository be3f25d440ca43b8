"""Graph exports for Gephi and other tools: GraphML and GEXF with every person attribute and metric.

Both files are built column by column with vectorised string operations (no per-node XML
objects): each attribute column is formatted and escaped once for both files, then the columns
are joined into one line per node, a chunk of people at a time (memory stays bounded). Missing values are left out (no ``<data>`` / ``<attvalue>``), as both
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

from orgnet.findings import Findings

__all__ = ["CHUNK", "export_columns", "write_gexf", "write_graph_files", "write_graphml", "xml_text"]

# Characters XML 1.0 does not allow at all (C0 controls but tab, newline, carriage return; U+FFFE/F).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape_all(text: list[str]) -> list[str]:
    """XML-escape strings; when none holds a newline they are escaped as one joined string."""
    joined = "\n".join(text)
    if joined.count("\n") != max(len(text) - 1, 0):
        return [_escape_one(t) for t in text]
    if _INVALID_XML.search(joined):
        joined = _INVALID_XML.sub("", joined)
    for a, b in _ESCAPES:
        if a in joined:
            joined = joined.replace(a, b)
    return joined.split("\n") if text else []


def _escape_one(t: str) -> str:
    t = _INVALID_XML.sub("", t)
    for a, b in _ESCAPES:
        t = t.replace(a, b)
    return t


_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"))


def xml_text(values: pd.Series) -> pd.Series:
    """Strings escaped for XML text and attribute values; missing values become ``""``.

    Each distinct value is escaped once, and all of them in one pass over one joined string.
    """
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    escaped = np.array([*_escape_all(np.asarray(uniques, dtype=object).tolist()), ""], dtype=object)
    return pd.Series(escaped[codes], index=values.index, dtype=object)


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
        out.append((str(col), kind, s))
    return out


def _format_doubles(v: np.ndarray) -> np.ndarray:
    # str.format per value is several times faster than np.char.mod, with the same text.
    return np.array(list(map("{:.10g}".format, v.tolist())), dtype=object)


def _formatted(kind: str, s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Values as XML-safe text (object array) and a mask of the values present."""
    present = s.notna().to_numpy().copy()
    if kind == "boolean":
        text = np.where(s.fillna(False).astype(bool).to_numpy(), "true", "false").astype(object)
    elif kind == "long":
        v = s.to_numpy(dtype=np.float64, na_value=0) if not present.all() else s.to_numpy()
        text = np.array(list(map(str, v.astype(np.int64).tolist())), dtype=object)
    elif kind == "double":
        v = s.astype(float).to_numpy()
        present &= np.isfinite(v)
        text = _format_doubles(np.where(present, v, 0.0))
    else:
        text = xml_text(s).to_numpy(dtype=object)
    return text, present


#: People (or ties) formatted and written at a time: memory stays bounded whatever the size.
CHUNK = 20_000


def _node_chunks(findings: Findings, chunk: int) -> Any:
    """The people in chunks: escaped ids, labels and each attribute column's text and presence."""
    p = findings.people
    columns = export_columns(findings)
    for start in range(0, len(p), chunk):
        rows = slice(start, start + chunk)
        part = p.iloc[rows]
        ids = xml_text(part["person"]).to_numpy(dtype=object)
        labels = xml_text(part["name"].astype("string").fillna(part["person"].astype("string"))).to_numpy(dtype=object)
        yield ids, labels, [_formatted(kind, s.iloc[rows]) for _, kind, s in columns]


def _edge_chunks(findings: Findings, chunk: int) -> Any:
    """The ties in chunks: source and target ids (escaped) and weights, as text."""
    coo = sp.coo_array(findings.ties)
    ids = xml_text(findings.people["person"]).to_numpy(dtype=object) if len(coo.data) else np.zeros(0, object)
    for start in range(0, len(coo.data), chunk):
        rows = slice(start, start + chunk)
        yield ids[coo.row[rows]].tolist(), ids[coo.col[rows]].tolist(), _format_doubles(coo.data[rows]).tolist()


def _wrapped(text: np.ndarray, present: np.ndarray, before: str, after: str) -> list[str]:
    return [f"{before}{t}{after}" if ok else "" for t, ok in zip(text.tolist(), present.tolist(), strict=True)]


_GEXF_TYPE = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}


def write_graph_files(findings: Findings, graphml: Path | None, gexf: Path | None, *, chunk: int = CHUNK) -> None:
    """Write ``graph.graphml`` and/or ``graph.gexf``, formatting each chunk of people once for both.

    GraphML: nodes keyed by person id, every attribute, directed weighted ties. GEXF 1.3: node
    id = person id, label = name, every attribute, tie weights. Written chunk by chunk, so the
    memory needed does not grow with the organisation.
    """
    columns = [(name, kind) for name, kind, _ in export_columns(findings)]
    files = {}
    try:
        if graphml is not None:
            files["graphml"] = graphml.open("w", encoding="utf-8", newline="\n")
            keys = [f'<key id="d{i}" for="node" attr.name="{_escape_one(name)}" attr.type="{kind}"/>'
                    for i, (name, kind) in enumerate(columns)]
            _lines(files["graphml"], [
                '<?xml version="1.0" encoding="UTF-8"?>',
                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
                *keys, '<key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
                '<graph id="orgnet" edgedefault="directed">'])
        if gexf is not None:
            files["gexf"] = gexf.open("w", encoding="utf-8", newline="\n")
            attrs = [f'<attribute id="{i}" title="{_escape_one(name)}" type="{_GEXF_TYPE[kind]}"/>'
                     for i, (name, kind) in enumerate(columns)]
            _lines(files["gexf"], [
                '<?xml version="1.0" encoding="UTF-8"?>',
                '<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">',
                '<meta><creator>orgnet</creator><description>people and their weighted directed ties</description>'
                '</meta>',
                '<graph mode="static" defaultedgetype="directed">',
                '<attributes class="node">', *attrs, "</attributes>", "<nodes>"])
        for ids, labels, formatted in _node_chunks(findings, chunk):
            if "graphml" in files:
                parts = [_wrapped(text, present, f'<data key="d{i}">', "</data>")
                         for i, (text, present) in enumerate(formatted)]
                _lines(files["graphml"], [f'<node id="{i}">{"".join(row)}</node>'
                                          for i, *row in zip(ids.tolist(), *parts, strict=True)])
            if "gexf" in files:
                parts = [_wrapped(text, present, f'<attvalue for="{i}" value="', '"/>')
                         for i, (text, present) in enumerate(formatted)]
                _lines(files["gexf"], [f'<node id="{i}" label="{lab}"><attvalues>{"".join(row)}</attvalues></node>'
                                       for i, lab, *row in zip(ids.tolist(), labels.tolist(), *parts, strict=True)])
        if "gexf" in files:
            _lines(files["gexf"], ["</nodes>", "<edges>"])
        k = 0
        for src, dst, weights in _edge_chunks(findings, chunk * 10):
            if "graphml" in files:
                _lines(files["graphml"], [f'<edge source="{a}" target="{b}"><data key="weight">{w}</data></edge>'
                                          for a, b, w in zip(src, dst, weights, strict=True)])
            if "gexf" in files:
                _lines(files["gexf"], [f'<edge id="{k + j}" source="{a}" target="{b}" weight="{w}"/>'
                                       for j, (a, b, w) in enumerate(zip(src, dst, weights, strict=True))])
            k += len(src)
        if "graphml" in files:
            _lines(files["graphml"], ["</graph>", "</graphml>"])
        if "gexf" in files:
            _lines(files["gexf"], ["</edges>", "</graph>", "</gexf>"])
    finally:
        for fh in files.values():
            fh.close()


def write_graphml(findings: Findings, path: Path) -> None:
    """Write ``graph.graphml``: nodes keyed by person id, every attribute, directed weighted ties."""
    write_graph_files(findings, path, None)


def write_gexf(findings: Findings, path: Path) -> None:
    """Write ``graph.gexf`` (GEXF 1.3): node id = person id, label = name, every attribute, tie weights."""
    write_graph_files(findings, None, path)


def _lines(fh: Any, lines: list[str]) -> None:
    if lines:
        fh.write("\n".join(lines) + "\n")
