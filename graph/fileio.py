"""Writing output files so that a crash, a failure or a reader never sees half a file.

Every file the project writes (CLI outputs, exports, build reports) goes through
`atomic_writer`: the bytes go to a temporary file in the same directory, are flushed
to disk, and only then replace the target with one `rename`. A run that fails or is
killed keeps the previous file. `refuse_same_file` stops `--input F --output F`, which
would otherwise truncate the input before it is read.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from graph.errors import InputError

PRIVATE_FILE_MODE = 0o600  # files in the data directory (it holds unpublished review decisions)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def check_output_path(path: Path) -> None:
    """A one-line reason, before any work is done, why `path` cannot be written."""
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a file name for the output.")
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise InputError(f"{path}: {parent} is not a directory.")


def refuse_same_file(source: Path, output: Path) -> None:
    """Writing the output over the input would destroy the input before it is read."""
    try:
        same = source.exists() and output.exists() and os.path.samefile(source, output)
    except OSError:
        same = False
    if same or source.resolve() == output.resolve():
        raise InputError(f"{output}: the output is the input file; choose another output path.")


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None,
                  file_mode: int | None = None) -> Iterator[IO[Any]]:
    """Yield a handle on a temporary file that replaces `path` only if the block succeeds."""
    path = Path(path)
    check_output_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _default_mode() if file_mode is None else file_mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, *, file_mode: int | None = None) -> Path:
    with atomic_writer(path, file_mode=file_mode) as handle:
        handle.write(text)
    return path


def atomic_write_bytes(path: Path, data: bytes, *, file_mode: int | None = None) -> Path:
    with atomic_writer(path, "wb", file_mode=file_mode) as handle:
        handle.write(data)
    return path
