//! The server's side of a sync connection.

use super::push::{self, PushError};
use super::{Caller, Output};
use crate::protocol::{
    ClientMessage, DOCUMENTS_REVISION, ErrorCode, ProtocolError, ServerMessage, TEAM_REVISION,
};
use crate::team::PersonTeam;

pub use super::server_store::{
    FeedPage, FeedQuery, PAGE_BYTES, RecordWrite, ServerStore, SessionError, SnapshotPage,
    StoredDoc,
};

/// One device's connection, as the server sees it.
#[derive(Debug)]
pub struct ServerSession {
    caller: Caller,
    /// Threads a big push is merged on.
    workers: usize,
    cursor: Option<u64>,
    /// The caseload as last looked up (sorted); feed news about other
    /// persons does not concern this device.
    caseload: Vec<String>,
    /// The revision of server messages the device reads (1 until it says).
    revision: u32,
    /// The teams last sent, so an unchanged picture is not sent again.
    team: Option<Vec<PersonTeam>>,
    /// The digest of the teams the device said it holds at `Open`.
    device_team: Option<u64>,
}

impl ServerSession {
    /// A connection from an authenticated caller.
    pub fn new(caller: Caller) -> Self {
        ServerSession {
            caller,
            workers: 1,
            cursor: None,
            caseload: Vec::new(),
            revision: 1,
            team: None,
            device_team: None,
        }
    }

    /// Merges big pushes on up to `workers` threads (native servers only:
    /// one thread, the default, never starts another).
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// The authenticated caller.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The caseload as last looked up (sorted; empty before `Hello`).
    pub fn caseload(&self) -> &[String] {
        &self.caseload
    }

    /// Handles one frame from the device.
    pub fn on_frame<S: ServerStore>(&mut self, frame: &[u8], store: &mut S) -> Output {
        let message = match ClientMessage::decode(frame) {
            Ok(message) => message,
            Err(error) => return fail(error.code(), error.to_string()),
        };
        match (message, self.cursor) {
            (ClientMessage::Hello { cursor }, _) => {
                self.cursor = Some(cursor);
                self.send_feed(store, true)
            }
            (ClientMessage::Resume { cursor, history }, _) => self.resume(cursor, history, store),
            (
                ClientMessage::Open {
                    cursor,
                    history,
                    revision,
                    team,
                },
                _,
            ) => {
                self.revision = revision;
                self.device_team = Some(team);
                self.resume(cursor, history, store)
            }
            (ClientMessage::Push { .. } | ClientMessage::CaseloadApplied { .. }, None) => {
                fail(ErrorCode::UnexpectedMessage, "Hello must come first".into())
            }
            (ClientMessage::Push { batch, docs }, Some(_)) => {
                match push::accept(&self.caller, self.workers, docs, store) {
                    Ok(results) => {
                        let out = send(&ServerMessage::Accepted { batch, results });
                        // Then the feed up to now, which moves the device's
                        // cursor past its own changes: without it a device that
                        // only ever pushes would stay at cursor 0 and be sent
                        // everything again as if it were new.
                        self.then_feed(out, store, false)
                    }
                    Err(PushError::TooLarge(error)) => fail(ErrorCode::TooLarge, error.to_string()),
                    Err(PushError::Session(error)) => fail(ErrorCode::Internal, error.to_string()),
                }
            }
            (ClientMessage::CaseloadApplied { added, removed }, Some(_)) => {
                // Only persons still on the caseload count as delivered.
                let added: Vec<String> = added
                    .into_iter()
                    .filter(|p| self.caseload.binary_search(p).is_ok())
                    .collect();
                match store.set_delivered(&self.caller, &added, &removed) {
                    Ok(()) => Output::default(),
                    Err(error) => fail(ErrorCode::Internal, error.to_string()),
                }
            }
        }
    }

