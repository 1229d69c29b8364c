"""Catalog fixtures: a database URL per backend (SQLite file, PostgreSQL schema), fresh per test.

PostgreSQL comes from STRIPE_SYNC_TEST_PG_URL; without it those tests skip, unless
STRIPE_SYNC_REQUIRE_SERVICES=1 (CI), where a missing server fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_ENV = "STRIPE_SYNC_TEST_PG_URL"


def pg_base_url() -> str | None:
    """The PostgreSQL server to test against, or skip/fail as the environment demands."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("STRIPE_SYNC_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{PG_ENV} is not set but STRIPE_SYNC_REQUIRE_SERVICES=1 requires PostgreSQL")
    pytest.skip(f"{PG_ENV} is not set")
    return None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    base = pg_base_url()
    assert base is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as err:
        admin.dispose()
        if os.environ.get("STRIPE_SYNC_REQUIRE_SERVICES") == "1":
            pytest.fail(f"PostgreSQL at {PG_ENV} is unreachable: {err}")
        pytest.skip(f"PostgreSQL unreachable: {err}")
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file URL in the test's own folder."""
    return f"sqlite:///{tmp_path / 'catalog.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty catalog database on each backend."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))
