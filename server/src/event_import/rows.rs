//! The events file's columns and rows: which headers name which column
//! (English or Japanese), and each row checked into an [`EventRow`] or a
//! [`RowError`] with its row number and reason.

use crate::listing::decode;
use crate::listing::table::{Row, Table};
use chrono::NaiveDate;
use tsunagu_app::event_refusal::{EventColumn as Column, EventProblem};
use tsunagu_app::listing_refusal::FileProblem;
use tsunagu_sync::outcome::table::destination_label;
use tsunagu_sync::record::schema::DISCHARGE_DESTINATIONS;

/// Accepted headers per column; the first is what README documents.
const HEADERS: &[(Column, &[&str])] = &[
    (
        Column::RecipientNumber,
        &["recipient_number", "受給者番号", "ケース番号"],
    ),
    (Column::Event, &["event", "事象", "種別"]),
    (Column::Date, &["date", "日付", "年月日"]),
    (Column::Detail, &["detail", "詳細", "退院先・理由"]),
];

/// What happened, as the events file says it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PastEvent {
    /// The joint first interview.
    FirstInterview,
    /// Discharged to a destination (its code).
    Discharged(&'static str),
    /// Readmitted (to the hospital named in the detail, if any).
    Readmitted(String),
    /// Died.
    Died,
    /// Left the programme: the closure reason code.
    Left(&'static str),
}

impl PastEvent {
    /// The event's name in the file.
    pub fn name(&self) -> &'static str {
        match self {
            PastEvent::FirstInterview => "first_interview",
            PastEvent::Discharged(_) => "discharged",
            PastEvent::Readmitted(_) => "readmitted",
            PastEvent::Died => "died",
            PastEvent::Left(_) => "left",
        }
    }

    /// The detail that tells two events of one kind on one day apart.
    pub fn detail(&self) -> &str {
        match self {
            PastEvent::Discharged(code) | PastEvent::Left(code) => code,
            PastEvent::Readmitted(hospital) => hospital,
            PastEvent::FirstInterview | PastEvent::Died => "",
        }
    }
}

/// One row that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Its row number in the file (the header is row 1).
    pub line: u64,
    /// 受給者番号.
    pub recipient_number: String,
    /// What happened.
    pub event: PastEvent,
    /// When.
    pub on: NaiveDate,
}

/// Why a row was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Its row number in the file (the header is row 1).
    pub line: u64,
    /// What is wrong (at least one).
    pub problems: Vec<EventProblem>,
}

impl RowError {
    /// The problems in English, for the command line.
    pub fn reason(&self) -> String {
        let texts: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        texts.join("; ")
    }
}

/// Parses the decoded file: its rows, and the rows it refused. A file
/// without the needed columns is refused whole (`detail` may be absent).
pub fn parse(text: &str) -> Result<(Vec<EventRow>, Vec<RowError>), FileProblem> {
    let table = Table::read(text, HEADERS, |column| column == Column::Detail)?;
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for read in &table.rows {
        let (line, record) = match read {
            Row::Read(line, record) => (*line, record),
            Row::Unreadable(line, detail) => {
                errors.push(RowError {
                    line: *line,
                    problems: vec![EventProblem::Unreadable(detail.clone())],
                });
                continue;
            }
        };
        let field = |column: Column| table.field(record, column);
        match row(line, &field) {
            Ok(row) => rows.push(row),
            Err(problems) => errors.push(RowError { line, problems }),
        }
    }
    Ok((rows, errors))
}

