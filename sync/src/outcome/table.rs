//! The report as one table: a line per figure, a column per fiscal year
//! and one for the range. The command line's text, the CSV download and
//! the coordinator's screen all read these lines, so they never disagree.

use super::DESTINATIONS;
use super::shape::{Cumulative, OutcomeReport, YearRow};

/// One value of the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A count or a number of days.
    Count(u64),
    /// Yen; `None` when it cannot be stated (no cost entered).
    Yen(Option<u64>),
    /// A ratio or a mean; `None` when there is nothing to divide.
    Number(Option<f64>),
    /// Not counted per year.
    Blank,
}

impl Cell {
    /// The value as the CSV and the text table write it ("" when blank,
    /// "-" when it cannot be stated).
    pub fn text(self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Yen(Some(n)) => n.to_string(),
            Cell::Number(Some(x)) => format!("{x}"),
            Cell::Yen(None) | Cell::Number(None) => "-".into(),
            Cell::Blank => String::new(),
        }
    }
}

impl Cell {
    /// The value for reading: yen and counts with thousands separators.
    pub fn grouped(self) -> String {
        match self {
            Cell::Count(n) | Cell::Yen(Some(n)) => {
                let digits = n.to_string();
                let mut out = String::new();
                for (i, digit) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i) % 3 == 0 {
                        out.push(',');
                    }
                    out.push(digit);
                }
                out
            }
            other => other.text(),
        }
    }
}

/// The section a line belongs to (DOMAIN §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// 支援の状況: reach.
    Reach,
    /// 退院: discharge.
    Discharge,
    /// 年度末の状況: where the discharged stood at the end.
    Status,
    /// 地域生活の安定: stability.
    Stability,
    /// 効果額と事業費: finance.
    Finance,
}

