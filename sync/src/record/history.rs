//! A record's versions: who changed which fields, when. Read from the
//! automerge history itself (every change carries its editor's id, name
//! and clock time), so it is the same on every device, offline too, and
//! includes edits made offline and merged later.

use super::{Edit, Record};
use automerge::{Patch, PatchAction, Prop, Value};
use chrono::{DateTime, Utc};

/// Changes by the same editor on the same device less than this apart are
/// one version (a form save commits one change per field).
const SAME_VERSION_MILLIS: i64 = 2 * 60 * 1000;

/// One version of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// When it was made (the editing device's clock).
    pub at: DateTime<Utc>,
    /// The editor's user id.
    pub by: String,
    /// The editor's name at the time, when the change recorded it.
    pub name: Option<String>,
    /// The fields changed, in schema terms, plus `status` and `amendment`.
    pub changed: Vec<String>,
}

/// The message a change is committed with: `by:<user id>`, and
/// `name:<name>` on a second line when known.
pub fn change_message(edit: &Edit) -> String {
    match &edit.name {
        Some(name) => format!("by:{}\nname:{}", edit.by, name.replace('\n', " ")),
        None => format!("by:{}", edit.by),
    }
}

/// Who made one change and when, as the change says (the server checks
/// it against the signed-in user before accepting a change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// When, by the editing device's clock.
    pub at: DateTime<Utc>,
    /// The editor's user id (empty when the change names none).
    pub by: String,
    /// The editor's name, when the change recorded it.
    pub name: Option<String>,
}

impl Stamp {
    /// The stamp of a change made at `at` with this commit message.
    pub fn new(at: DateTime<Utc>, message: Option<&str>) -> Stamp {
        let (by, name) = parse_message(message);
        Stamp { at, by, name }
    }
}

/// The user id and name in a change message.
fn parse_message(message: Option<&str>) -> (String, Option<String>) {
    let mut by = String::new();
    let mut name = None;
    for line in message.unwrap_or_default().lines() {
        if let Some(id) = line.strip_prefix("by:") {
            by = id.to_owned();
        } else if let Some(n) = line.strip_prefix("name:") {
            name = Some(n.to_owned());
        }
    }
    (by, name)
}

/// What a patch touched, in the record's terms, if anything users care about.
fn touched(patch: &Patch) -> Option<String> {
    let key = || match &patch.action {
        // Making an (empty) text object is not content: its splices are.
        PatchAction::PutMap {
            value: (Value::Object(_), _),
            ..
        } => None,
        PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.clone()),
        _ => None,
    };
    let mut path = patch.path.iter().map(|(_, prop)| prop);
    match (path.next(), path.next()) {
        (Some(Prop::Map(top)), Some(Prop::Map(field))) if top == "fields" => Some(field.clone()),
        (Some(Prop::Map(top)), None) if top == "fields" => key(),
        (Some(Prop::Map(top)), None) if top == "meta" => key().filter(|k| k == "status"),
        (Some(Prop::Map(top)), _) if top == "amendments" => Some("amendment".into()),
        _ => None,
    }
}

impl Record {
    /// The versions, oldest first by the editors' clocks: consecutive
    /// changes (in causal order) by the same editor and device within two
    /// minutes are one version. Creating a record does not count as
    /// changing its status.
    pub fn versions(&mut self) -> Vec<Version> {
        let changes = self.doc.get_changes(&[]);
        let mut versions: Vec<(Version, automerge::ActorId, i64)> = Vec::new();
        for change in changes {
            let (by, name) = parse_message(change.message());
            let hash = change.hash();
            let creation = change.deps().is_empty();
            let mut changed: Vec<String> = Vec::new();
            for patch in self.doc.diff(change.deps(), &[hash]) {
                if let Some(what) =
                    touched(&patch).filter(|w| !(changed.contains(w) || creation && w == "status"))
                {
                    changed.push(what);
                }
            }
            let millis = change.timestamp();
            let actor = change.actor_id().clone();
            if let Some((last, last_actor, last_millis)) = versions.last_mut()
                && *last_actor == actor
                && last.by == by
                && (millis - *last_millis).abs() < SAME_VERSION_MILLIS
            {
                for what in changed {
                    if !last.changed.contains(&what) {
                        last.changed.push(what);
                    }
                }
                *last_millis = millis;
                continue;
            }
            let at = DateTime::from_timestamp_millis(millis).unwrap_or_default();
            versions.push((
                Version {
                    at,
                    by,
                    name,
                    changed,
                },
                actor,
                millis,
            ));
        }
        let mut versions: Vec<Version> = versions.into_iter().map(|(v, _, _)| v).collect();
        versions.sort_by_key(|v| v.at);
        versions
    }
}
