//! The server went back in time, through the real binary, real SQLite
//! files and real WebSockets: a backup is taken while a tablet pushes,
//! the tablets keep working and syncing, the server is restored from the
//! backup, and when the tablets reconnect every note the server had
//! acknowledged is on it again, colleagues' edits of one note included,
//! and nothing was purged from a tablet or refused.

use anyhow::Result;
use chrono::{Duration, Utc};
use std::path::Path;
use tsunagu_sync::record::{ChangeHash, Edit, Record};
use tsunagu_tests::admin::{add_device, add_person, add_user, assign, cli};
use tsunagu_tests::device::NativeDevice;
use tsunagu_tests::fixtures::{stored_snapshot, ward_interview};
use tsunagu_tests::server::ServerProcess;

struct Worker {
    user: String,
    device: String,
    tablet: NativeDevice,
}

fn worker(dir: &Path, name: &str, person: &str) -> Result<Worker> {
    let user = add_user(dir, name, "support_specialist")?;
    assign(dir, name, person)?;
    let (device, token) = add_device(dir, name)?;
    Ok(Worker {
        user,
        tablet: NativeDevice::new(&token, &format!("{name}-tab")),
        device,
    })
}

impl Worker {
    fn edit(&self, minutes: i64) -> Edit {
        Edit {
            by: self.user.clone(),
            name: None,
            at: Utc::now() - Duration::seconds(120 - minutes),
        }
    }

    fn note(&mut self, person: &str, n: u8) -> Result<String> {
        let edit = self.edit(i64::from(n));
        let (new, first) = ward_interview(person, &self.device, &self.user, edit.at, [n; 10]);
        Ok(self.tablet.store.create(new, &first)?)
    }

    fn add_text(&mut self, id: &str, minutes: i64, text: &str) -> Result<()> {
        let edit = self.edit(minutes);
        self.tablet
            .store
            .edit(id, |r| r.splice_text("situation", 0, 0, text, &edit))?;
        Ok(())
    }

    fn heads(&mut self, id: &str) -> Vec<ChangeHash> {
        self.tablet.store.record_mut(id).expect("held").heads()
    }
}

fn server_holds(dir: &Path, id: &str, heads: &[ChangeHash]) -> Result<bool> {
    Ok(match stored_snapshot(dir, id)? {
        Some(bytes) => Record::load(&bytes, b"check")?.contains_all(heads),
        None => false,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tablets_give_a_restored_server_back_every_note_it_had_acknowledged() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("data");
    let backup = tmp.path().join("nightly.sqlite3");
    let person = add_person(&dir, "試験 復元")?;
    let mut spec = worker(&dir, "spec", &person)?;
    let mut other = worker(&dir, "other", &person)?;
    let server = ServerProcess::start(&dir, &[])?;
    let url = server.base_url.clone();

    let shared = spec.note(&person, 1)?;
    spec.tablet.sync(&url).await?;
    other.tablet.sync(&url).await?;

    // The backup is taken while the specialist's tablet pushes 30 notes.
    for n in 2..32 {
        spec.note(&person, n)?;
    }
    let backup_arg = backup.to_string_lossy().into_owned();
    let dir_arg = dir.clone();
    let backing_up =
        tokio::task::spawn_blocking(move || cli(&dir_arg, &["backup", "--to", &backup_arg], None));
    spec.tablet.sync(&url).await?;
    let said = backing_up.await??;
    assert!(said.contains("checked (integrity ok)"), "{said}");

    // After the backup: more notes, and edits of one note by both.
    let late = spec.note(&person, 40)?;
    spec.add_text(&shared, 41, "一。")?;
    spec.tablet.sync(&url).await?;
    other.tablet.sync(&url).await?;
    other.add_text(&shared, 42, "二。")?;
    let theirs = other.note(&person, 43)?;
    other.tablet.sync(&url).await?;
    spec.tablet.sync(&url).await?;
    spec.add_text(&shared, 44, "三。")?;
    spec.tablet.sync(&url).await?;
    other.tablet.sync(&url).await?;
    assert_eq!(spec.tablet.store.waiting(), 0);
    assert_eq!(other.tablet.store.waiting(), 0);

    // What the server acknowledged, as each tablet holds it.
    let ids: Vec<String> = spec.tablet.store.ids().cloned().collect();
    let mut acknowledged = Vec::new();
    for id in &ids {
        acknowledged.push((id.clone(), spec.heads(id)));
    }
    let held_before = (
        spec.tablet.store.ids().count(),
        other.tablet.store.ids().count(),
    );
    for (id, heads) in &acknowledged {
        assert!(server_holds(&dir, id, heads)?, "{id} acknowledged");
    }

    // Restore last night's backup.
    server.kill_hard()?;
    let restored = cli(
        &dir,
        &["restore", "--from", &backup.to_string_lossy(), "--force"],
        None,
    )?;
    assert!(restored.contains("restored"), "{restored}");
    assert!(
        !server_holds(&dir, &late, &[])?,
        "the restore lost the late note"
    );
    assert!(!server_holds(&dir, &theirs, &[])?);
    let server = ServerProcess::start(&dir, &[])?;
    let url = server.base_url.clone();

    // The colleague's tablet comes back first, then the specialist's;
    // each gives back its own, and the next connections finish the note
    // both edited (its edits alternate: one more part per connection).
    for _ in 0..3 {
        other.tablet.sync(&url).await?;
        spec.tablet.sync(&url).await?;
    }
    for (id, heads) in &acknowledged {
        assert!(server_holds(&dir, id, heads)?, "{id} is back, whole");
    }
    for worker in [&mut spec, &mut other] {
        assert!(worker.tablet.store.rejected().is_empty());
        assert_eq!(worker.tablet.store.resending(), 0);
        assert_eq!(worker.tablet.store.waiting(), 0);
    }
    assert_eq!(
        (
            spec.tablet.store.ids().count(),
            other.tablet.store.ids().count()
        ),
        held_before,
        "nothing purged, nothing duplicated"
    );
    let shared_heads = spec.heads(&shared);
    assert_eq!(other.heads(&shared), shared_heads, "both tablets converge");
    drop(server);
    Ok(())
}
