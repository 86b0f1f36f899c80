#!/bin/bash
# Cold `mlsys-atlas build --quiet` of another checkout and of this one, alternating, into fresh data
# directories: on a machine whose speed drifts, only runs made side by side compare (BENCHMARKS.md, "Build").
#
#   git archive <rev> | tar -x -C /tmp/base && benchmarks/alternate_builds.sh /tmp/base [pairs]
#
# Prints per run: the process's wall time, the build report's seconds, and the load average at the end.
set -euo pipefail
BASE=$(cd "$1" && pwd)
PAIRS=${2:-2}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PYTHON="$HERE/.venv/bin/python"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for i in $(seq 1 "$PAIRS"); do
  for tree in "$BASE" "$HERE"; do
    name=$([ "$tree" = "$BASE" ] && echo base || echo this)
    rm -rf "$OUT/$name"
    start=$(date +%s.%N)
    (cd "$tree" && ATLAS_DATA_DIR="$OUT/$name" PYTHONPATH="$tree" "$PYTHON" -m atlas_cli build --quiet >/dev/null 2>&1)
    end=$(date +%s.%N)
    seconds=$("$PYTHON" -c "import json, sys; print(json.load(open(sys.argv[1]))['seconds'])" "$OUT/$name/build_report.json")
    echo "pair $i $name: wall $(echo "$end - $start" | bc) s, report $seconds, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
