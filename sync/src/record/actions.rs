//! Action items (a case conference's "who does what by when"): a list
//! field of small maps. Concurrent additions on two tablets are both kept;
//! each item's parts merge last-writer-wins, like scalar fields.

use super::{Edit, Record, RecordError, field_spec, get_str, invalid};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use chrono::NaiveDate;

/// The most items one list may hold.
pub const MAX_ACTION_ITEMS: usize = 50;
/// The longest part of an item (what, owner), in characters.
pub const MAX_ACTION_PART_CHARS: usize = 200;

/// One action item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionItem {
    /// What is to be done (required).
    pub what: String,
    /// Who does it (a name or an organisation and role).
    pub owner: String,
    /// By when, if agreed.
    pub due: Option<NaiveDate>,
    /// Done.
    pub done: bool,
}

impl ActionItem {
    /// Why the item cannot be stored, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.what.trim().is_empty() {
            return Err("an action item needs its what".into());
        }
        for part in [&self.what, &self.owner] {
            if part.chars().count() > MAX_ACTION_PART_CHARS {
                return Err(format!(
                    "an action item's part is longer than {MAX_ACTION_PART_CHARS} characters"
                ));
            }
        }
        Ok(())
    }
}

/// Reads the items of the list `list`; `None` when it is not a valid list.
pub(super) fn read(doc: &AutoCommit, list: &ObjId) -> Option<Vec<ActionItem>> {
    let length = doc.length(list);
    if length > MAX_ACTION_ITEMS {
        return None;
    }
    let mut items = Vec::with_capacity(length);
    for index in 0..length {
        let Ok(Some((Value::Object(ObjType::Map), entry))) = doc.get(list, index) else {
            return None;
        };
        let due = match doc.get(&entry, "due").ok()? {
            None => None,
            Some((Value::Scalar(s), _)) => match s.as_ref() {
                ScalarValue::Str(d) => Some(d.parse().ok()?),
                _ => return None,
            },
            Some(_) => return None,
        };
        let done = match doc.get(&entry, "done").ok()? {
            None => false,
            Some((Value::Scalar(s), _)) => match s.as_ref() {
                ScalarValue::Boolean(b) => *b,
                _ => return None,
            },
            Some(_) => return None,
        };
        let item = ActionItem {
            what: get_str(doc, &entry, "what")?,
            owner: get_str(doc, &entry, "owner").unwrap_or_default(),
            due,
            done,
        };
        item.check().ok()?;
        items.push(item);
    }
    Some(items)
}

fn write_item(
    doc: &mut AutoCommit,
    entry: &ObjId,
    old: Option<&ActionItem>,
    item: &ActionItem,
) -> Result<(), RecordError> {
    if old.map(|o| &o.what) != Some(&item.what) {
        doc.put(entry, "what", item.what.trim())?;
    }
    if old.map(|o| &o.owner) != Some(&item.owner) {
        doc.put(entry, "owner", item.owner.trim())?;
    }
    if old.map(|o| o.due) != Some(item.due) {
        match item.due {
            Some(due) => doc.put(entry, "due", due.to_string())?,
            None => doc.delete(entry, "due")?,
        }
    }
    if old.map(|o| o.done) != Some(item.done) {
        doc.put(entry, "done", item.done)?;
    }
    Ok(())
}

impl Record {
    fn actions_obj(&self, name: &str) -> Result<ObjId, RecordError> {
        let field = field_spec(self.meta.kind.spec(), name)?;
        if field.ty != super::FieldType::Actions {
            return Err(invalid(name, "is not a list of action items".into()));
        }
        match self.doc.get(self.fields_obj()?, field.name)? {
            Some((Value::Object(ObjType::List), id)) => Ok(id),
            _ => Err(invalid(name, "is not a list".into())),
        }
    }

    /// An action-item field's items, in order.
    pub fn actions(&self, name: &str) -> Result<Vec<ActionItem>, RecordError> {
        let list = self.actions_obj(name)?;
        read(&self.doc, &list).ok_or_else(|| invalid(name, "holds an invalid action item".into()))
    }

    /// Makes an action-item field hold `items` (draft only), changing only
    /// what differs: items are matched by position, new ones appended and
    /// surplus ones removed from the end.
    pub fn set_actions(
        &mut self,
        name: &str,
        items: &[ActionItem],
        edit: &Edit,
    ) -> Result<(), RecordError> {
        self.ensure_editable()?;
        self.change(edit, |record| record.put_actions(name, items, edit))
    }

    /// [`Record::set_actions`] inside a change the caller commits.
    pub(super) fn put_actions(
        &mut self,
        name: &str,
        items: &[ActionItem],
        edit: &Edit,
    ) -> Result<(), RecordError> {
        if items.len() > MAX_ACTION_ITEMS {
            return Err(invalid(
                name,
                format!("holds more than {MAX_ACTION_ITEMS} items"),
            ));
        }
        for item in items {
            item.check().map_err(|reason| invalid(name, reason))?;
        }
        let list = self.actions_obj(name)?;
        let old = self.actions(name)?;
        for (index, item) in items.iter().enumerate() {
            if old.get(index) == Some(item) {
                continue;
            }
            let entry = match self.doc.get(&list, index)? {
                Some((Value::Object(ObjType::Map), entry)) => entry,
                _ => self.doc.insert_object(&list, index, ObjType::Map)?,
            };
            write_item(&mut self.doc, &entry, old.get(index), item)?;
        }
        for index in (items.len()..old.len()).rev() {
            self.doc.delete(&list, index)?;
        }
        self.touch(edit)
    }
}
