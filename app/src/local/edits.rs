//! Turning a submitted form into record changes: creating a record, editing
//! a draft field by field, or amending a finalised record with a reason.
//! Pure over the in-memory store, so it is tested natively.

use crate::account::SignedInUser;
use chrono::{DateTime, Utc};
use tsunagu_sync::record::actions::ActionItem;
use tsunagu_sync::record::schema::{FieldType, RecordKind};
use tsunagu_sync::record::{
    Amendment, ChangeHash, Edit, FieldValue, NewRecord, Record, RecordError, Status, new_record_id,
};
use tsunagu_sync::session::device_store::DeviceStore;

/// What a record form submits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormInput {
    /// Scalar fields: `None` clears the field.
    pub scalars: Vec<(String, Option<FieldValue>)>,
    /// Narrative fields and their full text.
    pub texts: Vec<(String, String)>,
    /// Action-item fields and all their items.
    pub actions: Vec<(String, Vec<ActionItem>)>,
    /// Sign the record off after saving.
    pub finalise: bool,
    /// Why a finalised record is changed (required then).
    pub reason: String,
}

/// Creates a record of `kind` for `person`; returns its id.
pub fn create_record(
    store: &mut DeviceStore,
    kind: RecordKind,
    person: &str,
    device: &str,
    edit: &Edit,
    input: &FormInput,
    random: [u8; 10],
) -> Result<String, RecordError> {
    let new = NewRecord {
        id: new_record_id(edit.at, random),
        kind,
        person_id: person.to_owned(),
        device: device.to_owned(),
        fields: input
            .scalars
            .iter()
            .filter_map(|(name, value)| Some((name.clone(), value.clone()?)))
            .collect(),
    };
    let id = store.create(new, edit)?;
    let texts: Vec<_> = input.texts.iter().filter(|(_, t)| !t.is_empty()).collect();
    let actions: Vec<_> = input
        .actions
        .iter()
        .filter(|(_, a)| !a.is_empty())
        .collect();
    if !texts.is_empty() || !actions.is_empty() || input.finalise {
        store.edit(&id, |record| {
            for (name, text) in texts {
                record.replace_text(name, text, edit)?;
            }
            for (name, items) in actions {
                record.set_actions(name, items, edit)?;
            }
            if input.finalise {
                record.finalise(edit)?;
            }
            Ok(())
        })?;
    }
    Ok(id)
}

/// Applies a form opened at `base` (the record's heads then) to an existing
/// record: field by field for a draft, as one amendment with
/// `input.reason` for a finalised record. Unchanged fields make no change.
/// If the record changed since `base` (a sync merged edits in), the form's
/// edits are made against `base` and merged, so neither side's typing is
/// lost. Returns whether anything changed.
pub fn update_record(
    store: &mut DeviceStore,
    id: &str,
    base: Option<&[ChangeHash]>,
    edit: &Edit,
    input: &FormInput,
) -> Result<bool, RecordError> {
    let mut changed = false;
    store.edit(id, |record| {
        match base {
            Some(base) if record.heads() != base => {
                let mut fork = record.fork_at(base, format!("form-{}", edit.by).as_bytes())?;
                changed = apply_form(&mut fork, edit, input)?;
                if changed {
                    record.merge_from(&mut fork)?;
                }
            }
            _ => changed = apply_form(record, edit, input)?,
        }
        Ok(())
    })?;
    Ok(changed)
}

