//! A record's fields as plain values, to tell whether two versions of a
//! record say the same thing (the server's check that a finalised record
//! changes only through an amendment).

use super::actions::ActionItem;
use super::schema::FieldType;
use super::{FieldValue, Record, RecordError};
use automerge::{ReadDoc, Value};

/// What one field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldContent {
    /// A scalar field's value.
    Value(FieldValue),
    /// A narrative field's text.
    Text(String),
    /// An action-item field's items.
    Actions(Vec<ActionItem>),
}

impl Record {
    /// Every field that holds something, in schema order, with what it
    /// holds (an empty narrative or list counts as holding nothing).
    pub fn content(&self) -> Result<Vec<(&'static str, FieldContent)>, RecordError> {
        let fields = self.fields_obj()?;
        let mut out = Vec::new();
        for field in self.meta.kind.spec().fields {
            let content = match field.ty {
                FieldType::Narrative => match self.doc.get(&fields, field.name)? {
                    Some(_) => Some(FieldContent::Text(self.text(field.name)?))
                        .filter(|c| *c != FieldContent::Text(String::new())),
                    None => None,
                },
                FieldType::Actions => match self.doc.get(&fields, field.name)? {
                    Some(_) => Some(FieldContent::Actions(self.actions(field.name)?))
                        .filter(|c| *c != FieldContent::Actions(Vec::new())),
                    None => None,
                },
                _ => match self.doc.get(&fields, field.name)? {
                    Some((Value::Scalar(_), _)) => self.get(field.name)?.map(FieldContent::Value),
                    _ => None,
                },
            };
            if let Some(content) = content {
                out.push((field.name, content));
            }
        }
        Ok(out)
    }
}
