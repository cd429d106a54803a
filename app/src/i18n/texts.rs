//! The UI's fixed strings: one [`Texts`] table per language, Japanese
//! first, so a missing translation is a compile error.

/// Every fixed string of the UI in one language.
#[derive(Debug)]
pub struct Texts {
    /// The product name as shown in the header.
    pub app_name: &'static str,
    /// One line saying what the app is for.
    pub tagline: &'static str,
    /// The language switch's label: the name of the language it switches to.
    pub switch_language: &'static str,
    /// Accessible label of the language switch; it begins with the
    /// button's visible text, so voice control finds it (WCAG 2.5.3).
    pub switch_language_label: &'static str,
    /// Network state before the browser has told us.
    pub network_checking: &'static str,
    /// Network state: the server may be reachable.
    pub network_online: &'static str,
    /// Network state: no network; work continues on the device.
    pub network_offline: &'static str,
    /// Heading of the sign-in form.
    pub sign_in_heading: &'static str,
    /// Label of the user-name field.
    pub username: &'static str,
    /// Label of the password field.
    pub password: &'static str,
    /// The sign-in button.
    pub sign_in: &'static str,
    /// Shown while the sign-in request runs.
    pub signing_in: &'static str,
    /// Wrong user name or password.
    pub sign_in_rejected: &'static str,
    /// Too many failed attempts.
    pub sign_in_throttled: &'static str,
    /// The server could not be reached or failed.
    pub sign_in_unavailable: &'static str,
    /// Prefix of the welcome line, before the user's name.
    pub welcome_prefix: &'static str,
    /// Suffix of the welcome line, after the user's name.
    pub welcome_suffix: &'static str,
    /// Label before the caseload size.
    pub caseload: &'static str,
    /// Unit after the caseload size.
    pub persons_unit: &'static str,
    /// The sign-out button.
    pub sign_out: &'static str,
    /// Shown while the signed-in state is loading.
    pub loading: &'static str,
    /// Heading of the not-found page.
    pub not_found: &'static str,
    /// Link back to the start page.
    pub back_home: &'static str,
    /// Heading of the unlock form.
    pub unlock_heading: &'static str,
    /// The unlock button.
    pub unlock: &'static str,
    /// Before the owner's login name on the unlock form.
    pub device_of: &'static str,
    /// The first sign-in needs the server.
    pub first_sign_in_note: &'static str,
    /// While records are decrypted and loaded.
    pub unlocking: &'static str,
    /// The lock button.
    pub lock: &'static str,
    /// Sign out and wipe the device.
    pub sign_out_wipe: &'static str,
    /// Before the count of unsent changes in the sign-out warning.
    pub unsent_warning_prefix: &'static str,
    /// After the count in the sign-out warning.
    pub unsent_warning_suffix: &'static str,
    /// Confirms sign-out despite unsent changes.
    pub sign_out_anyway: &'static str,
    /// Cancel.
    pub cancel: &'static str,
    /// Sync: not connected to the server.
    pub sync_disconnected: &'static str,
    /// Sync: connecting.
    pub sync_connecting: &'static str,
    /// Sync: exchanging changes.
    pub sync_syncing: &'static str,
    /// Sync: everything exchanged.
    pub sync_in_sync: &'static str,
    /// Before the count of changes waiting to sync.
    pub waiting_prefix: &'static str,
    /// After the count of changes waiting to sync.
    pub waiting_suffix: &'static str,
    /// Label of the last sync time.
    pub last_sync: &'static str,
    /// No sync yet.
    pub never_synced: &'static str,
    /// While a download is in progress.
    pub receiving: &'static str,
    /// Unit after a record count.
    pub records_unit: &'static str,
    /// Heading of the caseload list.
    pub caseload_heading: &'static str,
    /// The caseload is empty.
    pub no_persons: &'static str,
    /// Label of the latest contact date.
    pub last_contact: &'static str,
    /// Back to the previous screen.
    pub back: &'static str,
    /// Prefix of the buttons that create a record.
    pub new_record: &'static str,
    /// A person without records.
    pub timeline_empty: &'static str,
    /// Record status: draft.
    pub status_draft: &'static str,
    /// Record status: finalised.
    pub status_finalised: &'static str,
    /// Record status: amended.
    pub status_amended: &'static str,
    /// Badge of a record with unsent changes.
    pub not_sent: &'static str,
    /// Badge: the server refused the record.
    pub refused: &'static str,
    /// The save button.
    pub save: &'static str,
    /// Save and finalise.
    pub save_and_finalise: &'static str,
    /// After a successful save.
    pub saved: &'static str,
    /// Before the reason a save failed.
    pub save_failed: &'static str,
    /// Label of the amendment reason.
    pub amend_reason: &'static str,
    /// Shown above the form of a finalised record.
    pub finalised_note: &'static str,
    /// Marks a required field.
    pub required: &'static str,
    /// Yes.
    pub yes: &'static str,
    /// No.
    pub no: &'static str,
    /// Empty choice of a select.
    pub choose: &'static str,
    /// Heading of the amendment history.
    pub amendments: &'static str,
    /// Storage will not be evicted.
    pub storage_persistent: &'static str,
    /// Storage may be evicted by the browser.
    pub storage_best_effort: &'static str,
    /// Label of the idle-lock choice.
    pub idle_lock: &'static str,
    /// Unit after a number of minutes.
    pub minutes_unit: &'static str,
    /// Another tab has the device unlocked.
    pub open_in_other_tab: &'static str,
    /// Before the reason unlocking failed.
    pub unlock_failed: &'static str,
    /// The server revoked this device.
    pub device_revoked: &'static str,
    /// The server does not know this device.
    pub device_unknown: &'static str,
    /// A new app version is ready.
    pub update_available: &'static str,
    /// Reload into the new version.
    pub reload: &'static str,
    /// Heading of a record's versions.
    pub versions: &'static str,
    /// In a version: the record's status changed (finalised, amended).
    pub version_status: &'static str,
    /// In a version: an amendment was entered.
    pub version_amendment: &'static str,
    /// The author of records the server made (handover, backfills).
    pub system_author: &'static str,
    /// Before a user id when the change recorded no name.
    pub user_id_prefix: &'static str,
    /// Action item: what is to be done.
    pub action_what: &'static str,
    /// Action item: who does it.
    pub action_owner: &'static str,
    /// Action item: by when.
    pub action_due: &'static str,
    /// Action item: done.
    pub action_done: &'static str,
    /// Adds an action item.
    pub add_action: &'static str,
    /// Removes an action item.
    pub remove_action: &'static str,
}

