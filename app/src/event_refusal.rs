//! Why a row of the programme's past events was refused, as a type: the
//! server finds the problem, the coordinator's screen says it in the
//! user's language, and the command line prints it in English.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// A column of the events file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventColumn {
    /// 受給者番号: the person, as a listing import knows them.
    RecipientNumber,
    /// 事象: what happened.
    Event,
    /// 日付: when.
    Date,
    /// 詳細: the destination of a discharge, why someone left.
    Detail,
}

impl EventColumn {
    /// The English header README documents first.
    pub fn header(self) -> &'static str {
        match self {
            EventColumn::RecipientNumber => "recipient_number",
            EventColumn::Event => "event",
            EventColumn::Date => "date",
            EventColumn::Detail => "detail",
        }
    }

    /// The Japanese header (accepted too).
    pub fn japanese(self) -> &'static str {
        match self {
            EventColumn::RecipientNumber => "受給者番号",
            EventColumn::Event => "事象",
            EventColumn::Date => "日付",
            EventColumn::Detail => "詳細",
        }
    }
}

/// What is wrong with one row. `Display` is the English the command line
/// prints; [`EventProblem::text`] says it in the screen's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum EventProblem {
    /// A required column is empty.
    #[error("{} is empty", .0.header())]
    Empty(EventColumn),
    /// No listed person has the recipient number.
    #[error("no listed person has recipient_number {0:?} (import their listing first)")]
    UnknownPerson(String),
    /// The event is not one of the five.
    #[error("event {0:?} is not first_interview, discharged, readmitted, died or left")]
    UnknownEvent(String),
    /// The date is not a date this import reads.
    #[error("date {0:?} is not a date")]
    NotADate(String),
    /// The date is after the day of the import.
    #[error("date {0} is in the future")]
    Future(String),
    /// A discharge without one of the seven destinations.
    #[error("detail {0:?} is not a discharge destination")]
    UnknownDestination(String),
    /// Leaving without one of the reasons.
    #[error("detail {0:?} is not moved_away, assistance_ended or other")]
    UnknownLeftReason(String),
    /// The same event is on an earlier row.
    #[error("the same event is on row {0}")]
    Duplicate(u64),
    /// The CSV reader could not read the row.
    #[error("unreadable row: {0}")]
    Unreadable(String),
}

impl EventProblem {
    /// The problem in `lang`, for the coordinator's screen.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Ja => match self {
                EventProblem::Empty(column) => format!("{}が空です", column.japanese()),
                EventProblem::UnknownPerson(number) => format!(
                    "受給者番号 {number} の人が名簿にいません（先に名簿を取り込んでください）"
                ),
                EventProblem::UnknownEvent(value) => format!(
                    "事象「{value}」は first_interview・discharged・readmitted・died・left のいずれかにしてください"
                ),
                EventProblem::NotADate(value) => format!("日付「{value}」を日付として読めません"),
                EventProblem::Future(value) => format!("日付 {value} が未来の日付です"),
                EventProblem::UnknownDestination(value) => {
                    format!("詳細「{value}」は退院先として読めません")
                }
                EventProblem::UnknownLeftReason(value) => format!(
                    "詳細「{value}」は moved_away・assistance_ended・other のいずれかにしてください"
                ),
                EventProblem::Duplicate(row) => format!("{row} 行目と同じ事象です"),
                EventProblem::Unreadable(detail) => format!("この行を読み取れません（{detail}）"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_reads_in_japanese_and_in_english() {
        let problems = [
            EventProblem::Empty(EventColumn::Date),
            EventProblem::UnknownPerson("Z-1".into()),
            EventProblem::UnknownEvent("x".into()),
            EventProblem::NotADate("x".into()),
            EventProblem::Future("2099-01-01".into()),
            EventProblem::UnknownDestination("x".into()),
            EventProblem::UnknownLeftReason("x".into()),
            EventProblem::Duplicate(2),
            EventProblem::Unreadable("x".into()),
        ];
        for problem in &problems {
            let ja = problem.text(Lang::Ja);
            assert!(!ja.contains(" is "), "Japanese: {ja}");
            assert!(ja.chars().any(|c| c > '\u{3000}'), "Japanese: {ja}");
            assert_eq!(problem.text(Lang::En), problem.to_string());
        }
    }
}
