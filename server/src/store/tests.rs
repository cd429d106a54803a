//! The store's own tests: opening, pragmas, readers and plans, outside commits.

use super::*;
use crate::store::persons::PersonRow;

#[test]
fn opens_in_wal_mode_at_the_newest_schema_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::LATEST);
    let mode: String = store
        .sqlite()
        .unwrap()
        .writer()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(store);
    assert_eq!(
        Store::open(dir.path()).unwrap().schema_version().unwrap(),
        migrations::LATEST
    );
}

#[test]
fn readers_see_what_was_committed_and_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let count = |store: &Store| store.read(persons::all).unwrap().len();
    assert_eq!(count(&store), 0);
    store
        .write(|tx| {
            persons::insert(
                tx,
                &PersonRow {
                    id: "p-r",
                    display_name: "試験",
                    recipient_number: None,
                    created_at: chrono::DateTime::UNIX_EPOCH,
                },
            )
        })
        .unwrap();
    // The pooled connection is reused and sees the commit.
    assert_eq!(count(&store), 1);
    let refused = store.read(|tx| -> Result<usize, StoreError> {
        Ok(tx.sql()?.execute("DELETE FROM persons", [])?)
    });
    assert!(refused.is_err(), "a reader must not write");
    assert_eq!(count(&store), 1);
}

/// A write whose closure fails leaves nothing behind.
#[test]
fn a_failed_write_rolls_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let outcome: Result<(), StoreError> = store.write(|tx| {
        persons::insert(
            tx,
            &PersonRow {
                id: "p-gone",
                display_name: "試験",
                recipient_number: None,
                created_at: chrono::DateTime::UNIX_EPOCH,
            },
        )?;
        Err(StoreError::bad_value("test", "stop here"))
    });
    assert!(outcome.is_err());
    assert!(!store.read(|tx| persons::exists(tx, "p-gone")).unwrap());
}

/// A cached statement whose plan could depend on a bound value (here
/// a bound LIMIT) is reused as it was planned, not re-parsed each time
/// the cache hands it out, on the writing and the reading connections.
#[test]
fn cached_statements_keep_their_plan_across_uses() {
    use rusqlite::StatementStatus;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let sql = "SELECT id FROM persons WHERE id > ?1 ORDER BY id LIMIT ?2";
    let use_twice = |conn: &Connection| {
        for limit in [5, 7] {
            let mut statement = conn.prepare_cached(sql).unwrap();
            let rows: Vec<String> = statement
                .query_map(rusqlite::params!["", limit], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(rows.is_empty());
        }
        conn.prepare_cached(sql)
            .unwrap()
            .get_status(StatementStatus::RePrepare)
    };
    assert_eq!(
        use_twice(&store.sqlite().unwrap().writer()),
        0,
        "writing connection"
    );
    assert_eq!(
        use_twice(&store.sqlite().unwrap().readers.take().unwrap()),
        0,
        "reader"
    );
}

#[test]
fn refuses_a_database_from_a_newer_build_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", migrations::LATEST + 1)
            .unwrap();
    }
    let err = Store::open(dir.path()).err().expect("must refuse");
    assert!(
        matches!(err, StoreError::NewerSchema { found, .. } if found == migrations::LATEST + 1)
    );
    let conn = Connection::open(&path).unwrap();
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "no migration may run on a newer database");
}

#[test]
fn a_data_dir_that_cannot_be_created_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let err = Store::open(&file.join("data")).err().expect("must fail");
    assert!(matches!(err, StoreError::CreateDataDir { .. }), "{err}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}

#[test]
fn notices_commits_by_another_process_and_not_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let person = |id: &'static str| PersonRow {
        id,
        display_name: "試験",
        recipient_number: None,
        created_at: chrono::DateTime::UNIX_EPOCH,
    };
    assert!(
        store.changed_elsewhere().unwrap(),
        "the first look says yes"
    );
    assert!(!store.changed_elsewhere().unwrap());
    store
        .write(|tx| persons::insert(tx, &person("p-own")))
        .unwrap();
    assert!(
        !store.changed_elsewhere().unwrap(),
        "its own commits are not news"
    );
    // What the command line does: its own Store on the same file.
    let elsewhere = Store::open(dir.path()).unwrap();
    elsewhere
        .write(|tx| persons::insert(tx, &person("p-cli")))
        .unwrap();
    assert!(store.changed_elsewhere().unwrap());
    assert!(!store.changed_elsewhere().unwrap(), "told once");
}