fn apply_form(record: &mut Record, edit: &Edit, input: &FormInput) -> Result<bool, RecordError> {
    let scalars = changed_scalars(record, input)?;
    let texts = changed_texts(record, input)?;
    let actions = changed_actions(record, input)?;
    let mut changed = !scalars.is_empty() || !texts.is_empty() || !actions.is_empty();
    if record.meta().status == Status::Draft {
        for (name, value) in &scalars {
            match value {
                Some(value) => record.set(name, value.clone(), edit)?,
                None => record.clear(name, edit)?,
            }
        }
        for (name, text) in &texts {
            record.replace_text(name, text, edit)?;
        }
        for (name, items) in &actions {
            record.set_actions(name, items, edit)?;
        }
        if input.finalise {
            record.finalise(edit)?;
            changed = true;
        }
    } else if changed {
        let mut amendments = Vec::new();
        for (name, value) in &scalars {
            let value = value.clone().ok_or_else(|| RecordError::InvalidValue {
                field: (*name).to_owned(),
                reason: "a finalised record's field cannot be emptied".into(),
            })?;
            amendments.push(Amendment::Set(name, value));
        }
        for (name, text) in &texts {
            amendments.push(Amendment::ReplaceText(name, text));
        }
        for (name, items) in &actions {
            amendments.push(Amendment::Actions(name, items));
        }
        record.amend(&input.reason, edit, &amendments)?;
    }
    Ok(changed)
}

fn changed_scalars<'a>(
    record: &Record,
    input: &'a FormInput,
) -> Result<Vec<(&'a str, Option<FieldValue>)>, RecordError> {
    let mut out = Vec::new();
    for (name, value) in &input.scalars {
        if record.get(name)? != *value {
            out.push((name.as_str(), value.clone()));
        }
    }
    Ok(out)
}

fn changed_texts<'a>(
    record: &Record,
    input: &'a FormInput,
) -> Result<Vec<(&'a str, &'a str)>, RecordError> {
    let mut out = Vec::new();
    for (name, text) in &input.texts {
        if record.text(name)? != *text {
            out.push((name.as_str(), text.as_str()));
        }
    }
    Ok(out)
}

fn changed_actions<'a>(
    record: &Record,
    input: &'a FormInput,
) -> Result<Vec<(&'a str, &'a [ActionItem])>, RecordError> {
    let mut out = Vec::new();
    for (name, items) in &input.actions {
        if record.actions(name)? != *items {
            out.push((name.as_str(), items.as_slice()));
        }
    }
    Ok(out)
}

/// Parses a form control's string into a field value of `ty`; empty is `None`.
pub fn parse_field(ty: FieldType, raw: &str) -> Result<Option<FieldValue>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let value = match ty {
        FieldType::Short | FieldType::Choice(_) => FieldValue::Str(raw.to_owned()),
        FieldType::Int { .. } => FieldValue::Int(raw.parse().map_err(|_| raw.to_owned())?),
        FieldType::Date => FieldValue::Date(raw.parse().map_err(|_| raw.to_owned())?),
        FieldType::Time => FieldValue::Time(
            chrono::NaiveTime::parse_from_str(raw, "%H:%M").map_err(|_| raw.to_owned())?,
        ),
        FieldType::Flag => FieldValue::Flag(raw == "true" || raw == "on"),
        FieldType::Narrative => return Err("narrative fields are text".into()),
        FieldType::Actions => return Err("action items are a list".into()),
    };
    Ok(Some(value))
}

/// A field value as a form control shows it.
pub fn field_text(value: &FieldValue) -> String {
    match value {
        FieldValue::Str(s) => s.clone(),
        FieldValue::Int(i) => i.to_string(),
        FieldValue::Date(d) => d.to_string(),
        FieldValue::Time(t) => t.format("%H:%M").to_string(),
        FieldValue::Flag(b) => b.to_string(),
    }
}

