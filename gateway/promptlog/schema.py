"""The prompt log's tables, as numbered migrations for both databases.

A store applies, at start-up and in one transaction each, every migration newer than the
version recorded in ``schema_migrations``; a database from an older gateway is brought up
to date, and a database newer than this gateway is refused (never written by old code).
Types differ per database only through the placeholders below.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str
    blob: str
    real: str
    serial: str  # an auto-numbered primary key
    boolean: str

    def sql(self, statement: str) -> str:
        """Our statements use ``?``; PostgreSQL numbers its placeholders."""
        if self.name != "postgresql":
            return statement
        parts = statement.split("?")
        return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


SQLITE = Dialect("sqlite", blob="BLOB", real="REAL", serial="INTEGER PRIMARY KEY AUTOINCREMENT", boolean="INTEGER")
POSTGRESQL = Dialect(
    "postgresql", blob="BYTEA", real="DOUBLE PRECISION", serial="BIGSERIAL PRIMARY KEY", boolean="BOOLEAN"
)

MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "exchanges",
        (
            """CREATE TABLE exchanges (
                request_id TEXT PRIMARY KEY, ts_us BIGINT NOT NULL, user_name TEXT, groups TEXT NOT NULL,
                auth TEXT, client TEXT, provider TEXT, model TEXT, endpoint TEXT, stream {boolean} NOT NULL,
                policy_id TEXT, policy_version TEXT, decision TEXT, rule TEXT, findings TEXT NOT NULL,
                response_findings TEXT NOT NULL, entity_types TEXT NOT NULL, data_classes TEXT NOT NULL,
                prompt_tokens INTEGER, completion_tokens INTEGER, upstream_ms {real}, overhead_ms {real},
                duration_ms {real}, status INTEGER NOT NULL, outcome TEXT NOT NULL, error_code TEXT,
                log_level TEXT NOT NULL, expires_us BIGINT NOT NULL, key_id TEXT,
                prompt_sealed {blob}, response_sealed {blob}, prompt_hash TEXT, response_hash TEXT
            )""",
            "CREATE INDEX exchanges_ts ON exchanges (ts_us)",
        ),
    ),
    (
        2,
        "legal holds, purge runs and text reads",
        (
            """CREATE TABLE legal_holds (
                request_id TEXT PRIMARY KEY, reason TEXT NOT NULL, held_us BIGINT NOT NULL, released_us BIGINT
            )""",
            """CREATE TABLE purge_runs (
                id {serial}, ts_us BIGINT NOT NULL, policy_version TEXT, dry_run {boolean} NOT NULL,
                deleted INTEGER NOT NULL, held INTEGER NOT NULL, by_level TEXT NOT NULL
            )""",
            """CREATE TABLE text_reads (
                id {serial}, ts_us BIGINT NOT NULL, reader TEXT NOT NULL, role TEXT NOT NULL,
                request_id TEXT NOT NULL, via TEXT NOT NULL
            )""",
        ),
    ),
    (
        3,
        "search and purge indexes",
        (
            "CREATE INDEX exchanges_expires ON exchanges (expires_us)",
            "CREATE INDEX exchanges_user ON exchanges (user_name, ts_us)",
        ),
    ),
    (
        4,
        "incidents and their hash chain",
        (
            # The current state of each incident (what list/show read), and the append-only chain of
            # events that produced it: each event carries the incident's state after it, and its hash
            # covers the previous event's hash, so an edit, deletion or reordering breaks the chain.
            """CREATE TABLE incidents (
                id TEXT PRIMARY KEY, type TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,
                opened_us BIGINT NOT NULL, last_seen_us BIGINT NOT NULL, actor TEXT, agg_key TEXT NOT NULL,
                state TEXT NOT NULL, seq BIGINT NOT NULL
            )""",
            "CREATE INDEX incidents_opened ON incidents (opened_us)",
            "CREATE INDEX incidents_open_key ON incidents (agg_key, status)",
            """CREATE TABLE incident_chain (
                seq BIGINT PRIMARY KEY, incident_id TEXT NOT NULL, event TEXT NOT NULL, at_us BIGINT NOT NULL,
                body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
            )""",
        ),
    ),
    (
        5,
        "prompt-log records an incident refers to",
        (
            # Every request an incident aggregated (its state keeps only the first 50 ids): while the
            # incident is open or acknowledged, the purge keeps these records as evidence.
            """CREATE TABLE incident_requests (
                incident_id TEXT NOT NULL, request_id TEXT NOT NULL, PRIMARY KEY (incident_id, request_id)
            )""",
            "CREATE INDEX incident_requests_request ON incident_requests (request_id)",
        ),
    ),
    (
        6,
        "incident chain events by incident",
        # An incident's current state is read from its last chain event, not from the table row
        # (which anyone with database access could edit): this finds that event.
        ("CREATE INDEX incident_chain_incident ON incident_chain (incident_id, seq)",),
    ),
    (
        7,
        "where findings were made",
        # Per entity type, the parts of the request it was found in (role/kind, e.g. tool/tool_result):
        # JSON metadata, never text. Records from before it have none ('{}').
        ("ALTER TABLE exchanges ADD COLUMN finding_sources TEXT NOT NULL DEFAULT '{{}}'",),
    ),
    (
        8,
        "what an exchange cost",
        # From the settings' price table when the exchange was made (a later price change does not
        # rewrite history); NULL when its model has no price or the provider reported no usage.
        (
            "ALTER TABLE exchanges ADD COLUMN cost {real}",
            "ALTER TABLE exchanges ADD COLUMN cost_currency TEXT",
        ),
    ),
    (
        9,
        "the AI tool register of each policy version loaded",
        # So that a policy changed by a restart (not a hot reload) still leaves the register's change history:
        # at start the register in force is compared with the one last recorded (gateway.promptlog.registers).
        (
            """CREATE TABLE policy_registers (
                version TEXT PRIMARY KEY, seen_us BIGINT NOT NULL, register TEXT NOT NULL
            )""",
        ),
    ),
    (
        10,
        "control assurance runs and their hash chain",
        # Each run of the assurance probes as evidence that the controls operated (gateway.incidents.assurance_runs):
        # the whole run in ``body``, chained like the incidents in a sequence of its own; the columns are its
        # searchable copy. No prompt text: outcomes are statuses and codes.
        (
            """CREATE TABLE assurance_runs (
                seq BIGINT PRIMARY KEY, run_id TEXT NOT NULL UNIQUE, started_us BIGINT NOT NULL,
                finished_us BIGINT NOT NULL, origin TEXT NOT NULL, policy_id TEXT NOT NULL,
                policy_version TEXT NOT NULL, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
            )""",
            "CREATE INDEX assurance_runs_started ON assurance_runs (started_us)",
        ),
    ),
    (
        11,
        "control-assurance traffic marked",
        # An exchange made with a key of the assurance user (``Identity.assurance``): usage and spend
        # leave it out by this mark. FALSE (not 0) is a boolean in both databases; earlier records are staff's.
        ("ALTER TABLE exchanges ADD COLUMN assurance {boolean} NOT NULL DEFAULT FALSE",),
    ),
    (
        12,
        "control-assurance incidents marked",
        # An incident a probe raised (its state's ``"assurance": true``): the report and inventory leave it out
        # in SQL, so that a year of probes' incidents (born resolved, never folded) cannot fill the report's
        # cap and push out real ones. Incidents recorded before are marked from their state here.
        (
            "ALTER TABLE incidents ADD COLUMN assurance {boolean} NOT NULL DEFAULT FALSE",
            "{mark_assurance_incidents}",
        ),
    ),
)
LATEST = MIGRATIONS[-1][0]

# Migration 12's backfill: rows whose state's top-level "assurance" is JSON true (``is_assurance``). The LIKE
# (canonical JSON has no spaces) keeps the JSON parse to the few candidates; a row whose state is not JSON at
# all (edited: the chain verification reports it) is left unmarked rather than failing the upgrade.
_MARK_SQLITE = (
    "UPDATE incidents SET assurance = TRUE WHERE state LIKE '%\"assurance\":true%' "
    "AND CASE WHEN json_valid(state) THEN json_type(state, '$.assurance') = 'true' ELSE 0 END"
)
_MARK_PG = """DO $$
DECLARE r RECORD;
BEGIN
    FOR r IN SELECT id, state FROM incidents WHERE state LIKE '%"assurance":true%' LOOP
        BEGIN
            IF (r.state::jsonb -> 'assurance') = 'true'::jsonb THEN
                UPDATE incidents SET assurance = TRUE WHERE id = r.id;
            END IF;
        EXCEPTION WHEN invalid_text_representation THEN
            NULL;
        END;
    END LOOP;
END $$"""

CREATE_VERSIONS = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_us BIGINT NOT NULL)"
)


def statements(dialect: Dialect, upto: int = LATEST, after: int = 0) -> list[tuple[int, list[str]]]:
    """The migrations in (after, upto], each as its statements for this database."""
    fill = {"blob": dialect.blob, "real": dialect.real, "serial": dialect.serial, "boolean": dialect.boolean}
    fill["mark_assurance_incidents"] = _MARK_PG if dialect.name == "postgresql" else _MARK_SQLITE
    return [(version, [s.format(**fill) for s in sqls]) for version, _, sqls in MIGRATIONS if after < version <= upto]
