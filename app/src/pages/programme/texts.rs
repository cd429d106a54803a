//! The coordinator screens' text, Japanese first and English second, kept
//! beside the screens so the main table stays about the field app.

use crate::i18n::Lang;

/// Every fixed string of the programme screens in one language.
#[derive(Debug)]
pub struct ProgrammeTexts {
    /// The caseload's button to the programme screens.
    pub open: &'static str,
    /// Heading.
    pub heading: &'static str,
    /// Shown when offline: what needs the server.
    pub needs_server: &'static str,
    /// Shown when the server session ended.
    pub session_ended: &'static str,
    /// Button that signs in again.
    pub renew: &'static str,
    /// Shown to anyone but a coordinator.
    pub forbidden: &'static str,
    /// Before the reason a request failed.
    pub failed: &'static str,
    /// While a request runs.
    pub working: &'static str,
    /// Tab: listing import.
    pub tab_listing: &'static str,
    /// Tab: the programme's past events.
    pub tab_events: &'static str,
    /// Tab: persons and assignments.
    pub tab_assignments: &'static str,
    /// Tab: handover.
    pub tab_handover: &'static str,
    /// Tab: case conferences.
    pub tab_conferences: &'static str,
    /// What the conferences tab lists.
    pub conferences_note: &'static str,
    /// New conference button.
    pub new_conference: &'static str,
    /// No conference yet.
    pub no_conferences: &'static str,
    /// Fiscal year field.
    pub fiscal_year: &'static str,
    /// Listing date field.
    pub listed_on: &'static str,
    /// File field.
    pub listing_file: &'static str,
    /// No file chosen.
    pub choose_file: &'static str,
    /// Preview button.
    pub preview: &'static str,
    /// Import button.
    pub import: &'static str,
    /// Cancel button.
    pub cancel: &'static str,
    /// After cancelling.
    pub cancelled: &'static str,
    /// Refused rows block the import.
    pub fix_rows_first: &'static str,
    /// Heading of the refused rows.
    pub refused_rows: &'static str,
    /// Column: row number.
    pub col_line: &'static str,
    /// Column: name.
    pub col_name: &'static str,
    /// Column: hospital.
    pub col_hospital: &'static str,
    /// Column: admission date.
    pub col_admitted: &'static str,
    /// Column: days in hospital.
    pub col_stay: &'static str,
    /// Column: what importing does.
    pub col_plan: &'static str,
    /// Column: caseworker.
    pub col_caseworker: &'static str,
    /// Column: reason.
    pub col_reason: &'static str,
    /// Plan: new person.
    pub plan_new: &'static str,
    /// Plan: known person.
    pub plan_known: &'static str,
    /// Plan: already listed.
    pub plan_already: &'static str,
    /// Flag: stay under a year.
    pub short_stay: &'static str,
    /// Count: new persons.
    pub count_new: &'static str,
    /// Count: listed.
    pub count_listed: &'static str,
    /// Count: already listed.
    pub count_already: &'static str,
    /// Count: flagged.
    pub count_flagged: &'static str,
    /// After an import.
    pub imported: &'static str,
    /// No one holds the person.
    pub no_assignee: &'static str,
    /// Before the listed years.
    pub listed_years: &'static str,
    /// Before an assignment's start date.
    pub since_prefix: &'static str,
    /// After an assignment's start date.
    pub since_suffix: &'static str,
    /// After an assignment.
    pub assigned: &'static str,
    /// Before the number of persons a handover will move.
    pub will_move_prefix: &'static str,
    /// After it.
    pub will_move_suffix: &'static str,
    /// Worker select label.
    pub worker: &'static str,
    /// Start date label.
    pub from_date: &'static str,
    /// Assign button.
    pub assign: &'static str,
    /// End-assignment button.
    pub end: &'static str,
    /// Handover: whose caseload.
    pub handover_from: &'static str,
    /// Handover: to whom.
    pub handover_to: &'static str,
    /// Handover: effective date.
    pub effective_on: &'static str,
    /// Handover: which persons (none ticked = all).
    pub handover_persons: &'static str,
    /// Handover button.
    pub hand_over: &'static str,
    /// Before the number of persons handed over.
    pub handed_over: &'static str,
    /// Empty choice.
    pub choose: &'static str,
    /// Reload the lists.
    pub refresh: &'static str,
    /// The caseload's button to the audit trail (auditors).
    pub audit_open: &'static str,
    /// Heading of the audit trail.
    pub audit_heading: &'static str,
    /// What the audit trail holds.
    pub audit_note: &'static str,
    /// Column: when.
    pub col_at: &'static str,
    /// Column: who.
    pub col_actor: &'static str,
    /// Column: what was done.
    pub col_action: &'static str,
    /// Column: ids and counts.
    pub col_detail: &'static str,
    /// The actor of command-line changes.
    pub command_line: &'static str,
    /// No entry yet.
    pub no_entries: &'static str,
    /// Action: listing imported.
    pub action_listing_import: &'static str,
    /// Action: assigned.
    pub action_assign: &'static str,
    /// Action: assignment ended.
    pub action_end_assignment: &'static str,
    /// Action: handover.
    pub action_handover: &'static str,
    /// Action: device registered.
    pub action_device_registered: &'static str,
    /// Action: device revoked.
    pub action_device_revoked: &'static str,
}

