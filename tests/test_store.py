"""The run store (nnviz/app/store.py) on real databases: a SQLite file and a throwaway
PostgreSQL cluster (the ``engine`` fixture runs each test on both)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from nnviz.app import store as st
from nnviz.app.store import (
    BadRunId,
    BadRunName,
    Part,
    RunCorrupt,
    RunNotFound,
    RunPayload,
    RunReadOnly,
    RunStore,
    RunTooLarge,
    SchemaTooNew,
    StoreBusy,
    StoreError,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
    new_run_id,
)

ROOT = Path(__file__).resolve().parents[1]
DAY = 86_400


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def payload(n: int = 0, size: int = 1000, keys=("a", "b")) -> RunPayload:
    """A run of ``size``-byte parts under ``keys`` (their bytes depend on n and the key)."""
    parts = [Part(k, bytes([n % 256, len(k)]) * (size // 2)) for k in keys]
    return RunPayload(
        doc=json.dumps({"n": n}).encode(),
        state=b"state%d" % n,
        parts=parts,
        iteration=n,
        summary=f"run {n}",
    )


def part_keys(engine, run_id) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(sa.select(st.parts.c.key).where(st.parts.c.run_id == run_id)))


# ---------------------------------------------------------------------------- ids
def test_run_ids_are_144_random_bits_in_24_url_safe_characters():
    ids = {new_run_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(i) == 24 and st._RUN_ID.fullmatch(i) for i in ids)
    assert st.RUN_ID_BYTES * 8 >= 128


@pytest.mark.parametrize(
    "bad",
    ["", "short", "x" * 23, "x" * 25, "a" * 10**6, "abc'; DROP TABLE nnviz_runs_2; --a",
     "ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ", "abcdefghijklmnopqrstuvw/", None, 12, b"x" * 24],
)  # fmt: skip
def test_a_bad_run_id_is_refused_before_any_query(tmp_path, bad):
    db = tmp_path / "never" / "runs.sqlite"
    store = RunStore(sa.create_engine(sa.URL.create("sqlite", database=str(db))))
    for call in (store.load, store.delete, store.touch, lambda i: store.save(i, payload())):
        with pytest.raises(BadRunId, match="is not one nnviz makes"):
            call(bad)
    assert not db.parent.exists()  # the database was not even opened
    assert store.list_runs([bad]) == []


def test_run_names_are_tidied_and_checked():
    assert st.check_run_name("  Lecture   3:  xor ") == "Lecture 3: xor"
    assert st.check_run_name("") is None and st.check_run_name(None) is None
    for bad in ("a\x00b", "x" * 101, "evil\u202eexe", 5):
        with pytest.raises(BadRunName):
            st.check_run_name(bad)


# ---------------------------------------------------------------------------- where
def test_the_default_database_is_a_file_in_the_user_data_folder(tmp_path):
    env = {"HOME": "/home/ann"}
    assert st.default_db_path(env) == Path("/home/ann/.local/share/nnviz/runs.sqlite")
    env["XDG_DATA_HOME"] = "/data"
    assert st.default_db_path(env) == Path("/data/nnviz/runs.sqlite")
    env["XDG_DATA_HOME"] = "relative/ignored"  # the XDG spec: only absolute paths count
    assert st.default_db_path(env) == Path("/home/ann/.local/share/nnviz/runs.sqlite")
    assert st.db_url({"HOME": "/home/ann"}) == "sqlite:////home/ann/.local/share/nnviz/runs.sqlite"


def test_connection_kwargs_for_st_connection():
    env = {"HOME": "/h"}
    kw = st.connection_kwargs(env)
    assert kw == {
        "url": "sqlite:////h/.local/share/nnviz/runs.sqlite",
        "connect_args": {"timeout": st.SQLITE_TIMEOUT_S},
    }
    # secrets.toml's section: its url and engine arguments, the store's defaults added
    section = {"url": "postgresql+psycopg://u@db/runs", "create_engine_kwargs": {"pool_size": 3}}
    kw = st.connection_kwargs(env, section)
    assert kw["url"] == section["url"] and kw["pool_size"] == 3 and kw["pool_pre_ping"]
    assert kw["connect_args"] == {
        "options": f"-c lock_timeout={st.POSTGRES_LOCK_TIMEOUT_MS}",
        "connect_timeout": st.POSTGRES_CONNECT_TIMEOUT_S,  # an unreachable server: 5 s
    }
    # the environment wins over secrets.toml; a timeout of its own is kept
    env[st.ENV_URL] = "sqlite:////x/runs.sqlite"
    section = {
        "url": "sqlite:////y.sqlite",
        "create_engine_kwargs": {"connect_args": {"timeout": 1}},
    }
    assert st.connection_kwargs(env, section) == {
        "url": "sqlite:////x/runs.sqlite",
        "connect_args": {"timeout": 1},
    }
    # a section by parts (dialect, host …) is Streamlit's to read
    kw = st.connection_kwargs(
        {"HOME": "/h"}, {"dialect": "postgresql", "host": "db", "username": "u"}
    )
    assert "url" not in kw and kw["pool_pre_ping"]
    with pytest.raises(StoreUnavailable, match="not a database URL"):
        st.connection_kwargs({st.ENV_URL: "not a url"})


def test_the_cap_comes_from_the_environment():
    assert st.max_bytes({}) == st.DEFAULT_MAX_MB * 2**20
    assert st.max_bytes({st.ENV_MAX_MB: "1.5"}) == int(1.5 * 2**20)
    for bad in ("0", "-3", "lots", "nan", "inf"):
        with pytest.raises(StoreError, match=st.ENV_MAX_MB):
            st.max_bytes({st.ENV_MAX_MB: bad})


def test_the_store_works_on_the_engine_st_connection_makes(tmp_path):
    """Streamlit's SQLConnection (what st.connection("runs", type="sql") returns) builds
    its engine from these keyword arguments; the store takes that engine as it is."""
    from streamlit.connections import SQLConnection

    env = {"HOME": str(tmp_path)}
    conn = SQLConnection("runs", **st.connection_kwargs(env))
    engine = conn.engine
    assert engine.url.database == str(tmp_path / ".local/share/nnviz/runs.sqlite")
    store = RunStore(engine)
    run_id = new_run_id()
    store.save(run_id, payload(1))
    assert store.load(run_id).doc == payload(1).doc
    with engine.connect() as c:  # WAL mode, kept in the file, and the busy timeout
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == st.SQLITE_TIMEOUT_S * 1000


def test_st_connection_in_an_app_gives_the_store_its_engine(tmp_path, monkeypatch):
    """The real st.connection in a running script: its kwargs (a dict among them) go
    through Streamlit's resource cache, and the store saves and loads on its engine."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv(st.ENV_URL, raising=False)

    def script():
        import streamlit as stl

        from nnviz.app.store import RunPayload, RunStore, connection_kwargs, new_run_id

        conn = stl.connection("runs", type="sql", **connection_kwargs())
        store = RunStore(conn.engine)
        run_id = new_run_id()
        store.save(run_id, RunPayload(b"{}", b"state", [], 3, "app"))
        stl.write(f"{store.load(run_id).info.iteration} {conn.engine.url.database}")

    at = AppTest.from_function(script).run(timeout=30)
    assert not at.exception
    assert at.markdown[0].value == f"3 {tmp_path / 'data' / 'nnviz' / 'runs.sqlite'}"