    /// Answers `Resume` / `Open`: names the server's history, then the feed.
    fn resume<S: ServerStore>(
        &mut self,
        cursor: u64,
        history: Option<String>,
        store: &mut S,
    ) -> Output {
        let (id, rewound) = match rewound(store, cursor, history.as_deref()) {
            Ok(answer) => answer,
            Err(error) => return fail(ErrorCode::Internal, error.to_string()),
        };
        // A rewound device starts again from nothing: the whole
        // caseload comes as documents, and nothing is purged that
        // it has not given back first (the device keeps it).
        self.cursor = Some(if rewound { 0 } else { cursor });
        let out = send(&ServerMessage::History { id, rewound });
        self.then_feed(out, store, true)
    }

    /// Called when other connections committed changes this device may care
    /// about: sends it whatever of them it may read.
    pub fn on_feed_grew<S: ServerStore>(&mut self, store: &mut S) -> Output {
        if self.cursor.is_some() {
            self.send_feed(store, false)
        } else {
            Output::default()
        }
    }

    /// Called now and then on a long-lived connection: looks the caseload up
    /// again, so a handover or an ended assignment reaches an open device.
    pub fn on_tick<S: ServerStore>(&mut self, store: &mut S) -> Output {
        if self.cursor.is_some() {
            self.send_feed(store, true)
        } else {
            Output::default()
        }
    }

    /// `out`, followed by the feed (unless `out` closes the connection).
    fn then_feed<S: ServerStore>(
        &mut self,
        mut out: Output,
        store: &mut S,
        check_caseload: bool,
    ) -> Output {
        if !out.close {
            let feed = self.send_feed(store, check_caseload);
            out.close = feed.close;
            out.frames.extend(feed.frames);
        }
        out
    }

    /// Sends the feed after the cursor; with `check_caseload`, first the
    /// whole history of persons new on the caseload and a `Caseload`
    /// message naming them and the persons to purge.
    fn send_feed<S: ServerStore>(&mut self, store: &mut S, check_caseload: bool) -> Output {
        match self.feed_frames(store, check_caseload) {
            Ok(frames) => Output {
                frames,
                close: false,
            },
            Err(error) => fail(ErrorCode::Internal, error.to_string()),
        }
    }

    fn feed_frames<S: ServerStore>(
        &mut self,
        store: &mut S,
        check_caseload: bool,
    ) -> Result<Vec<Vec<u8>>, SessionError<S::Error>> {
        let cursor = self.cursor.unwrap_or(0);
        let end = store.feed_end().map_err(SessionError::Store)?;
        let mut frames = Vec::new();
        let mut added = Vec::new();
        let mut removed = Vec::new();
        if check_caseload {
            let caseload = store.caseload(&self.caller).map_err(SessionError::Store)?;
            let held = store.held(&self.caller).map_err(SessionError::Store)?;
            let confirmed = |p: &String| {
                held.binary_search_by(|(q, _)| q.cmp(p))
                    .is_ok_and(|at| held[at].1)
            };
            // A device that starts from cursor 0 holds nothing, whatever it confirmed before.
            added = caseload
                .iter()
                .filter(|p| cursor == 0 || !confirmed(p))
                .cloned()
                .collect();
            // Anything ever sent may be on the device, confirmed or not.
            removed = held
                .iter()
                .map(|(p, _)| p)
                .filter(|p| caseload.binary_search(p).is_err())
                .cloned()
                .collect();
            if !added.is_empty() {
                store
                    .mark_sent(&self.caller, &added)
                    .map_err(SessionError::Store)?;
            }
            self.caseload = caseload;
        }
        // The whole history of new persons (at least up to `end`), as
        // their records' saved documents.
        self.snapshot_pages(store, &added, cursor, &mut frames)?;
        if !added.is_empty() || !removed.is_empty() {
            frames.push(encode(&ServerMessage::Caseload {
                added: added.clone(),
                removed,
            })?);
        }
        if check_caseload && self.revision >= TEAM_REVISION {
            let team = store
                .teams(&self.caller, &self.caseload)
                .map_err(SessionError::Store)?;
            let known = match &self.team {
                Some(sent) => *sent == team,
                None => self.device_team == Some(crate::team::digest(&team)),
            };
            if !known {
                frames.push(encode(&ServerMessage::Team {
                    persons: team.clone(),
                })?);
            }
            self.team = Some(team);
        }
        // Everything else the device has not seen yet.
        let rest: Vec<String> = self
            .caseload
            .iter()
            .filter(|p| added.binary_search(p).is_err())
            .cloned()
            .collect();
        let regular = FeedQuery {
            after: cursor,
            until: end,
            persons: &rest,
            // A device has its own changes; a fresh one gets them in the
            // backfill above (every person is new to it).
            skip_device: &self.caller.device_id,
        };
        self.pages(store, &regular, end.max(cursor), true, &mut frames)?;
        self.cursor = Some(end.max(cursor));
        Ok(frames)
    }

