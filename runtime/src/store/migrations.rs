//! Versioned schema migrations, in portable SQL (SQLite and PostgreSQL alike).

/// The migrations, in order; the schema version is the number of migrations applied.
pub const MIGRATIONS: &[&str] = &[
    // 1: run records and their events.
    "CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        task_id TEXT,
        attempt INTEGER NOT NULL,
        agent_name TEXT NOT NULL,
        run_type TEXT NOT NULL,
        fixture_id TEXT,
        started_at TEXT NOT NULL,
        closed_at TEXT,
        code_version TEXT,
        model TEXT,
        prompt_version TEXT,
        tool_allowlist TEXT,
        timeout_seconds INTEGER,
        input_sha256 TEXT,
        output_sha256 TEXT,
        state_refs TEXT NOT NULL,
        artifact_refs TEXT NOT NULL,
        status TEXT,
        failure_class TEXT,
        failure_reason TEXT,
        reasons TEXT NOT NULL,
        tokens_in INTEGER NOT NULL,
        tokens_out INTEGER NOT NULL,
        cost_usd DOUBLE PRECISION NOT NULL,
        trace_id TEXT,
        parent_run_id TEXT
    );
    CREATE INDEX runs_by_fixture ON runs (fixture_id, run_type, started_at);
    CREATE INDEX runs_by_status ON runs (status, started_at);
    CREATE INDEX runs_by_agent ON runs (agent_name, started_at);
    CREATE INDEX runs_open ON runs (closed_at, started_at);
    CREATE TABLE events (
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
    );",
    // 2: the watchdog (deadline and artifact area of open runs) and alerts.
    "ALTER TABLE runs ADD COLUMN deadline_at TEXT;
    ALTER TABLE runs ADD COLUMN artifact_root TEXT;
    CREATE INDEX runs_overdue ON runs (closed_at, deadline_at);
    CREATE TABLE alerts (
        alert_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        run_id TEXT,
        agent_name TEXT,
        failure_class TEXT,
        at TEXT NOT NULL,
        message TEXT NOT NULL
    );
    CREATE INDEX alerts_by_class ON alerts (failure_class, at);",
    // 3: canaries: tier, session and finality of records, heartbeats, operator overrides.
    "ALTER TABLE runs ADD COLUMN tier TEXT;
    ALTER TABLE runs ADD COLUMN session_id TEXT;
    ALTER TABLE runs ADD COLUMN finality TEXT;
    ALTER TABLE runs ADD COLUMN proven BOOLEAN;
    ALTER TABLE runs ADD COLUMN expectation_met BOOLEAN;
    CREATE INDEX runs_by_session ON runs (session_id, fixture_id, attempt);
    CREATE TABLE fixture_latest (
        run_type TEXT NOT NULL,
        fixture_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        PRIMARY KEY (run_type, fixture_id)
    );
    CREATE TABLE sessions (
        session_id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        passing INTEGER NOT NULL,
        failing INTEGER NOT NULL,
        inconclusive INTEGER NOT NULL
    );
    CREATE INDEX sessions_by_start ON sessions (started_at);
    CREATE INDEX runs_by_class ON runs (run_type, failure_class, started_at);
    CREATE TABLE heartbeats (
        session_id TEXT NOT NULL,
        tier TEXT NOT NULL,
        phase TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (session_id, tier, phase)
    );
    CREATE INDEX heartbeats_by_tier ON heartbeats (tier, at);
    CREATE TABLE overrides (
        override_id TEXT PRIMARY KEY,
        fixtures TEXT NOT NULL,
        who TEXT NOT NULL,
        why TEXT NOT NULL,
        created_at TEXT NOT NULL,
        until TEXT NOT NULL
    );",
    // 4: shared state for agents (compare-and-swap) and the idempotency ledger.
    "CREATE TABLE shared_state (
        key TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        request_sha256 TEXT NOT NULL,
        state TEXT NOT NULL,
        outcome TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );",
    // 5: which run holds an idempotency key in flight, so the watchdog can release the keys of
    // an abandoned run.
    "ALTER TABLE idempotency ADD COLUMN run_id TEXT;
    CREATE INDEX idempotency_in_flight ON idempotency (run_id, state);",
];
