//! Why a row of the annual listing was refused, and why an import file
//! (a listing or the programme's past events) was refused as a whole, as
//! types: the server finds the problem, the coordinator's screen says it
//! in the user's language, and the command line prints it in English.

use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A column of the listing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListingColumn {
    /// 受給者番号: the public-assistance recipient number.
    RecipientNumber,
    /// 氏名: "family given".
    Name,
    /// 氏名カナ: the name in kana.
    NameKana,
    /// 生年月日.
    DateOfBirth,
    /// 性別.
    Sex,
    /// 医療機関 / 病院.
    Hospital,
    /// 病棟.
    Ward,
    /// 入院日: first day of the continuous stay.
    AdmittedOn,
    /// 担当ケースワーカー: a caseworker's login or display name.
    Caseworker,
}

impl ListingColumn {
    /// The header README documents (Japanese, as the welfare office's export has it).
    pub fn header(self) -> &'static str {
        match self {
            ListingColumn::RecipientNumber => "受給者番号",
            ListingColumn::Name => "氏名",
            ListingColumn::NameKana => "氏名カナ",
            ListingColumn::DateOfBirth => "生年月日",
            ListingColumn::Sex => "性別",
            ListingColumn::Hospital => "医療機関",
            ListingColumn::Ward => "病棟",
            ListingColumn::AdmittedOn => "入院日",
            ListingColumn::Caseworker => "担当ケースワーカー",
        }
    }
}

/// What is wrong with one row. `Display` is the English the command line
/// prints; [`RowProblem::text`] says it in the screen's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RowProblem {
    /// A required column is empty.
    #[error("{} is empty", .0.header())]
    Empty(ListingColumn),
    /// A date column holds no date this import reads.
    #[error("{} {value:?} is not a date", column.header())]
    NotADate {
        /// The column.
        column: ListingColumn,
        /// What it holds.
        value: String,
    },
    /// 性別 is not one of the accepted values.
    #[error("性別 {value:?} is not 男/女/その他")]
    UnknownSex {
        /// What it holds.
        value: String,
    },
    /// The CSV reader could not read the row.
    #[error("unreadable row: {detail}")]
    Unreadable {
        /// The reader's words.
        detail: String,
    },
    /// The same recipient number is on an earlier row.
    #[error("duplicate person: 受給者番号 {recipient_number} is also on row {first_row}")]
    Duplicate {
        /// The number.
        recipient_number: String,
        /// The earlier row.
        first_row: u64,
    },
    /// The stay starts after the listing date.
    #[error("入院日 {admitted_on} is after the listing date {listed_on}")]
    AdmittedAfterListing {
        /// 入院日.
        admitted_on: NaiveDate,
        /// The listing date.
        listed_on: NaiveDate,
    },
    /// No active caseworker answers to the name.
    #[error("担当ケースワーカー {who:?} is not an active caseworker")]
    NotACaseworker {
        /// The name as written.
        who: String,
    },
    /// Several active caseworkers answer to the name.
    #[error("担当ケースワーカー {who:?} names several caseworkers; use the login name")]
    SeveralCaseworkers {
        /// The name as written.
        who: String,
    },
}

impl RowProblem {
    /// The problem in `lang`, for the coordinator's screen.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Ja => match self {
                RowProblem::Empty(column) => format!("{}が空です", column.header()),
                RowProblem::NotADate { column, value } => {
                    format!("{}「{value}」を日付として読めません", column.header())
                }
                RowProblem::UnknownSex { value } => {
                    format!("性別「{value}」は 男・女・その他 のいずれかにしてください")
                }
                RowProblem::Unreadable { detail } => {
                    format!("この行を読み取れません（{detail}）")
                }
                RowProblem::Duplicate {
                    recipient_number,
                    first_row,
                } => format!("受給者番号 {recipient_number} は {first_row} 行目と重複しています"),
                RowProblem::AdmittedAfterListing {
                    admitted_on,
                    listed_on,
                } => format!("入院日 {admitted_on} が名簿の基準日 {listed_on} より後です"),
                RowProblem::NotACaseworker { who } => {
                    format!("担当ケースワーカー「{who}」は有効なケースワーカーではありません")
                }
                RowProblem::SeveralCaseworkers { who } => format!(
                    "担当ケースワーカー「{who}」に当てはまる人が複数います。ログイン名で指定してください"
                ),
            },
        }
    }
}

