//! Editing a record: fields, narrative text, finalising and amendments,
//! each edit one automerge change stamped with its editor and time.

use super::*;

impl Record {
    /// Sets a scalar field (draft only).
    pub fn set(&mut self, name: &str, value: FieldValue, edit: &Edit) -> Result<(), RecordError> {
        self.ensure_editable()?;
        self.change(edit, |record| record.put_field(name, &value, edit))
    }

    /// Clears a scalar field (draft only); required fields cannot be cleared.
    pub fn clear(&mut self, name: &str, edit: &Edit) -> Result<(), RecordError> {
        self.ensure_editable()?;
        let field = field_spec(self.meta.kind.spec(), name)?;
        if field.required {
            return Err(RecordError::MissingField {
                kind: self.meta.kind,
                field: field.name,
            });
        }
        self.change(edit, |record| {
            let fields = record.fields_obj()?;
            record.doc.delete(&fields, field.name)?;
            record.touch(edit)
        })
    }

    /// Deletes `delete` characters at `pos` of a narrative field and inserts
    /// `insert` there (draft only). Positions count Unicode characters.
    pub fn splice_text(
        &mut self,
        name: &str,
        pos: usize,
        delete: usize,
        insert: &str,
        edit: &Edit,
    ) -> Result<(), RecordError> {
        self.ensure_editable()?;
        self.change(edit, |record| {
            record.splice(name, pos, delete, insert, edit)
        })
    }

    /// Replaces a narrative field's text with `new_text` as a minimal diff,
    /// for forms that only know the final text (draft only).
    pub fn replace_text(
        &mut self,
        name: &str,
        new_text: &str,
        edit: &Edit,
    ) -> Result<(), RecordError> {
        self.ensure_editable()?;
        check_narrative_len(name, new_text.chars().count())?;
        self.change(edit, |record| {
            let obj = record.text_obj(name)?;
            record.doc.update_text(&obj, new_text)?;
            record.touch(edit)
        })
    }

    /// Signs the draft off: from now on it changes only by amendment.
    pub fn finalise(&mut self, edit: &Edit) -> Result<(), RecordError> {
        self.ensure_editable()?;
        self.change(edit, |record| record.set_status(Status::Finalised, edit))
    }

