#!/bin/bash
# Rebuilds that read the build cache, for another checkout and this one, alternating: an unchanged rebuild
# (the finished rows are a cache hit and the live graph holds them) and a rebuild whose finished-rows entry was
# deleted (the rows are made again from the read, merge, resolve and tag entries and loaded). What the cache's
# format costs on the paths that read it; alternate_builds.sh times the cold builds that write it.
#
#   git archive <rev> | tar -x -C /tmp/base && benchmarks/alternate_rebuilds.sh /tmp/base [rounds]
#
# Each checkout first builds its own data directory once (untimed). Prints per round and checkout: the process's
# wall time of each kind of rebuild, and the build report's seconds of the second kind.
set -euo pipefail
BASE=$(cd "$1" && pwd)
ROUNDS=${2:-3}
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

for tree in "$BASE" "$HERE"; do
  build "$tree" "$OUT/$([ "$tree" = "$BASE" ] && echo base || echo this)" >/dev/null
done
for i in $(seq 1 "$ROUNDS"); do
  for tree in "$BASE" "$HERE"; do
    name=$([ "$tree" = "$BASE" ] && echo base || echo this)
    unchanged=$(build "$tree" "$OUT/$name")
    rm -rf "$OUT/$name/cache/rows"
    from_entries=$(build "$tree" "$OUT/$name")
    seconds=$("$PYTHON" -c "import json, sys; print(json.load(open(sys.argv[1]))['seconds'])" \
      "$OUT/$name/build_report.json")
    echo "round $i $name: unchanged rebuild $unchanged s, rows from stage entries $from_entries s (report $seconds)"
  done
done
