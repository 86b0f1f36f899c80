"""CPU of `graph.loader.rel_rows` at this checkout against another revision's, on one synthetic batch.

Why: the relationship rows are made on every build and for every ingest's touched authors; a change to them
(session 63: AFFILIATED_WITH's `main`, a tally of each author's printed organisations per year) should be timed
against the code before it, in the same process and on the same batch, rounds alternating.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/rel_rows_cost.py --base HEAD~1 [--papers 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import synth_batch  # noqa: E402 - benchmarks/, the script's own folder

from graph import loader  # noqa: E402
from graph.config import PROJECT_ROOT  # noqa: E402


def loader_at(revision: str, folder: Path) -> ModuleType:
    """`graph/loader.py` as it was at `revision`, imported as a module of its own."""
    source = subprocess.run(["git", "show", f"{revision}:graph/loader.py"], cwd=PROJECT_ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = folder / "loader_base.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("loader_base", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["loader_base"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD~1", help="the revision to compare with")
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    batch = synth_batch(args.papers)
    with tempfile.TemporaryDirectory() as folder:
        base = loader_at(args.base, Path(folder))
        times: dict[str, list[float]] = {"base": [], "this checkout": []}
        gc.disable()  # as during a build (graph.gc_pause)
        for _ in range(args.rounds):
            for name, module in (("base", base), ("this checkout", loader)):
                start = time.process_time()
                rows = module.rel_rows(batch)
                times[name].append(time.process_time() - start)
                print(f"{name}: {times[name][-1]:.3f} s CPU, {sum(map(len, rows.values())):,} rows")
                del rows
                gc.collect()
    median = {name: sorted(values)[len(values) // 2] for name, values in times.items()}
    print(f"median: base {median['base']:.3f} s, this checkout {median['this checkout']:.3f} s, "
          f"x{median['this checkout'] / median['base']:.2f}")


if __name__ == "__main__":
    main()
