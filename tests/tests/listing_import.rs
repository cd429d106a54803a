//! The annual listing import through the real `tsunagu import listing`
//! command and a real SQLite file: UTF-8, UTF-8 with BOM and Shift_JIS
//! files, preview before commit, idempotent re-import, matching known
//! persons, flagged short stays, and broken rows that write nothing.
//! All names are invented.

use anyhow::Result;
use std::path::Path;
use tsunagu_sync::record::{FieldValue, Record};
use tsunagu_tests::admin::add_user;
use tsunagu_tests::server::tsunagu;

const GOOD: &str = "\
受給者番号,氏名,氏名カナ,生年月日,性別,医療機関,病棟,入院日,担当ケースワーカー
A-0001,東雲 ひかり,シノノメ ヒカリ,昭和45年12月3日,女,架空山病院,第2病棟,令和元年5月1日,cw.one
A-0002,朝霧 翔,アサギリ ショウ,1962/3/15,男,架空山病院,第1病棟,H30.1.15,cw.one
A-0003,夕凪 いずみ,ユウナギ イズミ,1975-07-07,女,架空川病院,東病棟,2023/10/01,cw.one
";

fn counts(dir: &Path) -> Result<(i64, i64, i64, i64)> {
    let conn = rusqlite::Connection::open(dir.join("tsunagu.sqlite3"))?;
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    Ok((
        count("SELECT count(*) FROM persons")?,
        count("SELECT count(*) FROM listings")?,
        count("SELECT count(*) FROM records WHERE kind = 'person'")?,
        count("SELECT count(*) FROM assignments")?,
    ))
}

fn import(dir: &Path, file: &Path, args: &[&str]) -> Result<(bool, String)> {
    let output = tsunagu(dir)?
        .args(["import", "listing"])
        .arg(file)
        .args(args)
        .output()?;
    Ok((
        output.status.success(),
        String::from_utf8(output.stdout)? + &String::from_utf8_lossy(&output.stderr),
    ))
}

fn setup() -> Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    add_user(dir.path(), "cw.one", "caseworker")?;
    add_user(dir.path(), "spec.one", "support_specialist")?;
    Ok(dir)
}

