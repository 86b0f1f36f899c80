"""The organizer notebook runs top to bottom on the small real build, and is committed without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from graph import config
from graph.falkor_store import FalkorStore

NOTEBOOK = config.PROJECT_ROOT / "notebooks" / "systems_ml_overlap.ipynb"


def test_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_executes_against_the_small_build(small_build: tuple[FalkorStore, object, Path],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = small_build[2]
    monkeypatch.setenv("ATLAS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ATLAS_GRAPH", "atlas")
    monkeypatch.setenv("ATLAS_STORE", "embedded")
    # Streamlit sets MPLBACKEND=Agg when the app tests run in this process; a kernel that
    # inherits it draws nothing inline, which is what a user's Jupyter would never see.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel inherits this process's environment, so the notebook opens the small build.
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(str(o.get("text", "")) for o in outputs)
    assert str(data_dir) in text and "papers" in text
    assert sum(1 for o in outputs if "image/png" in o.get("data", {})) >= 4  # the plots were drawn
