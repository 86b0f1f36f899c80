"""A FalkorDB store holding one batch, loaded through the real build path, for fixtures to yield; a hold on server
starts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from graph.falkor_server import EmbeddedServer
from graph.falkor_store import FalkorStore
from graph.loader import GraphBatch, load


@contextmanager
def loaded_store(data_dir: Path, graph: str, batch: GraphBatch) -> Iterator[FalkorStore]:
    """The store of `data_dir` with `batch` loaded into graph `graph`; its server stops when the block ends."""
    store = FalkorStore(data_dir, graph)
    try:
        with store.building() as target:
            load(target, batch)
        yield store
    finally:
        store.close()


def server_start_held_until(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> threading.Event:
    """Hold every FalkorDB server start until `module.name` is called (the event is set then).

    A store opened with `start_in_background` starts its server beside the caller's own work; one opened without
    waits in its constructor, so a command that opens its store the old way before calling `module.name` fails
    here after a minute instead of passing."""
    called = threading.Event()
    function = getattr(module, name)
    ensure_running = EmbeddedServer.ensure_running

    def held(self: EmbeddedServer) -> Path:
        assert called.wait(60), f"the server's start waited for {name}, which never came: the store was opened " \
                                "without start_in_background"
        return ensure_running(self)

    def calling(*args: Any, **kwargs: Any) -> Any:
        called.set()
        return function(*args, **kwargs)

    monkeypatch.setattr(EmbeddedServer, "ensure_running", held)
    monkeypatch.setattr(module, name, calling)
    return called
