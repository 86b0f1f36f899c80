"""What the Neo4j tests share: credentials, the stub-backed store settings and a mini database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bolt_stub import BoltStub, Failure, Query, Reply

from graph import queries as q

USER, PASSWORD = "atlas-user", "s3cret-Pa55word-never-shown"
# Retries as in production, only with a short back-off, so retry tests take milliseconds.
FAST_RETRIES: dict[str, Any] = {"initial_retry_delay": 0.001, "retry_delay_multiplier": 1.0,
                                "max_transaction_retry_time": 5.0}


def built(answer: Callable[[Query], Reply]) -> Callable[[Query], Reply]:
    """Answer the build-status check as a completed build (reads are refused before one), else `answer`."""

    def respond(query: Query) -> Reply:
        if query.text == q.NEO4J_BUILD_STATUS:
            return ["status", "started_at", "built_at"], [["complete", "2025-01-01", "2025-01-01"]]
        return answer(query)

    return respond


def graph_runs(stub: BoltStub) -> list[Query]:
    """The statements sent, without the build-status check that precedes the first read."""
    return [run for run in stub.runs if run.text != q.NEO4J_BUILD_STATUS]


def environ_for(stub: BoltStub, scheme: str = "bolt", **extra: str) -> dict[str, str]:
    return {"NEO4J_URI": stub.uri(scheme), "NEO4J_USERNAME": USER, "NEO4J_PASSWORD": PASSWORD,
            "NEO4J_DATABASE": "atlasdb", **extra}


class MiniNeo4j:
    """Just enough of a database for the build bookkeeping: the marker node and checkpoints.

    Effects of writes apply on COMMIT only (as in Neo4j), so a failed transaction leaves
    nothing behind; every other statement answers with no rows.
    """

    def __init__(self) -> None:
        self.build: dict[str, Any] = {"status": None, "started_at": None, "built_at": None}
        self.checkpoints: dict[str, dict[str, Any]] = {}
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)  # committed rows per MERGE statement
        self.fail_on: Callable[[Query], Failure | None] = lambda query: None

    def answer(self, query: Query) -> Reply:
        failure = self.fail_on(query)
        if failure:
            raise failure
        if query.text == q.NEO4J_BUILD_STATUS:
            return ["status", "started_at", "built_at"], [[self.build[k] for k in ("status", "started_at",
                                                                                   "built_at")]]
        if query.text == q.NEO4J_CHECKPOINT_KEYS:
            return ["key"], [[key] for key in self.checkpoints]
        if query.text == q.NEO4J_CLEAR_CHECKPOINTS:
            deleted = min(len(self.checkpoints), query.params["batch"])
            for key in list(self.checkpoints)[:deleted]:
                del self.checkpoints[key]
            return ["deleted"], [[deleted]]
        return [], []

    def on_commit(self, queries: list[Query]) -> None:
        merges = set(q.MERGE_NODES.values()) | set(q.MERGE_RELS.values())
        for query in queries:
            if query.text == q.NEO4J_SAVE_CHECKPOINT:
                self.checkpoints[query.params["key"]] = query.params
            elif query.text == q.NEO4J_BUILD_STARTED:
                self.build.update(status="building", started_at=query.params["at"])
            elif query.text == q.NEO4J_BUILD_FINISHED:
                self.build.update(status="complete", built_at=query.params["at"])
            elif query.text in merges:
                self.rows[query.text].extend(query.params["rows"])