# ---------------------------------------------------------------------------- save, load
def test_save_and_load_give_back_every_byte(engine):
    store = RunStore(engine)
    run_id = new_run_id()
    sent = payload(7, size=300_000)
    store.save(run_id, sent)
    got = store.load(run_id)
    assert got.doc == sent.doc and got.state == sent.state
    assert got.parts == {p.key: p.data for p in sent.parts}
    assert got.info.iteration == 7 and got.info.summary == "run 7"
    assert got.info.name is None and not got.info.published
    assert got.info.size_bytes == len(sent.doc) + len(sent.state) + 600_000 + st.ROW_OVERHEAD


def test_a_save_writes_only_the_parts_the_store_does_not_hold(engine):
    store = RunStore(engine)
    run_id = new_run_id()
    made = []

    def lazy(key, n):
        def make():
            made.append(key)
            return bytes([n]) * 1000

        return Part(key, make)

    first = RunPayload(b"{}", b"s", [lazy("a", 1), lazy("b", 2)])
    assert store.save(run_id, first).written_bytes == 2 + 1 + 2000
    second = RunPayload(b"{}", b"s", [lazy("a", 1), lazy("c", 3)])
    assert store.save(run_id, second).written_bytes == 2 + 1 + 1000
    assert made == ["a", "b", "c"]  # "a" was not made again
    assert part_keys(engine, run_id) == {"a", "c"}  # "b" is gone with the manifest
    assert store.load(run_id).parts == {"a": b"\x01" * 1000, "c": b"\x03" * 1000}


