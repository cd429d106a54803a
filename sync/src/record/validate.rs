//! The check every record document passes on load, merge and push: its
//! layout (nothing but `meta`, `fields` and `amendments`, each holding
//! only what the schema names), its field values, and its life cycle
//! (amendments only on a finalised record).

use super::schema::FieldType;
use super::value::{self, MAX_SHORT_CHARS};
use super::{FieldValue, Meta, RecordError, Status, actions, field_spec, invalid};
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, ValueRef};
use chrono::DateTime;

/// The most amendments one record may carry.
pub const MAX_AMENDMENTS: usize = 100;

/// The longest amendment reason, in characters.
pub const MAX_REASON_CHARS: usize = 1_000;

/// The entries `meta` holds, and nothing else.
const META_KEYS: [&str; 9] = [
    "id",
    "kind",
    "person_id",
    "author",
    "device",
    "created_at",
    "updated_at",
    "status",
    "schema",
];

/// Checks a whole document against its kind's schema and reads its metadata.
///
/// Each map is read in one pass (`map_range`): a `get` per key seeks from
/// the start each time, and this runs on every load and every merge.
pub(super) fn validate(doc: &AutoCommit) -> Result<Meta, RecordError> {
    let (mut meta_obj, mut fields_obj, mut amendments_obj) = (None, None, None);
    for item in doc.map_range(automerge::ROOT, ..) {
        match (item.key.as_ref(), &item.value) {
            ("meta", ValueRef::Object(ObjType::Map)) => meta_obj = Some(item.id()),
            ("fields", ValueRef::Object(ObjType::Map)) => fields_obj = Some(item.id()),
            ("amendments", ValueRef::Object(ObjType::List)) => amendments_obj = Some(item.id()),
            ("meta", _) => return Err(bad("meta", "a map")),
            ("fields", _) => return Err(bad("fields", "a map")),
            ("amendments", _) => return Err(bad("amendments", "a list")),
            (other, _) => return Err(RecordError::UnknownKey(other.to_owned())),
        }
    }
    let meta_obj = meta_obj.ok_or(bad("meta", "a map"))?;
    let mut meta = read_meta(doc, &meta_obj)?;
    let amendments = match &amendments_obj {
        Some(list) => check_amendments(doc, list)?,
        None => 0,
    };
    // Two tablets finalising and amending at once leave the status to
    // last-writer-wins; an amended record stays amended whatever won.
    match (meta.status, amendments) {
        (Status::Draft, 1..) => return Err(bad("amendments", "empty on a draft")),
        (Status::Amended, 0) => return Err(bad("amendments", "non-empty on an amended record")),
        (Status::Finalised, 1..) => meta.status = Status::Amended,
        _ => {}
    }
    let fields = fields_obj.ok_or(bad("fields", "a map"))?;
    check_fields(doc, &fields, &meta)?;
    Ok(meta)
}

fn bad(field: &'static str, expected: &'static str) -> RecordError {
    RecordError::BadMeta { field, expected }
}

