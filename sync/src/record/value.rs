//! Typed field values and their checks against a [`FieldType`].

use super::schema::FieldType;
use chrono::{NaiveDate, NaiveTime};

/// The value of a non-narrative field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// For [`FieldType::Short`] and [`FieldType::Choice`].
    Str(String),
    /// For [`FieldType::Int`].
    Int(i64),
    /// For [`FieldType::Date`].
    Date(NaiveDate),
    /// For [`FieldType::Time`].
    Time(NaiveTime),
    /// For [`FieldType::Flag`].
    Flag(bool),
}

/// The longest [`FieldType::Short`] value, in characters.
pub const MAX_SHORT_CHARS: usize = 200;

/// The longest narrative, in characters (about 30 pages of Japanese text).
pub const MAX_NARRATIVE_CHARS: usize = 20_000;

impl FieldValue {
    /// Checks the value fits `ty`; `Err` says why not.
    pub fn check(&self, ty: &FieldType) -> Result<(), String> {
        match (ty, self) {
            (FieldType::Short, FieldValue::Str(s)) if s.chars().count() <= MAX_SHORT_CHARS => {
                Ok(())
            }
            (FieldType::Short, FieldValue::Str(_)) => {
                Err(format!("longer than {MAX_SHORT_CHARS} characters"))
            }
            (FieldType::Choice(options), FieldValue::Str(s)) if options.contains(&s.as_str()) => {
                Ok(())
            }
            (FieldType::Choice(options), FieldValue::Str(s)) => {
                Err(format!("{s:?} is not one of {}", options.join(", ")))
            }
            (FieldType::Int { min, max }, FieldValue::Int(i)) if (min..=max).contains(&i) => Ok(()),
            (FieldType::Int { min, max }, FieldValue::Int(i)) => {
                Err(format!("{i} is outside {min}..={max}"))
            }
            (FieldType::Date, FieldValue::Date(_))
            | (FieldType::Time, FieldValue::Time(_))
            | (FieldType::Flag, FieldValue::Flag(_)) => Ok(()),
            (FieldType::Narrative, _) => Err("narrative fields are edited as text".into()),
            (ty, _) => Err(format!("expected {}", ty.describe())),
        }
    }

    /// How the value is stored in the document.
    pub(super) fn to_scalar(&self) -> automerge::ScalarValue {
        use automerge::ScalarValue as S;
        match self {
            FieldValue::Str(s) => S::Str(s.as_str().into()),
            FieldValue::Int(i) => S::Int(*i),
            FieldValue::Date(d) => S::Str(d.format("%Y-%m-%d").to_string().into()),
            FieldValue::Time(t) => S::Str(t.format("%H:%M").to_string().into()),
            FieldValue::Flag(b) => S::Boolean(*b),
        }
    }

    /// Reads a stored value as `ty`; `None` when it does not fit.
    pub(super) fn from_scalar(ty: &FieldType, scalar: &automerge::ScalarValue) -> Option<Self> {
        use automerge::ScalarValue as S;
        let value = match (ty, scalar) {
            (FieldType::Short | FieldType::Choice(_), S::Str(s)) => FieldValue::Str(s.to_string()),
            (FieldType::Int { .. }, S::Int(i)) => FieldValue::Int(*i),
            (FieldType::Date, S::Str(s)) => {
                FieldValue::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?)
            }
            (FieldType::Time, S::Str(s)) => {
                FieldValue::Time(NaiveTime::parse_from_str(s, "%H:%M").ok()?)
            }
            (FieldType::Flag, S::Boolean(b)) => FieldValue::Flag(*b),
            _ => return None,
        };
        value.check(ty).ok().map(|()| value)
    }
}
