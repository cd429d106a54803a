//! The PostgreSQL backend against a real server: the throwaway cluster
//! `scripts/test.sh` starts (`TSUNAGU_TEST_POSTGRES`), one new database
//! per test.

use crate::store::{Dialect, Store, StoreError, feed, migrations, records};
use chrono::{DateTime, NaiveDate, Utc};
use tsunagu_sync::outcome::facts::RecordSummary;
use tsunagu_sync::record::Status;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::summary::Summary;
use tsunagu_sync::session::server::{FeedQuery, RecordWrite};

/// A database of its own for one test, dropped with it.
pub(crate) struct TestDatabase {
    admin: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl TestDatabase {
    /// Creates an empty database in the test cluster.
    pub(crate) fn new() -> TestDatabase {
        let admin = std::env::var("TSUNAGU_TEST_POSTGRES").expect(
            "TSUNAGU_TEST_POSTGRES is not set: run scripts/test.sh, which starts a \
             throwaway PostgreSQL cluster on 127.0.0.1 for the tests",
        );
        let name = format!("tsunagu_test_{}", uuid::Uuid::now_v7().simple());
        admin_client(&admin)
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (path, query) = admin.split_once('?').unwrap_or((&admin, ""));
        let (base, _) = path.rsplit_once('/').expect("a URL ending in /dbname");
        let url = format!("{base}/{name}?{query}");
        TestDatabase { admin, name, url }
    }

    /// A plain client on it, for what a test does behind the store's back.
    pub(crate) fn client(&self) -> postgres::Client {
        admin_client(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = admin_client(&self.admin).batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

fn admin_client(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("the test cluster is reachable")
}

pub(super) fn write(id: &str, person: &str, changes: &[&[u8]]) -> RecordWrite {
    let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    RecordWrite {
        id: id.into(),
        kind: RecordKind::HomeVisit,
        person_id: person.into(),
        snapshot: [b"doc:", id.as_bytes()].concat(),
        new_changes: changes.iter().map(|c| c.to_vec()).collect(),
        summary: RecordSummary {
            fact: None,
            draft: true,
            created_on: day,
        },
        list_summary: Summary {
            kind: RecordKind::HomeVisit,
            person_id: person.into(),
            status: Status::Draft,
            date: day,
            updated_at: DateTime::UNIX_EPOCH,
            name: String::new(),
            excerpt: String::new(),
            event: None,
            kana: String::new(),
            next_contact: None,
            review_on: None,
            open_actions: Vec::new(),
        },
    }
}

pub(super) fn commit(store: &Store, device: &str, writes: &[RecordWrite]) {
    store
        .write(|tx| records::commit(tx, device, Utc::now(), writes))
        .unwrap();
}

fn everything_after(store: &Store, after: u64, persons: &[String]) -> Vec<(String, Vec<Vec<u8>>)> {
    let page = store
        .read(|tx| {
            let until = feed::end(tx)?;
            feed::page(
                tx,
                &[RecordKind::HomeVisit.as_str()],
                &FeedQuery {
                    after,
                    until,
                    persons,
                    skip_device: "nobody",
                },
                usize::MAX,
            )
        })
        .unwrap();
    page.docs
        .into_iter()
        .map(|doc| (doc.id, doc.changes))
        .collect()
}

/// The same writes read back the same way from both backends: the
/// records, their summaries, the feed's pages and the first download's.
#[test]
fn records_and_the_feed_read_back_alike_on_both_backends() {
    let database = TestDatabase::new();
    let dir = tempfile::tempdir().unwrap();
    let stores = [
        Store::open(dir.path()).unwrap(),
        Store::open_postgres(&database.url).unwrap(),
    ];
    assert_eq!(stores[1].dialect(), Dialect::Postgres);
    let persons = vec!["p-1".to_owned(), "p-2".to_owned()];
    let mut seen = Vec::new();
    for store in &stores {
        commit(store, "d-1", &[write("r-1", "p-1", &[b"c1", b"c2"])]);
        commit(
            store,
            "d-2",
            &[write("r-2", "p-2", &[b"c3"]), write("r-3", "p-3", &[b"c4"])],
        );
        commit(store, "d-1", &[write("r-1", "p-1", &[b"c5"])]);
        let stored = store
            .read(|tx| records::stored(tx, "r-1"))
            .unwrap()
            .unwrap();
        assert_eq!(stored.snapshot, b"doc:r-1");
        let snapshots = store
            .read(|tx| {
                records::snapshot_page(tx, &[RecordKind::HomeVisit.as_str()], &persons, "", 1)
            })
            .unwrap();
        seen.push((
            store.read(feed::end).unwrap(),
            everything_after(store, 0, &persons),
            everything_after(store, 3, &persons),
            store
                .read(|tx| records::feed_entries_of(tx, "r-1"))
                .unwrap(),
            store.read(records::summaries).unwrap().len(),
            (snapshots.last_id, snapshots.done, snapshots.summaries),
        ));
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[1].0, 5, "five changes, numbered from 1");
    assert_eq!(
        seen[1].1,
        vec![
            (
                "r-1".to_owned(),
                vec![b"c1".to_vec(), b"c2".to_vec(), b"c5".to_vec()]
            ),
            ("r-2".to_owned(), vec![b"c3".to_vec()])
        ],
        "in the order written; p-3 is nobody's here"
    );
    assert_eq!(
        seen[1].5.0, "r-1",
        "one page of about one byte holds one record"
    );
}

/// A database a newer Tsunagu has migrated is refused before anything in
/// it changes; the current one opens again as it is.
#[test]
fn a_newer_schema_is_refused_and_left_as_it_was() {
    let database = TestDatabase::new();
    let store = Store::open_postgres(&database.url).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::LATEST);
    drop(store);
    assert_eq!(
        Store::open_postgres(&database.url)
            .unwrap()
            .schema_version()
            .unwrap(),
        migrations::LATEST
    );
    let newer = migrations::LATEST + 1;
    let mut client = database.client();
    client
        .execute("UPDATE schema_version SET version = $1", &[&newer])
        .unwrap();
    let refused = Store::open_postgres(&database.url)
        .err()
        .expect("must refuse");
    assert!(
        matches!(refused, StoreError::NewerSchema { found, .. } if found == newer),
        "{refused}"
    );
    let version: i64 = client
        .query_one("SELECT version FROM schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, newer);
}

/// What only SQLite does (a backup into a file) says so on PostgreSQL
/// instead of touching the database.
#[test]
fn a_sqlite_backup_is_refused_plainly_on_postgres() {
    let database = TestDatabase::new();
    let store = Store::open_postgres(&database.url).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let refused = store
        .backup_to(&dir.path().join("copy.sqlite3"))
        .expect_err("must refuse");
    assert!(matches!(refused, StoreError::NotOnPostgres), "{refused}");
    assert!(!dir.path().join("copy.sqlite3").exists());
}

/// `tsunagu renew-history` after PostgreSQL was put back by its own
/// tools: the history id changes (so tablets give back what was lost),
/// on SQLite alike.
#[test]
fn renewing_the_history_draws_a_new_id_on_both_backends() {
    let database = TestDatabase::new();
    let dir = tempfile::tempdir().unwrap();
    for store in [
        Store::open(dir.path()).unwrap(),
        Store::open_postgres(&database.url).unwrap(),
    ] {
        let before = store.read(crate::store::history::id).unwrap();
        let renewed = store.write(crate::store::history::renew_in).unwrap();
        let after = store.read(crate::store::history::id).unwrap();
        assert_eq!(after, renewed);
        assert_ne!(after, before);
        assert_eq!(after.len(), 32);
    }
}

/// The URL of a database with TLS required and the test cluster's CA
/// trusted (`scripts/test.sh` makes the CA for each run).
fn over_tls(database: &TestDatabase, trust: bool) -> String {
    let ca = std::env::var("TSUNAGU_TEST_POSTGRES_CA")
        .expect("TSUNAGU_TEST_POSTGRES_CA is not set: run scripts/test.sh");
    let (plain, _) = database.url.split_once('?').unwrap_or((&database.url, ""));
    match trust {
        true => format!("{plain}?sslmode=require&sslrootcert={ca}"),
        false => format!("{plain}?sslmode=require"),
    }
}

/// With `sslmode=require` and the server's CA in `sslrootcert`, every
/// connection of the store, the listener's too, is encrypted.
#[test]
fn a_database_off_the_host_is_reached_over_verified_tls() {
    let database = TestDatabase::new();
    let store = Store::open_postgres(&over_tls(&database, true)).unwrap();
    let encrypted: bool = store
        .read(|tx| {
            tx.value(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                crate::store::sql::args![],
            )
        })
        .unwrap();
    assert!(encrypted);
    assert!(
        store.changed_elsewhere().unwrap(),
        "the listener connects too"
    );
}

/// A server whose certificate does not chain to a trusted CA is refused:
/// `require` does not mean "whatever answers".
#[test]
fn a_database_with_an_untrusted_certificate_is_refused() {
    let database = TestDatabase::new();
    let refused = Store::open_postgres(&over_tls(&database, false))
        .err()
        .expect("must refuse");
    assert!(matches!(refused, StoreError::Postgres(_)), "{refused}");
    let unreadable = Store::open_postgres(&format!(
        "{}&sslrootcert=/nonexistent/ca.pem",
        over_tls(&database, false)
    ))
    .err()
    .expect("must refuse");
    assert!(
        matches!(unreadable, StoreError::DatabaseTls { .. }),
        "{unreadable}"
    );
}
