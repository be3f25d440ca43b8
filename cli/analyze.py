"""``orgnet analyze``: read exports, compute the findings, write the report folder."""

from __future__ import annotations

import contextlib
import tempfile
import time
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.markup import escape as _escape
from rich.table import Table

from orgnet.cli._common import console, guarded
from orgnet.cli._readers import reader_options as table_options
from orgnet.connectors.base import InputError
from orgnet.findings import AnalysisOptions, Findings, Rules
from orgnet.malloc import keep_freed_memory
from orgnet.pipeline import RunOptions, run
from orgnet.privacy import load_key
from orgnet.privacy.terminal import plain
from orgnet.report import GRAPH_FILES_MAX_TIES
from orgnet.report.content import group_label, highlights

__all__ = ["command"]


def escape(value: object) -> str:
    """Text from the data as printed: no control characters or escape sequences, rich markup escaped."""
    return _escape(plain(value))


@contextlib.contextmanager
def _step(name: str) -> Iterator[None]:
    start = time.perf_counter()
    with console.status(f"[bold]{name}[/]…", spinner="dots"):
        yield
    console.print(f"[green]✓[/] {name} [dim]({time.perf_counter() - start:.1f} s)[/]", highlight=False)


def _summary(findings: Findings, out: Path) -> None:
    s = findings.summary
    period = s.period
    span = f"{period['first'][:10]} to {period['last'][:10]}" if period["first"] else "no timestamps"
    console.print(f"\n[bold]{s.people:,}[/] people ({s.active_people:,} active), "
                  f"[bold]{s.ties:,}[/] ties from [bold]{s.events:,}[/] events, {span}.", highlight=False)
    _privacy_line(s.privacy)
    if findings.n:  # aggregate-only reports have no people
        top = findings.people.nlargest(10, "pagerank")
        kind = findings.groups.primary
        t = Table(title="Most central people (PageRank)", title_justify="left")
        for col in ("person", "name", kind, "pagerank", "partners"):
            t.add_column(col, justify="right" if col in ("pagerank", "partners") else "left")
        for _, row in top.iterrows():
            group = row.get(kind)
            t.add_row(escape(str(row["person"])), escape(str(row["name"])),
                      "" if pd.isna(group) else escape(str(group)), f"{row['pagerank']:.4f}", str(row["partners"]))
        console.print(t)
    groups = findings.groups.table
    kind = findings.groups.primary
    inward = groups[(groups["kind"] == kind)].dropna(subset=["ei_index"]).nsmallest(8, "ei_index")
    plural = "departments" if kind == "department" else "communities"
    # Only a negative E-I index means more ties inside than outside: the title says what is shown, not a verdict.
    g = Table(title=f"{plural.capitalize()} by E-I index, lowest first (-1 = all ties inside, +1 = all outside)",
              title_justify="left")
    for col in ("group", "size", "ei_index"):
        g.add_column(col, justify="left" if col == "group" else "right")
    for row in inward.itertuples():
        g.add_row(escape(group_label(findings, kind, int(row.code))), str(row.size), f"{row.ei_index:+.2f}")
    console.print(g)
    for note in s.skipped_findings:
        console.print(f"[yellow]skipped:[/] {escape(note)}", highlight=False)
    if s.records_skipped:
        console.print("[yellow]records skipped:[/] " + ", ".join(f"{escape(k)}: {v:,}" for k, v in
                                                                  s.records_skipped.items()), highlight=False)
    if s.records_noted:
        console.print("[dim]records kept with a note:[/] " + ", ".join(f"{escape(k)}: {v:,}" for k, v in
                                                                       s.records_noted.items()), highlight=False)
    for title, columns, rows in highlights(findings):
        h = Table(title=title, title_justify="left")
        for col in columns:
            h.add_column(col, overflow="fold")
        for cells in rows:
            h.add_row(*(escape(cell) for cell in cells))
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


def _check_writable(out: Path) -> None:
    """Refuse an output folder that cannot be written, before any work (nothing is left behind)."""
    target = out.resolve()
    base = target if target.exists() else next(p for p in target.parents if p.exists())
    if not base.is_dir():
        raise InputError(out, f"cannot write the report there ({base} is a file, not a folder); "
                         "choose another --out")
    try:
        tempfile.TemporaryDirectory(dir=base).cleanup()
    except OSError as exc:
        raise InputError(out, f"cannot write the report there ({exc.strerror or exc}); "
                         "choose a folder you can write to with --out") from None