def test_list_runs_keeps_the_order_given_and_skips_unknown_and_bad_ids(engine):
    store = RunStore(engine)
    ids = [new_run_id() for _ in range(3)]
    for n, run_id in enumerate(ids):
        store.save(run_id, payload(n))
    asked = [ids[2], "junk", new_run_id(), ids[0], ids[2]]
    assert [r.id for r in store.list_runs(asked)] == [ids[2], ids[0]]
    assert store.list_runs([]) == []
    with pytest.raises(RunNotFound, match="No run"):
        store.load(new_run_id())


def test_name_delete_and_copy(engine):
    clock = Clock()
    store = RunStore(engine, clock=clock)
    run_id = new_run_id()
    store.save(run_id, payload(1))
    assert store.name(run_id, "  my  xor ") == "my xor"
    assert store.info(run_id).name == "my xor"
    clock.now += 5
    copy_id = store.copy(run_id)
    assert copy_id != run_id and len(copy_id) == 24
    info = store.info(copy_id)
    assert info.copied_from == run_id and info.name is None and info.created == clock.now
    assert store.load(copy_id).parts == store.load(run_id).parts
    store.save(copy_id, payload(2))  # the copy is its own: the original stays
    assert store.load(run_id).doc == payload(1).doc
    assert store.name(run_id, "") is None
    assert store.delete(run_id) and not store.delete(run_id)
    assert part_keys(engine, run_id) == set()
    with pytest.raises(RunNotFound):
        store.load(run_id)
    with pytest.raises(RunNotFound):
        store.name(run_id, "x")
    assert store.load(copy_id).doc == payload(2).doc


def test_published_runs_are_read_only_copies_listed_for_everyone(engine):
    clock = Clock()
    store = RunStore(engine, clock=clock)
    mine = new_run_id()
    store.save(mine, payload(1))
    with pytest.raises(BadRunName, match="title"):
        store.publish(mine, "  ")
    pub = store.publish(mine, "Lecture 1: xor")
    clock.now += 1
    pub2 = store.publish(mine, "Lecture 2")
    assert [r.id for r in store.gallery()] == [pub2, pub]
    info = store.info(pub)
    assert info.published and info.name == "Lecture 1: xor" and info.copied_from == mine
    with pytest.raises(RunReadOnly, match="published"):
        store.save(pub, payload(9))
    with pytest.raises(RunReadOnly):
        store.name(pub, "renamed")
    assert store.load(pub).doc == payload(1).doc
    store.save(mine, payload(3))  # the lecturer's own run goes on
    student = store.copy(pub)  # opening a published run: a copy of one's own
    store.save(student, payload(4))
    assert store.load(pub).doc == payload(1).doc and not store.info(student).published
    assert store.delete(pub2) and [r.id for r in store.gallery()] == [pub]