/// What is wrong with the listing file as a whole. `Display` is the
/// English the command line prints; [`FileProblem::text`] says it in the
/// screen's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FileProblem {
    /// No file was chosen, or it has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The file is larger than an import may be.
    #[error("the file is {bytes} bytes; an import may be at most {max} bytes")]
    TooLarge {
        /// Its size.
        bytes: u64,
        /// The largest size accepted.
        max: u64,
    },
    /// The file starts with a UTF-8 byte-order mark but is not UTF-8.
    #[error("the file starts as UTF-8 but is not valid UTF-8")]
    BrokenUtf8,
    /// The file is in none of the accepted encodings.
    #[error("the file is neither UTF-8 nor Shift_JIS")]
    UnknownEncoding,
    /// The header row cannot be read.
    #[error("unreadable header row: {detail}")]
    UnreadableHeader {
        /// The reader's words.
        detail: String,
    },
    /// A needed column (its documented header) is not in the header row.
    #[error("no column {0} in the header row")]
    MissingColumn(String),
    /// Some rows were refused, so nothing was imported.
    #[error("{0} row(s) have errors; nothing was written")]
    RowsRefused(usize),
}

impl FileProblem {
    /// The problem in `lang`, for the coordinator's screen.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Ja => match self {
                FileProblem::Empty => "ファイルが空です".into(),
                FileProblem::TooLarge { bytes, max } => {
                    format!("ファイルが大きすぎます（{bytes} バイト。{max} バイトまでです）")
                }
                FileProblem::BrokenUtf8 => {
                    "ファイルは UTF-8 として始まりますが、正しい UTF-8 ではありません".into()
                }
                FileProblem::UnknownEncoding => {
                    "ファイルの文字コードが UTF-8 でも Shift_JIS でもありません".into()
                }
                FileProblem::UnreadableHeader { detail } => {
                    format!("見出し行を読み取れません（{detail}）")
                }
                FileProblem::MissingColumn(header) => {
                    format!("見出し行に「{header}」の列がありません")
                }
                FileProblem::RowsRefused(count) => {
                    format!("{count} 行に誤りがあるため、何も取り込んでいません")
                }
            },
        }
    }
}

/// Several problems of one row in `lang`, joined.
pub fn row_problems_text(problems: &[RowProblem], lang: Lang) -> String {
    let separator = match lang {
        Lang::Ja => "。",
        Lang::En => "; ",
    };
    problems
        .iter()
        .map(|p| p.text(lang))
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_reads_in_japanese_and_in_english() {
        let day = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let problems = [
            RowProblem::Empty(ListingColumn::Name),
            RowProblem::NotADate {
                column: ListingColumn::AdmittedOn,
                value: "昨日".into(),
            },
            RowProblem::UnknownSex { value: "?".into() },
            RowProblem::Unreadable { detail: "x".into() },
            RowProblem::Duplicate {
                recipient_number: "Z-1".into(),
                first_row: 2,
            },
            RowProblem::AdmittedAfterListing {
                admitted_on: day,
                listed_on: day,
            },
            RowProblem::NotACaseworker { who: "w".into() },
            RowProblem::SeveralCaseworkers { who: "w".into() },
        ];
        for problem in &problems {
            let ja = problem.text(Lang::Ja);
            assert!(
                !ja.contains(" is ") && !ja.contains("names"),
                "Japanese: {ja}"
            );
            assert_eq!(problem.text(Lang::En), problem.to_string());
        }
        let files = [
            FileProblem::Empty,
            FileProblem::TooLarge { bytes: 9, max: 1 },
            FileProblem::BrokenUtf8,
            FileProblem::UnknownEncoding,
            FileProblem::UnreadableHeader { detail: "x".into() },
            FileProblem::MissingColumn("入院日".into()),
            FileProblem::RowsRefused(2),
        ];
        for problem in &files {
            let ja = problem.text(Lang::Ja);
            assert!(ja.chars().any(|c| c > '\u{3000}'), "Japanese: {ja}");
            assert!(!ja.contains(" the "), "Japanese: {ja}");
            assert_eq!(problem.text(Lang::En), problem.to_string());
        }
        assert_eq!(
            row_problems_text(&problems[..2], Lang::Ja),
            "氏名が空です。入院日「昨日」を日付として読めません"
        );
    }
}
