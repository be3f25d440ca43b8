"""``orgnet synth``: generate a seeded synthetic organisation with planted ground truth and write it out."""

from __future__ import annotations

from pathlib import Path

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from orgnet.cli._common import console, guarded
from orgnet.synthetic import FORMATS, ProfileMix, add_profiles, generate, write

__all__ = ["command"]

_BIG = 50_000  # from this many people, show progress while generating


@click.command(name="synth")
@click.option("--people", "-n", type=click.IntRange(min=30), default=2000, show_default=True, help="Number of people.")
@click.option("--seed", "-s", type=int, default=7, show_default=True, help="Seed: same seed, same organisation.")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write (created if missing).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="parquet", show_default=True,
              help="Format of the events: a table (parquet, csv) or a platform export (slack, viva_engage, mbox).")
@click.option("--weeks", type=click.IntRange(min=1), default=26, show_default=True, help="Weeks of activity.")
@click.option("--start", default="2025-01-06", show_default=True, help="First day of the window (ISO date).")
@click.option("--events-per-person", type=click.FloatRange(min=0), default=None,
              help="Mean events per person over the window [default: 20].")
@click.option("--profiles", default="none", show_default=True,
              help="Profiles real organisations have, planted on top: a named mix (none, catalysts, responders, "
                   "broadcasters, bots, duplicates, outsiders, partial, noise, all) or options such as "
                   "'catalysts=5,noise_share=0.2' (see orgnet.synthetic.profiles).")
@guarded
def command(people: int, seed: int, out: Path, fmt: str, weeks: int, start: str,
            events_per_person: float | None, profiles: str) -> None:
    """Generate a realistic organisation (directory, events, planted truth) into OUT."""
    try:
        mix = ProfileMix.parse(profiles)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--profiles") from None
    if people >= _BIG:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("generating")
            org = generate(people, seed, weeks, start, events_per_person,
                           progress=lambda stage: bar.update(task, description=f"generating: {stage}"))
            org = add_profiles(org, mix, seed=seed) if mix != ProfileMix() else org
            bar.update(task, description=f"writing {fmt}")
            write(org, out, fmt)
    else:
        org = generate(people, seed, weeks, start, events_per_person)
        org = add_profiles(org, mix, seed=seed) if mix != ProfileMix() else org
        write(org, out, fmt)
    t = org.truth
    console.print(
        f"[bold]{people:,}[/] people, [bold]{org.events.num_rows:,}[/] events, "
        f"{t['params']['departments']:,} departments → {out}\n"
        f"planted: {len(t['ambassadors'])} ambassadors, {len(t['brokers'])} brokers, "
        f"{len(t['newcomers'])} newcomers, {len(t['silo_departments'])} silo departments",
        highlight=False,
    )
