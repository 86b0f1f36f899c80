"""How long the command line takes to answer, against bare interpreter start-up in the same run.

`mlsys-atlas --help` and `--version` must not import spaCy, pandas or the stores (issue 19:
under 1 s); `stats` on a built graph should answer in under 2 s. Wall-clock numbers on a
shared machine drift, so each command is reported as a ratio to `python -c pass` measured
interleaved with it.

    python benchmarks/bench_cli.py [--runs 7] [--stats]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _cli() -> list[str]:
    script = Path(sys.executable).parent / "mlsys-atlas"
    found = str(script) if script.exists() else shutil.which("mlsys-atlas")
    if not found:
        raise SystemExit("mlsys-atlas is not installed in this environment (make setup)")
    return [found]


def _seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--stats", action="store_true", help="also time `stats` (needs a built graph)")
    args = parser.parse_args()
    cli = _cli()
    commands = {"python -c pass": [sys.executable, "-c", "pass"], "mlsys-atlas --version": [*cli, "--version"],
                "mlsys-atlas --help": [*cli, "--help"]}
    if args.stats:
        commands["mlsys-atlas stats"] = [*cli, "stats"]
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # interleaved, so load changes hit every command alike
        for name, argv in commands.items():
            times[name].append(_seconds(argv))
    base = statistics.median(times["python -c pass"])
    print(f"| Command | median s | min s | × python -c pass |  (runs={args.runs})")
    print("|---|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| `{name}` | {median:.3f} | {min(values):.3f} | {median / base:.1f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
