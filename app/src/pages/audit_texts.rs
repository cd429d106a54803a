//! The auditor's search text (filters, export, and the names of actions
//! added since the first trail screen), Japanese first and English second.

use crate::i18n::Lang;

/// Every fixed string of the audit search in one language.
#[derive(Debug)]
pub struct AuditTexts {
    /// The id filter's label.
    pub mentions: &'static str,
    /// Its hint.
    pub mentions_hint: &'static str,
    /// The actor filter's label.
    pub actor: &'static str,
    /// The action filter's label.
    pub action: &'static str,
    /// "Any" in a filter.
    pub any: &'static str,
    /// From-date label.
    pub from: &'static str,
    /// To-date label.
    pub to: &'static str,
    /// Search button.
    pub search: &'static str,
    /// Clear button.
    pub clear: &'static str,
    /// CSV button.
    pub export: &'static str,
    /// Before the number of matches.
    pub matches: &'static str,
    /// After it, when only the newest are shown.
    pub newest_shown: &'static str,
    /// That searches and exports are recorded too.
    pub recorded: &'static str,
}

const JA: AuditTexts = AuditTexts {
    mentions: "ID（対象者・記録・端末）",
    mentions_hint: "詳細にこの ID を含む記録",
    actor: "操作した人",
    action: "操作",
    any: "すべて",
    from: "開始日",
    to: "終了日",
    search: "絞り込む",
    clear: "条件をクリア",
    export: "CSVで書き出す",
    matches: "該当 ",
    newest_shown: " 件（新しい順に表示）",
    recorded: "この画面での検索と書き出しも監査記録に残ります。",
};

const EN: AuditTexts = AuditTexts {
    mentions: "Id (person, record, device)",
    mentions_hint: "entries whose detail names this id",
    actor: "Who acted",
    action: "Action",
    any: "Any",
    from: "From",
    to: "To",
    search: "Filter",
    clear: "Clear",
    export: "Export CSV",
    matches: "Matches: ",
    newest_shown: " (newest first)",
    recorded: "Searches and exports on this screen are recorded in the trail too.",
};

/// The search's text in `lang`.
pub fn texts(lang: Lang) -> &'static AuditTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// The name of an action the first trail screen did not know, in `lang`.
pub fn action_label(lang: Lang, action: &str) -> Option<&'static str> {
    let (ja, en) = match action {
        "device_reported_lost" => ("端末の紛失届", "Device reported lost"),
        "device_wipe_confirmed" => ("端末の消去確認", "Device wipe confirmed"),
        "device_signed_out" => ("端末のログアウト", "Device signed out"),
        "device_expired" => ("端末登録の期限切れ", "Device registration expired"),
        "user_disabled" => ("アカウントの無効化", "Account disabled"),
        "user_enabled" => ("アカウントの再有効化", "Account enabled"),
        "password_reset" => ("パスワードの再発行", "Password reset"),
        "password_changed" => ("パスワードの変更", "Password changed"),
        "signed_in" => ("ログイン", "Signed in"),
        "sign_in_failed" => ("ログインの失敗", "Sign-in refused"),
        "signed_out" => ("ログアウト", "Signed out"),
        "record_viewed" => ("記録の閲覧（端末）", "Record opened (device)"),
        "timeline_viewed" => ("経過一覧の閲覧（端末）", "Timeline opened (device)"),
        "record_created" => ("記録の作成（端末）", "Record created (device)"),
        "record_edited" => ("記録の編集（端末）", "Record edited (device)"),
        "unlock_failed" => (
            "ロック解除の失敗（端末）",
            "Wrong unlock passwords (device)",
        ),
        "audit_read" => ("監査記録の閲覧", "Audit trail read"),
        "audit_exported" => ("監査記録の書き出し", "Audit trail exported"),
        "report_outcome" => (
            "成果報告の閲覧・書き出し",
            "Outcome report read or exported",
        ),
        "set_costs" => ("事業費の設定", "Programme costs set"),
        "import_events" => ("過去の記録の取り込み", "Past events imported"),
        "listing_previewed" => ("名簿の確認（取り込み前）", "Listing previewed"),
        "events_previewed" => ("過去の記録の確認（取り込み前）", "Past events previewed"),
        _ => return None,
    };
    Some(match lang {
        Lang::Ja => ja,
        Lang::En => en,
    })
}