/// The edit stamp for `user` (shown as `name`) at `at`.
pub fn edit_by(user: &SignedInUser, at: DateTime<Utc>) -> Edit {
    Edit {
        by: user.user_id.clone(),
        name: Some(user.display_name.clone()),
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsunagu_sync::session::client::ClientStore;

    fn interview_input(words: &str) -> FormInput {
        FormInput {
            scalars: vec![
                (
                    "occurred_on".into(),
                    parse_field(FieldType::Date, "2026-11-20").unwrap(),
                ),
                ("place".into(), Some(FieldValue::Str("ward".into()))),
                (
                    "interview_type".into(),
                    Some(FieldValue::Str("first_joint".into())),
                ),
            ],
            texts: vec![("persons_words".into(), words.into())],
            ..FormInput::default()
        }
    }

    fn new_interview(store: &mut DeviceStore, edit: &Edit, words: &str) -> String {
        let input = interview_input(words);
        create_record(
            store,
            RecordKind::WardInterview,
            "p1",
            "d1",
            edit,
            &input,
            [1; 10],
        )
        .unwrap()
    }

    fn tester() -> SignedInUser {
        SignedInUser {
            user_id: "7".into(),
            username: "test.user".into(),
            display_name: "試験 花子".into(),
            role: tsunagu_sync::role::Role::SupportSpecialist,
            caseload_size: 1,
        }
    }

    #[test]
    fn draft_edits_change_only_what_differs_and_finalised_ones_need_a_reason() {
        let mut store = DeviceStore::new(b"test-actor");
        let edit = edit_by(&tester(), Utc::now());
        let id = new_interview(&mut store, &edit, "退院したい");
        assert_eq!(
            store.record(&id).unwrap().text("persons_words").unwrap(),
            "退院したい"
        );
        let waiting = store.waiting();

        // Submitting the same form again changes nothing.
        assert!(
            !update_record(&mut store, &id, None, &edit, &interview_input("退院したい")).unwrap()
        );
        assert_eq!(store.waiting(), waiting);

        // A changed narrative is one more change; then sign it off.
        let mut input = interview_input("退院してアパートに住みたい");
        input.finalise = true;
        assert!(update_record(&mut store, &id, None, &edit, &input).unwrap());
        assert_eq!(store.record(&id).unwrap().meta().status, Status::Finalised);

        // Finalised: a change without a reason is refused and changes nothing.
        let before = store.pending(usize::MAX).unwrap();
        let input = interview_input("別の言葉");
        assert!(matches!(
            update_record(&mut store, &id, None, &edit, &input),
            Err(RecordError::NoReason)
        ));
        assert_eq!(store.pending(usize::MAX).unwrap(), before);

        // With a reason it becomes an amendment.
        let input = FormInput {
            reason: "聞き違いの訂正".into(),
            ..interview_input("別の言葉")
        };
        assert!(update_record(&mut store, &id, None, &edit, &input).unwrap());
        let record = store.record(&id).unwrap();
        assert_eq!(record.meta().status, Status::Amended);
        assert_eq!(record.amendments().unwrap()[0].2, "聞き違いの訂正");
    }

    #[test]
    fn a_form_opened_before_a_merge_keeps_the_merged_text() {
        let mut store = DeviceStore::new(b"tablet-a");
        let edit = edit_by(&tester(), Utc::now());
        let id = new_interview(&mut store, &edit, "家に帰りたい。");
        // The form opens here...
        let base = store.record_mut(&id).unwrap().heads();
        // ...then a colleague's edit arrives by sync (simulated as a fork).
        let mut colleague = store
            .record_mut(&id)
            .unwrap()
            .fork_at(&base, b"tablet-b")
            .unwrap();
        colleague
            .replace_text("persons_words", "家に帰りたい。猫が待っている。", &edit)
            .unwrap();
        store
            .record_mut(&id)
            .unwrap()
            .merge_from(&mut colleague)
            .unwrap();
        // The form saves its own addition at the start of the text.
        let input = interview_input("（笑顔で）家に帰りたい。");
        assert!(update_record(&mut store, &id, Some(&base), &edit, &input).unwrap());
        assert_eq!(
            store.record(&id).unwrap().text("persons_words").unwrap(),
            "（笑顔で）家に帰りたい。猫が待っている。"
        );
    }

    #[test]
    fn form_strings_parse_by_field_type() {
        assert_eq!(parse_field(FieldType::Date, " "), Ok(None));
        assert!(parse_field(FieldType::Date, "2026-13-01").is_err());
        assert_eq!(
            parse_field(FieldType::Time, "09:30")
                .unwrap()
                .map(|v| field_text(&v)),
            Some("09:30".into())
        );
        assert!(parse_field(FieldType::Int { min: 0, max: 9 }, "x").is_err());
    }
}
