"""Fixtures for the Neo4j backend tests: the real driver talking to a recording Bolt stub.

(No `__init__.py` in this folder on purpose: a package named `neo4j` here would shadow
the driver.)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.neo4j_store import Neo4jStore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "contract"))  # the hand-made tiny graph

from bolt_stub import BoltStub, Query, Reply  # noqa: E402
from stub_db import FAST_RETRIES, PASSWORD, USER, environ_for  # noqa: E402


@pytest.fixture
def make_stub() -> Iterator[Callable[..., BoltStub]]:
    stubs: list[BoltStub] = []

    def make(answer: Callable[[Query], Reply] | None = None, **kwargs: Any) -> BoltStub:
        stub = BoltStub(answer, username=USER, password=PASSWORD, **kwargs)
        stub.__enter__()
        stubs.append(stub)
        return stub

    yield make
    for stub in stubs:
        stub.__exit__(None, None, None)


@pytest.fixture
def connect() -> Iterator[Callable[..., Neo4jStore]]:
    stores: list[Neo4jStore] = []

    def open_store(stub: BoltStub, scheme: str = "bolt", driver_config: dict[str, Any] | None = None,
                   **env: str) -> Neo4jStore:
        store = Neo4jStore.from_environment(environ=environ_for(stub, scheme, **env),
                                            **{**FAST_RETRIES, **(driver_config or {})})
        stores.append(store)
        return store

    yield open_store
    for store in stores:
        store.close()
