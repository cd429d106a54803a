//! A hostile tablet: changes built with raw automerge (skipping the record
//! layer's own checks) and pushed in the protocol's own frames over a real
//! WebSocket, with no client session to keep them honest.

use crate::device::NativeDevice;
use anyhow::{Context, Result, anyhow};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ROOT, ReadDoc};
use chrono::{DateTime, Utc};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tsunagu_sync::protocol::{ClientMessage, DocChanges, DocOutcome, ServerMessage};
use tsunagu_sync::record::{Edit, history};

/// A record's saved document opened for raw edits, as `actor`.
pub struct RawRecord {
    doc: AutoCommit,
    /// The heads at the last commit (or at opening).
    base: Vec<automerge::ChangeHash>,
}

impl RawRecord {
    /// Opens a saved document (or a fresh empty one for `None`).
    pub fn open(saved: Option<&[u8]>, actor: &str) -> Result<Self> {
        let doc = match saved {
            Some(bytes) => AutoCommit::load(bytes)?,
            None => AutoCommit::new(),
        };
        let mut doc = doc.with_actor(ActorId::from(actor.as_bytes()));
        let base = doc.get_heads();
        Ok(RawRecord { doc, base })
    }

    /// The object under a top-level key (`meta`, `fields`).
    pub fn object(&self, key: &str) -> Result<ObjId> {
        match self.doc.get(ROOT, key)? {
            Some((_, id)) => Ok(id),
            None => Err(anyhow!("no {key} in the document")),
        }
    }

    /// The document, for raw edits.
    pub fn doc(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    /// Replaces a narrative field's whole text.
    pub fn rewrite(&mut self, field: &str, text: &str) -> Result<()> {
        let fields = self.object("fields")?;
        let obj = match self.doc.get(&fields, field)? {
            Some((_, id)) => id,
            None => self.doc.put_object(&fields, field, ObjType::Text)?,
        };
        self.doc.update_text(&obj, text)?;
        Ok(())
    }

    /// Commits what was done as one change with this message and time,
    /// and returns the change's bytes.
    pub fn commit(&mut self, message: &str, at: DateTime<Utc>) -> Result<Vec<u8>> {
        self.doc.commit_with(
            CommitOptions::default()
                .with_message(message.to_owned())
                .with_time(at.timestamp_millis()),
        );
        let mut changes = self.doc.get_changes(&self.base);
        self.base = self.doc.get_heads();
        let mut change = changes.pop().context("nothing was changed")?;
        Ok(change.bytes().into_owned())
    }
}

/// Connects with `token`, says `Hello` and pushes `docs` as one batch;
/// returns each record's outcome, or the error frame's text when the
/// server refused the whole push.
pub async fn push(
    base_url: &str,
    token: &str,
    docs: Vec<DocChanges>,
) -> Result<Result<Vec<DocOutcome>, String>> {
    let mut ws = NativeDevice::connect(base_url, token)
        .await?
        .map_err(|status| anyhow!("sync refused with HTTP {status}"))?;
    let hello = ClientMessage::Hello { cursor: 0 }.encode()?;
    let push = ClientMessage::Push { batch: 1, docs }.encode()?;
    ws.send(Message::Binary(hello.into())).await?;
    ws.send(Message::Binary(push.into())).await?;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .context("no answer within 30 s")?
            .context("closed without an answer")??;
        let Message::Binary(bytes) = message else {
            continue;
        };
        match ServerMessage::decode(&bytes)? {
            ServerMessage::Accepted { results, .. } => {
                let _ = ws.close(None).await;
                return Ok(Ok(results));
            }
            ServerMessage::Error { code, message } => {
                return Ok(Err(format!("{code:?}: {message}")));
            }
            _ => {}
        }
    }
}

/// The change message a record change carries, as the record layer
/// writes it: `by:<user id>` and, when given, `name:<name>`.
pub fn signed(by: &str, name: Option<&str>) -> String {
    history::change_message(&Edit {
        by: by.to_owned(),
        name: name.map(str::to_owned),
        at: DateTime::UNIX_EPOCH,
    })
}
