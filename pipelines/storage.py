"""Dagster's local SQLite storage, with the event log keeping its database connections.

Dagster's SQLite event log (one file per run plus an index file) creates a new SQLAlchemy
engine, and so a new connection, for every statement: a run of the main job stores ~300
events, ~2,200 engines. :class:`PooledSqliteEventLogStorage` keeps one engine per file for the
life of the process (least recently used first out, at most ``MAX_ENGINES``), whose connections
are pooled, and commit without an fsync each (``PRAGMA synchronous=NORMAL``: Dagster already keeps
these files in WAL mode, where NORMAL never corrupts the database; a power cut can lose the
last events, not the Delta tables); tables it has found once are not looked up again (Dagster
does so through a new engine before most asset-event writes). Everything else is Dagster's. dagster.yaml selects it through
:class:`PaperlakeSqliteStorage` (same files, same layout as ``storage: sqlite``). The
PostgreSQL profile (deploy/dagster-postgres.yaml) does not use this module. It subclasses
Dagster internals of the pinned version (pyproject.toml); tests/test_storage.py fails if an
upgrade changes them.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.storage.base_storage import DagsterStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import Connection, Engine, create_engine, event

MAX_ENGINES = 32  # open database files per process: the index and the most recent runs


def _no_fsync_per_commit(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage with one engine (pooled connections) per database file."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._pid = os.getpid()
        self._tables_seen: set[str] = set()
        super().__init__(base_dir, inst_data)

    def has_table(self, table_name: str) -> bool:
        """Asked before most asset-event writes, each time through a new engine: a table once
        seen is remembered until a wipe (Dagster's lookup otherwise; it takes no lock, and
        callers may hold the storage's connection lock)."""
        if table_name in self._tables_seen:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables_seen.add(table_name)
        return found

    def _engine(self, shard: str) -> Engine:
        if self._pid != os.getpid():  # forked: the parent's connections are not ours to use or close
            self._engines = OrderedDict()
            self._pid = os.getpid()
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(self.conn_string_for_shard(shard),
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _no_fsync_per_commit)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > MAX_ENGINES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn, conn.begin():
                yield conn

    def _dispose_engines(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self._dispose_engines()  # the run files are deleted: no connection may outlive them
        self._tables_seen.clear()
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()


class PaperlakeSqliteStorage(DagsterSqliteStorage):
    """``storage: sqlite`` (runs, schedules and event logs under ``base_dir``) with the pooled
    event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        DagsterStorage.__init__(self)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value) -> PaperlakeSqliteStorage:  # type: ignore[override]
        return cls.from_local(inst_data=inst_data, **config_value)