def _rule_values(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--rule")
        out[name.strip()] = value.strip()
    return out


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
@click.option("--group-column", "group_column", metavar="COLUMN",
              help="The directory's column of formal groups when it is not a department column "
                   "(e.g. city, office, unit): used as the department for silos and formal vs informal.")
@click.option("--alias", "alias_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of alias,person pairs: known aliases (other addresses, accounts) of one person.")
@click.option("--org-domain", "org_domains", multiple=True, metavar="DOMAIN",
              help="E-mail domain of the organisation (repeatable): other parties are external.")
@click.option("--keep-sender", "keep_senders", multiple=True, metavar="ADDRESS",
              help="Keep this sender as a person although evidence says it is a list, bot or no-reply address "
                   "(repeatable; see docs/identities.md).")
@click.option("--non-human", "non_human_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="File of ids or e-mails (one per line) that are not people: lists, bots, shared mailboxes.")
@click.option("--no-auto-merge", is_flag=True,
              help="Do not merge duplicate identities automatically, even when the evidence makes them certain.")
@click.option("--include-bcc", is_flag=True, help="E-mail: count Bcc recipients too (off by default).")
@click.option("--format", "fmt", help="Reader to use instead of sniffing (see `orgnet formats`).")
@table_options
@click.option("--since", help="Only events on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only events before this date (YYYY-MM-DD).")
@click.option("--by", type=click.Choice(["week", "month", "quarter"]),
              help="Also compute the findings per period, with their trends.")
@click.option("--outside-contacts", type=click.IntRange(min=1), default=10, show_default=True, metavar="N",
              help="Getting outside: people with at least N distinct outside contacts (people in other groups, "
                   "parties outside the organisation).")
@click.option("--rule", "rule_overrides", multiple=True, metavar="NAME=VALUE",
              help="Change one threshold of the findings (repeatable), e.g. silos.test_z=2.5; `orgnet rules` "
                   "lists them with their defaults.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for communities and sampling.")
@click.option("--resolution", type=float, default=None,
              help="Leiden resolution (default: chosen from the data, Newman 2016; see docs/metrics.md).")
@click.option("--include-external", is_flag=True, help="Keep ties with people outside the organisation.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where events are aggregated into ties: in process, or on Dask (see docs/scale.md).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: a local cluster).")
@click.option("--pseudonymize", is_flag=True,
              help="Replace every person id, name and e-mail in the report by a keyed pseudonym (see docs/privacy.md).")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Pseudonymisation key (at least 16 random bytes; else $ORGNET_KEY). Implies --pseudonymize.")
@click.option("--keep-attributes", default="department", show_default=True, metavar="COL,...",
              help="People attributes kept when pseudonymising.")
@click.option("--keep-labels", is_flag=True,
              help="When pseudonymising, keep the labels of kept attributes (departments) instead of group "
                   "pseudonyms; labels holding a member's name, handle or e-mail are replaced all the same.")
@click.option("--drop-attributes", default="", metavar="COL,...", help="People attributes dropped when pseudonymising.")
@click.option("--min-group-size", type=click.IntRange(min=0), default=5, show_default=True,
              help="Hide groups smaller than this in group-level results (0: show all).")
@click.option("--aggregate-only", is_flag=True, help="No individual in the report: groups and counts only.")
@click.option("--exclude", "exclude_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Opt-out list: one platform id, username, e-mail or directory id per line, or a CSV with a person column.")
@click.option("--strict", "strict_exclude", is_flag=True,
              help="An --exclude entry that matches no one is an error (exit 2), not a warning.")
@click.option("--graph-files-max-ties", type=click.IntRange(min=0), default=GRAPH_FILES_MAX_TIES, show_default=True,
              help="Write graph.graphml and graph.gexf only up to this many ties (0: always).")
@click.option("--open", "open_report", is_flag=True, help="Open the report's index.html in the web browser.")
@guarded
def command(paths: tuple[Path, ...], out: Path, directory_path: Path | None, fmt: str | None,
            since: str | None, until: str | None, seed: int, resolution: float | None,
            include_external: bool, store_path: Path | None = None, engine: str = "local",
            scheduler: str | None = None, pseudonymize: bool = False, key_file: Path | None = None,
            keep_attributes: str = "department", drop_attributes: str = "", min_group_size: int = 5,
            aggregate_only: bool = False, exclude_path: Path | None = None, alias_path: Path | None = None,
            org_domains: tuple[str, ...] = (), include_bcc: bool = False, open_report: bool = False,
            by: str | None = None, graph_files_max_ties: int = GRAPH_FILES_MAX_TIES,
            rule_overrides: tuple[str, ...] = (), reader_options: dict[str, Any] | None = None,
            keep_senders: tuple[str, ...] = (), non_human_path: Path | None = None,
            no_auto_merge: bool = False, strict_exclude: bool = False, keep_labels: bool = False,
            outside_contacts: int = 10, group_column: str | None = None) -> None:
    """Analyse exported collaboration logs (PATHS, or --store) and write a report folder."""
    if not paths and store_path is None:
        raise click.UsageError("give the exports to read (PATHS) or an event store (--store FILE)")
    if group_column is not None and directory_path is None:
        raise click.UsageError("--group-column names a column of the directory: give --directory too")
    _check_writable(out)
    keep_freed_memory()  # large temporary arrays reuse memory instead of faulting in new pages
    options = RunOptions(
        format=fmt,
        reader_options={**(reader_options or {}), "org_domain": org_domains or None, "include_bcc": include_bcc},
        directory=directory_path,
        group_column=group_column,
        analysis=AnalysisOptions(since=since, until=until, seed=seed, resolution=resolution,
                                 include_external=include_external, engine=engine, scheduler=scheduler,
                                 by=by, rules=Rules().with_overrides(_rule_values(rule_overrides)),
                                 outside_contacts=outside_contacts),
        store=store_path,
        pseudonymize=pseudonymize or key_file is not None,
        key=load_key(key_file) if pseudonymize or key_file is not None else None,
        keep_attributes=_names(keep_attributes),
        drop_attributes=_names(drop_attributes),
        keep_labels=keep_labels,
        min_group_size=min_group_size,
        aggregate_only=aggregate_only,
        exclude=exclude_path,
        strict_exclude=strict_exclude,
        aliases=alias_path,
        keep_senders=keep_senders,
        non_human=non_human_path,
        auto_merge=not no_auto_merge,
        graph_files_max_ties=graph_files_max_ties,
    )
    result = run(list(paths), out, options, progress=_step)
    if result.unmatched_exclusions:
        console.print("[yellow]warning:[/] opt-out entries that matched no one (nobody was removed for them): "
                      + ", ".join(escape(x) for x in result.unmatched_exclusions), highlight=False)
    _summary(result.findings, result.report)
    if open_report:
        webbrowser.open((result.report / "index.html").as_uri())
