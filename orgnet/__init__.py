"""orgnet: organisational network analysis from collaboration metadata.

The public API, from exported logs to a report::

    exported logs --connectors--> Events --> OrgGraph --metrics--> Findings --reporter--> report folder

Examples
--------
>>> import orgnet
>>> from orgnet.synthetic import toy_org
>>> org = toy_org()
>>> findings = orgnet.analyze(org.events, directory=org.directory)
>>> findings.summary.people == len(org.directory)
True
"""

__version__ = "0.1.0"

from importlib import import_module
from typing import Any

# Public names and the module each lives in; imported on first use (PEP 562), so
# `import orgnet` stays light and the command line starts fast.
_EXPORTS: dict[str, str] = {
    "READERS": "orgnet.connectors",
    "SCHEMA": "orgnet.events",
    "AnalysisOptions": "orgnet.findings",
    "EventSchemaError": "orgnet.events",
    "Findings": "orgnet.findings",
    "InputError": "orgnet.connectors",
    "LoadedEvents": "orgnet.load",
    "OrgGraph": "orgnet.graph",
    "ReadResult": "orgnet.connectors",
    "RunOptions": "orgnet.pipeline",
    "RunResult": "orgnet.pipeline",
    "analyze": "orgnet.findings",
    "coerce_events": "orgnet.events",
    "concat_events": "orgnet.events",
    "events_from_frame": "orgnet.events",
    "load_events": "orgnet.load",
    "read": "orgnet.connectors",
    "read_directory": "orgnet.directory",
    "run": "orgnet.pipeline",
    "sniff": "orgnet.connectors",
    "validate": "orgnet.events",
    "write_report": "orgnet.report",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'orgnet' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "READERS",
    "SCHEMA",
    "AnalysisOptions",
    "EventSchemaError",
    "Findings",
    "InputError",
    "LoadedEvents",
    "OrgGraph",
    "ReadResult",
    "RunOptions",
    "RunResult",
    "__version__",
    "analyze",
    "coerce_events",
    "concat_events",
    "events_from_frame",
    "load_events",
    "read",
    "read_directory",
    "run",
    "sniff",
    "validate",
    "write_report",
]
