"""graph.forked: a result computed in a forked child is the call's result, whatever happens to the child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from graph import config
from graph.forked import Forked


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def test_the_value_comes_from_a_child() -> None:
    pending = Forked(_pid_and_square, 7)
    assert pending.in_child
    pid, value = pending.result()
    assert value == 49 and pid != os.getpid()
    assert pending.result() == (pid, 49)  # asked again: the same answer, no second child


def test_without_fork_it_is_a_plain_call_made_when_asked() -> None:
    calls: list[int] = []
    pending = Forked(lambda: calls.append(1) or len(calls), fork=False)
    assert not pending.in_child and calls == []
    assert pending.result() == 1 and calls == [1]


def test_an_exception_in_the_child_is_raised_here() -> None:
    pending = Forked(int, "not a number")
    with pytest.raises(ValueError, match="not a number"):
        pending.result()


def test_a_child_that_dies_is_replaced_by_a_call_here(caplog: pytest.LogCaptureFixture) -> None:
    parent = os.getpid()

    def die_in_the_child() -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return 42

    assert Forked(die_in_the_child).result() == 42
    assert "computing it here" in caplog.text and "exit code -9" in caplog.text


def test_a_result_that_cannot_be_sent_is_computed_here(caplog: pytest.LogCaptureFixture) -> None:
    parent = os.getpid()

    def unpicklable_in_the_child() -> object:
        return (lambda: None) if os.getpid() != parent else "here"

    assert Forked(unpicklable_in_the_child).result() == "here"
    assert "computing it here" in caplog.text


def test_cancel_stops_the_child() -> None:
    pending = Forked(signal.pause)  # would wait for ever
    pending.cancel()
    assert pending.result() is None  # cancelled: nothing computed, nothing left running


def test_the_child_of_a_killed_parent_ends_too() -> None:
    """A SIGKILLed build must not leave a child holding its inherited files (the build lock among them)."""
    script = ("import time\nfrom graph.forked import Forked\n"
              "pending = Forked(time.sleep, 600)\nprint(pending._process.pid, flush=True)\ntime.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=config.PROJECT_ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        child = int(parent.stdout.readline())
        os.kill(child, 0)  # running
        parent.kill()
        parent.wait(timeout=30)
        for _ in range(200):
            try:
                os.kill(child, 0)
            except ProcessLookupError:
                return
            if _reaped_zombie(child):
                return
            time.sleep(0.05)
        pytest.fail(f"the child {child} outlived its killed parent")
    finally:
        if parent.poll() is None:
            parent.kill()


def _reaped_zombie(pid: int) -> bool:
    """A dead child whose parent died is re-parented and reaped by init; until then it is a zombie."""
    try:
        return open(f"/proc/{pid}/stat").read().split(") ", 1)[1].startswith("Z")
    except OSError:
        return True
