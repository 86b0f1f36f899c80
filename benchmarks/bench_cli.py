"""How long the command line takes to answer, against bare interpreter start-up in the same run.

`mlsys-atlas --help` and `--version` must not import spaCy, pandas or the stores (issue 19:
under 1 s); `stats` on a built graph should answer in under 2 s. Wall-clock numbers on a
shared machine drift, so each command is reported as a ratio to `python -c pass` measured
interleaved with it.

    python benchmarks/bench_cli.py [--runs 7] [--stats]
    python benchmarks/bench_cli.py --analytics /tmp/atlas-full [--before REV] [--pc-case DIR] [--runs 3]

`--analytics DATA_DIR` times every analytics command of issue 16 ("every CLI analytics command
under 5 s") on a built and warmed graph, each a fresh process as a user runs it (no explorer
holding the store, so each command starts and stops the embedded FalkorDB itself). With
`--before REV` the same commands run from git revision REV (exported with `git archive`, run
with `python -m atlas_cli` and that tree first on the path), interleaved with this tree's, and
every command's output is compared between the two: the speed-ups must not change an answer.
`--pc-case DIR` adds `pc-audit` on DIR/members.csv and DIR/submissions.csv (written by
benchmarks/pc_name_only_case.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from revisions import export_revision  # noqa: E402 - benchmarks/, the script's own folder

# Issue 16's analytics commands (the lead's list, 2026-12-02): name -> arguments after `mlsys-atlas`.
ANALYTICS: dict[str, list[str]] = {
    "stats": ["stats"],
    "overlap": ["overlap"],
    "bridges --limit 5": ["bridges", "--limit", "5"],
    "bridges --institutions --limit 5": ["bridges", "--institutions", "--limit", "5"],
    "communities --limit 5": ["communities", "--limit", "5"],
    "trends topics": ["trends", "topics"],
    "trends countries": ["trends", "countries"],
    "path 'Ion Stoica' 'Song Han'": ["path", "Ion Stoica", "Song Han"],
    "suggest 'Matei Zaharia'": ["suggest", "Matei Zaharia"],
    "profile 'Song Han'": ["profile", "Song Han"],
    "search 'LLM serving'": ["search", "LLM serving"],
}


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


def _output(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """(seconds, stdout + stderr) of one command."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: a command's own "no result" answer (e.g. no path)
        raise SystemExit(f"{argv} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stdout + done.stderr


def analytics(data_dir: Path, runs: int, before: str | None, pc_case: Path | None) -> int:
    """Every analytics command per variant (interleaved with `python -c pass`); outputs compared."""
    commands = dict(ANALYTICS)
    if pc_case is not None:
        out = Path(tempfile.mkdtemp(prefix="bench-cli-pc-"))
        commands["pc-audit (45 members, 66 submissions)"] = [
            "pc-audit", str(pc_case / "members.csv"), "--submissions", str(pc_case / "submissions.csv"),
            "--coi-years", "3", "--reference-year", "2023", "--out", str(out)]
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"after": ROOT} if before is None else {"before": export_revision(before, Path(tmp)), "after": ROOT}
        env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir)}
        times: dict[tuple[str, str], list[float]] = {}
        outputs: dict[tuple[str, str], str] = {}
        base: list[float] = []
        for _ in range(runs):  # interleaved, so load changes hit every command and variant alike
            for name, words in commands.items():
                base.append(_seconds([sys.executable, "-c", "pass"]))
                for variant, tree in trees.items():
                    seconds, text = _output([sys.executable, "-m", "atlas_cli", *words],
                                            {**env, "PYTHONPATH": str(tree)}, tree)
                    times.setdefault((variant, name), []).append(seconds)
                    outputs.setdefault((variant, name), text)
                    print(f"  {variant:<6} {name:<40} {seconds:6.2f} s", file=sys.stderr, flush=True)
    pass_s = statistics.median(base)
    head = " | ".join(f"{v} median s | {v} × python -c pass" for v in trees)
    print(f"| command | {head} |" + (" same output |" if before else ""))
    print("|---|" + "---:|---:|" * len(trees) + ("---|" if before else ""))
    print("| `python -c pass` | " + " | ".join(f"{pass_s:.2f} | 1.0×" for _ in trees) + " |"
          + (" |" if before else ""))
    for name in commands:
        cells = []
        for variant in trees:
            median = statistics.median(times[(variant, name)])
            cells.append(f"{median:.2f} | {median / pass_s:.1f}×")
        same = ""
        if before:
            a, b = outputs[("before", name)], outputs[("after", name)]
            same = " yes |" if a == b else " **no** |"
        print(f"| `{name}` | " + " | ".join(cells) + " |" + same)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{runs} runs per command and variant; {os.cpu_count()} CPUs, load average at the end {load}.")
    if before:
        differ = [n for n in commands if outputs[("before", n)] != outputs[("after", n)]]
        for name in differ:
            print(f"\n--- {name}: before\n{outputs[('before', name)][:3000]}")
            print(f"--- {name}: after\n{outputs[('after', name)][:3000]}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--stats", action="store_true", help="also time `stats` (needs a built graph)")
    parser.add_argument("--analytics", type=Path, default=None, metavar="DATA_DIR",
                        help="time issue 16's analytics commands on this built, warmed graph")
    parser.add_argument("--before", default=None, help="with --analytics: git revision to compare against")
    parser.add_argument("--pc-case", type=Path, default=None, help="with --analytics: add pc-audit on this case")
    args = parser.parse_args()
    if args.analytics is not None:
        return analytics(args.analytics, args.runs, args.before, args.pc_case)
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