    /// Changes a finalised record: `changes` are applied together with an
    /// amendment entry (time, user, reason) in one change, or not at all.
    pub fn amend(
        &mut self,
        reason: &str,
        edit: &Edit,
        changes: &[Amendment<'_>],
    ) -> Result<(), RecordError> {
        if self.meta.status == Status::Draft {
            return Err(RecordError::InvalidValue {
                field: "status".into(),
                reason: "drafts are edited directly".into(),
            });
        }
        if reason.trim().is_empty() {
            return Err(RecordError::NoReason);
        }
        self.change(edit, |record| record.apply_amendment(reason, edit, changes))?;
        self.meta = validate(&self.doc)?;
        Ok(())
    }

    fn apply_amendment(
        &mut self,
        reason: &str,
        edit: &Edit,
        changes: &[Amendment<'_>],
    ) -> Result<(), RecordError> {
        for change in changes {
            match change {
                Amendment::Set(name, value) => self.put_field(name, value, edit)?,
                Amendment::ReplaceText(name, text) => {
                    check_narrative_len(name, text.chars().count())?;
                    let obj = self.text_obj(name)?;
                    self.doc.update_text(&obj, text)?;
                }
                Amendment::Actions(name, items) => self.put_actions(name, items, edit)?,
            }
        }
        let list = match self.doc.get(ROOT, "amendments")? {
            Some((Value::Object(ObjType::List), id)) => id,
            _ => {
                return Err(RecordError::BadMeta {
                    field: "amendments",
                    expected: "a list",
                });
            }
        };
        let entry = self
            .doc
            .insert_object(&list, self.doc.length(&list), ObjType::Map)?;
        self.doc.put(&entry, "at", ts(edit.at))?;
        self.doc.put(&entry, "by", edit.by.as_str())?;
        self.doc.put(&entry, "reason", reason.trim())?;
        self.set_status(Status::Amended, edit)
    }

    /// The amendments so far: (time, user, reason), oldest first.
    pub fn amendments(&self) -> Result<Vec<(DateTime<Utc>, String, String)>, RecordError> {
        let Some((Value::Object(ObjType::List), list)) = self.doc.get(ROOT, "amendments")? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for i in 0..self.doc.length(&list) {
            if let Some((Value::Object(ObjType::Map), entry)) = self.doc.get(&list, i)? {
                let at = get_ts(&self.doc, &entry, "at").unwrap_or_default();
                let by = get_str(&self.doc, &entry, "by").unwrap_or_default();
                let reason = get_str(&self.doc, &entry, "reason").unwrap_or_default();
                out.push((at, by, reason));
            }
        }
        Ok(out)
    }

    /// Runs `work` as one change: committed with `edit`'s time and user if
    /// it succeeds, rolled back entirely (document and metadata) if not.
    pub(super) fn change(
        &mut self,
        edit: &Edit,
        work: impl FnOnce(&mut Self) -> Result<(), RecordError>,
    ) -> Result<(), RecordError> {
        match work(self) {
            Ok(()) => {
                commit(&mut self.doc, edit);
                Ok(())
            }
            Err(error) => {
                self.doc.rollback();
                self.meta = validate(&self.doc)?;
                Err(error)
            }
        }
    }

    pub(super) fn ensure_editable(&self) -> Result<(), RecordError> {
        match self.meta.status {
            Status::Draft => Ok(()),
            locked => Err(RecordError::Locked(locked)),
        }
    }

    pub(super) fn fields_obj(&self) -> Result<ObjId, RecordError> {
        match self.doc.get(ROOT, "fields")? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            _ => Err(RecordError::BadMeta {
                field: "fields",
                expected: "a map",
            }),
        }
    }

    pub(super) fn text_obj(&self, name: &str) -> Result<ObjId, RecordError> {
        let field = field_spec(self.meta.kind.spec(), name)?;
        if field.ty != FieldType::Narrative {
            return Err(invalid(
                name,
                format!("is a {}, not narrative text", field.ty.describe()),
            ));
        }
        match self.doc.get(self.fields_obj()?, field.name)? {
            Some((Value::Object(ObjType::Text), id)) => Ok(id),
            _ => Err(invalid(name, "is not a text object".into())),
        }
    }

    fn put_field(
        &mut self,
        name: &str,
        value: &FieldValue,
        edit: &Edit,
    ) -> Result<(), RecordError> {
        let field = field_spec(self.meta.kind.spec(), name)?;
        value
            .check(&field.ty)
            .map_err(|reason| invalid(name, reason))?;
        let fields = self.fields_obj()?;
        self.doc.put(&fields, field.name, value.to_scalar())?;
        self.touch(edit)
    }

    fn splice(
        &mut self,
        name: &str,
        pos: usize,
        delete: usize,
        insert: &str,
        edit: &Edit,
    ) -> Result<(), RecordError> {
        let obj = self.text_obj(name)?;
        let len = self.doc.length(&obj);
        if pos > len || delete > len - pos {
            return Err(RecordError::OutOfRange {
                field: name.into(),
                pos,
                delete,
                len,
            });
        }
        check_narrative_len(name, len - delete + insert.chars().count())?;
        self.doc.splice_text(&obj, pos, delete as isize, insert)?;
        self.touch(edit)
    }

    pub(super) fn touch(&mut self, edit: &Edit) -> Result<(), RecordError> {
        let meta = self.meta_obj()?;
        self.doc.put(&meta, "updated_at", ts(edit.at))?;
        self.meta.updated_at = edit.at;
        Ok(())
    }

    fn set_status(&mut self, status: Status, edit: &Edit) -> Result<(), RecordError> {
        let meta = self.meta_obj()?;
        self.doc.put(&meta, "status", status.as_str())?;
        self.meta.status = status;
        self.touch(edit)
    }

    fn meta_obj(&self) -> Result<ObjId, RecordError> {
        match self.doc.get(ROOT, "meta")? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            _ => Err(RecordError::BadMeta {
                field: "meta",
                expected: "a map",
            }),
        }
    }
}

/// One change inside an [`Record::amend`].
#[derive(Debug, Clone)]
pub enum Amendment<'a> {
    /// Set a scalar field.
    Set(&'a str, FieldValue),
    /// Replace a narrative field's text.
    ReplaceText(&'a str, &'a str),
    /// Make an action-item field hold these items.
    Actions(&'a str, &'a [actions::ActionItem]),
}
