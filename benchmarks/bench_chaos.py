"""Chaos: SIGKILL `build` and `ingest` at random moments, recover, and compare with a clean build.

Issue 17. On a small real subset (the bundled OSDI list, 419 papers, plus 450 OpenAlex
works served by the replay server on 127.0.0.1), each trial starts `mlsys-atlas build`
or `mlsys-atlas ingest openalex --refresh` (fetch, record-file write, rebuild), kills
either the CLI process or its FalkorDB server with SIGKILL after a random delay, then
runs the same command again to completion. A run that finished before its kill is not
counted; the benchmark goes on until `--trials` kills have landed. The graph is then dumped (every node and
relationship with all properties, sorted) and compared with the dump of a clean build
of the same inputs in a fresh data directory. Also counted: FalkorDB servers left
running for the chaos data directory once the recovery run has exited (should be 0).

    .venv/bin/python benchmarks/bench_chaos.py [--trials 20] [--seed 17]

A benchmark, run by hand (about 15 minutes on 2 shared cores); not part of the unit tests.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from ingest_live.conftest import FAST_ENV  # noqa: E402
from ingest_live.replay import ReplayData, ReplayServer, openalex_works  # noqa: E402
from reliability.conftest import make_tiny_snapshot  # noqa: E402

from graph.falkor_server import PID_NAME  # noqa: E402
from graph.falkor_store import FalkorStore  # noqa: E402

MLSYS_SOURCE = "S4393918830"  # what the replay server's /sources search answers for MLSys
INGEST = ["ingest", "openalex", "--venue", "mlsys", "--years", "2018-2025", "--quiet"]
BUILD = ["build", "--quiet", "--reload"]


def dump(data_dir: Path) -> str:
    """sha256 of every node and relationship with all properties, in a canonical order."""
    store = FalkorStore(data_dir, "atlas")
    try:
        nodes = store.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
        rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS source, b.id AS target, "
                          "properties(r) AS props")
    finally:
        store.close()
    canon = sorted(json.dumps(row, sort_keys=True, default=str) for row in [*nodes, *rels])
    return hashlib.sha256("\n".join(canon).encode()).hexdigest() + f" ({len(nodes)} nodes, {len(rels)} rels)"


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "atlas_cli", *args], env=env, text=True,  # noqa: S603
                          capture_output=True, timeout=1800)


def servers_for(data_dir: Path) -> list[int]:
    """Live redis-server processes serving this data directory."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().split()[2]
        except OSError:
            continue
        if b"redis-server" in cmdline and str(data_dir).encode() in cmdline and state != "Z":
            pids.append(int(proc.name))
    return pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=17)
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    root = Path(tempfile.mkdtemp(prefix="atlas-chaos-"))
    snapshot = make_tiny_snapshot(root)
    data = ReplayData(openalex_works={MLSYS_SOURCE: openalex_works(450)})
    with ReplayServer(data) as replay:
        base_env = {**os.environ, **FAST_ENV, "ATLAS_SNAPSHOT_DIR": str(snapshot), "PYTHONPATH": str(ROOT),
                    "ATLAS_OPENALEX_BASE_URL": replay.url, "ATLAS_GRAPH": "atlas"}
        base_env.pop("ATLAS_STORE", None)

        ref_dir = root / "reference"
        ref_env = {**base_env, "ATLAS_DATA_DIR": str(ref_dir)}
        started = time.perf_counter()
        result = run(INGEST, ref_env)
        assert result.returncode == 0, result.stderr
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        assert run(BUILD, ref_env).returncode == 0
        build_s = time.perf_counter() - started
        reference = dump(ref_dir)
        print(f"clean build of the same inputs: {reference}; ingest {ingest_s:.1f}s, build {build_s:.1f}s")

        chaos_dir = root / "chaos"
        env = {**base_env, "ATLAS_DATA_DIR": str(chaos_dir)}
        identical = orphans = kills = attempts = 0
        while kills < opts.trials and attempts < 2 * opts.trials:
            attempts += 1
            command = rng.choice([BUILD, [*INGEST, "--refresh"]])
            duration = build_s if command is BUILD else ingest_s
            delay = rng.uniform(0.3, 0.8 * duration)  # inside the run, which a loaded machine can stretch
            kill_server = rng.random() < 0.3
            proc = subprocess.Popen([sys.executable, "-m", "atlas_cli", *command], env=env,  # noqa: S603
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            if proc.poll() is not None:
                print(f"attempt {attempts:2d}: {command[0]} finished before the kill at {delay:.1f}s; not counted")
                continue
            target = "cli"
            server_pid = None
            if kill_server and (chaos_dir / PID_NAME).exists():
                try:
                    server_pid = int((chaos_dir / PID_NAME).read_text().split()[0])
                except (OSError, ValueError, IndexError):
                    server_pid = None
            if server_pid:
                target = "server"
                os.kill(server_pid, signal.SIGKILL)
            else:
                proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            recovery = run(command, env)
            left = servers_for(chaos_dir)
            orphans += len(left)
            got = dump(chaos_dir) if recovery.returncode == 0 else f"recovery failed: {recovery.stderr[-300:]}"
            same = got == reference
            identical += same
            verdict = "identical" if same else "DIFFERS: " + got
            print(f"kill {kills:2d}: {command[0]:6s} killed {target:6s} after {delay:5.1f}s; recovery exit "
                  f"{recovery.returncode}; servers left {len(left)}; graph {verdict}", flush=True)
        opts.trials = kills
    print(f"\n{identical}/{opts.trials} graphs identical to a clean build after a SIGKILL and a recovery run; "
          f"{orphans} FalkorDB servers left running after recovery runs; data in {root}")


if __name__ == "__main__":
    main()
