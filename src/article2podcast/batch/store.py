"""The library's memory: one SQLite database in the library folder (WAL), one row per item.

An item is queued, producing, done or failed (or removed, so that a feed does not bring it
back). Items are claimed one at a time in a transaction, by a run that holds a lock file for
as long as it lives: a run that was killed leaves claims whose lock nobody holds, and the next
run queues those items again. The episode's files are committed before the item is marked
done, so a kill between the two at worst produces that item again under the same name.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError
from ..locking import hold, is_held, release
from .items import Item

HOME = ".article2podcast"
"""The library's own folder inside the library folder (hidden; never served)."""
DATABASE = "library.sqlite3"
MAX_ATTEMPTS = 3
"""A failed item is tried again on later runs until it has failed this often."""
STATUSES = ("queued", "producing", "done", "failed")
_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    source    TEXT NOT NULL,
    title     TEXT,
    version   TEXT,
    link      TEXT,
    name      TEXT,
    content   BLOB,
    published TEXT,
    origin    TEXT NOT NULL DEFAULT '',
    status    TEXT NOT NULL DEFAULT 'queued'
              CHECK (status IN ('queued', 'producing', 'done', 'failed', 'removed')),
    attempts  INTEGER NOT NULL DEFAULT 0,
    error     TEXT,
    episode   TEXT,
    owner     TEXT,
    added     TEXT NOT NULL,
    changed   TEXT NOT NULL,
    finished  TEXT
);
CREATE TABLE IF NOT EXISTS facts (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Row:
    """An item as the library remembers it."""

    id: int
    """Its number in this library (for `remove DIR ITEM`)."""
    item: Item
    """What it is."""
    status: str
    """queued, producing, done, failed or removed."""
    attempts: int
    """How many times it was tried (since it last changed, or was retried)."""
    error: str | None
    """Why its last attempt failed."""
    episode: str | None
    """Its episode's audio file name, once it has one."""
    finished: str | None
    """When it was last done or failed (ISO 8601, UTC)."""

    @property
    def given_up(self) -> bool:
        return self.status == "failed" and self.attempts >= MAX_ATTEMPTS


@dataclass(frozen=True)
class Remembered:
    """What remembering a batch's items changed."""

    new: int
    changed: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Library:
    """The database of the library in `folder`; open it with `Library.open`."""

    def __init__(self, folder: Path, connection: sqlite3.Connection) -> None:
        self.folder = folder
        self.home = folder / HOME
        self._db = connection
        self._run: str | None = None
        self._run_lock: int | None = None

    @classmethod
    @contextlib.contextmanager
    def open(cls, folder: Path, *, create: bool = True) -> Iterator[Library]:
        """The library in `folder` (made there when `create`), closed at the end."""
        home = folder / HOME
        path = home / DATABASE
        if not create and not path.is_file():
            raise InputError(
                f"{folder} is not a library (it has no {HOME}/{DATABASE}); "
                "make one with: article2podcast add SOURCE --to FOLDER"
            )
        try:
            home.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=60, isolation_level=None)
            connection.row_factory = sqlite3.Row
        except (OSError, sqlite3.Error) as exc:
            raise InputError(
                f"cannot open the library in {folder} ({exc}); check the folder"
            ) from exc
        library = cls(folder, connection)
        try:
            library._prepare()
            yield library
        finally:
            library.end_run()
            connection.close()

    def _prepare(self) -> None:
        try:
            self._db.execute("PRAGMA busy_timeout = 60000")
            if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self._db.execute("PRAGMA journal_mode = WAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > _SCHEMA_VERSION:
                raise InputError(
                    f"the library in {self.folder} was made by a newer article2podcast; "
                    "upgrade to use it"
                )
            if version < _SCHEMA_VERSION:
                self._db.executescript(  # one transaction: a script commits what was open
                    f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version = {_SCHEMA_VERSION}; COMMIT;"
                )
        except sqlite3.DatabaseError as exc:
            raise InputError(
                f"the library database {self.home / DATABASE} is unreadable ({exc}); "
                "move it away to start the library afresh (the episodes stay)"
            ) from exc

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (no two runs claim the same item)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # Facts: what the library keeps besides its items.

    def fact(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM facts WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set_fact(self, name: str, value: str) -> None:
        if self.fact(name) == value:
            return  # nothing written
        with self._transaction() as db:
            db.execute(
                "INSERT INTO facts (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    # Items in.

    def remember(self, items: Iterable[Item]) -> Remembered:
        """Add what is new, queue again what changed (a new version), leave the rest as it is
        (writing nothing when nothing is new). One transaction for the whole batch."""
        known = {
            str(key): (version, str(status))
            for key, version, status in self._db.execute("SELECT key, version, status FROM items")
        }
        new, changed = [], []
        for item in items:
            if item.key not in known:
                new.append(item)
                known[item.key] = (item.version, "queued")
            else:
                version, status = known[item.key]
                if item.version is not None and version != item.version and status != "removed":
                    changed.append(item)
        if new or changed:
            now = _now()
            with self._transaction() as db:
                db.executemany(
                    "INSERT INTO items (key, source, title, version, link, name, content, "
                    "published, origin, added, changed) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT (key) DO NOTHING",
                    [(*_fields(item), now, now) for item in new],
                )
                db.executemany(
                    "UPDATE items SET source=?, title=?, version=?, link=?, name=?, "
                    "content=?, published=?, origin=?, status='queued', attempts=0, "
                    "error=NULL, changed=? WHERE key=? AND status != 'producing'",
                    [(*_fields(item)[1:], now, item.key) for item in changed],
                )
        return Remembered(len(new), len(changed))

    def requeue_failed(self, *, everything: bool = False) -> int:
        """Queue again the failed items that have attempts left (`everything`: all failed
        items, their attempts counted afresh)."""
        where = "status = 'failed'" + ("" if everything else f" AND attempts < {MAX_ATTEMPTS}")
        if not self._db.execute(f"SELECT 1 FROM items WHERE {where} LIMIT 1").fetchone():
            return 0
        reset = ", attempts = 0" if everything else ""
        with self._transaction() as db:
            cursor = db.execute(f"UPDATE items SET status = 'queued'{reset} WHERE {where}")
        return cursor.rowcount

    def requeue(self, item: Item) -> bool:
        """Queue `item` again, its attempts counted afresh, if it failed or was removed (added
        again); False when it is not (unknown, queued, producing or done)."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE items SET status = 'queued', attempts = 0, error = NULL, content = ?, "
                "name = ?, changed = ? WHERE key = ? AND status IN ('failed', 'removed')",
                (item.content, item.name, _now(), item.key),
            )
        return cursor.rowcount > 0

    # Runs: claims, and what they end in.

    def start_run(self) -> None:
        """Begin a run: recover the items of runs that were killed, and take a lock file that
        says this run is alive."""
        runs = self.home / "runs"
        runs.mkdir(exist_ok=True)
        self._recover(runs)
        self._run = uuid.uuid4().hex
        lock = runs / f"{self._run}.lock"
        lock.touch()
        self._run_lock = hold(lock)

    def _recover(self, runs: Path) -> None:
        owners = [
            row[0]
            for row in self._db.execute(
                "SELECT DISTINCT owner FROM items WHERE status = 'producing'"
            )
        ]
        for owner in owners:
            lock = runs / f"{owner}.lock"
            if owner and lock.exists() and is_held(lock):
                continue  # that run is alive
            with self._transaction() as db:
                # A killed run is not the item's fault: its attempt is not counted.
                db.execute(
                    "UPDATE items SET status = 'queued', owner = NULL, "
                    "attempts = MAX(attempts - 1, 0) WHERE status = 'producing' AND owner IS ?",
                    (owner,),
                )
        for lock in runs.glob("*.lock"):
            if not is_held(lock):
                lock.unlink(missing_ok=True)

    def claim(self) -> Item | None:
        """The next queued item, now this run's (oldest first); None when none is left."""
        if self._run is None:
            raise RuntimeError("start_run first")
        with self._transaction() as db:
            row = db.execute(
                "SELECT id FROM items WHERE status = 'queued' ORDER BY id LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE items SET status = 'producing', owner = ?, attempts = attempts + 1, "
                "changed = ? WHERE id = ?",
                (self._run, _now(), row[0]),
            )
        found = self.row(str(row[0]))
        return None if found is None else found.item

    def done(self, item: Item, episode: str, title: str | None = None) -> None:
        """`item` is produced: its episode is `episode`, its title (as read) `title`."""
        with self._transaction() as db:
            db.execute(
                "UPDATE items SET status = 'done', error = NULL, episode = ?, owner = NULL, "
                "title = COALESCE(?, title), finished = ?, changed = ? WHERE key = ?",
                (episode, title or None, _now(), _now(), item.key),
            )

    def failed(self, item: Item, error: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE items SET status = 'failed', error = ?, owner = NULL, finished = ?, "
                "changed = ? WHERE key = ?",
                (error, _now(), _now(), item.key),
            )

    def end_run(self) -> None:
        """Give back what this run claimed and did not finish (an interrupt), and its lock."""
        if self._run is None:
            return
        with contextlib.suppress(sqlite3.Error), self._transaction() as db:
            db.execute(
                "UPDATE items SET status = 'queued', owner = NULL, "
                "attempts = MAX(attempts - 1, 0) WHERE status = 'producing' AND owner = ?",
                (self._run,),
            )
        if self._run_lock is not None:
            release(self._run_lock)
        (self.home / "runs" / f"{self._run}.lock").unlink(missing_ok=True)
        self._run = self._run_lock = None

    # Items out.

    def rows(self) -> list[Row]:
        """Every item but the removed ones, oldest first; without their content (a feed
        entry's article: `row` has it), so that a listing reads no article."""
        listing = _SELECT.replace(" content,", " NULL AS content,")
        return [
            _row(r) for r in self._db.execute(listing + " WHERE status != 'removed' ORDER BY id")
        ]

    def row(self, which: str) -> Row | None:
        """The item `which` names: its number, its key, its source or link, or its episode's
        file name."""
        query = _SELECT + (
            " WHERE status != 'removed' AND (CAST(id AS TEXT) = ? OR key = ? OR source = ? "
            "OR link = ? OR episode = ?) ORDER BY id LIMIT 1"
        )
        found = self._db.execute(query, (which,) * 5).fetchone()
        return None if found is None else _row(found)

    def episode_of(self, item: Item) -> str | None:
        """The audio file name `item` was produced under before, if it was."""
        found = self._db.execute("SELECT episode FROM items WHERE key = ?", (item.key,)).fetchone()
        return None if found is None or found[0] is None else str(found[0])

    def forget(self, row: Row) -> None:
        """Mark `row` removed: a feed that lists it again does not bring it back."""
        with self._transaction() as db:
            db.execute(
                "UPDATE items SET status = 'removed', content = NULL, changed = ? WHERE id = ?",
                (_now(), row.id),
            )


_SELECT = (
    "SELECT id, key, source, title, version, link, name, content, published, origin, status, "
    "attempts, error, episode, finished FROM items"
)


def _fields(item: Item) -> tuple[object, ...]:
    return (
        item.key,
        item.source,
        item.title,
        item.version,
        item.link,
        item.name,
        item.content,
        item.published.isoformat() if item.published else None,
        item.origin,
    )


def _row(found: sqlite3.Row) -> Row:
    def text(name: str) -> str | None:
        return None if found[name] is None else str(found[name])

    item = Item(
        key=str(found["key"]),
        source=str(found["source"]),
        title=text("title"),
        version=text("version"),
        content=None if found["content"] is None else bytes(found["content"]),
        name=text("name"),
        link=text("link"),
        published=datetime.fromisoformat(found["published"]) if found["published"] else None,
        origin=str(found["origin"] or ""),
    )
    return Row(
        id=int(found["id"]),
        item=item,
        status=str(found["status"]),
        attempts=int(found["attempts"]),
        error=text("error"),
        episode=text("episode"),
        finished=text("finished"),
    )
