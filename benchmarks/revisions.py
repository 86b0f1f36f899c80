"""A git revision of this repository as a plain directory, for benchmarks that time "before" beside "after".

Why `git archive` rather than a worktree: nothing is checked out, so the working tree (and any helper's
branch) is never touched, and the export holds exactly the committed files of that revision.
"""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def export_revision(rev: str, into: Path) -> Path:
    """Unpack `rev` into `into`/tree and return that folder."""
    archive = into / "tree.tar"
    with open(archive, "wb") as handle:
        subprocess.run(["git", "-C", str(ROOT), "archive", rev], stdout=handle, check=True)  # noqa: S603,S607
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree
