"""``orgnet analyze``: read exports, compute the findings, write the report folder."""

from __future__ import annotations

import contextlib
import time
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import click
import pandas as pd
from rich.markup import escape
from rich.table import Table

from orgnet.analysis import AnalysisOptions
from orgnet.cli._common import console, guarded
from orgnet.connectors.dates import DATE_CHECKS
from orgnet.connectors.tabular import parse_column_map
from orgnet.malloc import keep_freed_memory
from orgnet.pipeline import RunOptions, run
from orgnet.privacy import load_key
from orgnet.report import GRAPH_FILES_MAX_TIES
from orgnet.report.content import highlights

__all__ = ["command"]


@contextlib.contextmanager
def _step(name: str) -> Iterator[None]:
    start = time.perf_counter()
    with console.status(f"[bold]{name}[/]…", spinner="dots"):
        yield
    console.print(f"[green]✓[/] {name} [dim]({time.perf_counter() - start:.1f} s)[/]", highlight=False)


def _summary(findings, out: Path) -> None:  # type: ignore[no-untyped-def]
    s = findings.summary
    period = s["period"]
    span = f"{period['first'][:10]} to {period['last'][:10]}" if period["first"] else "no timestamps"
    console.print(f"\n[bold]{s['people']:,}[/] people ({s['active_people']:,} active), "
                  f"[bold]{s['ties']:,}[/] ties from [bold]{s['events']:,}[/] events, {span}.", highlight=False)
    _privacy_line(s.get("privacy") or {})
    if "pagerank" in findings.people.columns:  # aggregate-only reports have no people
        top = findings.people.nlargest(10, "pagerank")
        t = Table(title="Most central people (PageRank)", title_justify="left")
        for col in ("person", "name", "department", "pagerank", "partners"):
            t.add_column(col, justify="right" if col in ("pagerank", "partners") else "left")
        for row in top.itertuples():
            t.add_row(str(row.person), str(row.name), "" if pd.isna(row.department) else str(row.department),
                      f"{row.pagerank:.4f}", str(row.partners))
        console.print(t)
    groups = findings.groups.dropna(subset=["ei_index"])
    kind = "department" if (groups["kind"] == "department").any() else "community"
    inward = groups[groups["kind"] == kind].nsmallest(8, "ei_index")
    plural = "departments" if kind == "department" else "communities"
    g = Table(title=f"Most inward-looking {plural} (E-I index, -1 = all ties inside)", title_justify="left")
    for col in ("group", "size", "ei_index"):
        g.add_column(col, justify="left" if col == "group" else "right")
    for row in inward.itertuples():
        g.add_row(str(row.group), str(row.size), f"{row.ei_index:+.2f}")
    console.print(g)
    for note in s.get("skipped_findings", []):
        console.print(f"[yellow]skipped:[/] {note}", highlight=False)
    skipped = s.get("records_skipped") or {}
    if skipped:
        console.print("[yellow]records skipped:[/] " + ", ".join(f"{k}: {v:,}" for k, v in skipped.items()),
                      highlight=False)
    for title, columns, rows in highlights(findings):
        h = Table(title=title, title_justify="left")
        for col in columns:
            h.add_column(col, overflow="fold")
        for row in rows:
            h.add_row(*(escape(cell) for cell in row))
        console.print(h)
    console.print(f"\nReport: [bold]{escape(str(out / 'index.html'))}[/] (open it in a browser; the map, CSVs, "
                  "findings.json and GraphML/GEXF are beside it)", highlight=False)


def _privacy_line(p: dict) -> None:  # type: ignore[type-arg]
    parts = [f"pseudonymised (key {p['key_fingerprint']})" if p.get("pseudonymised") else "not pseudonymised"]
    hidden = sum((p.get("groups_suppressed") or {}).values())
    parts.append(f"groups under {p.get('min_group_size')} people hidden: {hidden}")
    if p.get("people_excluded") is not None:
        parts.append(f"people excluded: {p['people_excluded']}")
    if p.get("aggregate_only"):
        parts.append("aggregate only")
    console.print("[dim]privacy:[/] " + "; ".join(parts), highlight=False)


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (value or "").split(",") if x.strip())


@click.command()
@click.argument("paths", nargs=-1, required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--store", "store_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Read events from a store made by `orgnet import` instead of PATHS.")
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("report"), show_default=True,
              help="Report folder (created; an earlier report there is replaced).")
