"""Before a state file is written: one server per file, and a file that cannot be used is left
byte-identical (with its ``-wal`` and ``-shm``).

Why a lock file beside the state file (``F.lock``) and not a lock on ``F``: SQLite takes POSIX
byte-range locks on ``F``, which a process loses when it closes any descriptor of that file,
and which tell nobody who holds them. ``flock`` on a file of our own is independent of SQLite's
locks, is released by the kernel when the process dies (even by SIGKILL), and the file can say
who holds it (pid and URL). Linux and macOS; on Windows (no ``fcntl``) no lock is taken.

Why the checks read ``F`` through SQLite's ``immutable`` mode or a private copy: any ordinary
connection, even a read-only one, may write ``F-shm`` (read marks, the WAL index), and the last
one to close folds ``F-wal`` into ``F`` and deletes both. ``immutable=1`` reads ``F`` alone,
touching nothing; when a non-empty ``F-wal`` holds part of the database, ``F`` and ``F-wal``
are copied into a temporary directory and the copy is read instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

_SQLITE_MAGIC = b"SQLite format 3\x00"


class StateFileError(Exception):
    """The state file cannot be used: locked by another server, unreadable, not one of ours,
    corrupt, or made with other options. The file is left as it was."""


class Lock:
    """An exclusive lock on a state file, held while the server runs (``F.lock`` beside it)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(f"{path}.lock")
        self._fd: int | None = None

    def acquire(self, state: Path, holder: str) -> None:
        """Take the lock or raise StateFileError naming the holder. ``holder`` (pid, URL) is
        written into the lock file for the next one to read."""
        if fcntl is None:
            return
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                raise StateFileError(unwritable(state, state.parent)) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                os.close(fd)
                if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise StateFileError(f"cannot lock {state} ({self.path}): {error}") from None
                raise StateFileError(
                    f"{state} is in use by another server ({self._holder()}): give each server "
                    "a state file of its own, or stop that one first; the file was not read"
                ) from None
            # The holder before us may have removed the lock file after we opened it: the lock
            # we hold is then on a file nobody else will open. Take the one at the path.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, holder.encode())
        self._fd = fd

    def _holder(self) -> str:
        try:
            text = self.path.read_text(errors="replace").strip()
        except OSError:
            text = ""
        return f"held by {text}" if text else f"{self.path} is locked by a process starting now"

    def release(self) -> None:
        if self._fd is not None:
            # Removed while still held: no one can take the old file after it is gone.
            with contextlib.suppress(OSError):
                self.path.unlink()
            os.close(self._fd)
            self._fd = None


def unwritable(state: Path, target: Path | None = None) -> str:
    """Why the server cannot write ``state`` (``target``: the file or directory that is not
    writable; the server writes ``state`` and its -wal, -shm and lock beside it)."""
    directory = state.parent
    try:
        read_only = bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        read_only = False
    if read_only:
        why = f"{state} is on a read-only file system"
    elif target is not None and target != state:
        why = f"the directory of {state} ({target}) is not writable by this process"
    else:
        why = f"{state} is not writable by this process (its permissions, or an immutable flag)"
    return (
        f"{why}: a server writes every change to it, and {state.name}-wal, {state.name}-shm and "
        f"{state.name}.lock beside it; make it writable, or give another --state path. The "
        "file was left as it was"
    )


def check_usable(state: Path) -> bool:
    """Raise StateFileError unless the server can create or write ``state``; True for a new
    file (missing, or empty without a WAL). Reads nothing of the file but its status."""
    directory = state.parent
    if not directory.is_dir():
        raise StateFileError(
            f"the directory of {state} ({directory}) does not exist: create it, or give "
            "another --state path"
        )
    if state.is_dir():
        raise StateFileError(f"{state} is a directory, not a state file: give a file's path")
    new = not state.exists() or (state.stat().st_size == 0 and not _has_wal(state))
    targets = [directory] + ([] if new else [state])
    for target in targets:
        if not os.access(target, os.W_OK):
            raise StateFileError(unwritable(state, target))
    return new


def _has_wal(state: Path) -> bool:
    wal = Path(f"{state}-wal")
    return wal.exists() and wal.stat().st_size > 0


def check_header(state: Path) -> None:
    """Refuse a file whose first bytes say it is not a WAL-mode SQLite database (every state
    file is one), without opening it in SQLite."""
    with state.open("rb") as file:
        header = file.read(100)
    if state.stat().st_size == 0:
        return  # an empty file whose database lives in its WAL (a crash right after creation)
    if not header.startswith(_SQLITE_MAGIC):
        raise StateFileError(
            f"{state} is not a pytest-campaigns-fake state file: it is not an SQLite database "
            f"(it begins {header[:16]!r}); give another --state path. The file was left as it was"
        )
    if len(header) < 20 or header[18:20] != b"\x02\x02":
        raise StateFileError(
            f"{state} is not a pytest-campaigns-fake state file: an SQLite database in rollback "
            "journal mode (state files use WAL); give another --state path. The file was left "
            "as it was"
        )


@contextlib.contextmanager
def read_only(state: Path) -> Iterator[sqlite3.Connection]:
    """A connection that reads the database ``state`` holds without writing anything of it:
    ``immutable`` on ``state`` alone, or a private copy of ``state`` and its non-empty WAL."""
    if not _has_wal(state):
        uri = f"{state.resolve().as_uri()}?immutable=1"
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            yield db
        finally:
            db.close()
        return
    with tempfile.TemporaryDirectory(prefix="pytest-campaigns-fake-") as directory:
        copy = Path(directory) / "state.db"
        shutil.copyfile(state, copy)
        shutil.copyfile(f"{state}-wal", f"{copy}-wal")
        db = sqlite3.connect(copy, check_same_thread=False)
        try:
            yield db
        finally:
            db.close()
