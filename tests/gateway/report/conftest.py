"""The prompt store's fixtures (both backends): incidents live in the same database."""

from tests.gateway.promptlog.conftest import backend, make_store, pg_dsn, pg_schema, store

__all__ = ["backend", "make_store", "pg_dsn", "pg_schema", "store"]
