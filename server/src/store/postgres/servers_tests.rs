//! Several servers (or a server and the command line) on one PostgreSQL
//! database: the feed's order with writers committing out of order, what
//! one hears of another's commits, and start-up work done once.

use super::FEED_ORDER_LOCK;
use super::tests::{TestDatabase, commit, write};
use crate::store::{Store, StoreError, feed, records};
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::mpsc;
use std::time::Duration;

/// Whether every entry numbered up to the newest visible one is visible:
/// a reader that saw a gap would move its cursor past an entry committed
/// later, and its device would never receive it.
fn gaps(client: &mut postgres::Client, table: &str) -> Vec<i64> {
    let seqs: Vec<i64> = client
        .query(&format!("SELECT seq FROM {table} ORDER BY seq"), &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let newest = seqs.last().copied().unwrap_or(0);
    (1..=newest).filter(|seq| !seqs.contains(seq)).collect()
}

/// The hazard the feed's lock is there for, shown on a bare identity
/// column: the writer that took the lower number commits last, and a
/// reader in between sees a gap. (This is the check the next test makes
/// of the store's feed; here it must find the gap.)
#[test]
fn a_bare_sequence_commits_out_of_order_and_readers_see_gaps() {
    let database = TestDatabase::new();
    let mut setup = database.client();
    setup
        .batch_execute("CREATE TABLE bare (seq BIGINT GENERATED ALWAYS AS IDENTITY, v TEXT)")
        .unwrap();
    let mut first = database.client();
    let mut second = database.client();
    let mut a = first.transaction().unwrap();
    a.execute("INSERT INTO bare (v) VALUES ('a')", &[]).unwrap();
    let mut b = second.transaction().unwrap();
    b.execute("INSERT INTO bare (v) VALUES ('b')", &[]).unwrap();
    b.commit().unwrap();
    assert_eq!(
        gaps(&mut setup, "bare"),
        vec![1],
        "seq 2 visible, seq 1 not yet"
    );
    a.commit().unwrap();
    assert!(gaps(&mut setup, "bare").is_empty());
}

/// Two writers through the store, the first of which holds its
/// transaction open after numbering its entries: the second waits for
/// it instead of committing first, and a reader never sees a gap.
#[test]
fn the_feed_is_numbered_in_commit_order_so_no_reader_sees_a_gap() {
    let database = TestDatabase::new();
    let store = std::sync::Arc::new(Store::open_postgres(&database.url).unwrap());
    let (numbered, hold) = (mpsc::channel(), mpsc::channel::<()>());
    let first = {
        let store = store.clone();
        let (numbered, hold) = (numbered.0, hold.1);
        std::thread::spawn(move || {
            store
                .write(|tx| {
                    records::commit(tx, "d-a", Utc::now(), &[write("r-a", "p-1", &[b"a"])])?;
                    numbered.send(()).unwrap();
                    // Still open: its entry is numbered, not committed.
                    hold.recv().unwrap();
                    Ok::<_, StoreError>(())
                })
                .unwrap();
        })
    };
    numbered.1.recv().unwrap();
    let (second_done, second_finished) = mpsc::channel();
    let second = {
        let store = store.clone();
        std::thread::spawn(move || {
            commit(&store, "d-b", &[write("r-b", "p-1", &[b"b"])]);
            second_done.send(()).unwrap();
        })
    };
    let mut reader = database.client();
    // The second writer is waiting for the lock, and nothing is visible.
    assert!(
        second_finished
            .recv_timeout(Duration::from_millis(500))
            .is_err(),
        "the second writer must wait for the first to commit"
    );
    assert_eq!(store.read(feed::end).unwrap(), 0);
    let waiting: i64 = reader
        .query_one(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
               AND ((classid::bigint << 32) | objid::bigint) = $1",
            &[&FEED_ORDER_LOCK],
        )
        .unwrap()
        .get(0);
    assert_eq!(waiting, 1, "the second writer waits on the feed's lock");
    hold.0.send(()).unwrap();
    first.join().unwrap();
    second.join().unwrap();
    assert!(gaps(&mut reader, "feed").is_empty());
    let order: Vec<(i64, String)> = reader
        .query("SELECT seq, origin_device FROM feed ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(order, vec![(1, "d-a".into()), (2, "d-b".into())]);
}

/// A store hears of feed entries and caseload changes another store (an
/// instance, the command line) commits to the same database.
#[test]
fn a_store_hears_what_another_commits() {
    let database = TestDatabase::new();
    let listening = Store::open_postgres(&database.url).unwrap();
    let (heard, persons) = mpsc::channel();
    listening
        .on_feed_elsewhere(move |persons| heard.send(persons.to_vec()).unwrap())
        .unwrap();
    assert!(
        listening.changed_elsewhere().unwrap(),
        "the first call says yes"
    );
    let other = Store::open_postgres(&database.url).unwrap();
    // The listener connects on its own thread: wait until it hears.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut n = 0u8;
    let got = loop {
        n += 1;
        commit(
            &other,
            "d-x",
            &[write(&format!("r-{n}"), "p-heard", &[&[n]])],
        );
        if let Ok(got) = persons.recv_timeout(Duration::from_millis(200)) {
            break got;
        }
        assert!(std::time::Instant::now() < deadline, "nothing heard");
    };
    assert_eq!(got, vec!["p-heard".to_owned()]);
    let _ = listening.changed_elsewhere().unwrap();
    assert!(!listening.changed_elsewhere().unwrap());
    other
        .write(|tx| {
            crate::store::persons::insert(
                tx,
                &crate::store::persons::PersonRow {
                    id: "p-heard",
                    display_name: "試験",
                    recipient_number: None,
                    created_at: DateTime::UNIX_EPOCH,
                },
            )?;
            crate::store::assignments::insert_unless_open(
                tx,
                "nobody",
                "p-heard",
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                Utc::now(),
            )
        })
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !listening.changed_elsewhere().unwrap() {
        assert!(
            std::time::Instant::now() < deadline,
            "the change was not heard"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Two servers starting together on one database both look for persons
/// without a profile document: one makes it, the other finds it made.
/// (Each making its own would store two different documents for one
/// record, the later overwriting the earlier.)
#[test]
fn servers_starting_together_make_each_missing_profile_once() {
    let database = TestDatabase::new();
    let stores: Vec<std::sync::Arc<Store>> = (0..2)
        .map(|_| std::sync::Arc::new(Store::open_postgres(&database.url).unwrap()))
        .collect();
    for n in 0..20 {
        stores[0]
            .write(|tx| {
                crate::store::persons::insert(
                    tx,
                    &crate::store::persons::PersonRow {
                        id: &format!("p-start-{n}"),
                        display_name: "試験 太郎",
                        recipient_number: None,
                        created_at: DateTime::UNIX_EPOCH,
                    },
                )
            })
            .unwrap();
    }
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let made: Vec<usize> = stores
        .iter()
        .map(|store| {
            let (store, barrier) = (store.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                crate::persons::ensure_person_documents(&store, Utc::now()).unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|thread| thread.join().unwrap())
        .collect();
    assert_eq!(
        made.iter().sum::<usize>(),
        40,
        "a profile and a card each, once: {made:?}"
    );
    let profile_changes = stores[0]
        .read(|tx| records::feed_entries_of(tx, "p-start-0"))
        .unwrap();
    assert_eq!(profile_changes, 1, "one document's changes, not two");
}
