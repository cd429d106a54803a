//! What needs doing on a caseload: hints read from the dates the records
//! carry (a planned next contact, a plan's review, a conference's action
//! items), and the caseload's filters, search and order. Ended cases raise
//! no hints; a readmitted case stays open and keeps raising them.

use super::read::PersonRow;
use chrono::NaiveDate;
use tsunagu_sync::stage::Stage;

/// How long without any record, and nothing planned, before a case needs
/// attention.
pub const QUIET_DAYS: i64 = 30;
/// How many days ahead a planned date counts as due.
pub const DUE_SOON_DAYS: i64 = 3;

/// One thing a case needs, most urgent first when sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hint {
    /// The planned next contact was due on this date and has not happened.
    ContactOverdue(NaiveDate),
    /// The transition plan's review was due on this date.
    ReviewOverdue(NaiveDate),
    /// Action items past their due date (how many).
    ActionsOverdue(usize),
    /// Listed, but no joint first interview yet.
    FirstInterview,
    /// The planned next contact is due on this date (today or soon).
    ContactDue(NaiveDate),
    /// The transition plan's review is due on this date (today or soon).
    ReviewDue(NaiveDate),
    /// Open action items the user owns (how many).
    ActionsMine(usize),
    /// Nothing recorded for this many days, and nothing planned.
    Quiet(i64),
}

impl Hint {
    /// Whether the hint is about something already late.
    pub fn overdue(&self) -> bool {
        matches!(
            self,
            Hint::ContactOverdue(_) | Hint::ReviewOverdue(_) | Hint::ActionsOverdue(_)
        )
    }
}

/// Who is looking: action items name their owner in free text, so an item
/// is the user's when it mentions their display name or login name.
#[derive(Debug, Clone, Default)]
pub struct Me {
    /// The names the user's items may carry (display name, login name).
    pub names: Vec<String>,
}

impl Me {
    /// The user known by `display_name` and `username`.
    pub fn new(display_name: &str, username: &str) -> Me {
        let names = [display_name.replace([' ', '\u{3000}'], ""), username.into()]
            .into_iter()
            .filter(|name| !name.is_empty())
            .collect();
        Me { names }
    }

    fn owns(&self, owner: &str) -> bool {
        let owner = owner.replace([' ', '\u{3000}'], "");
        self.names.iter().any(|name| owner.contains(name.as_str()))
    }
}

/// The last day a planned date counts as due, seen from `today`.
fn due_soon(today: NaiveDate) -> NaiveDate {
    today + chrono::Days::new(DUE_SOON_DAYS as u64)
}

/// The next contact `row`'s latest plan names, unless a record dated on
/// or after it already kept it.
fn pending_contact(row: &PersonRow) -> Option<NaiveDate> {
    row.next_contact
        .map(|(_, due)| due)
        .filter(|due| row.last_contact.is_none_or(|last| last < *due))
}

/// What `row`'s case needs on `today`, most urgent first; nothing for an
/// ended case.
pub fn hints(row: &PersonRow, today: NaiveDate, me: &Me) -> Vec<Hint> {
    if matches!(row.stage, Stage::Ended(_)) {
        return Vec::new();
    }
    let mut hints = Vec::new();
    if row.stage == Stage::Listed {
        hints.push(Hint::FirstInterview);
    }
    let soon = due_soon(today);
    let contact = pending_contact(row);
    match contact {
        Some(due) if due < today => hints.push(Hint::ContactOverdue(due)),
        Some(due) if due <= soon => hints.push(Hint::ContactDue(due)),
        _ => {}
    }
    match row.review_on.map(|(_, due)| due) {
        Some(due) if due < today => hints.push(Hint::ReviewOverdue(due)),
        Some(due) if due <= soon => hints.push(Hint::ReviewDue(due)),
        _ => {}
    }
    let late = row
        .open_actions
        .iter()
        .filter(|a| a.due.is_some_and(|due| due < today))
        .count();
    if late > 0 {
        hints.push(Hint::ActionsOverdue(late));
    }
    let mine = row
        .open_actions
        .iter()
        .filter(|a| me.owns(&a.owner))
        .count();
    if mine > 0 {
        hints.push(Hint::ActionsMine(mine));
    }
    let planned = contact.is_some_and(|due| due >= today);
    if let Some(quiet) = row.last_contact.map(|d| (today - d).num_days())
        && quiet > QUIET_DAYS
        && !planned
        && row.stage != Stage::Listed
    {
        hints.push(Hint::Quiet(quiet));
    }
    hints.sort();
    hints
}

/// A planned date further ahead than a hint looks (hints cover what is
/// due within [`DUE_SOON_DAYS`] or overdue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// The next contact a record planned, not yet kept.
    Contact(NaiveDate),
    /// The transition plan's review.
    Review(NaiveDate),
}

/// What is planned for `row`'s case beyond the next few days.
pub fn plans(row: &PersonRow, today: NaiveDate) -> Vec<Plan> {
    if matches!(row.stage, Stage::Ended(_)) {
        return Vec::new();
    }
    let soon = due_soon(today);
    let contact = pending_contact(row)
        .filter(|due| *due > soon)
        .map(Plan::Contact);
    let review = row
        .review_on
        .map(|(_, due)| due)
        .filter(|due| *due > soon)
        .map(Plan::Review);
    contact.into_iter().chain(review).collect()
}

/// Which cases the caseload shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseFilter {
    /// Every case not ended.
    #[default]
    Open,
    /// Open cases with at least one hint.
    Attention,
    /// Ended cases.
    Ended,
    /// Everything.
    All,
}

impl CaseFilter {
    /// Every filter, in the order the screen offers them.
    pub const ALL: [CaseFilter; 4] = [
        CaseFilter::Open,
        CaseFilter::Attention,
        CaseFilter::Ended,
        CaseFilter::All,
    ];

    /// The filter's identifier (form values, test ids).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseFilter::Open => "open",
            CaseFilter::Attention => "attention",
            CaseFilter::Ended => "ended",
            CaseFilter::All => "all",
        }
    }

    /// The filter named `value`, if any.
    pub fn parse(value: &str) -> Option<CaseFilter> {
        CaseFilter::ALL.into_iter().find(|f| f.as_str() == value)
    }
}

/// How the caseload is filtered, kept while the user moves between
/// screens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseloadView {
    /// Which cases.
    pub filter: CaseFilter,
    /// Only this stage, if set.
    pub stage: Option<Stage>,
    /// Name or kana to look for.
    pub query: String,
}

/// The stages the caseload's stage choice offers (ended cases have their
/// own filter).
pub const OPEN_STAGES: [Stage; 7] = [
    Stage::Listed,
    Stage::FirstJointInterview,
    Stage::ContinuedInterviews,
    Stage::TransitionSupport,
    Stage::Discharged,
    Stage::SettlementSupport,
    Stage::Readmitted,
];

/// A caseload row with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    /// The person.
    pub row: PersonRow,
    /// What the case needs, most urgent first.
    pub hints: Vec<Hint>,
}

/// Folds katakana into hiragana and Latin letters to lower case, so a
/// search for 「あさぎり」 finds 「アサギリ」.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c.to_lowercase().next().unwrap_or(c),
        })
        .collect()
}

/// The rows `filter`, `stage` and `query` (name or kana) keep, those that
/// need something first (most urgent first), then by name.
pub fn select(
    rows: Vec<PersonRow>,
    today: NaiveDate,
    me: &Me,
    filter: CaseFilter,
    stage: Option<Stage>,
    query: &str,
) -> Vec<CaseRow> {
    let query = fold(query);
    let mut out: Vec<CaseRow> = rows
        .into_iter()
        .filter(|row| {
            let ended = matches!(row.stage, Stage::Ended(_));
            match filter {
                CaseFilter::Open | CaseFilter::Attention => !ended,
                CaseFilter::Ended => ended,
                CaseFilter::All => true,
            }
        })
        .filter(|row| stage.is_none_or(|stage| row.stage == stage))
        .filter(|row| {
            query.is_empty() || fold(&row.name).contains(&query) || fold(&row.kana).contains(&query)
        })
        .map(|row| CaseRow {
            hints: hints(&row, today, me),
            row,
        })
        .filter(|case| filter != CaseFilter::Attention || !case.hints.is_empty())
        .collect();
    out.sort_by(|a, b| {
        let urgency = |case: &CaseRow| (case.hints.is_empty(), case.hints.first().copied());
        urgency(a)
            .cmp(&urgency(b))
            .then_with(|| a.row.kana.cmp(&b.row.kana))
            .then_with(|| a.row.name.cmp(&b.row.name))
    });
    out
}

#[cfg(test)]
mod tests;