@click.option("--directory", "directory_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="HR directory CSV (person id or e-mail, name, department, title, manager, site, hire date).")
@click.option("--alias", "alias_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of alias,person pairs: known aliases (other addresses, accounts) of one person.")
@click.option("--org-domain", "org_domains", multiple=True, metavar="DOMAIN",
              help="E-mail domain of the organisation (repeatable): other parties are external.")
@click.option("--include-bcc", is_flag=True, help="E-mail: count Bcc recipients too (off by default).")
@click.option("--no-subject-threads", is_flag=True,
              help="E-mail: thread by In-Reply-To/References only; do not link RE:/FW: mails without them by subject.")
@click.option("--date-check", type=click.Choice(DATE_CHECKS),
              help="E-mail, CSV, Parquet: which dates are implausible (kept without a date): 'outliers' (default: "
                   "before 1971, in the future, or isolated far from all other dates) or 'bounds' (the first two only).")
@click.option("--format", "fmt", help="Reader to use instead of sniffing (see `orgnet formats`).")
@click.option("--map", "column_map", metavar="COL=NAME,...",
              help="Map event columns to the file's columns, e.g. actor=sender,target=recipient,ts=date.")
@click.option("--since", help="Only events on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only events before this date (YYYY-MM-DD).")
@click.option("--by", type=click.Choice(["week", "month", "quarter"]),
              help="Also compute the findings per period, with their trends.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for communities and sampling.")
@click.option("--resolution", type=float, default=1.0, show_default=True, help="Leiden resolution.")
@click.option("--include-external", is_flag=True, help="Keep ties with people outside the organisation.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where events are aggregated into ties: in process, or on Dask (see docs/scale.md).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a local cluster).")
@click.option("--pseudonymize", is_flag=True,
              help="Replace every person id, name and e-mail in the report by a keyed pseudonym (see docs/privacy.md).")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Pseudonymisation key (at least 16 bytes; else $ORGNET_KEY). Implies --pseudonymize.")
@click.option("--keep-attributes", default="department", show_default=True, metavar="COL,...",
              help="People attributes kept when pseudonymising.")
@click.option("--drop-attributes", default="", metavar="COL,...", help="People attributes dropped when pseudonymising.")
@click.option("--min-group-size", type=click.IntRange(min=0), default=5, show_default=True,
              help="Hide groups smaller than this in group-level results (0: show all).")
@click.option("--aggregate-only", is_flag=True, help="No individual in the report: groups and counts only.")
@click.option("--exclude", "exclude_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Opt-out list: one id or e-mail per line, or a CSV with a person column.")
@click.option("--graph-files-max-ties", type=click.IntRange(min=0), default=GRAPH_FILES_MAX_TIES, show_default=True,
              help="Write graph.graphml and graph.gexf only up to this many ties (0: always).")
@click.option("--open", "open_report", is_flag=True, help="Open the report's index.html in the web browser.")
@guarded
def command(paths: tuple[Path, ...], out: Path, directory_path: Path | None, fmt: str | None,
            column_map: str | None, since: str | None, until: str | None, seed: int, resolution: float,
            include_external: bool, store_path: Path | None = None, engine: str = "local",
            scheduler: str | None = None, pseudonymize: bool = False, key_file: Path | None = None,
            keep_attributes: str = "department", drop_attributes: str = "", min_group_size: int = 5,
            aggregate_only: bool = False, exclude_path: Path | None = None, alias_path: Path | None = None,
            org_domains: tuple[str, ...] = (), include_bcc: bool = False, open_report: bool = False,
            by: str | None = None, graph_files_max_ties: int = GRAPH_FILES_MAX_TIES,
            no_subject_threads: bool = False, date_check: str | None = None) -> None:
    """Analyse exported collaboration logs (PATHS, or --store) and write a report folder."""
    if not paths and store_path is None:
        raise click.UsageError("give the exports to read (PATHS) or an event store (--store FILE)")
    keep_freed_memory()  # large temporary arrays reuse memory instead of faulting in new pages
    options = RunOptions(
        format=fmt,
        reader_options={"column_map": parse_column_map(column_map), "org_domain": org_domains or None,
                        "include_bcc": include_bcc, "threading": "headers" if no_subject_threads else None,
                        "date_check": date_check},
        directory=directory_path,
        analysis=AnalysisOptions(since=since, until=until, seed=seed, resolution=resolution,
                                 include_external=include_external, engine=engine, scheduler=scheduler,
                                 by=by),
        store=store_path,
        pseudonymize=pseudonymize or key_file is not None,
        key=load_key(key_file) if pseudonymize or key_file is not None else None,
        keep_attributes=_names(keep_attributes),
        drop_attributes=_names(drop_attributes),
        min_group_size=min_group_size,
        aggregate_only=aggregate_only,
        exclude=exclude_path,
        aliases=alias_path,
        graph_files_max_ties=graph_files_max_ties,
    )
    result = run(list(paths), out, options, progress=_step)
    _summary(result.findings, result.report)
    if open_report:
        webbrowser.open((result.report / "index.html").as_uri())
