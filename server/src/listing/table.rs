//! A CSV file as the imports read it: the columns found by their headers
//! (several names accepted per column), and each data row with the row
//! number the user sees in their spreadsheet (the header is row 1).

use tsunagu_app::listing_refusal::FileProblem;

/// One data row: its row number and its fields.
pub enum Row {
    /// A row the reader could read.
    Read(u64, csv::StringRecord),
    /// A row it could not, with the reader's words.
    Unreadable(u64, String),
}

/// The rows of a file, with where each column is.
pub struct Table<C> {
    index: Vec<(C, usize)>,
    /// The data rows, blank ones left out.
    pub rows: Vec<Row>,
}

impl<C: Copy + PartialEq> Table<C> {
    /// Reads `text`, finding each column of `headers` by any of its names.
    /// A missing column refuses the file (named by its first header)
    /// unless `optional` says it may be absent.
    pub fn read(
        text: &str,
        headers: &[(C, &[&str])],
        optional: impl Fn(C) -> bool,
    ) -> Result<Table<C>, FileProblem> {
        // Office software ends lines with CRLF; the CSV reader then counts
        // a record's line before its line feed, so row numbers would be
        // off by one from what the user sees in their spreadsheet.
        let text = text.replace("\r\n", "\n");
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let found = reader
            .headers()
            .map_err(|e| FileProblem::UnreadableHeader {
                detail: e.to_string(),
            })?
            .clone();
        let mut index = Vec::new();
        for (column, names) in headers {
            match found.iter().position(|h| names.contains(&h)) {
                Some(at) => index.push((*column, at)),
                None if optional(*column) => {}
                None => return Err(FileProblem::MissingColumn(names[0].to_owned())),
            }
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            match record {
                Ok(record) if record.iter().all(str::is_empty) => {}
                Ok(record) => {
                    rows.push(Row::Read(record.position().map_or(0, |p| p.line()), record))
                }
                Err(e) => rows.push(Row::Unreadable(
                    e.position().map_or(0, |p| p.line()),
                    e.to_string(),
                )),
            }
        }
        Ok(Table { index, rows })
    }

    /// `column` of `record`, trimmed ("" when the column or the field is absent).
    pub fn field(&self, record: &csv::StringRecord, column: C) -> String {
        self.index
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, i)| record.get(*i))
            .unwrap_or_default()
            .to_owned()
    }
}
