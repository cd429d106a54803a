//! The outcome report screen's text, Japanese first and English second.

use crate::i18n::Lang;

/// Every fixed string of the report screen in one language.
#[derive(Debug)]
pub struct OutcomeTexts {
    /// The caseload's button to the report.
    pub open: &'static str,
    /// Heading.
    pub heading: &'static str,
    /// What the report is computed from.
    pub note: &'static str,
    /// Shown when offline.
    pub needs_server: &'static str,
    /// First fiscal year field.
    pub from_year: &'static str,
    /// Last fiscal year field.
    pub to_year: &'static str,
    /// Cut-off field.
    pub cut_off: &'static str,
    /// Show button.
    pub show: &'static str,
    /// CSV button.
    pub csv: &'static str,
    /// Print button.
    pub print: &'static str,
    /// While loading.
    pub loading: &'static str,
    /// "counted to" before the date.
    pub counted_to: &'static str,
    /// Summary: persons listed.
    pub listed: &'static str,
    /// Summary: persons discharged.
    pub discharged: &'static str,
    /// Summary: effect amount.
    pub effect: &'static str,
    /// Summary: effect ÷ cost.
    pub ratio: &'static str,
    /// Not stated (no cost entered).
    pub not_stated: &'static str,
    /// Chart: status at each year's end.
    pub chart_status: &'static str,
    /// Chart: cumulative effect against cost.
    pub chart_effect: &'static str,
    /// Legend: in the community.
    pub in_community: &'static str,
    /// Legend: back in hospital.
    pub back_in_hospital: &'static str,
    /// Legend: died.
    pub died: &'static str,
    /// Legend: left the programme.
    pub left: &'static str,
    /// Legend: cumulative effect.
    pub cumulative_effect: &'static str,
    /// Legend: cumulative cost.
    pub cumulative_cost: &'static str,
    /// Data-quality heading.
    pub quality: &'static str,
    /// Drafts older than 30 days.
    pub stale_drafts: &'static str,
    /// Persons without a listing.
    pub unlisted: &'static str,
    /// Years without a unit cost.
    pub no_unit_cost: &'static str,
    /// Costs heading.
    pub costs_heading: &'static str,
    /// Costs note.
    pub costs_note: &'static str,
    /// Column: fiscal year.
    pub col_year: &'static str,
    /// Column: monthly inpatient cost.
    pub col_inpatient: &'static str,
    /// Column: programme cost.
    pub col_programme: &'static str,
    /// Save button.
    pub save: &'static str,
    /// Saved.
    pub saved: &'static str,
    /// Not a number of yen.
    pub not_yen: &'static str,
    /// Not a fiscal year.
    pub not_year: &'static str,
    /// Fiscal year suffix ("年度").
    pub year_suffix: &'static str,
    /// The effect chart's unit, after a number of millions of yen.
    pub millions: &'static str,
}

const JA: OutcomeTexts = OutcomeTexts {
    open: "成果報告",
    heading: "事業の成果報告",
    note: "サーバーが全記録から集計します（年度は4月〜3月）。表示・CSV出力は監査ログに記録されます。",
    needs_server: "成果報告はサーバーで集計するため、接続が必要です。",
    from_year: "開始年度",
    to_year: "終了年度",
    cut_off: "基準日",
    show: "表示",
    csv: "CSVをダウンロード",
    print: "印刷",
    loading: "集計しています…",
    counted_to: "集計の終わり",
    listed: "名簿登載者（実人数）",
    discharged: "退院者（実人数）",
    effect: "効果額",
    ratio: "費用対効果",
    not_stated: "算出できません",
    chart_status: "年度末の状況（退院者）",
    chart_effect: "累計の効果額と事業費",
    in_community: "地域生活",
    back_in_hospital: "再入院中",
    died: "死亡",
    left: "転出・保護廃止など",
    cumulative_effect: "効果額（累計）",
    cumulative_cost: "事業費（累計）",
    quality: "データの確認",
    stale_drafts: "30日を超えて下書きのままの記録",
    unlisted: "名簿にない人",
    no_unit_cost: "入院単価が未入力の年度（効果額は算出しません）",
    costs_heading: "年度ごとの費用",
    costs_note: "入院単価は生活保護の精神科入院患者1人あたり月額の医療扶助（効果額の計算に使います）。",
    col_year: "年度",
    col_inpatient: "入院単価（円/月）",
    col_programme: "事業費（円）",
    save: "保存",
    saved: "保存しました",
    not_yen: "金額は0以上の整数（円）で入力してください",
    not_year: "年度は2000〜2100の数字で入力してください",
    year_suffix: "年度",
    millions: "百万円",
};

const EN: OutcomeTexts = OutcomeTexts {
    open: "Outcome report",
    heading: "Programme outcome report",
    note: "Computed on the server from every record (fiscal years run April to March). Viewing and exporting are recorded in the audit trail.",
    needs_server: "The outcome report is computed on the server: it needs the connection.",
    from_year: "From fiscal year",
    to_year: "To fiscal year",
    cut_off: "Cut-off",
    show: "Show",
    csv: "Download CSV",
    print: "Print",
    loading: "Counting…",
    counted_to: "Counted to",
    listed: "Persons listed",
    discharged: "Persons discharged",
    effect: "Effect",
    ratio: "Effect ÷ cost",
    not_stated: "Cannot be stated",
    chart_status: "Status at each year's end (discharged)",
    chart_effect: "Cumulative effect and cost",
    in_community: "In the community",
    back_in_hospital: "Back in hospital",
    died: "Died",
    left: "Left the programme",
    cumulative_effect: "Effect (cumulative)",
    cumulative_cost: "Cost (cumulative)",
    quality: "Data quality",
    stale_drafts: "Notes in draft for more than 30 days",
    unlisted: "Persons without a listing",
    no_unit_cost: "Years without a unit cost (no effect is stated for them)",
    costs_heading: "Costs per fiscal year",
    costs_note: "The unit cost is the monthly medical assistance for one psychiatric inpatient on public assistance (it prices the effect).",
    col_year: "Fiscal year",
    col_inpatient: "Unit cost (yen/month)",
    col_programme: "Programme cost (yen)",
    save: "Save",
    saved: "Saved",
    not_yen: "Enter amounts as whole yen, 0 or more",
    not_year: "Enter a fiscal year between 2000 and 2100",
    year_suffix: "",
    millions: "M yen",
};

/// The report screen's text in `lang`.
pub fn texts(lang: Lang) -> &'static OutcomeTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}