def test_passphrase_compare():
    assert st.passphrase_matches("secret", "secret")
    assert not st.passphrase_matches("Secret", "secret")
    assert not st.passphrase_matches("", "")  # no passphrase set: no one publishes by it
    assert not st.passphrase_matches(None, "secret")


# ---------------------------------------------------------------------------- bounds
def test_prune_deletes_unnamed_unpublished_runs_untouched_for_30_days(engine):
    clock = Clock()
    store = RunStore(engine, clock=clock)
    old, named, opened, fresh = (new_run_id() for _ in range(4))
    for n, run_id in enumerate((old, named, opened)):
        store.save(run_id, payload(n))
    store.name(named, "keep me")
    published = store.publish(old, "gallery")
    clock.now += 29 * DAY
    store.load(opened)  # opening counts as a touch
    clock.now += 2 * DAY
    store.save(fresh, payload(5))  # a save prunes too, at most once an hour
    assert store.list_runs([old]) == []
    result = store.prune()
    assert result.removed == 0 and not result.over_cap and result.note == ""
    clock.now += 31 * DAY
    assert store.prune().removed == 2  # opened and fresh, in turn
    store.save(old, payload(0))
    clock.now += 31 * DAY
    assert store.prune().removed == 1
    assert {r.id for r in store.list_runs([old, named, opened, fresh, published])} == {
        named, published,
    }  # fmt: skip
    assert part_keys(engine, old) == set()


def test_the_cap_deletes_the_oldest_unnamed_runs_first_never_a_named_one(engine):
    clock = Clock()
    size = len(payload(0, 10_000).doc) + len(payload(0).state) + 20_000 + st.ROW_OVERHEAD
    store = RunStore(engine, clock=clock, max_bytes=int(size * 4.5))
    ids = [new_run_id() for _ in range(6)]
    store.save(ids[0], payload(0, 10_000))
    store.name(ids[0], "named, oldest")
    for n, run_id in enumerate(ids[1:4], start=1):
        clock.now += 60
        store.save(run_id, payload(n, 10_000))
    clock.now += 60
    store.load(ids[1])  # opened: now the most recently touched
    clock.now += 60
    result = store.save(ids[4], payload(4, 10_000))
    assert result.pruned == [ids[2]]  # the least recently touched unnamed run
    assert store.total_bytes() <= store.max_bytes
    assert [r.id for r in store.list_runs(ids)] == [ids[0], ids[1], ids[3], ids[4]]
    for run_id in (ids[1], ids[3], ids[4]):
        store.name(run_id, "named")
    with pytest.raises(StoreFull, match="named or published runs, which are never deleted"):
        store.save(ids[5], payload(5, 10_000))
    assert [r.id for r in store.list_runs(ids)] == ids[:2] + ids[3:5]  # nothing lost
    store.save(ids[4], payload(6, 10_000))  # a save that does not grow the store goes on
    store.max_bytes = size * 2
    result = store.prune()
    assert result.over_cap and result.removed == 0 and "never deleted" in result.note


def test_a_run_past_the_row_bound_is_refused_and_nothing_changes(engine):
    store = RunStore(engine, max_run_bytes=50_000)
    run_id = new_run_id()
    store.save(run_id, payload(1, 10_000))
    with pytest.raises(RunTooLarge, match="at most"):
        store.save(run_id, payload(2, 30_000, keys=("c", "d")))
    assert store.load(run_id).doc == payload(1).doc
    with pytest.raises(RunTooLarge):
        store.save(run_id, RunPayload(b"x" * (st.MAX_DOC_BYTES + 1), b""))


# ---------------------------------------------------------------------------- schema
def version(engine) -> int:
    with engine.connect() as conn:
        return st.schema_version(conn)


