//! The report's table written out: CSV for Excel and plain text for the
//! command line.

use super::OutcomeReport;
use super::table::{headings, lines};
use std::fmt::Write as _;

/// The report as CSV for Excel: UTF-8 with a byte-order mark, CRLF line
/// ends, a heading row, one row per line (section, item, years, range).
pub fn csv(report: &OutcomeReport, japanese: bool) -> String {
    let mut out = String::from("\u{feff}");
    let mut row = |cells: Vec<String>| {
        let quoted: Vec<String> = cells.iter().map(|c| quote(c)).collect();
        let _ = write!(out, "{}\r\n", quoted.join(","));
    };
    let mut head = vec![if japanese { "区分" } else { "Section" }.to_owned()];
    head.extend(headings(report, japanese));
    row(head);
    for line in lines(report) {
        let (sja, sen) = line.section.heading();
        let mut cells = vec![
            if japanese { sja } else { sen }.to_owned(),
            if japanese { line.ja } else { line.en },
        ];
        cells.extend(line.years.iter().map(|c| c.text()));
        cells.push(line.cumulative.text());
        row(cells);
    }
    out
}

/// A CSV field, quoted when it must be.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// The report as a plain-text table (English), for the command line.
pub fn text(report: &OutcomeReport) -> String {
    let heads = headings(report, false);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut section = None;
    for line in lines(report) {
        if section != Some(line.section) {
            section = Some(line.section);
            let mut heading = vec![format!("[{}]", line.section.heading().1)];
            heading.resize(heads.len(), String::new());
            rows.push(heading);
        }
        let mut cells = vec![format!("  {}", line.en)];
        cells.extend(line.years.iter().map(|c| c.grouped()));
        cells.push(line.cumulative.grouped());
        rows.push(cells);
    }
    let widths: Vec<usize> = (0..heads.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([heads[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = format!(
        "Outcome report, FY{}–{}, counted to {} (cut-off {})\n",
        report.from_year, report.to_year, report.counted_to, report.cut_off
    );
    for cells in std::iter::once(&heads).chain(rows.iter()) {
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            if i == 0 {
                let _ = write!(out, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(out, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push('\n');
    }
    let quality = &report.data_quality;
    if !quality.years_without_unit_cost.is_empty() {
        let _ = writeln!(
            out,
            "No unit cost for FY {:?}: no effect is stated for them.",
            quality.years_without_unit_cost
        );
    }
    let _ = writeln!(
        out,
        "Data quality: {} draft(s) older than 30 days, {} person(s) without a listing.",
        quality.stale_drafts, quality.persons_without_listing
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