impl Section {
    /// The section's heading, Japanese and English.
    pub fn heading(self) -> (&'static str, &'static str) {
        match self {
            Section::Reach => ("支援の状況", "Reach"),
            Section::Discharge => ("退院", "Discharge"),
            Section::Status => (
                "基準日の状況（退院者）",
                "Status at the cut-off (discharged)",
            ),
            Section::Stability => ("地域生活の安定", "Stability"),
            Section::Finance => ("効果額と事業費", "Effect and cost"),
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The section.
    pub section: Section,
    /// The JSON field it comes from.
    pub key: String,
    /// Its label in Japanese.
    pub ja: String,
    /// Its label in English.
    pub en: String,
    /// One value per fiscal year, in the report's order.
    pub years: Vec<Cell>,
    /// The value over the range.
    pub cumulative: Cell,
}

/// The Japanese and English names of a destination code.
pub fn destination_label(code: &str) -> (&'static str, &'static str) {
    match code {
        "living_alone" => ("単身", "Living alone"),
        "with_family" => ("家族同居", "With family"),
        "group_home" => ("グループホーム", "Group home"),
        "elderly_facility" => ("高齢者施設", "Elderly-care facility"),
        "relief_facility" => ("救護施設", "Relief facility"),
        "transfer" => ("転院", "Transfer to another hospital"),
        _ => ("その他", "Other"),
    }
}

/// A line whose values come straight from one field.
struct Field {
    section: Section,
    key: &'static str,
    ja: &'static str,
    en: &'static str,
    /// The value per year (`None`: not counted per year).
    year: Option<fn(&YearRow) -> Cell>,
    cumulative: fn(&Cumulative) -> Cell,
}

const fn field(
    section: Section,
    key: &'static str,
    (ja, en): (&'static str, &'static str),
    year: Option<fn(&YearRow) -> Cell>,
    cumulative: fn(&Cumulative) -> Cell,
) -> Field {
    Field {
        section,
        key,
        ja,
        en,
        year,
        cumulative,
    }
}

use Section::{Discharge, Finance, Reach, Stability};

/// The lines before the status block.
const HEAD: &[Field] = &[
    field(
        Reach,
        "listed",
        ("名簿登載者数", "Persons listed"),
        Some(|y| Cell::Count(y.listed)),
        |c| Cell::Count(c.listed),
    ),
    field(
        Reach,
        "listed_new",
        ("うち新規登載", "Newly listed"),
        Some(|y| Cell::Count(y.listed_new)),
        |c| Cell::Count(c.listed),
    ),
    field(
        Reach,
        "first_interviews",
        ("初回合同面接", "Joint first interviews"),
        Some(|y| Cell::Count(y.first_interviews)),
        |c| Cell::Count(c.first_interviews),
    ),
    field(
        Reach,
        "continued_interviews",
        ("継続面接（延べ回数）", "Continued interviews"),
        Some(|y| Cell::Count(y.continued_interviews)),
        |c| Cell::Count(c.continued_interviews),
    ),
    field(
        Reach,
        "continued_interview_persons",
        ("継続面接（実人数）", "Persons interviewed"),
        Some(|y| Cell::Count(y.continued_interview_persons)),
        |c| Cell::Count(c.continued_interview_persons),
    ),
    field(
        Reach,
        "peer_outings",
        ("ピア活動（延べ回数）", "Peer-support activities"),
        Some(|y| Cell::Count(y.peer_outings)),
        |c| Cell::Count(c.peer_outings),
    ),
    field(
        Reach,
        "trial_stays",
        ("体験利用・体験宿泊", "Trial use and stays"),
        Some(|y| Cell::Count(y.trial_stays)),
        |c| Cell::Count(c.trial_stays),
    ),
    field(
        Discharge,
        "discharges",
        ("退院（延べ）", "Discharges"),
        Some(|y| Cell::Count(y.discharges)),
        |c| Cell::Count(c.discharges),
    ),
    field(
        Discharge,
        "discharged",
        ("退院者数（実人数）", "Persons discharged"),
        None,
        |c| Cell::Count(c.discharged),
    ),
    field(
        Discharge,
        "length_of_stay_at_listing.1-5",
        ("登載時在院 1〜5年", "Stay at listing 1–5 years"),
        None,
        |c| Cell::Count(c.length_of_stay_at_listing.under_five),
    ),
    field(
        Discharge,
        "length_of_stay_at_listing.5-10",
        ("登載時在院 5〜10年", "Stay at listing 5–10 years"),
        None,
        |c| Cell::Count(c.length_of_stay_at_listing.five_to_ten),
    ),
    field(
        Discharge,
        "length_of_stay_at_listing.10+",
        ("登載時在院 10年以上", "Stay at listing 10+ years"),
        None,
        |c| Cell::Count(c.length_of_stay_at_listing.ten_or_more),
    ),
];

/// The lines after the status block.
const TAIL: &[Field] = &[
    field(
        Stability,
        "readmissions",
        ("再入院（件数）", "Readmissions"),
        Some(|y| Cell::Count(y.readmissions)),
        |c| Cell::Count(c.readmissions),
    ),
    field(
        Stability,
        "readmitted_ever",
        ("再入院した人数", "Persons readmitted"),
        None,
        |c| Cell::Count(c.readmitted_ever),
    ),
    field(
        Stability,
        "deaths",
        ("死亡", "Deaths"),
        Some(|y| Cell::Count(y.deaths)),
        |c| Cell::Count(c.deaths),
    ),
    field(
        Stability,
        "died_in_hospital",
        (
            "うち退院に至らず入院中に死亡",
            "Died in hospital, never discharged",
        ),
        None,
        |c| Cell::Count(c.died_in_hospital),
    ),
    field(
        Stability,
        "community_days",
        ("地域生活日数（合計）", "Days in the community"),
        Some(|y| Cell::Count(y.community_days)),
        |c| Cell::Count(c.community_days),
    ),
    field(
        Stability,
        "mean_community_days_first_year",
        (
            "退院後1年以内の地域平均生活日数",
            "Mean days in the community, first year",
        ),
        None,
        |c| Cell::Number(c.mean_community_days_first_year),
    ),
    field(
        Finance,
        "effect_yen",
        ("効果額（円）", "Effect (yen)"),
        Some(|y| Cell::Yen(y.effect_yen)),
        |c| Cell::Yen(c.effect_yen),
    ),
    field(
        Finance,
        "programme_cost_yen",
        ("事業費（円）", "Programme cost (yen)"),
        Some(|y| Cell::Yen(y.programme_cost_yen)),
        |c| Cell::Yen(c.programme_cost_yen),
    ),
    field(
        Finance,
        "cost_effectiveness",
        ("費用対効果（効果額÷事業費）", "Effect ÷ cost"),
        None,
        |c| Cell::Number(c.cost_effectiveness),
    ),
    field(
        Finance,
        "city_share_yen",
        (
            "市負担ベースの効果額（×1/4）",
            "City's share of the effect (×1/4)",
        ),
        None,
        |c| Cell::Yen(c.city_share_yen),
    ),
];

/// Every line of `report`, section by section.
pub fn lines(report: &OutcomeReport) -> Vec<Line> {
    let c = &report.cumulative;
    let of = |f: &Field| Line {
        section: f.section,
        key: f.key.to_owned(),
        ja: f.ja.to_owned(),
        en: f.en.to_owned(),
        years: report
            .years
            .iter()
            .map(|y| f.year.map_or(Cell::Blank, |value| value(y)))
            .collect(),
        cumulative: (f.cumulative)(c),
    };
    let blank_years = vec![Cell::Blank; report.years.len()];
    let status_line = |key: String, ja: String, en: String, n: u64| Line {
        section: Section::Status,
        key,
        ja,
        en,
        years: blank_years.clone(),
        cumulative: Cell::Count(n),
    };
    let mut out: Vec<Line> = HEAD.iter().map(of).collect();
    if c.length_of_stay_at_listing.unknown > 0 {
        out.push(Line {
            section: Discharge,
            ..status_line(
                "length_of_stay_at_listing.unknown".into(),
                "登載時在院 不明".into(),
                "Stay at listing unknown".into(),
                c.length_of_stay_at_listing.unknown,
            )
        });
    }
    let status = &c.status_at_cut_off;
    for code in DESTINATIONS {
        let (ja, en) = destination_label(code);
        out.push(status_line(
            format!("status_at_cut_off.community.{code}"),
            format!("地域生活：{ja}"),
            format!("In the community: {en}"),
            status.community.get(*code).copied().unwrap_or_default(),
        ));
    }
    for (key, ja, en, n) in [
        (
            "readmitted",
            "再入院中",
            "Back in hospital",
            status.readmitted,
        ),
        ("died", "死亡", "Died", status.died),
        (
            "left",
            "転出・保護廃止など",
            "Left the programme",
            status.left,
        ),
    ] {
        out.push(status_line(
            format!("status_at_cut_off.{key}"),
            ja.into(),
            en.into(),
            n,
        ));
    }
    out.extend(TAIL.iter().map(of));
    out
}

/// The column headings: the item, each fiscal year, the range.
pub fn headings(report: &OutcomeReport, japanese: bool) -> Vec<String> {
    let mut out = vec![if japanese { "項目" } else { "Item" }.to_owned()];
    for year in &report.years {
        out.push(if japanese {
            format!("{}年度", year.year)
        } else {
            format!("FY{}", year.year)
        });
    }
    out.push(if japanese {
        format!("累計（{}〜{}年度）", report.from_year, report.to_year)
    } else {
        format!("FY{}–{} total", report.from_year, report.to_year)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_plainly_in_csv_and_grouped_for_people() {
        assert_eq!(Cell::Yen(Some(15_739_169)).text(), "15739169");
        assert_eq!(Cell::Yen(Some(15_739_169)).grouped(), "15,739,169");
        assert_eq!(Cell::Count(999).grouped(), "999");
        assert_eq!(Cell::Count(1000).grouped(), "1,000");
        assert_eq!(Cell::Yen(None).text(), "-");
        assert_eq!(Cell::Number(Some(335.5)).text(), "335.5");
        assert_eq!(Cell::Blank.text(), "");
    }
}