fn row(line: u64, field: &dyn Fn(Column) -> String) -> Result<EventRow, Vec<EventProblem>> {
    let mut problems = Vec::new();
    let mut required = |column: Column| {
        let value = field(column);
        if value.is_empty() {
            problems.push(EventProblem::Empty(column));
        }
        value
    };
    let recipient_number = required(Column::RecipientNumber);
    let event_raw = required(Column::Event);
    let date_raw = required(Column::Date);
    let detail = field(Column::Detail);
    let on = decode::date(&date_raw);
    if on.is_none() && !date_raw.is_empty() {
        problems.push(EventProblem::NotADate(date_raw));
    }
    let event = match event_raw.as_str() {
        "" => None,
        "first_interview" | "初回合同面接" | "初回面接" => {
            Some(PastEvent::FirstInterview)
        }
        "discharged" | "退院" => match destination(&detail) {
            Some(code) => Some(PastEvent::Discharged(code)),
            None => {
                problems.push(EventProblem::UnknownDestination(detail.clone()));
                None
            }
        },
        "readmitted" | "再入院" => Some(PastEvent::Readmitted(detail.clone())),
        "died" | "死亡" => Some(PastEvent::Died),
        "left" | "終結" | "離脱" => match left_reason(&detail) {
            Some(code) => Some(PastEvent::Left(code)),
            None => {
                problems.push(EventProblem::UnknownLeftReason(detail.clone()));
                None
            }
        },
        other => {
            problems.push(EventProblem::UnknownEvent(other.to_owned()));
            None
        }
    };
    match (problems.is_empty(), event, on) {
        (true, Some(event), Some(on)) => Ok(EventRow {
            line,
            recipient_number,
            event,
            on,
        }),
        _ => Err(problems),
    }
}

/// A destination code, from its code or its Japanese name.
fn destination(raw: &str) -> Option<&'static str> {
    DISCHARGE_DESTINATIONS.iter().copied().find(|code| {
        *code == raw || destination_label(code).0 == raw || japanese_alias(code) == Some(raw)
    })
}

/// The names the app's forms use where they differ from the report's.
fn japanese_alias(code: &str) -> Option<&'static str> {
    match code {
        "living_alone" => Some("単身生活"),
        "with_family" => Some("家族と同居"),
        "group_home" => Some("GH"),
        _ => None,
    }
}

/// The closure reason for a `left` row's detail.
fn left_reason(raw: &str) -> Option<&'static str> {
    match raw {
        "moved_away" | "転出" => Some("moved"),
        "assistance_ended" | "保護廃止" => Some("assistance_ended"),
        "other" | "その他" | "" => Some("other"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_japanese_headers_and_values_read_alike() {
        let english = "recipient_number,event,date,detail\n\
                       A-1,discharged,2020-06-01,living_alone\n\
                       A-1,left,2021-01-01,moved_away\n";
        let japanese = "受給者番号,事象,日付,詳細\n\
                        A-1,退院,令和2年6月1日,単身\n\
                        A-1,終結,R3.1.1,転出\n";
        let (a, errors_a) = parse(english).unwrap();
        let (b, errors_b) = parse(japanese).unwrap();
        assert!(
            errors_a.is_empty() && errors_b.is_empty(),
            "{errors_a:?} {errors_b:?}"
        );
        assert_eq!(a, b);
        assert_eq!(a[0].event, PastEvent::Discharged("living_alone"));
        assert_eq!(a[1].event, PastEvent::Left("moved"));
    }

    #[test]
    fn bad_rows_are_named_with_their_row_number_and_every_reason() {
        let text = "recipient_number,event,date,detail\n\
                    A-1,discharged,2020-06-01,on the moon\n\
                    ,married,yesterday,\n";
        let (rows, errors) = parse(text).unwrap();
        assert!(rows.is_empty());
        assert_eq!(errors[0].line, 2);
        assert_eq!(
            errors[0].problems,
            vec![EventProblem::UnknownDestination("on the moon".into())]
        );
        assert_eq!(errors[1].line, 3);
        assert_eq!(
            errors[1].problems,
            vec![
                EventProblem::Empty(Column::RecipientNumber),
                EventProblem::NotADate("yesterday".into()),
                EventProblem::UnknownEvent("married".into()),
            ]
        );
        assert_eq!(
            parse("recipient_number,date\nA-1,2020-01-01\n"),
            Err(FileProblem::MissingColumn("event".into()))
        );
    }
}