def fresh(engine) -> sa.Engine:
    """Another engine on the same database (the store checks the schema once per engine)."""
    return sa.create_engine(
        engine.url, **({"connect_args": {"timeout": 1}} if engine.dialect.name == "sqlite" else {})
    )


def test_an_empty_database_gets_the_current_schema(engine):
    assert version(engine) is None
    RunStore(engine).list_runs([new_run_id()])
    assert version(engine) == st.SCHEMA_VERSION
    names = set(sa.inspect(engine).get_table_names())
    assert {"nnviz_schema", "nnviz_runs_2", "nnviz_parts_2"} <= names


def test_a_schema_from_the_future_is_refused_with_a_clear_message(engine):
    store = RunStore(engine)
    run_id = new_run_id()
    store.save(run_id, payload(1))
    with engine.begin() as conn:
        conn.execute(st.schema_table.update().values(version=st.SCHEMA_VERSION + 1))
    other = fresh(engine)
    with pytest.raises(SchemaTooNew, match=r"newer nnviz \(schema version 3; this one knows"):
        RunStore(other).load(run_id)
    with pytest.raises(SchemaTooNew):
        RunStore(other).save(new_run_id(), payload(2))
    other.dispose()
    with engine.connect() as conn:  # nothing was touched
        assert conn.execute(sa.select(sa.func.count()).select_from(st.runs)).scalar() == 1


def test_a_version_1_database_is_migrated_and_its_runs_open(engine):
    # a database as version 1 of the store wrote it
    st.metadata_v1.create_all(engine)
    st.schema_table.create(engine)
    ids = [new_run_id(), new_run_id()]
    with engine.begin() as conn:
        conn.execute(st.schema_table.insert().values(id=1, version=1))
        for n, run_id in enumerate(ids):
            p = payload(n, 2000)
            conn.execute(
                st.runs_v1.insert().values(
                    id=run_id, name="kept" if n else None, published=False, created_ms=1000,
                    updated_ms=2000 + n, iteration=n, summary="v1", revision=1,
                    manifest=json.dumps({q.key: len(q.data) for q in p.parts}),
                    doc=p.doc, state=p.state,
                )
            )  # fmt: skip
            for q in p.parts:
                conn.execute(
                    st.parts_v1.insert().values(
                        run_id=run_id, key=q.key, data=q.data,
                        sha256=__import__("hashlib").sha256(q.data).hexdigest(),
                    )
                )  # fmt: skip
    store = RunStore(engine)
    assert store.load(ids[0]).parts == {p.key: p.data for p in payload(0, 2000).parts}
    assert version(engine) == 2
    info = store.info(ids[1])
    assert info.name == "kept" and info.touched == info.updated == 2.001
    assert info.size_bytes == len(payload(1).doc) + len(payload(1).state) + 4000 + st.ROW_OVERHEAD
    names = set(sa.inspect(engine).get_table_names())
    assert "nnviz_runs_1" not in names and "nnviz_parts_1" not in names
    store.save(ids[0], payload(5))  # and it goes on as any run
    assert store.load(ids[0]).doc == payload(5).doc


# ---------------------------------------------------------------------------- corrupt rows
def corrupt(engine, run_id, table=st.runs, **values):
    key = table.c.id if table is st.runs else table.c.run_id
    with engine.begin() as conn:
        conn.execute(table.update().where(key == run_id).values(**values))