#[test]
fn a_listing_is_previewed_then_imported_once_and_known_persons_are_matched() -> Result<()> {
    let dir = setup()?;
    let file = dir.path().join("listing-2024.csv");
    std::fs::write(&file, GOOD)?;

    // Preview: every row planned, the short stay flagged, nothing written.
    let (ok, out) = import(dir.path(), &file, &["--year", "2024"])?;
    assert!(ok, "{out}");
    assert!(
        out.contains("row 2: new person: 東雲 ひかり (A-0001)"),
        "{out}"
    );
    assert!(
        out.contains("row 4: new person: 夕凪 いずみ (A-0003), stay 183 days"),
        "{out}"
    );
    assert!(out.contains("FLAG: stay under 365 days"), "{out}");
    assert!(out.contains("preview only"), "{out}");
    assert_eq!(
        counts(dir.path())?,
        (0, 0, 0, 0),
        "a preview writes nothing"
    );

    // Commit: three persons with profile documents, listed, on the caseworker's caseload.
    let (ok, out) = import(dir.path(), &file, &["--year", "2024", "--commit"])?;
    assert!(ok, "{out}");
    assert!(
        out.contains("imported: 3 new person(s), 3 listed, 0 already listed, 1 flagged"),
        "{out}"
    );
    assert_eq!(counts(dir.path())?, (3, 3, 3, 3));
    let conn = rusqlite::Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let (snapshot, short): (Vec<u8>, i64) = conn.query_row(
        "SELECT r.snapshot, l.short_stay FROM persons p JOIN records r ON r.id = p.id
           JOIN listings l ON l.person_id = p.id WHERE p.recipient_number = 'A-0003'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    assert_eq!(short, 1);
    let profile = Record::load(&snapshot, b"test")?;
    assert_eq!(
        profile.get("family_name")?,
        Some(FieldValue::Str("夕凪".into()))
    );
    assert_eq!(
        profile.get("hospital")?,
        Some(FieldValue::Str("架空川病院".into()))
    );
    assert_eq!(
        profile.get("admitted_on")?,
        Some(FieldValue::Date(
            chrono::NaiveDate::from_ymd_opt(2023, 10, 1).unwrap()
        ))
    );
    drop(conn);

    // The same file again changes nothing.
    let (ok, out) = import(dir.path(), &file, &["--year", "2024", "--commit"])?;
    assert!(ok, "{out}");
    assert!(
        out.contains("0 new person(s), 0 listed, 3 already listed"),
        "{out}"
    );
    assert_eq!(counts(dir.path())?, (3, 3, 3, 3));

    // Next year's listing in Shift_JIS: a known person is matched by the
    // recipient number, a new one is added.
    let next = "受給者番号,氏名,氏名カナ,生年月日,性別,医療機関,病棟,入院日,担当ケースワーカー\r\n\
                A-0002,朝霧 翔,アサギリ ショウ,1962/3/15,男,架空山病院,第1病棟,H30.1.15,cw.one\r\n\
                A-0004,白浜 稔,シラハマ ミノル,1958-01-20,男,架空山病院,第3病棟,2019-02-01,cw.one\r\n";
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(next);
    assert!(!unmappable);
    let sjis_file = dir.path().join("listing-2025-sjis.csv");
    std::fs::write(&sjis_file, &sjis)?;
    let (ok, out) = import(dir.path(), &sjis_file, &["--year", "2025", "--commit"])?;
    assert!(ok, "{out}");
    assert!(
        out.contains("row 2: known person: 朝霧 翔 (A-0002)"),
        "{out}"
    );
    assert!(out.contains("imported: 1 new person(s), 2 listed"), "{out}");
    assert_eq!(counts(dir.path())?, (4, 5, 4, 4));

    // English headers with a byte-order mark are read the same way.
    let bom_file = dir.path().join("listing-bom.csv");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(
        "recipient_number,name,name_kana,date_of_birth,sex,hospital,ward,admitted_on,caseworker\n\
         A-0005,春野 誠,,1980-02-02,M,架空山病院,,2020-06-01,cw.one\n"
            .as_bytes(),
    );
    std::fs::write(&bom_file, bom)?;
    let (ok, out) = import(dir.path(), &bom_file, &["--year", "2025", "--commit"])?;
    assert!(ok, "{out}");
    assert!(out.contains("imported: 1 new person(s), 1 listed"), "{out}");
    Ok(())
}

#[test]
fn broken_rows_are_reported_by_row_number_and_nothing_is_written() -> Result<()> {
    let dir = setup()?;
    let file = dir.path().join("broken.csv");
    std::fs::write(
        &file,
        "受給者番号,氏名,氏名カナ,生年月日,性別,医療機関,病棟,入院日,担当ケースワーカー
B-0001,秋月 ゆかり,,1970-01-01,女,架空山病院,,2020-13-01,cw.one
B-0002,,,1970-01-01,女,架空山病院,,2020-01-01,cw.one
B-0003,若草 かおる,,1970-01-01,女,架空山病院,,2020-01-01,nobody
B-0004,青葉 昇,,1970-01-01,?,架空山病院,,2020-01-01,cw.one
B-0005,春野 稔,,1970-01-01,男,架空山病院,,2020-01-01,spec.one
B-0006,秋月 誠,,1970-01-01,男,架空山病院,,2020-01-01,cw.one
B-0006,秋月 誠,,1970-01-01,男,架空山病院,,2020-01-01,cw.one
B-0007,東雲 翔,,1970-01-01,男,架空山病院,,2025-01-01,cw.one
",
    )?;
    let (ok, out) = import(dir.path(), &file, &["--year", "2024", "--commit"])?;
    assert!(!ok, "{out}");
    for expected in [
        "row 2: ERROR: 入院日 \"2020-13-01\" is not a date",
        "row 3: ERROR: 氏名 is empty",
        "row 4: ERROR: 担当ケースワーカー \"nobody\" is not an active caseworker",
        "row 5: ERROR: 性別 \"?\" is not 男/女/その他",
        "row 6: ERROR: 担当ケースワーカー \"spec.one\" is not an active caseworker",
        "row 8: ERROR: duplicate person: 受給者番号 B-0006 is also on row 7",
        "row 9: ERROR: 入院日 2025-01-01 is after the listing date 2024-04-01",
        "nothing was written",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert_eq!(counts(dir.path())?, (0, 0, 0, 0));

    // A file without the needed columns is refused as a whole.
    std::fs::write(&file, "氏名,入院日\n秋月 ゆかり,2020-01-01\n")?;
    let (ok, out) = import(dir.path(), &file, &["--year", "2024"])?;
    assert!(!ok);
    assert!(out.contains("受給者番号"), "{out}");
    // And a file that is neither UTF-8 nor Shift_JIS.
    std::fs::write(&file, [0x82u8, 0xFF, 0xFF, 0x0A])?;
    let (ok, out) = import(dir.path(), &file, &["--year", "2024"])?;
    assert!(!ok);
    assert!(out.contains("neither UTF-8 nor Shift_JIS"), "{out}");
    Ok(())
}