/// Japanese (the default).
pub static JA: Texts = Texts {
    app_name: "つなぐ",
    tagline: "精神科長期入院からの地域移行・地域定着支援の記録",
    switch_language: "English",
    switch_language_label: "English（表示言語を英語に切り替える）",
    network_checking: "接続を確認中…",
    network_online: "オンライン",
    network_offline: "オフライン",
    sign_in_heading: "ログイン",
    username: "ユーザー名",
    password: "パスワード",
    sign_in: "ログイン",
    signing_in: "ログインしています…",
    sign_in_rejected: "ユーザー名またはパスワードが違います。",
    sign_in_throttled: "失敗が続いたため、しばらく待ってから再度お試しください。",
    sign_in_unavailable: "サーバーに接続できません。ネットワークを確認してください。",
    welcome_prefix: "ようこそ、",
    welcome_suffix: " さん",
    caseload: "担当している方",
    persons_unit: "人",
    sign_out: "ログアウト",
    loading: "読み込み中…",
    not_found: "ページが見つかりません",
    back_home: "トップへ戻る",
    unlock_heading: "ロックを解除",
    unlock: "解除する",
    device_of: "この端末の利用者: ",
    first_sign_in_note: "この端末での初回ログインにはネットワーク接続が必要です。以後はオフラインでも使えます。",
    unlocking: "記録を読み込んでいます…",
    lock: "ロック",
    sign_out_wipe: "ログアウト（端末のデータを消去）",
    unsent_warning_prefix: "送信されていない変更が ",
    unsent_warning_suffix: "件あります。ログアウトするとこれらは失われます。",
    sign_out_anyway: "それでもログアウトする",
    cancel: "キャンセル",
    sync_disconnected: "サーバー未接続",
    sync_connecting: "接続中…",
    sync_syncing: "同期中…",
    sync_in_sync: "同期済み",
    waiting_prefix: "未送信 ",
    waiting_suffix: "件",
    last_sync: "最終同期",
    never_synced: "まだ同期していません",
    receiving: "受信中",
    records_unit: "件",
    caseload_heading: "担当している方",
    no_persons: "担当している方の記録はまだこの端末にありません。同期をお待ちください。",
    last_contact: "最終記録日",
    back: "← 戻る",
    new_record: "新規: ",
    timeline_empty: "記録はまだありません。",
    status_draft: "下書き",
    status_finalised: "確定",
    status_amended: "修正あり",
    not_sent: "未送信",
    refused: "送信できません",
    save: "保存",
    save_and_finalise: "保存して確定",
    saved: "端末に保存しました。",
    save_failed: "保存できませんでした: ",
    amend_reason: "修正の理由（必須）",
    finalised_note: "確定済みの記録です。変更は理由とともに修正として残ります。",
    required: "必須",
    yes: "はい",
    no: "いいえ",
    choose: "選択してください",
    amendments: "修正履歴",
    storage_persistent: "端末保存: 永続",
    storage_best_effort: "端末保存: ブラウザが消す可能性あり",
    idle_lock: "自動ロック",
    minutes_unit: "分",
    open_in_other_tab: "つなぐは別のタブで開かれています。そのタブを使うか、閉じてから解除してください。",
    unlock_failed: "解除できませんでした: ",
    device_revoked: "この端末は利用停止されています。未送信の記録は端末に残っています。管理者に連絡してください。",
    device_unknown: "この端末はサーバーに登録されていません。未送信の記録は端末に残っています。管理者に連絡してください。",
    update_available: "新しいバージョンがあります。",
    reload: "再読み込み",
    versions: "版の履歴（だれが・いつ・どこを）",
    version_status: "状態（確定・修正）",
    version_amendment: "修正の理由",
    system_author: "システム",
    user_id_prefix: "利用者ID ",
    action_what: "内容",
    action_owner: "担当",
    action_due: "期限",
    action_done: "済",
    add_action: "＋ アクションを追加",
    remove_action: "削除",
};