def test_damaged_parts_and_manifests_are_refused_and_nothing_else_is_lost(engine):
    store = RunStore(engine)
    good, bad = new_run_id(), new_run_id()
    store.save(good, payload(1))
    store.save(bad, payload(2))
    parts = st.parts.c
    cases = [
        (st.parts, {"data": b"\x02\x01" * 100}, "not the size"),  # cut short
        (st.parts, {"data": b"\x00\x01" * 500}, "checksum"),  # same size, other bytes
        (st.runs, {"manifest": "{not json"}, "not JSON"),
        (st.runs, {"manifest": '{"a": 1000, "zz": 5}'}, "missing"),
        (st.runs, {"manifest": json.dumps({"a": 10**12})}, "not one nnviz writes"),
    ]
    for table, values, message in cases:
        store.delete(bad)
        store.save(bad, payload(2))
        corrupt(engine, bad, table, **values)
        with pytest.raises(RunCorrupt, match=message):
            store.load(bad)
        assert store.load(good).doc == payload(1).doc
    store.save(bad, payload(3, keys=("a", "c")))  # a save over a damaged list writes anew
    assert store.load(bad).parts == {p.key: p.data for p in payload(3, keys=("a", "c")).parts}
    store.delete(bad)
    store.save(bad, payload(2))
    with engine.begin() as conn:
        conn.execute(st.parts.delete().where(parts.run_id == bad, parts.key == "a"))
    with pytest.raises(RunCorrupt, match="missing"):
        store.load(bad)
    corrupt(engine, bad, doc=b"x" * (st.MAX_DOC_BYTES + 1))
    with pytest.raises(RunCorrupt, match="larger than nnviz writes"):
        store.load(bad)


# ---------------------------------------------------------------------------- failures
def sqlite_url(path: Path, **query) -> str:
    return sa.URL.create("sqlite", database=str(path), query=query).render_as_string()


def test_a_locked_sqlite_database_is_busy_and_nothing_is_lost(tmp_path):
    db = tmp_path / "runs.sqlite"
    store = RunStore(sa.create_engine(sqlite_url(db), connect_args={"timeout": 0.2}))
    run_id = new_run_id()
    store.save(run_id, payload(1))
    blocker = sa.create_engine(sqlite_url(db)).raw_connection()
    blocker.execute("BEGIN IMMEDIATE")  # another process's write transaction
    try:
        with pytest.raises(StoreBusy, match="busy.*database is locked"):
            store.save(run_id, payload(2))
        assert store.load(run_id).doc == payload(1).doc  # WAL: readers never wait
    finally:
        blocker.rollback()
        blocker.close()
    store.save(run_id, payload(2))
    assert store.load(run_id).doc == payload(2).doc


def test_a_read_only_sqlite_database_opens_runs_but_refuses_saves(tmp_path):
    db = tmp_path / "runs.sqlite"
    store = RunStore(sa.create_engine(sqlite_url(db)))
    run_id = new_run_id()
    store.save(run_id, payload(1))
    store.engine.dispose()
    ro = RunStore(sa.create_engine(sqlite_url(Path(f"file:{db}"), mode="ro", uri="true")))
    assert ro.load(run_id).doc == payload(1).doc  # its touch is skipped quietly
    with pytest.raises(StoreReadOnly, match="read-only.*opened but not saved"):
        ro.save(run_id, payload(2))
    with pytest.raises(StoreReadOnly):
        ro.delete(run_id)
    assert ro.load(run_id).doc == payload(1).doc


def test_a_full_sqlite_database_refuses_the_save_and_keeps_the_others(tmp_path):
    engine = sa.create_engine(sqlite_url(tmp_path / "runs.sqlite"))

    @sa.event.listens_for(engine, "connect")
    def small(dbapi_connection, _):  # a disk of 1 MB: SQLite's real "disk is full"
        dbapi_connection.execute("PRAGMA max_page_count = 256")

    store = RunStore(engine)
    run_id, big = new_run_id(), new_run_id()
    store.save(run_id, payload(1, 100_000))
    with pytest.raises(StoreFull, match="is full.*database or disk is full"):
        store.save(big, payload(2, 2_000_000))
    assert store.load(run_id).doc == payload(1).doc
    assert store.list_runs([big]) == []
    store.save(run_id, payload(3, 100_000))  # a save that fits still goes through


