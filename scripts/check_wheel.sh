#!/usr/bin/env bash
# The wheel a user installs must work on its own: build it, install it into a fresh venv
# WITHOUT the dev extras (with the tested constraints), then run --version, --help and a small
# build of the MLSys seed list. Catches undeclared runtime imports (scipy was one).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" . 2>/dev/null
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --upgrade pip
"$work/venv/bin/pip" install --quiet -c constraints.txt "$work"/dist/*.whl
cd "$work"  # away from the checkout, so nothing is imported from it by accident
"$work/venv/bin/mlsys-atlas" --version
"$work/venv/bin/mlsys-atlas" --help >/dev/null
# Installed, data goes to the user's data directory, and a missing snapshot is a clear error.
if HOME="$work/home" "$work/venv/bin/mlsys-atlas" build --quiet 2>"$work/err"; then
  echo "wheel check: a build without a snapshot should fail clearly" >&2; exit 1
fi
grep -q "ATLAS_SNAPSHOT_DIR" "$work/err" || { cat "$work/err" >&2; exit 1; }
mkdir -p "$work/snapshot/mlsys_seed_s2"
cp "$OLDPWD/data/snapshot/MANIFEST.json" "$work/snapshot/"
cp "$OLDPWD/data/snapshot/mlsys_seed_s2/ML_Seed_Papers.csv" "$work/snapshot/mlsys_seed_s2/"
ATLAS_SNAPSHOT_DIR="$work/snapshot" ATLAS_DATA_DIR="$work/data" "$work/venv/bin/mlsys-atlas" build --quiet
ATLAS_SNAPSHOT_DIR="$work/snapshot" ATLAS_DATA_DIR="$work/data" "$work/venv/bin/mlsys-atlas" stats --json \
  | "$PYTHON" -c "import json,sys; n=json.load(sys.stdin)['nodes']['Paper']; assert n > 300, n; print(f'wheel OK: {n} papers built')"
# Louvain through networkit, installed without the dev extras it would otherwise import (graph/analytics/louvain.py)
ATLAS_SNAPSHOT_DIR="$work/snapshot" ATLAS_DATA_DIR="$work/data" "$work/venv/bin/mlsys-atlas" communities --limit 3 --json \
  | "$PYTHON" -c "import json,sys; rows=json.load(sys.stdin)['rows']; assert rows, rows; print(f'wheel OK: {len(rows)} communities')"
ATLAS_DATA_DIR="$work/data" "$work/venv/bin/mlsys-atlas" server stop >/dev/null
