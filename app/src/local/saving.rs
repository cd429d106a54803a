//! Saving on the tablet: a form's edits go into the working copy, are
//! persisted (encrypted, strict durability) and only then count as saved
//! and are offered to the server.

use super::connection::Event;
use super::edits::{self, FormInput};
use super::js::{mark, measure, now_millis};
use super::runtime::{Runtime, record_access, runtime};
use leptos::prelude::*;
use std::rc::Rc;
use tsunagu_sync::record::RecordError;
use tsunagu_sync::record::schema::RecordKind;

/// Saves a new record; returns its id once it is stored on the device.
pub async fn create_record(
    kind: RecordKind,
    person: String,
    input: FormInput,
) -> Result<String, String> {
    let runtime = runtime().ok_or("locked")?;
    mark("tsunagu-save-start");
    let id = {
        let identity = &runtime.vault.identity;
        let edit = edits::edit_by(&identity.user, chrono::Utc::now());
        let mut random = [0u8; 10];
        random.copy_from_slice(&super::crypto::random_bytes(10).map_err(|e| e.to_string())?[..10]);
        let mut store = runtime.vault.store.borrow_mut();
        let id = edits::create_record(
            &mut store.records,
            kind,
            &person,
            &identity.device_id,
            &edit,
            &input,
            random,
        )
        .map_err(|e: RecordError| e.to_string())?;
        store.touch(&id);
        id
    };
    saved(&runtime).await?;
    record_access(crate::access_log::AccessKind::RecordCreated, &id);
    Ok(id)
}

/// Saves a form over an existing record.
pub async fn update_record(
    id: String,
    base: Vec<tsunagu_sync::record::ChangeHash>,
    input: FormInput,
) -> Result<bool, String> {
    let runtime = runtime().ok_or("locked")?;
    mark("tsunagu-save-start");
    let changed = {
        let edit = edits::edit_by(&runtime.vault.identity.user, chrono::Utc::now());
        let mut store = runtime.vault.store.borrow_mut();
        let changed = edits::update_record(&mut store.records, &id, Some(&base), &edit, &input)
            .map_err(|e| e.to_string())?;
        store.touch(&id);
        changed
    };
    saved(&runtime).await?;
    if changed {
        record_access(crate::access_log::AccessKind::RecordEdited, &id);
    }
    Ok(changed)
}

/// After a local save: persist, then offer it to the server.
pub(super) async fn saved(runtime: &Rc<Runtime>) -> Result<(), String> {
    runtime.last_activity.set(now_millis());
    runtime.vault.persist().await.map_err(|e| e.to_string())?;
    // Edited, encrypted and committed to IndexedDB: the save is safe.
    measure("tsunagu-save", "tsunagu-save-start");
    crate::browser::dispatch(crate::components::app_update::CHECK_STORAGE_EVENT);
    refresh(runtime);
    match runtime.events.borrow().as_ref() {
        Some(events) => {
            let _ = events.unbounded_send(Event::Local);
        }
        None => runtime.wake.set(true),
    }
    Ok(())
}

/// Publishes the waiting and refused counts and tells the pages to re-read
/// the records.
pub(super) fn refresh(runtime: &Runtime) {
    let (waiting, refused) = {
        let store = runtime.vault.store.borrow();
        (
            store.records.waiting_records(),
            store.records.rejected().len(),
        )
    };
    runtime.state.status.update(|s| {
        s.waiting = waiting;
        s.refused_notes = refused;
    });
    runtime.state.revision.update(|r| *r += 1);
}