/// English.
pub static EN: Texts = Texts {
    app_name: "Tsunagu",
    tagline: "Records for community transition and settlement support after long psychiatric stays",
    switch_language: "日本語",
    switch_language_label: "日本語 (switch the display language to Japanese)",
    network_checking: "Checking connection…",
    network_online: "Online",
    network_offline: "Offline",
    sign_in_heading: "Sign in",
    username: "User name",
    password: "Password",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    sign_in_rejected: "Wrong user name or password.",
    sign_in_throttled: "Too many failed attempts. Please wait a while and try again.",
    sign_in_unavailable: "The server cannot be reached. Please check the network.",
    welcome_prefix: "Welcome, ",
    welcome_suffix: "",
    caseload: "People on your caseload",
    persons_unit: "",
    sign_out: "Sign out",
    loading: "Loading…",
    not_found: "Page not found",
    back_home: "Back to the start page",
    unlock_heading: "Unlock",
    unlock: "Unlock",
    device_of: "This device belongs to: ",
    first_sign_in_note: "The first sign-in on this device needs the network. After that it works offline too.",
    unlocking: "Loading records…",
    lock: "Lock",
    sign_out_wipe: "Sign out (wipe this device)",
    unsent_warning_prefix: "There are ",
    unsent_warning_suffix: " changes not yet sent. Signing out loses them.",
    sign_out_anyway: "Sign out anyway",
    cancel: "Cancel",
    sync_disconnected: "Not connected",
    sync_connecting: "Connecting…",
    sync_syncing: "Syncing…",
    sync_in_sync: "In sync",
    waiting_prefix: "Waiting: ",
    waiting_suffix: "",
    last_sync: "Last sync",
    never_synced: "Not synced yet",
    receiving: "Receiving",
    records_unit: " records",
    caseload_heading: "My caseload",
    no_persons: "No one on your caseload is on this device yet. Wait for the sync.",
    last_contact: "Last record",
    back: "← Back",
    new_record: "New: ",
    timeline_empty: "No records yet.",
    status_draft: "Draft",
    status_finalised: "Finalised",
    status_amended: "Amended",
    not_sent: "Not sent",
    refused: "Refused",
    save: "Save",
    save_and_finalise: "Save and finalise",
    saved: "Saved on this device.",
    save_failed: "Could not save: ",
    amend_reason: "Reason for the change (required)",
    finalised_note: "This record is finalised. Changes are kept as an amendment with a reason.",
    required: "required",
    yes: "Yes",
    no: "No",
    choose: "Choose…",
    amendments: "Amendments",
    storage_persistent: "Storage: persistent",
    storage_best_effort: "Storage: may be evicted",
    idle_lock: "Auto-lock after",
    minutes_unit: " min",
    open_in_other_tab: "Tsunagu is open in another tab. Use that tab, or close it and unlock here.",
    unlock_failed: "Could not unlock: ",
    device_revoked: "This device has been revoked. Unsent notes stay on it. Please contact your administrator.",
    device_unknown: "The server does not know this device. Unsent notes stay on it. Please contact your administrator.",
    update_available: "A new version is available.",
    reload: "Reload",
    versions: "Versions (who changed what, when)",
    version_status: "status (finalised, amended)",
    version_amendment: "amendment reason",
    system_author: "System",
    user_id_prefix: "user id ",
    action_what: "What",
    action_owner: "Who",
    action_due: "Due",
    action_done: "Done",
    add_action: "+ Add an action",
    remove_action: "Remove",
};