    /// `Changes` frames carrying the saved documents of the readable
    /// records of `persons`, each with `cursor` and not caught up.
    fn snapshot_pages<S: ServerStore>(
        &self,
        store: &mut S,
        persons: &[String],
        cursor: u64,
        frames: &mut Vec<Vec<u8>>,
    ) -> Result<(), SessionError<S::Error>> {
        let mut after = String::new();
        while !persons.is_empty() {
            let page = store
                .snapshot_page(&self.caller, persons, &after, PAGE_BYTES)
                .map_err(SessionError::Store)?;
            if !page.docs.is_empty() {
                frames.push(encode(&if self.revision >= DOCUMENTS_REVISION {
                    ServerMessage::Documents {
                        cursor,
                        docs: page.docs,
                        summaries: page.summaries,
                    }
                } else {
                    ServerMessage::Changes {
                        cursor,
                        docs: page.docs,
                        caught_up: false,
                    }
                })?);
            }
            if page.done || page.last_id <= after {
                return Ok(());
            }
            after = page.last_id;
        }
        Ok(())
    }

    /// `Changes` frames for `query`; each carries `cursor`, and with
    /// `finish` the last one says `caught_up` (sent even when empty).
    fn pages<S: ServerStore>(
        &self,
        store: &mut S,
        query: &FeedQuery<'_>,
        cursor: u64,
        finish: bool,
        frames: &mut Vec<Vec<u8>>,
    ) -> Result<(), SessionError<S::Error>> {
        let mut query = *query;
        loop {
            let page = if query.persons.is_empty() || query.after >= query.until {
                FeedPage {
                    done: true,
                    ..FeedPage::default()
                }
            } else {
                store
                    .feed_page(&self.caller, &query, PAGE_BYTES)
                    .map_err(SessionError::Store)?
            };
            let done = page.done || page.last_seq <= query.after;
            if !page.docs.is_empty() || (done && finish) {
                frames.push(encode(&ServerMessage::Changes {
                    cursor,
                    docs: page.docs,
                    caught_up: done && finish,
                })?);
            }
            if done {
                return Ok(());
            }
            query.after = page.last_seq;
        }
    }
}

/// This server's history id, and whether a device resuming at `cursor`
/// from `history` holds a state this server no longer has: another history
/// (the database was restored from a backup since), or a cursor beyond the
/// newest entry (a copy put back by hand).
fn rewound<S: ServerStore>(
    store: &mut S,
    cursor: u64,
    history: Option<&str>,
) -> Result<(String, bool), S::Error> {
    let own = store.history()?;
    let other = history.is_some_and(|theirs| theirs != own);
    let ahead = cursor > store.feed_end()?;
    Ok((own, other || ahead))
}

fn encode(message: &ServerMessage) -> Result<Vec<u8>, ProtocolError> {
    message.encode()
}

fn send(message: &ServerMessage) -> Output {
    match message.encode() {
        Ok(frame) => Output {
            frames: vec![frame],
            close: false,
        },
        Err(error) => fail(ErrorCode::Internal, error.to_string()),
    }
}

fn fail(code: ErrorCode, message: String) -> Output {
    let frames = ServerMessage::Error { code, message }
        .encode()
        .into_iter()
        .collect();
    Output {
        frames,
        close: true,
    }
}