/// Japanese.
pub static JA: ProgrammeTexts = ProgrammeTexts {
    open: "事業の管理",
    heading: "事業の管理（コーディネーター）",
    needs_server: "名簿の取り込みと担当の変更にはサーバーへの接続が必要です。オフラインの間は使えません。現場の記録は引き続き端末で書けます。",
    session_ended: "サーバーへのログインが切れています。パスワードを入力すると続けられます。",
    renew: "ログインして続ける",
    forbidden: "この操作はコーディネーターだけが行えます。",
    failed: "できませんでした: ",
    working: "処理中…",
    tab_listing: "名簿の取り込み",
    tab_events: "過去の記録",
    tab_assignments: "対象者と担当",
    tab_handover: "引き継ぎ",
    tab_conferences: "ケース会議",
    conferences_note: "この端末にある会議の記録です（担当している人の分）。オフラインでも記録できます。",
    new_conference: "会議を記録する",
    no_conferences: "会議の記録はまだありません。",
    fiscal_year: "年度",
    listed_on: "名簿作成日（空欄なら4月1日）",
    listing_file: "名簿ファイル（CSV：UTF-8 または Shift_JIS）",
    choose_file: "名簿ファイルを選んでください",
    preview: "内容を確認する",
    import: "取り込む",
    cancel: "取り消す",
    cancelled: "取り消しました。何も書き込まれていません。",
    fix_rows_first: "誤りのある行があります。ファイルを直して、もう一度確認してください。何も書き込まれていません。",
    refused_rows: "誤りのある行",
    col_line: "行",
    col_name: "氏名",
    col_hospital: "医療機関・病棟",
    col_admitted: "入院日",
    col_stay: "在院日数",
    col_plan: "取り込み",
    col_caseworker: "担当ケースワーカー",
    col_reason: "理由",
    plan_new: "新規",
    plan_known: "既存の対象者",
    plan_already: "登録済み（変更なし）",
    short_stay: "1年未満・要確認",
    count_new: "新規の対象者",
    count_listed: "名簿に登録",
    count_already: "登録済み",
    count_flagged: "1年未満（要確認）",
    imported: "取り込みました。",
    no_assignee: "担当者なし",
    listed_years: "名簿年度: ",
    since_prefix: "",
    since_suffix: " から",
    assigned: "担当を登録しました。担当者の端末には次の同期で届きます。",
    will_move_prefix: "引き継ぐ人数: ",
    will_move_suffix: "人",
    worker: "担当者",
    from_date: "開始日",
    assign: "担当にする",
    end: "担当を外す",
    handover_from: "引き継ぐ人",
    handover_to: "引き継ぎ先",
    effective_on: "実施日",
    handover_persons: "対象者（選ばなければ全員）",
    hand_over: "引き継ぐ",
    handed_over: "引き継いだ人数: ",
    choose: "選択してください",
    refresh: "最新の状態にする",
    audit_open: "監査ログ",
    audit_heading: "監査ログ（名簿・担当・引き継ぎ・端末の変更）",
    audit_note: "だれが・いつ・何をしたかの記録です。対象者は番号（ID）で示し、氏名は記録しません。新しい順に最大200件。",
    col_at: "日時",
    col_actor: "操作した人",
    col_action: "操作",
    col_detail: "内容（ID・件数）",
    command_line: "管理者（コマンドライン）",
    no_entries: "記録はまだありません。",
    action_listing_import: "名簿の取り込み",
    action_assign: "担当の追加",
    action_end_assignment: "担当の終了",
    action_handover: "引き継ぎ",
    action_device_registered: "端末の登録",
    action_device_revoked: "端末の利用停止",
};

