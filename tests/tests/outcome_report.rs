//! The outcome report end to end through the real binary and a real
//! SQLite file: listings imported for two fiscal years, the programme's
//! past events imported (twice: the second import writes nothing), costs
//! set, then `report outcome --format json` checked field by field against
//! figures worked out by hand below, and the CSV against the JSON. Every
//! step is in the audit trail. All persons are invented.

use anyhow::{Context, Result};
use serde_json::{Value, json};
use std::path::Path;
use tsunagu_tests::admin::{add_user, cli};

const HEAD: &str =
    "受給者番号,氏名,氏名カナ,生年月日,性別,医療機関,病棟,入院日,担当ケースワーカー\n";

/// FY2020 (listed 1 April 2020): A-1 in hospital since 2010 (10+ years),
/// A-2 since June 2016 (under 5), A-3 since April 2013 (5–10).
const LISTING_2020: &str = "\
R-1,東雲 ひかり,シノノメ ヒカリ,1960-01-01,女,架空山病院,第1病棟,2010-01-01,cw.one
R-2,朝霧 翔,アサギリ ショウ,1965-02-02,男,架空山病院,第2病棟,2016-06-01,cw.one
R-3,夕凪 いずみ,ユウナギ イズミ,1950-03-03,女,架空川病院,東病棟,2013-04-01,cw.one
";

/// FY2021 (listed 1 April 2021): A-3 again, and A-4 since January 2019.
const LISTING_2021: &str = "\
R-3,夕凪 いずみ,ユウナギ イズミ,1950-03-03,女,架空川病院,東病棟,2013-04-01,cw.one
R-4,白浜 湊,シラハマ ミナト,1970-04-04,男,架空川病院,西病棟,2019-01-01,cw.one
";

/// The past, in English and Japanese headers' English form:
/// - out on 11 July 2020, living alone, ever since;
/// - out to a group home on 1 October 2020, back in hospital on
///   1 January 2021, out again to family on 1 March 2021;
/// - died in hospital on 1 December 2021, never discharged;
/// - out to an elderly-care facility on 1 September 2021, back in
///   hospital on 1 February 2022.
const EVENTS: &str = "\
recipient_number,event,date,detail
R-1,first_interview,2020-05-01,
R-1,discharged,2020-07-11,living_alone
R-2,first_interview,2020-06-01,
R-2,discharged,2020-10-01,group_home
R-2,readmitted,2021-01-01,架空山病院
R-2,discharged,2021-03-01,家族同居
R-3,first_interview,令和3年5月10日,
R-3,died,2021-12-01,
R-4,first_interview,2021-06-01,
R-4,discharged,2021-09-01,elderly_facility
R-4,readmitted,2022-02-01,
";

