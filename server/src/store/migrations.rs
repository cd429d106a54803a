//! Versioned schema migrations, tracked in SQLite's `user_version`.
//!
//! Each entry runs once, in its own transaction, in order. Never edit an
//! entry that has shipped: add a new one.

use super::StoreError;
use rusqlite::Connection;
use std::path::Path;

/// The schema, one migration per version (version = index + 1).
const MIGRATIONS: &[&str] = &[
    // 1: accounts, sessions, persons and caseload assignments.
    "CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled_at   TEXT,
        created_at    TEXT NOT NULL
    ) STRICT;
    CREATE TABLE sessions (
        token_hash BLOB PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX sessions_by_user ON sessions(user_id);
    CREATE TABLE persons (
        id           TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        created_at   TEXT NOT NULL
    ) STRICT;
    CREATE TABLE assignments (
        id         INTEGER PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id),
        person_id  TEXT NOT NULL REFERENCES persons(id),
        starts_on  TEXT NOT NULL,
        ends_on    TEXT,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX assignments_by_user ON assignments(user_id);
    CREATE INDEX assignments_by_person ON assignments(person_id);",
    // 2: sync: devices with revocable tokens, records (compacted automerge
    // documents) and the change feed every device follows with a cursor.
    "CREATE TABLE devices (
        id           TEXT PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id),
        token_hash   BLOB NOT NULL UNIQUE,
        label        TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        last_seen_at TEXT,
        revoked_at   TEXT
    ) STRICT;
    CREATE INDEX devices_by_user ON devices(user_id);
    CREATE TABLE records (
        id        TEXT PRIMARY KEY,
        kind      TEXT NOT NULL,
        person_id TEXT NOT NULL,
        snapshot  BLOB NOT NULL
    ) STRICT;
    CREATE INDEX records_by_person ON records(person_id);
    CREATE TABLE feed (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id     TEXT NOT NULL REFERENCES records(id),
        change        BLOB NOT NULL,
        origin_device TEXT NOT NULL,
        received_at   TEXT NOT NULL
    ) STRICT;
    CREATE INDEX feed_by_record ON feed(record_id);
    -- Which persons' records were sent to each device (confirmed = the
    -- device said it holds their whole history), so a new assignment
    -- brings the whole history and an ended one a purge.
    CREATE TABLE device_persons (
        device_id TEXT NOT NULL REFERENCES devices(id),
        person_id TEXT NOT NULL,
        confirmed INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
        PRIMARY KEY (device_id, person_id)
    ) STRICT, WITHOUT ROWID;",
    // 3: the annual listing. Persons carry their public-assistance
    // recipient number (how a listing row finds a person already known);
    // each fiscal year's listing records who was listed, when, and whether
    // the continuous stay was under a year at the listing date.
    "ALTER TABLE persons ADD COLUMN recipient_number TEXT;
    CREATE UNIQUE INDEX persons_by_recipient ON persons(recipient_number)
        WHERE recipient_number IS NOT NULL;
    CREATE TABLE listings (
        fiscal_year INTEGER NOT NULL,
        person_id   TEXT NOT NULL REFERENCES persons(id),
        listed_on   TEXT NOT NULL,
        admitted_on TEXT NOT NULL,
        stay_days   INTEGER NOT NULL,
        short_stay  INTEGER NOT NULL CHECK (short_stay IN (0, 1)),
        hospital    TEXT NOT NULL,
        ward        TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        PRIMARY KEY (fiscal_year, person_id)
    ) STRICT;",
    // 4: the audit trail of programme changes (listing imports,
    // assignments, handovers): who did what, when. The detail holds ids and
    // counts only, never a name, so the trail itself is not personal data.
    "CREATE TABLE audit_log (
        id            INTEGER PRIMARY KEY,
        at            TEXT NOT NULL,
        actor_user_id INTEGER REFERENCES users(id),
        action        TEXT NOT NULL,
        detail        TEXT NOT NULL
    ) STRICT;",
    // 5: the feed names each change's person and kind (a record's person
    // and kind never change), so a device's page is read through its
    // persons' entries instead of scanning every change since its cursor
    // or every record of its caseload: the cost of telling a device about
    // an edit no longer grows with how much the programme wrote or holds.
    "ALTER TABLE feed ADD COLUMN person_id TEXT;
    ALTER TABLE feed ADD COLUMN kind TEXT;
    UPDATE feed SET (person_id, kind) =
        (SELECT r.person_id, r.kind FROM records r WHERE r.id = feed.record_id);
    CREATE INDEX feed_by_person ON feed(person_id, seq);",
    // 6: the persons each device confirmed it purged (its user no longer
    // holds them), until it is sent them again: a device holding nothing
    // of a person has no late note of theirs, so the server refuses one.
    "CREATE TABLE device_purges (
        device_id TEXT NOT NULL REFERENCES devices(id),
        person_id TEXT NOT NULL,
        purged_at TEXT NOT NULL,
        PRIMARY KEY (device_id, person_id)
    ) STRICT;",
    // 7: the outcome report. What the report reads of each record (its
    // dated fact, draft or not, created when; JSON) is kept in a table of
    // its own, so a report over every record reads neither a document nor
    // the pages the documents fill; records from before get theirs when
    // the server starts. The costs per fiscal year are what the
    // coordinator entered.
    "CREATE TABLE record_summaries (
        record_id TEXT PRIMARY KEY REFERENCES records(id),
        person_id TEXT NOT NULL,
        summary   TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE programme_costs (
        fiscal_year           INTEGER PRIMARY KEY,
        inpatient_monthly_yen INTEGER CHECK (inpatient_monthly_yen >= 0),
        programme_yen         INTEGER CHECK (programme_yen >= 0),
        updated_at            TEXT NOT NULL,
        updated_by            INTEGER REFERENCES users(id)
    ) STRICT;",
    // 8: the audit trail's hash chain: each entry's link to the one before
    // and its own hash. Entries from before are sealed at start, in order.
    "ALTER TABLE audit_log ADD COLUMN prev_hash BLOB;
    ALTER TABLE audit_log ADD COLUMN hash BLOB;",
    // 9: the server's history id, which devices compare to tell that the
    // server went back in time (`store/history.rs`). Drawn here; a backup
    // and a restore draw a new one.
    "CREATE TABLE server_history (
        only INTEGER PRIMARY KEY CHECK (only = 1),
        id   TEXT NOT NULL
    ) STRICT;
    INSERT INTO server_history (only, id) VALUES (1, lower(hex(randomblob(16))));",
    // 10: a device reported lost is told to wipe itself at its next
    // contact (`wipe_ordered_at`, which also revokes it) and confirms it
    // did (`wiped_at`).
    "ALTER TABLE devices ADD COLUMN wipe_ordered_at TEXT;
    ALTER TABLE devices ADD COLUMN wiped_at TEXT;",
    // 11: a password set by an administrator (`tsunagu user
    // reset-password`) is temporary: it opens no session until the user
    // has chosen a new one.
    "ALTER TABLE users ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0
        CHECK (password_change_required IN (0, 1));",
    // 12: the highest access-log entry number each device has sent
    // (`access_log.rs`), so an upload repeated after a lost answer is
    // recorded once.
    "ALTER TABLE devices ADD COLUMN access_log_seq INTEGER NOT NULL DEFAULT 0;",
    // 13: the second sign-in factor (`second_factor.rs`): a TOTP secret per
    // user, pending until a first code confirms it, with the last time step
    // accepted (a code is accepted once); and ten one-time recovery codes,
    // of which only hashes are kept.
    "CREATE TABLE second_factors (
        user_id INTEGER PRIMARY KEY REFERENCES users(id),
        secret BLOB NOT NULL,
        created_at TEXT NOT NULL,
        confirmed_at TEXT,
        last_step INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE recovery_codes (
        user_id INTEGER NOT NULL REFERENCES users(id),
        code_hash BLOB NOT NULL,
        used_at TEXT,
        PRIMARY KEY (user_id, code_hash)
    ) WITHOUT ROWID;",
    // 14: device tokens rotate on use (`device_tokens.rs`): the token a
    // new one replaced stays good until the new one is first used, so a
    // rotation whose answer was lost strands no tablet.
    // And a second, plain secret a tablet keeps outside its encrypted
    // store, good for one thing only: reporting that it wiped itself after
    // too many wrong passwords (its token went with the data key).
    "ALTER TABLE devices ADD COLUMN previous_token_hash BLOB;
    CREATE INDEX devices_by_previous_token ON devices(previous_token_hash)
        WHERE previous_token_hash IS NOT NULL;
    ALTER TABLE devices ADD COLUMN wipe_report_hash BLOB;
    CREATE INDEX devices_by_wipe_report ON devices(wipe_report_hash)
        WHERE wipe_report_hash IS NOT NULL;",
    // 15: what a tablet's lists read of each record (postcard of
    // `record::summary::Summary`), sent with the documents of a first
    // download so the tablet need not load each one. Records from before
    // get theirs when the server starts, with the report's summaries.
    "ALTER TABLE record_summaries ADD COLUMN list_summary BLOB;",
    // 16: sign-in attempts counted against a name or an address, kept in
    // the database so that several servers on one (PostgreSQL) database
    // share one throttle (`sign_in_limits.rs`). Keys are hashes.
    "CREATE TABLE sign_in_attempts (
        id    INTEGER PRIMARY KEY,
        key   BLOB NOT NULL,
        at_ms INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX sign_in_attempts_by_key ON sign_in_attempts(key, at_ms);
    CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts(at_ms);",
];