/// English.
pub static EN: ProgrammeTexts = ProgrammeTexts {
    open: "Programme",
    heading: "Programme management (coordinator)",
    needs_server: "Importing a listing and changing assignments need the server; they are not available offline. Field records can still be written on this device.",
    session_ended: "Your server session has ended. Enter your password to continue.",
    renew: "Sign in and continue",
    forbidden: "Only a coordinator may do this.",
    failed: "Could not do it: ",
    working: "Working…",
    tab_listing: "Listing import",
    tab_events: "Past events",
    tab_assignments: "Persons and assignments",
    tab_handover: "Handover",
    tab_conferences: "Case conferences",
    conferences_note: "Conference records on this device (for the persons you hold). They can be written offline.",
    new_conference: "Record a conference",
    no_conferences: "No conference recorded yet.",
    fiscal_year: "Fiscal year",
    listed_on: "Listing date (1 April if empty)",
    listing_file: "Listing file (CSV, UTF-8 or Shift_JIS)",
    choose_file: "Choose the listing file",
    preview: "Preview",
    import: "Import",
    cancel: "Cancel",
    cancelled: "Cancelled. Nothing was written.",
    fix_rows_first: "Some rows have errors. Fix the file and preview it again. Nothing was written.",
    refused_rows: "Rows with errors",
    col_line: "Row",
    col_name: "Name",
    col_hospital: "Hospital and ward",
    col_admitted: "Admitted",
    col_stay: "Days in hospital",
    col_plan: "Import as",
    col_caseworker: "Caseworker",
    col_reason: "Reason",
    plan_new: "New person",
    plan_known: "Known person",
    plan_already: "Already listed (no change)",
    short_stay: "Under a year: check",
    count_new: "New persons",
    count_listed: "Listed",
    count_already: "Already listed",
    count_flagged: "Under a year (check)",
    imported: "Imported.",
    no_assignee: "No one assigned",
    listed_years: "Listed: ",
    since_prefix: "since ",
    since_suffix: "",
    assigned: "Assigned. The worker's devices receive the person at their next sync.",
    will_move_prefix: "Persons to hand over: ",
    will_move_suffix: "",
    worker: "Worker",
    from_date: "From",
    assign: "Assign",
    end: "End assignment",
    handover_from: "From",
    handover_to: "To",
    effective_on: "Effective date",
    handover_persons: "Persons (none ticked: the whole caseload)",
    hand_over: "Hand over",
    handed_over: "Persons handed over: ",
    choose: "Choose…",
    refresh: "Refresh",
    audit_open: "Audit trail",
    audit_heading: "Audit trail (listings, assignments, handovers, devices)",
    audit_note: "Who did what, when. Persons appear by id, never by name. Newest first, at most 200.",
    col_at: "When",
    col_actor: "Who",
    col_action: "What",
    col_detail: "Detail (ids, counts)",
    command_line: "Administrator (command line)",
    no_entries: "No entry yet.",
    action_listing_import: "Listing imported",
    action_assign: "Assigned",
    action_end_assignment: "Assignment ended",
    action_handover: "Handover",
    action_device_registered: "Device registered",
    action_device_revoked: "Device revoked",
};

/// The programme screens' text in `lang`.
pub fn texts(lang: Lang) -> &'static ProgrammeTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}