fn count(dir: &Path, sql: &str) -> Result<i64> {
    let conn = rusqlite::Connection::open(dir.join("tsunagu.sqlite3"))?;
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

fn import(dir: &Path, what: &str, body: &str, args: &[&str]) -> Result<String> {
    let file = dir.join(format!("{what}.csv"));
    std::fs::write(&file, body)?;
    let kind = if what.starts_with("listing") {
        "listing"
    } else {
        "events"
    };
    let file = file.to_string_lossy().into_owned();
    let mut all = vec!["import", kind, file.as_str()];
    all.extend_from_slice(args);
    cli(dir, &all, None)
}

#[test]
fn the_outcome_report_reproduces_hand_counted_figures() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let dir = dir.path();
    add_user(dir, "cw.one", "caseworker")?;
    import(
        dir,
        "listing-2020",
        &format!("{HEAD}{LISTING_2020}"),
        &["--year", "2020", "--commit"],
    )?;
    import(
        dir,
        "listing-2021",
        &format!("{HEAD}{LISTING_2021}"),
        &["--year", "2021", "--commit"],
    )?;

    // A preview writes nothing; the import writes 11 signed-off records;
    // the same file again writes nothing.
    let records = |dir: &Path| count(dir, "SELECT count(*) FROM records");
    let before = records(dir)?;
    let out = import(dir, "events", EVENTS, &[])?;
    assert!(
        out.contains("11 row(s) accepted (11 new), 0 refused"),
        "{out}"
    );
    assert_eq!(records(dir)?, before);
    let out = import(dir, "events", EVENTS, &["--commit"])?;
    assert!(
        out.contains("11 record(s) written, 0 already there"),
        "{out}"
    );
    assert_eq!(records(dir)?, before + 11);
    let out = import(dir, "events", EVENTS, &["--commit"])?;
    assert!(
        out.contains("0 record(s) written, 11 already there"),
        "{out}"
    );
    assert_eq!(
        records(dir)?,
        before + 11,
        "importing twice changes nothing"
    );

    for (year, monthly, programme) in [("2020", "372250", "7000000"), ("2021", "380000", "7500000")]
    {
        cli(
            dir,
            &[
                "costs",
                "set",
                "--year",
                year,
                "--inpatient-monthly",
                monthly,
                "--programme",
                programme,
            ],
            None,
        )?;
    }
    let args = [
        "report",
        "outcome",
        "--from",
        "2020",
        "--to",
        "2021",
        "--cut-off",
        "2022-03-31",
    ];
    let json_out = cli(dir, &[&args[..], &["--format", "json"]].concat(), None)?;
    let report: Value = serde_json::from_str(&json_out).context("the report is JSON")?;

    assert_eq!(report["from_year"], 2020);
    assert_eq!(report["to_year"], 2021);
    assert_eq!(report["cut_off"], "2022-03-31");
    let c = &report["cumulative"];
    assert_eq!(c["listed"], 4);
    assert_eq!(c["first_interviews"], 4);
    assert_eq!(c["discharged"], 3, "A-1, A-2, A-4");
    assert_eq!(c["discharges"], 4, "A-2 twice");
    assert_eq!(c["readmitted_ever"], 2);
    assert_eq!(c["died_in_hospital"], 1, "A-3");
    let status = &c["status_at_cut_off"];
    assert_eq!(status["community"]["living_alone"], 1);
    assert_eq!(
        status["community"]["with_family"], 1,
        "A-2's latest discharge"
    );
    assert_eq!(status["community"]["group_home"], 0);
    assert_eq!(
        (&status["readmitted"], &status["died"], &status["left"]),
        (&json!(1), &json!(0), &json!(0))
    );
    assert_eq!(
        c["length_of_stay_at_listing"],
        json!({"1-5": 2, "5-10": 0, "10+": 1, "unknown": 0})
    );
    // 264 days in FY2020 (21 of July, then August–March) and 365 in
    // FY2021; A-2: 92 (October–December) + 31 (March) and 365; A-4: 153
    // (September–January).
    assert_eq!(c["community_days"], 264 + 123 + 365 + 365 + 153);
    // First year out: A-1 365 days; A-2 92 + 214 (March–September) = 306;
    // A-4's first year is not over at the cut-off.
    assert_eq!(c["mean_community_days_first_year"], 335.5);
    // FY2020 at 372,250 a month: A-1 21/31 of July and 8 months, A-2 4
    // months = 4,719,169.35; FY2021 at 380,000: 12 + 12 + 5 months =
    // 11,020,000. Rounded once: 15,739,169.
    assert_eq!(c["effect_yen"], 15_739_169);
    assert_eq!(c["programme_cost_yen"], 14_500_000);
    assert_eq!(c["cost_effectiveness"], 1.09);
    assert_eq!(c["city_share_yen"], 3_934_792);

    let years = report["years"].as_array().context("years")?;
    let [y2020, y2021] = &years[..] else {
        anyhow::bail!("two years: {years:?}");
    };
    let row = |y: &Value| {
        [
            "listed_new",
            "first_interviews",
            "discharges",
            "readmissions",
            "deaths",
            "community_days",
            "effect_yen",
            "programme_cost_yen",
        ]
        .map(|k| y[k].as_u64().unwrap_or(u64::MAX))
    };
    assert_eq!(y2020["year"], 2020);
    assert_eq!(row(y2020), [3, 2, 3, 1, 0, 387, 4_719_169, 7_000_000]);
    assert_eq!(y2021["year"], 2021);
    assert_eq!(row(y2021), [1, 2, 1, 1, 1, 883, 11_020_000, 7_500_000]);
    assert_eq!(
        report["data_quality"]["stale_drafts"], 0,
        "imported records are signed off"
    );

    // The CSV: a byte-order mark, CRLF, Japanese headings, the same figures.
    let csv = cli(dir, &[&args[..], &["--format", "csv"]].concat(), None)?;
    assert!(csv.starts_with('\u{feff}'), "BOM");
    assert!(
        csv.contains("\r\n") && !csv.replace("\r\n", "").contains('\n'),
        "CRLF only"
    );
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "区分,項目,2020年度,2021年度,累計（2020〜2021年度）"
    );
    let line = |label: &str| {
        lines
            .iter()
            .find(|l| l.split(',').nth(1) == Some(label))
            .copied()
            .unwrap_or_default()
    };
    assert_eq!(
        line("効果額（円）"),
        "効果額と事業費,効果額（円）,4719169,11020000,15739169"
    );
    assert_eq!(
        line("地域生活日数（合計）"),
        "地域生活の安定,地域生活日数（合計）,387,883,1270"
    );
    assert_eq!(
        line("地域生活：単身"),
        "基準日の状況（退院者）,地域生活：単身,,,1"
    );

    let audited = count(
        dir,
        "SELECT count(*) FROM audit_log WHERE action IN ('import_events', 'set_costs', 'report_outcome')",
    )?;
    assert_eq!(audited, 2 + 2 + 2, "two imports, two costs, two reads");
    Ok(())
}

#[test]
fn refused_event_rows_write_nothing_and_say_why() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let dir = dir.path();
    add_user(dir, "cw.one", "caseworker")?;
    import(
        dir,
        "listing-2020",
        &format!("{HEAD}{LISTING_2020}"),
        &["--year", "2020", "--commit"],
    )?;
    let before = count(dir, "SELECT count(*) FROM records")?;
    let bad = "\
recipient_number,event,date,detail
R-1,discharged,2020-07-11,living_alone
R-9,discharged,2020-07-11,living_alone
R-2,discharged,2020-07-11,on the moon
R-1,discharged,2020-07-11,living_alone
R-2,married,2099-01-01,
";
    let file = dir.join("bad.csv");
    std::fs::write(&file, bad)?;
    let output = tsunagu_tests::server::tsunagu(dir)?
        .args(["import", "events"])
        .arg(&file)
        .arg("--commit")
        .output()?;
    let out = String::from_utf8(output.stdout)? + &String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{out}");
    for expected in [
        "row 3: ERROR: no listed person has recipient_number \"R-9\"",
        "row 4: ERROR: detail \"on the moon\" is not a discharge destination",
        "row 5: ERROR: the same event is on row 2",
        "row 6: ERROR: event \"married\" is not",
        "4 row(s) have errors; nothing was written",
    ] {
        assert!(out.contains(expected), "{expected:?} in {out}");
    }
    assert_eq!(
        count(dir, "SELECT count(*) FROM records")?,
        before,
        "nothing written"
    );
    Ok(())
}
