"""The benchmark organisations: generated once with orgnet's synthetic generator, kept as Parquet under work/."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SIZES", "WORK", "Size", "dataset", "generator_hash", "parse_sizes"]

WORK = Path(__file__).resolve().parent / "work"


@dataclass(frozen=True)
class Size:
    """One benchmark size: people, mean events per person, seed."""

    name: str
    people: int
    events_per_person: float
    seed: int = 11

    @property
    def events(self) -> int:
        """Approximate number of events."""
        return int(self.people * self.events_per_person)

    @property
    def folder(self) -> Path:
        """Where the dataset lives."""
        return WORK / self.name


SIZES: dict[str, Size] = {
    "1k": Size("1k", 1_000, 100),          # smoke test of the suite itself
    "10k": Size("10k", 10_000, 100),       # 1M events
    "100k": Size("100k", 100_000, 100),    # 10M events
    "1m": Size("1m", 1_000_000, 50),       # 50M events
}


def parse_sizes(text: str) -> list[Size]:
    """``"10k,100k"`` -> sizes (case-insensitive); unknown names raise ``ValueError``."""
    out = []
    for part in text.split(","):
        key = part.strip().lower()
        if key not in SIZES:
            raise ValueError(f"unknown size {part!r}; expected some of {', '.join(SIZES)}")
        out.append(SIZES[key])
    return out


def generator_hash() -> str:
    """A hash of the synthetic generator's code (every module of ``orgnet.synthetic``).

    The benchmark data is keyed by it, so any change to the generator regenerates the
    organisations (a version number had to be remembered, and was not).
    """
    import orgnet.synthetic

    digest = hashlib.sha256()
    for path in sorted(Path(orgnet.synthetic.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def dataset(size: Size) -> dict[str, object]:
    """Generate the organisation of ``size`` once (events.parquet, directory.csv); return its description.

    A ``meta.json`` records the parameters and the generator's code hash; a folder made with
    other parameters or another generator is regenerated.
    """
    from orgnet.synthetic import generate, write

    folder = size.folder
    meta_path = folder / "meta.json"
    wanted = {"people": size.people, "events_per_person": size.events_per_person, "seed": size.seed,
              "generator": generator_hash()}
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("params") == wanted and (folder / "events.parquet").exists():
            return meta
    start = time.perf_counter()
    org = generate(size.people, seed=size.seed, events_per_person=size.events_per_person)
    generated = time.perf_counter() - start
    write(org, folder, format="parquet")
    meta = {"params": wanted, "events": org.events.num_rows, "people": len(org.directory),
            "generate_seconds": round(generated, 1), "events_parquet_bytes": (folder / "events.parquet").stat().st_size}
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta
