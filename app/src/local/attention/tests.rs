use super::*;
use crate::local::read::OpenAction;
use tsunagu_sync::stage::EndReason;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn row(name: &str, kana: &str, stage: Stage) -> PersonRow {
    PersonRow {
        id: name.into(),
        name: name.into(),
        kana: kana.into(),
        records: 1,
        last_contact: Some(day(1)),
        waiting: 0,
        stage,
        next_contact: None,
        review_on: None,
        open_actions: Vec::new(),
    }
}

#[test]
fn planned_dates_raise_hints_until_a_later_record_keeps_them() {
    let me = Me::new("出雲 花子", "demo.specialist");
    let mut r = row("a", "", Stage::ContinuedInterviews);
    assert_eq!(
        hints(&r, day(20), &me),
        vec![],
        "nothing planned, not quiet yet"
    );

    r.next_contact = Some((day(1), day(10)));
    assert_eq!(hints(&r, day(8), &me), vec![Hint::ContactDue(day(10))]);
    assert_eq!(hints(&r, day(5), &me), vec![], "not due yet");
    assert_eq!(hints(&r, day(12), &me), vec![Hint::ContactOverdue(day(10))]);
    // A visit on the planned day keeps the plan.
    r.last_contact = Some(day(10));
    assert_eq!(hints(&r, day(12), &me), vec![]);

    r.review_on = Some((day(1), day(11)));
    r.open_actions = vec![
        OpenAction {
            owner: "出雲花子（相談支援）".into(),
            due: None,
        },
        OpenAction {
            owner: "福祉課".into(),
            due: Some(day(9)),
        },
    ];
    assert_eq!(
        hints(&r, day(12), &me),
        vec![
            Hint::ReviewOverdue(day(11)),
            Hint::ActionsOverdue(1),
            Hint::ActionsMine(1)
        ],
        "most urgent first; the owner matches without the space"
    );
}

#[test]
fn plans_further_ahead_are_listed_and_near_ones_left_to_hints() {
    let mut r = row("a", "", Stage::TransitionSupport);
    r.next_contact = Some((day(1), day(20)));
    r.review_on = Some((day(1), day(7)));
    assert_eq!(
        plans(&r, day(5)),
        vec![Plan::Contact(day(20))],
        "the review is a hint"
    );
    assert_eq!(
        hints(&r, day(5), &Me::default()),
        vec![Hint::ReviewDue(day(7))]
    );
    r.last_contact = Some(day(21));
    assert_eq!(plans(&r, day(5)), vec![], "kept by a later record");
    r.stage = Stage::Ended(EndReason::Moved);
    r.last_contact = Some(day(1));
    assert_eq!(plans(&r, day(5)), vec![]);
}

#[test]
fn quiet_cases_need_attention_unless_a_contact_is_planned() {
    let me = Me::default();
    let mut r = row("a", "", Stage::SettlementSupport);
    assert_eq!(
        hints(&r, day(1) + chrono::Days::new(40), &me),
        vec![Hint::Quiet(40)]
    );
    r.next_contact = Some((day(1), day(1) + chrono::Days::new(45)));
    assert_eq!(hints(&r, day(1) + chrono::Days::new(40), &me), vec![]);
}

#[test]
fn ended_cases_raise_nothing_but_a_readmitted_one_stays_open() {
    let me = Me::default();
    let mut ended = row("ended", "", Stage::Ended(EndReason::Moved));
    ended.next_contact = Some((day(1), day(2)));
    assert_eq!(hints(&ended, day(30), &me), vec![]);
    let mut back = row("back", "", Stage::Readmitted);
    back.next_contact = Some((day(1), day(2)));
    assert_eq!(
        hints(&back, day(30), &me),
        vec![Hint::ContactOverdue(day(2))]
    );

    let rows = vec![ended.clone(), back.clone(), row("new", "", Stage::Listed)];
    let names = |filter, stage, query: &str| {
        select(rows.clone(), day(30), &me, filter, stage, query)
            .into_iter()
            .map(|c| c.row.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(CaseFilter::Open, None, ""),
        ["back", "new"],
        "overdue first"
    );
    assert_eq!(names(CaseFilter::Ended, None, ""), ["ended"]);
    assert_eq!(names(CaseFilter::All, None, "").len(), 3);
    assert_eq!(
        names(CaseFilter::Attention, Some(Stage::Readmitted), ""),
        ["back"]
    );
}

#[test]
fn search_finds_a_name_or_its_kana_in_either_script() {
    let me = Me::default();
    let rows = vec![
        row("朝霧 翔", "アサギリ ショウ", Stage::Listed),
        row("夕凪 灯", "ゆうなぎ あかり", Stage::Listed),
    ];
    let found = |query: &str| {
        select(rows.clone(), day(1), &me, CaseFilter::All, None, query)
            .into_iter()
            .map(|c| c.row.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(found("あさぎり"), ["朝霧 翔"]);
    assert_eq!(found("ユウナギ"), ["夕凪 灯"]);
    assert_eq!(found("朝霧翔"), ["朝霧 翔"], "spaces do not matter");
    assert_eq!(found("").len(), 2);
    assert!(found("ひかり").is_empty());
}