def test_an_unreachable_database_says_so(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the folder should be
    store = RunStore(sa.create_engine(sqlite_url(blocked / "runs.sqlite")))
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        store.save(new_run_id(), payload(1))
    not_a_db = tmp_path / "notes.sqlite"
    not_a_db.write_bytes(b"these are not the runs you are looking for" * 100)
    with pytest.raises(StoreUnavailable, match="file is not a database"):
        RunStore(sa.create_engine(sqlite_url(not_a_db))).list_runs([new_run_id()])


def test_postgresql_read_only_busy_and_unreachable(postgres_url):
    url = sa.make_url(postgres_url)
    writer = RunStore(sa.create_engine(url))
    run_id = new_run_id()
    try:
        writer.save(run_id, payload(1))
        ro = RunStore(
            sa.create_engine(url, connect_args={"options": "-c default_transaction_read_only=on"})
        )
        assert ro.load(run_id).doc == payload(1).doc
        with pytest.raises(StoreReadOnly, match="read-only"):
            ro.save(run_id, payload(2))
        busy = RunStore(sa.create_engine(url, connect_args={"options": "-c lock_timeout=200"}))
        with writer.engine.connect() as holder:  # another session holds the run's row
            holder.execute(sa.select(st.runs.c.id).where(st.runs.c.id == run_id).with_for_update())
            with pytest.raises(StoreBusy, match="busy.*lock"):
                busy.save(run_id, payload(3))
        busy.save(run_id, payload(3))
        assert writer.load(run_id).doc == payload(3).doc
    finally:
        tables = sa.MetaData()
        tables.reflect(writer.engine)
        tables.drop_all(writer.engine)
    gone = RunStore(sa.create_engine(url.set(port=1)))
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        gone.list_runs([run_id])


# ---------------------------------------------------------------------------- processes
WRITER = textwrap.dedent(
    """
    import sys, time
    from nnviz.app.store import RunStore, create_store_engine, RunPayload, Part
    url, own, shared, start = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    store = RunStore(create_store_engine({"NNVIZ_DB_URL": url}))
    while time.time() < start:
        time.sleep(0.001)
    for k in range(25):
        for run_id in (own, shared):
            parts = [Part(f"p{k % 3}", bytes([k]) * 50_000), Part(own, b"x" * 1000)]
            store.save(run_id, RunPayload(b"%d" % k, own.encode(), parts, k, own))
    print("ok")
    """
)


def test_several_processes_share_one_sqlite_file(tmp_path):
    url = sqlite_url(tmp_path / "runs.sqlite")  # a new file: they create the schema together
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    ids = [new_run_id() for _ in range(4)]
    shared = new_run_id()
    start = __import__("time").time() + 3  # after every interpreter has started
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), url, run_id, shared, str(start)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for run_id in ids
    ]  # fmt: skip
    outs = [p.communicate(timeout=120) for p in procs]
    assert [o for o, _ in outs] == ["ok\n"] * 4, [e[-2000:] for _, e in outs]
    store = RunStore(sa.create_engine(url))
    for run_id in ids:
        got = store.load(run_id)
        assert got.doc == b"24" and got.parts[run_id] == b"x" * 1000
    got = store.load(shared)  # one writer's last save, whole
    writer = got.state.decode()
    assert got.doc == b"24" and writer in ids and set(got.parts) == {"p0", writer}
    assert got.parts["p0"] == bytes([24]) * 50_000 and got.parts[writer] == b"x" * 1000
    with store.engine.connect() as conn:  # no part left over from a lost race
        rows = conn.execute(sa.select(sa.func.count()).select_from(st.parts)).scalar()
    assert rows == 4 * 2 + 2


def test_an_empty_read_only_database_says_it_is_read_only(tmp_path):
    db = tmp_path / "empty.sqlite"
    sa.create_engine(sqlite_url(db)).connect().close()  # an empty file
    ro = RunStore(sa.create_engine(sqlite_url(Path(f"file:{db}"), mode="ro", uri="true")))
    with pytest.raises(StoreReadOnly, match="read-only"):
        ro.list_runs([new_run_id()])
