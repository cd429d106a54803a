//! A record's life cycle status.

use std::fmt;
use std::str::FromStr;

/// A record's life cycle: drafts are editable; finalised records change
/// only through an amendment with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 下書き: still being written.
    Draft,
    /// 確定: signed off; read-only.
    Finalised,
    /// 修正済: finalised, then changed with a recorded reason; read-only.
    Amended,
}

impl Status {
    /// The stable name stored in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Finalised => "finalised",
            Status::Amended => "amended",
        }
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Status::Draft, Status::Finalised, Status::Amended]
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| s.to_owned())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
