//! The listing's columns and rows: which headers name which column
//! (Japanese or English), and each row checked into a [`ListingRow`] or a
//! [`RowError`] with its row number and reason.

use super::decode;
use super::table::{Row, Table};
use chrono::NaiveDate;

pub use tsunagu_app::listing_refusal::{FileProblem, ListingColumn as Column, RowProblem};

/// Accepted headers per column; the first is what README documents.
pub const HEADERS: &[(Column, &[&str])] = &[
    (
        Column::RecipientNumber,
        &["受給者番号", "ケース番号", "recipient_number"],
    ),
    (Column::Name, &["氏名", "name"]),
    (
        Column::NameKana,
        &["氏名カナ", "フリガナ", "ふりがな", "name_kana"],
    ),
    (Column::DateOfBirth, &["生年月日", "date_of_birth"]),
    (Column::Sex, &["性別", "sex"]),
    (Column::Hospital, &["医療機関", "病院", "hospital"]),
    (Column::Ward, &["病棟", "ward"]),
    (Column::AdmittedOn, &["入院日", "入院年月日", "admitted_on"]),
    (
        Column::Caseworker,
        &["担当ケースワーカー", "担当CW", "caseworker"],
    ),
];

/// One row that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingRow {
    /// Its row number in the file (the header is row 1).
    pub line: u64,
    /// 受給者番号.
    pub recipient_number: String,
    /// "family given", as written.
    pub name: String,
    /// The name in kana, as written (may be empty).
    pub name_kana: String,
    /// 生年月日, if given.
    pub date_of_birth: Option<NaiveDate>,
    /// `female`, `male`, `other` or `unrecorded`.
    pub sex: &'static str,
    /// 医療機関.
    pub hospital: String,
    /// 病棟 (may be empty).
    pub ward: String,
    /// 入院日.
    pub admitted_on: NaiveDate,
    /// The caseworker as written (login or display name).
    pub caseworker: String,
}

/// Why a row was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Its row number in the file (the header is row 1).
    pub line: u64,
    /// What is wrong (at least one), each naming its column.
    pub problems: Vec<RowProblem>,
}

impl RowError {
    /// The problems in English, for the command line.
    pub fn reason(&self) -> String {
        let texts: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        texts.join("; ")
    }
}

fn sex(raw: &str) -> Option<&'static str> {
    match raw.trim() {
        "" => Some("unrecorded"),
        "女" | "女性" | "F" | "f" | "female" => Some("female"),
        "男" | "男性" | "M" | "m" | "male" => Some("male"),
        "その他" | "other" => Some("other"),
        _ => None,
    }
}

/// Parses the decoded file: its rows, and the rows it refused. A file
/// without the needed columns is refused whole.
pub fn parse(text: &str) -> Result<(Vec<ListingRow>, Vec<RowError>), FileProblem> {
    let table = Table::read(text, HEADERS, |_| false)?;
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for row in &table.rows {
        let (line, record) = match row {
            Row::Read(line, record) => (*line, record),
            Row::Unreadable(line, detail) => {
                errors.push(RowError {
                    line: *line,
                    problems: vec![RowProblem::Unreadable {
                        detail: detail.clone(),
                    }],
                });
                continue;
            }
        };
        let field = |column: Column| table.field(record, column);
        let mut problems = Vec::new();
        let mut required = |column: Column| {
            let value = field(column);
            if value.is_empty() {
                problems.push(RowProblem::Empty(column));
            }
            value
        };
        let recipient_number = required(Column::RecipientNumber);
        let name = required(Column::Name);
        let hospital = required(Column::Hospital);
        let caseworker = required(Column::Caseworker);
        let admitted_raw = required(Column::AdmittedOn);
        let admitted_on = decode::date(&admitted_raw);
        if admitted_on.is_none() && !admitted_raw.is_empty() {
            problems.push(RowProblem::NotADate {
                column: Column::AdmittedOn,
                value: admitted_raw.clone(),
            });
        }
        let birth_raw = field(Column::DateOfBirth);
        let date_of_birth = decode::date(&birth_raw);
        if date_of_birth.is_none() && !birth_raw.is_empty() {
            problems.push(RowProblem::NotADate {
                column: Column::DateOfBirth,
                value: birth_raw.clone(),
            });
        }
        let sex_raw = field(Column::Sex);
        let sex = sex(&sex_raw).unwrap_or_else(|| {
            problems.push(RowProblem::UnknownSex {
                value: sex_raw.clone(),
            });
            "unrecorded"
        });
        match (problems.is_empty(), admitted_on) {
            (true, Some(admitted_on)) => rows.push(ListingRow {
                line,
                recipient_number,
                name,
                name_kana: field(Column::NameKana),
                date_of_birth,
                sex,
                hospital,
                ward: field(Column::Ward),
                admitted_on,
                caseworker,
            }),
            _ => errors.push(RowError { line, problems }),
        }
    }
    Ok((rows, errors))
}
