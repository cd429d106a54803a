//! The accounts-and-devices tab's text, Japanese first and English second.

use crate::i18n::Lang;

/// Every fixed string of the accounts-and-devices tab in one language.
#[derive(Debug)]
pub struct AccountsTexts {
    /// The tab's button.
    pub tab: &'static str,
    /// Who administers, under the heading.
    pub who: &'static str,
    /// An enabled account.
    pub enabled: &'static str,
    /// Before when an account was disabled.
    pub disabled_since: &'static str,
    /// The administrator's own account.
    pub yourself: &'static str,
    /// Disable button.
    pub disable: &'static str,
    /// What disabling does.
    pub disable_effect: &'static str,
    /// Enable button.
    pub enable: &'static str,
    /// What enabling does.
    pub enable_effect: &'static str,
    /// No device registered.
    pub no_devices: &'static str,
    /// Before the registration time.
    pub registered: &'static str,
    /// Before the last contact.
    pub last_contact: &'static str,
    /// No contact yet.
    pub never: &'static str,
    /// Before the count of changes stored on the server.
    pub stored: &'static str,
    /// After the count.
    pub stored_unit: &'static str,
    /// Before the newest stored change's time.
    pub newest: &'static str,
    /// Standing: active.
    pub active: &'static str,
    /// Standing: revoked, before the time.
    pub revoked: &'static str,
    /// Standing: reported lost, wipe not confirmed, before the time.
    pub reported_lost: &'static str,
    /// Standing: wiped, before the time.
    pub wiped: &'static str,
    /// Revoke button.
    pub revoke: &'static str,
    /// What revoking does to unsent notes.
    pub revoke_effect: &'static str,
    /// Report-lost button.
    pub report_lost: &'static str,
    /// What reporting lost does to unsent notes.
    pub report_lost_effect: &'static str,
    /// Reset-password button.
    pub reset_password: &'static str,
    /// What resetting a password does.
    pub reset_password_effect: &'static str,
    /// The account has an authenticator app.
    pub second_factor_on: &'static str,
    /// The account has none yet.
    pub second_factor_off: &'static str,
    /// Reset-second-factor button.
    pub reset_second_factor: &'static str,
    /// What resetting the second factor does.
    pub reset_second_factor_effect: &'static str,
    /// Above a temporary password just issued.
    pub issued_for: &'static str,
    /// Under the temporary password.
    pub issued_note: &'static str,
    /// Confirms the chosen action.
    pub confirm: &'static str,
    /// Cancels it.
    pub cancel: &'static str,
    /// After an action went through.
    pub done: &'static str,
}

const JA: AccountsTexts = AccountsTexts {
    tab: "アカウントと端末",
    who: "アカウントと端末の管理は事業コーディネーターが行います。操作はすべて監査記録に残ります。",
    enabled: "有効",
    disabled_since: "無効（",
    yourself: "自分のアカウント",
    disable: "アカウントを無効にする",
    disable_effect: "ログイン中のセッションをすべて終了し、この人のすべての端末を利用停止します。接続中の端末は約1秒で切断されます。記録と履歴は残ります。",
    enable: "アカウントを有効に戻す",
    enable_effect: "再びログインできるようになります。端末は利用停止のままなので、改めてログインして登録します。",
    no_devices: "登録された端末はありません。",
    registered: "登録 ",
    last_contact: "最終接続 ",
    never: "なし",
    stored: "サーバー保存 ",
    stored_unit: " 件",
    newest: "、最新 ",
    active: "利用中",
    revoked: "利用停止 ",
    reported_lost: "紛失届（消去の確認待ち） ",
    wiped: "消去済み ",
    revoke: "利用停止",
    revoke_effect: "故障・交換した端末向け: この端末は同期できなくなります。未送信の記録は端末に残りますが、サーバーには届きません。",
    report_lost: "紛失を届け出る",
    report_lost_effect: "紛失・盗難の端末向け: 次にサーバーに接続したとき（接続中ならすぐに）端末内のデータをすべて消去します。未送信の記録は失われます。",
    reset_password: "パスワードを再発行",
    reset_password_effect: "仮のパスワードを発行します。本人は次のログインで新しいパスワードを決めます。ログイン中のセッションは終了します。端末はそのままで、端末のロック解除はこれまでのパスワードで行います。",
    second_factor_on: "二要素認証: 設定済み",
    second_factor_off: "二要素認証: 未設定",
    reset_second_factor: "二要素認証をリセット",
    reset_second_factor_effect: "認証アプリと回復コードの登録を消します（スマートフォンをなくしたときなど）。本人は次のログインで認証アプリを設定し直します。ログイン中のセッションは終了します。端末と未送信の記録はそのままです。",
    issued_for: "仮のパスワードを発行しました。",
    issued_note: "本人に直接伝えてください。この画面を離れると二度と表示されません。",
    confirm: "実行する",
    cancel: "やめる",
    done: "実行しました。",
};

const EN: AccountsTexts = AccountsTexts {
    tab: "Accounts & devices",
    who: "Programme coordinators administer accounts and devices. Every action is kept in the audit trail.",
    enabled: "Enabled",
    disabled_since: "Disabled (",
    yourself: "Your own account",
    disable: "Disable account",
    disable_effect: "Ends every session and revokes every device of this person; a connected tablet is cut off within about a second. Their records and history stay.",
    enable: "Enable account again",
    enable_effect: "They can sign in again. Their devices stay revoked: they sign in afresh to register one.",
    no_devices: "No device registered.",
    registered: "Registered ",
    last_contact: "Last contact ",
    never: "never",
    stored: "Stored on the server: ",
    stored_unit: " change(s)",
    newest: ", newest ",
    active: "Active",
    revoked: "Revoked ",
    reported_lost: "Reported lost (wipe not confirmed yet) ",
    wiped: "Wiped ",
    revoke: "Revoke",
    revoke_effect: "For a broken or replaced tablet: it stops syncing. Unsent notes stay on the tablet but never reach the server.",
    report_lost: "Report lost",
    report_lost_effect: "For a lost or stolen tablet: at its next contact (at once, if it is connected) it erases everything it holds. Unsent notes are lost.",
    reset_password: "Reset password",
    reset_password_effect: "Issues a temporary password; they choose their own at their next sign-in. Their sessions end. Their devices stay as they are and still unlock with the old password.",
    second_factor_on: "Two-factor: set up",
    second_factor_off: "Two-factor: not set up",
    reset_second_factor: "Reset two-factor",
    reset_second_factor_effect: "Removes their authenticator app and recovery codes (a lost phone, say). They set up an app again at their next sign-in. Their sessions end; their devices and unsent notes stay as they are.",
    issued_for: "Temporary password issued:",
    issued_note: "Hand it over in person. It is not shown again once you leave this screen.",
    confirm: "Go ahead",
    cancel: "Cancel",
    done: "Done.",
};

/// The tab's text in `lang`.
pub fn texts(lang: Lang) -> &'static AccountsTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}
