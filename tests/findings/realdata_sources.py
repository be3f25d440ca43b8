"""Every source in the shared data folder, read as the command line reads it (helper for the real-data tests).

Exports (Slack, mbox, maildir) are read by :func:`orgnet.load.load_events` with no option, as
``orgnet analyze PATH`` does; edge lists by the CSV reader with the column map a user passes
(``--map actor=source,target=target``), with the node table as the directory when it names a group.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from orgnet.load import load_events


@dataclass
class Source:
    """One source as the analysis takes it."""

    events: pa.Table
    directory: pd.DataFrame | None
    people: pd.DataFrame | None


#: Dataset folder -> (path inside it, reader options, node file and its group column).
SOURCES: dict[str, tuple[str, dict[str, object], tuple[str, str] | None]] = {
    "coleman_physicians": ("edges.csv", {"column_map": {"actor": "source", "target": "target"}}, ("nodes.csv", "city")),
    "email-Eu-core": ("email-Eu-core.txt", {"no_header": True, "delimiter": " "}, None),
    "enron_maildir_subset": ("maildir", {}, None),
    "enron_perry_wolfe": ("message_recipients.csv",
                          {"column_map": {"actor": "sender_id", "target": "recipient_id", "thread": "message_id"}},
                          ("actors.csv", "department")),
    "krackhardt_hightech": ("advice_edges.csv", {"column_map": {"actor": "source", "target": "target"}},
                            ("nodes.csv", "dept")),
    "lazega_lawfirm": ("cowork_edges.csv", {"column_map": {"actor": "source", "target": "target"}},
                       ("nodes.csv", "office")),
    "mbox_apache_lists": ("maven-dev-2017-11-listsao.mbox", {}, None),
    "slack_houstondatavis": (".", {}, None),
    "slack_olake_community": (".", {}, None),
    "ukfaculty": ("edges.csv", {"column_map": {"actor": "source", "target": "target", "weight": "weight"}},
                  ("nodes.csv", "Group")),
}


def load_source(name: str, root: Path) -> Source:
    """Read one dataset of the shared folder (``root``) as the command line would."""
    path, options, nodes = SOURCES[name]
    folder = root / name
    directory = None
    if nodes is not None:
        table = pd.read_csv(folder / nodes[0])
        directory = pd.DataFrame({"person": table["id"].astype(str), "department": table[nodes[1]].astype(str)})
    loaded = load_events(folder / path, directory=directory, **options)
    return Source(loaded.events, directory, loaded.people)
