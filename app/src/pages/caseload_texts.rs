//! The caseload's text, Japanese first and English second: its filters
//! and the hints that say what a case needs.

use crate::i18n::Lang;
use crate::local::attention::{CaseFilter, Hint};

/// Every fixed string of the caseload's filters in one language.
#[derive(Debug)]
pub struct CaseloadTexts {
    /// Label of the search field.
    pub search: &'static str,
    /// Placeholder of the search field.
    pub search_hint: &'static str,
    /// Label of the filter choice.
    pub show: &'static str,
    /// Label of the stage choice.
    pub stage: &'static str,
    /// The stage choice's "any stage".
    pub any_stage: &'static str,
    /// After the number of persons shown.
    pub shown_unit: &'static str,
    /// When no one matches the filters.
    pub no_match: &'static str,
    /// Under the ended cases: how long the tablet keeps them.
    pub retention_note: &'static str,
}

static JA: CaseloadTexts = CaseloadTexts {
    search: "検索",
    search_hint: "名前・ふりがな",
    show: "表示",
    stage: "段階",
    any_stage: "すべての段階",
    shown_unit: "人を表示",
    no_match: "条件に合う方はいません。",
    retention_note: "支援が終わった方の記録は、終わってから一定期間（通常12か月）たつとこの端末から消えます。未送信の記録は届くまで残ります。サーバーと実績報告には残ります。",
};

static EN: CaseloadTexts = CaseloadTexts {
    search: "Search",
    search_hint: "Name or kana",
    show: "Show",
    stage: "Stage",
    any_stage: "Every stage",
    shown_unit: " shown",
    no_match: "No one matches.",
    retention_note: "Records of a person whose support ended leave this tablet some time after it ended (usually 12 months). Unsent notes stay until they reach the server. The server and the outcome report keep them.",
};

/// The caseload's strings in `lang`.
pub fn texts(lang: Lang) -> &'static CaseloadTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// A filter's name.
pub fn filter_label(lang: Lang, filter: CaseFilter) -> &'static str {
    let (ja, en) = match filter {
        CaseFilter::Open => ("支援中", "Open cases"),
        CaseFilter::Attention => ("要対応", "Needs attention"),
        CaseFilter::Ended => ("終結", "Ended"),
        CaseFilter::All => ("すべて", "Everyone"),
    };
    if lang == Lang::Ja { ja } else { en }
}

/// What a hint says.
pub fn hint_text(lang: Lang, hint: Hint) -> String {
    let ja = lang == Lang::Ja;
    match hint {
        Hint::ContactOverdue(on) if ja => format!("次回連絡 {on} 期限超過"),
        Hint::ContactOverdue(on) => format!("Next contact overdue ({on})"),
        Hint::ContactDue(on) if ja => format!("次回連絡 {on}"),
        Hint::ContactDue(on) => format!("Next contact {on}"),
        Hint::ReviewOverdue(on) if ja => format!("計画見直し {on} 期限超過"),
        Hint::ReviewOverdue(on) => format!("Plan review overdue ({on})"),
        Hint::ReviewDue(on) if ja => format!("計画見直し {on}"),
        Hint::ReviewDue(on) => format!("Plan review {on}"),
        Hint::ActionsOverdue(n) if ja => format!("期限超過の課題 {n}件"),
        Hint::ActionsOverdue(n) => format!("Action items overdue: {n}"),
        Hint::ActionsMine(n) if ja => format!("自分の課題 {n}件"),
        Hint::ActionsMine(n) => format!("My action items: {n}"),
        Hint::FirstInterview if ja => "初回合同面接がまだです".into(),
        Hint::FirstInterview => "First joint interview not yet held".into(),
        Hint::Quiet(days) if ja => format!("記録なし {days}日"),
        Hint::Quiet(days) => format!("No record for {days} days"),
    }
}