/// The version that chained the audit trail (older entries are sealed
/// when a store is upgraded past it).
pub const AUDIT_CHAIN: i64 = 8;

/// The newest schema version this build knows.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Reads the schema version, failing if it is newer than [`LATEST`].
pub fn refuse_newer(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
    if found > LATEST {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found,
            supported: LATEST,
        });
    }
    Ok(found)
}

/// Brings the database up to [`LATEST`], refusing one that is newer.
pub fn apply(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let found = refuse_newer(conn, path)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database from before the feed named persons: the upgrade fills
    /// the column in from the records, so existing devices keep getting
    /// their pages.
    #[test]
    fn the_feed_learns_each_change_s_person_and_kind_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute_batch(
            "INSERT INTO records (id, kind, person_id, snapshot) VALUES
                 ('r-1', 'ward_interview', 'p-1', x'00'), ('r-2', 'outing', 'p-2', x'00');
             INSERT INTO feed (record_id, change, origin_device, received_at) VALUES
                 ('r-1', x'01', 'd', '2026-01-01'), ('r-2', x'02', 'd', '2026-01-01'),
                 ('r-1', x'03', 'd', '2026-01-02');",
        )
        .unwrap();
        apply(&mut conn, &path).unwrap();
        let rows: Vec<(i64, String)> = conn
            .prepare("SELECT seq, person_id || ' ' || kind FROM feed ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (1, "p-1 ward_interview".into()),
                (2, "p-2 outing".into()),
                (3, "p-1 ward_interview".into())
            ]
        );
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, LATEST);
    }

    /// A trail written before the chain existed is sealed, in order, when
    /// the upgraded store opens, and then verifies.
    #[test]
    fn an_old_audit_trail_is_sealed_on_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::store::DATABASE_FILE);
        let conn = Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..7] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 7).unwrap();
        conn.execute_batch(
            "INSERT INTO audit_log (at, actor_user_id, action, detail) VALUES
                 ('2026-01-01T00:00:00+00:00', NULL, 'assign', '{}'),
                 ('2026-01-02T00:00:00+00:00', NULL, 'handover', '{}');",
        )
        .unwrap();
        drop(conn);
        let store = crate::store::Store::open(dir.path()).unwrap();
        let verdict = store
            .read_snapshot(crate::store::audit_chain::verify)
            .unwrap();
        assert_eq!(verdict.entries, 2);
        assert_eq!(verdict.broken, None);
        assert_eq!(verdict.head.len(), 32);
    }
}
