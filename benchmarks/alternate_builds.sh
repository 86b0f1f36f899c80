#!/bin/bash
# Builds of another checkout and of this one, alternating: on a machine whose speed drifts, only runs made side by
# side compare (BENCHMARKS.md, "Build").
#
#   git archive <rev> | tar -x -C /tmp/base && benchmarks/alternate_builds.sh /tmp/base [pairs] [cold|rebuilds]
#
# cold (the default): cold `mlsys-atlas build --quiet` into fresh data directories. Prints per run the process's
# wall time, the build report's seconds, and the load average at the end.
#
# rebuilds: the rebuilds that read the build cache. Each checkout first builds its own data directory once
# (untimed); then per round an unchanged rebuild (the finished rows are a cache hit and the live graph holds them)
# and a rebuild whose finished-rows entry was deleted (the rows are made again from the read, merge, resolve and
# tag entries and loaded): what the cache's format costs on the paths that read it. Prints per round the process's
# wall time of each, and the build report's seconds of the second.
set -euo pipefail
BASE=$(cd "$1" && pwd)
PAIRS=${2:-2}
MODE=${3:-cold}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PYTHON="$HERE/.venv/bin/python"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

build() {  # tree, data dir: the process's wall seconds
  local start end
  start=$(date +%s.%N)
  (cd "$1" && ATLAS_DATA_DIR="$2" PYTHONPATH="$1" "$PYTHON" -m atlas_cli build --quiet >/dev/null 2>&1)
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

seconds_of() {  # data dir: the seconds of its build report
  "$PYTHON" -c "import json, sys; print(json.load(open(sys.argv[1]))['seconds'])" "$1/build_report.json"
}

name_of() {
  if [ "$1" = "$BASE" ]; then echo base; else echo this; fi
}

case "$MODE" in
  cold)
    for i in $(seq 1 "$PAIRS"); do
      for tree in "$BASE" "$HERE"; do
        name=$(name_of "$tree")
        rm -rf "${OUT:?}/$name"
        wall=$(build "$tree" "$OUT/$name")
        echo "pair $i $name: wall $wall s, report $(seconds_of "$OUT/$name"), load $(cut -d' ' -f1 /proc/loadavg)"
      done
    done
    ;;
  rebuilds)
    for tree in "$BASE" "$HERE"; do
      build "$tree" "$OUT/$(name_of "$tree")" >/dev/null
    done
    for i in $(seq 1 "$PAIRS"); do
      for tree in "$BASE" "$HERE"; do
        name=$(name_of "$tree")
        unchanged=$(build "$tree" "$OUT/$name")
        rm -rf "${OUT:?}/$name/cache/rows"
        from_entries=$(build "$tree" "$OUT/$name")
        echo "round $i $name: unchanged rebuild $unchanged s, rows from stage entries $from_entries s" \
          "(report $(seconds_of "$OUT/$name"))"
      done
    done
    ;;
  *)
    echo "usage: $0 BASE_TREE [pairs] [cold|rebuilds]" >&2
    exit 2
    ;;
esac