fn read_meta(doc: &AutoCommit, meta_obj: &ObjId) -> Result<Meta, RecordError> {
    let mut values: Vec<(&'static str, ScalarValue)> = Vec::with_capacity(META_KEYS.len());
    for item in doc.map_range(meta_obj, ..) {
        let key = META_KEYS
            .iter()
            .find(|k| **k == item.key.as_ref())
            .ok_or_else(|| RecordError::UnknownKey(format!("meta.{}", item.key)))?;
        match item.value {
            ValueRef::Scalar(value) => values.push((key, ScalarValue::from(value))),
            ValueRef::Object(_) => return Err(bad(key, "a scalar")),
        }
    }
    let scalar = |field: &str| {
        values
            .iter()
            .find(|(key, _)| *key == field)
            .map(|(_, value)| value)
    };
    let text = |field: &'static str| match scalar(field) {
        Some(ScalarValue::Str(s)) if !s.is_empty() && s.chars().count() <= MAX_SHORT_CHARS => {
            Ok(s.to_string())
        }
        _ => Err(bad(field, "a non-empty string")),
    };
    let time = |field: &'static str| {
        match scalar(field) {
            Some(ScalarValue::Timestamp(ms)) => DateTime::from_timestamp_millis(*ms),
            _ => None,
        }
        .ok_or(bad(field, "a timestamp"))
    };
    if !matches!(scalar("schema"), None | Some(ScalarValue::Int(_))) {
        return Err(bad("schema", "an integer"));
    }
    let kind = text("kind")?.parse().map_err(RecordError::UnknownKind)?;
    let status = text("status")?
        .parse::<Status>()
        .map_err(|_| bad("status", "draft, finalised or amended"))?;
    Ok(Meta {
        id: text("id")?,
        kind,
        person_id: text("person_id")?,
        author: text("author")?,
        device: text("device")?,
        created_at: time("created_at")?,
        updated_at: time("updated_at")?,
        status,
    })
}

/// Checks the amendment list (maps of `at`, `by`, `reason`); its length.
fn check_amendments(doc: &AutoCommit, list: &ObjId) -> Result<usize, RecordError> {
    let length = doc.length(list);
    if length > MAX_AMENDMENTS {
        return Err(bad("amendments", "at most 100 entries"));
    }
    for entry in doc.list_range(list, ..) {
        let ValueRef::Object(ObjType::Map) = entry.value else {
            return Err(bad("amendments", "a list of maps"));
        };
        let entry = entry.id();
        let mut seen = 0;
        for item in doc.map_range(&entry, ..) {
            let ok = match (item.key.as_ref(), &item.value) {
                ("at", ValueRef::Scalar(s)) => matches!(s, automerge::ScalarValueRef::Timestamp(_)),
                ("by", ValueRef::Scalar(automerge::ScalarValueRef::Str(s))) => {
                    !s.is_empty() && s.chars().count() <= MAX_SHORT_CHARS
                }
                ("reason", ValueRef::Scalar(automerge::ScalarValueRef::Str(s))) => {
                    !s.trim().is_empty() && s.chars().count() <= MAX_REASON_CHARS
                }
                (other, _) if !["at", "by", "reason"].contains(&other) => {
                    return Err(RecordError::UnknownKey(format!("amendments.{other}")));
                }
                _ => false,
            };
            if !ok {
                return Err(bad("amendments", "entries of a time, a user and a reason"));
            }
            seen += 1;
        }
        if seen != 3 {
            return Err(bad("amendments", "entries of a time, a user and a reason"));
        }
    }
    Ok(length)
}

fn check_fields(doc: &AutoCommit, fields: &ObjId, meta: &Meta) -> Result<(), RecordError> {
    let spec = meta.kind.spec();
    let mut present = Vec::new();
    for item in doc.map_range(fields, ..) {
        let key = item.key.as_ref();
        let field = field_spec(spec, key)?;
        let ok = match (&item.value, field.ty) {
            (ValueRef::Object(ObjType::Text), FieldType::Narrative) => {
                doc.length(item.id()) <= value::MAX_NARRATIVE_CHARS
            }
            (ValueRef::Object(ObjType::List), FieldType::Actions) => {
                actions::read(doc, &item.id()).is_some()
            }
            (ValueRef::Scalar(s), ty)
                if !matches!(ty, FieldType::Narrative | FieldType::Actions) =>
            {
                FieldValue::from_scalar(&ty, &ScalarValue::from(s.clone())).is_some()
            }
            _ => false,
        };
        if !ok {
            return Err(invalid(
                key,
                format!("does not hold a valid {}", field.ty.describe()),
            ));
        }
        present.push(field.name);
    }
    if let Some(missing) = spec
        .fields
        .iter()
        .find(|f| f.required && !present.contains(&f.name))
    {
        return Err(RecordError::MissingField {
            kind: meta.kind,
            field: missing.name,
        });
    }
    Ok(())
}
