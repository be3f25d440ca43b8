"""Graph exports for Gephi and other tools: GraphML and GEXF with every person attribute and metric.

Both files are built column by column with Arrow's string kernels (no per-node or per-tie Python
string): each attribute column is formatted and escaped once for both files, then the columns
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
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
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


def _arrow_text(kind: str, s: pd.Series) -> tuple[pa.Array, np.ndarray]:
    """Values as XML-safe Arrow strings and a mask of the values present (no per-value Python)."""
    present = s.notna().to_numpy().copy()
    if kind == "boolean":
        text = pa.array(np.where(s.fillna(False).astype(bool).to_numpy(), "true", "false"), pa.string())
    elif kind == "long":
        v = s.to_numpy(dtype=np.float64, na_value=0) if not present.all() else s.to_numpy()
        text = pc.cast(pa.array(v.astype(np.int64)), pa.string())
    elif kind == "double":
        v = s.astype(float).to_numpy()
        present &= np.isfinite(v)
        text = _doubles(np.where(present, v, 0.0))
    else:
        text = pa.array(xml_text(s).to_numpy(dtype=object), pa.string())
    return text, present


def _doubles(v: np.ndarray) -> pa.Array:
    # Arrow's shortest round-trip text of each double (what Python's repr gives).
    return pc.cast(pa.array(v, pa.float64()), pa.string())


#: People (or ties) formatted and written at a time: memory stays bounded whatever the size.
CHUNK = 20_000


def _node_chunks(findings: Findings, chunk: int) -> Any:
    """The people in chunks: escaped ids, labels and each attribute column's text and presence."""
    p = findings.people
    columns = export_columns(findings)
    for start in range(0, len(p), chunk):
        rows = slice(start, start + chunk)
        part = p.iloc[rows]
        ids = pa.array(xml_text(part["person"]).to_numpy(dtype=object), pa.string())
        labels = pa.array(xml_text(part["name"].astype("string").fillna(part["person"].astype("string")))
                          .to_numpy(dtype=object), pa.string())
        yield ids, labels, [_arrow_text(kind, s.iloc[rows]) for _, kind, s in columns]


def _edge_chunks(findings: Findings, chunk: int) -> Any:
    """The ties in chunks: source and target ids (escaped), weights as text, and the tie numbers."""
    coo = sp.coo_array(findings.ties)
    if not len(coo.data):
        return
    ids = pa.array(xml_text(findings.people["person"]).to_numpy(dtype=object), pa.string())
    for start in range(0, len(coo.data), chunk):
        rows = slice(start, start + chunk)
        yield (ids.take(pa.array(coo.row[rows])), ids.take(pa.array(coo.col[rows])), _doubles(coo.data[rows]),
               pc.cast(pa.array(np.arange(start, start + len(coo.data[rows]))), pa.string()))


def _wrapped(text: pa.Array, present: np.ndarray, before: str, after: str) -> pa.Array:
    """``before + text + after`` where present, else ``""``: one attribute element per person."""
    joined = pc.binary_join_element_wise(before, text, after, "")
    return pc.if_else(pa.array(present), joined, "")


def _join(*parts: Any) -> pa.Array:
    """Strings (arrays or str scalars) joined element-wise, each line ending with a newline."""
    return pc.binary_join_element_wise(*parts, "\n", "")


_GEXF_TYPE = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}


def write_graph_files(findings: Findings, graphml: Path | None, gexf: Path | None, *, chunk: int = CHUNK) -> None:
    """Write ``graph.graphml`` and/or ``graph.gexf``, formatting each chunk of people once for both.

    GraphML: nodes keyed by person id, every attribute, directed weighted ties. GEXF 1.3: node
    id = person id, label = name, every attribute, tie weights. Written chunk by chunk, so the
    memory needed does not grow with the organisation; each line is built by Arrow's string
    kernels and the chunk written from Arrow's buffer in one call (no Python string per tie).
    """
    columns = [(name, kind) for name, kind, _ in export_columns(findings)]
    files: dict[str, BinaryIO] = {}
    try:
        if graphml is not None:
            files["graphml"] = graphml.open("wb")
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
            files["gexf"] = gexf.open("wb")
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
                _write(files["graphml"], _join('<node id="', ids, '">', *parts, "</node>"))
            if "gexf" in files:
                parts = [_wrapped(text, present, f'<attvalue for="{i}" value="', '"/>')
                         for i, (text, present) in enumerate(formatted)]
                _write(files["gexf"], _join('<node id="', ids, '" label="', labels, '"><attvalues>', *parts,
                                            "</attvalues></node>"))
        if "gexf" in files:
            _lines(files["gexf"], ["</nodes>", "<edges>"])
        for src, dst, weights, numbers in _edge_chunks(findings, chunk * 10):
            if "graphml" in files:
                _write(files["graphml"], _join('<edge source="', src, '" target="', dst, '"><data key="weight">',
                                               weights, "</data></edge>"))
            if "gexf" in files:
                _write(files["gexf"], _join('<edge id="', numbers, '" source="', src, '" target="', dst,
                                            '" weight="', weights, '"/>'))
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


def _lines(fh: BinaryIO, lines: list[str]) -> None:
    if lines:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))


def _write(fh: BinaryIO, lines: pa.Array) -> None:
    """Write an Arrow string array whose values each end with a newline: its data buffer, as it is."""
    if not len(lines):
        return
    if lines.null_count:  # a null in any part makes the line null: never expected, refuse to drop it
        raise ValueError("graph export: a line could not be formatted")
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=width)[lines.offset:lines.offset + len(lines) + 1]
    fh.write(memoryview(lines.buffers()[2])[int(offsets[0]):int(offsets[-1])])
