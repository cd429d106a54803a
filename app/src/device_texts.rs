//! What the app says about the device's own life (the unlock limit, a
//! wipe, a token that expired), Japanese first and English second, kept
//! apart so the main table stays about the field work.

use crate::i18n::Lang;
use crate::local::state::WipeReason;

/// The unlock button while the password is checked.
pub fn checking_password(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "確認しています…",
        Lang::En => "Checking…",
    }
}

/// The sync status's alert: notes the server refused.
pub fn refused_notes(lang: Lang, count: usize) -> String {
    match lang {
        Lang::Ja => format!("送信できない記録 {count}件（記録を開くと理由が出ます）"),
        Lang::En => format!("{count} refused (open the note to see why)"),
    }
}

/// The header's alert for a device whose token expired unused.
pub fn expired(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => {
            "この端末は長期間サーバーに接続しなかったため、登録が期限切れになりました。未送信の記録は端末に残っています。管理者に連絡してください。"
        }
        Lang::En => {
            "This device's registration expired because it did not reach the server for a long time. Unsent notes stay on it. Please contact your administrator."
        }
    }
}

/// The sign-in form's notice after the device wiped itself.
pub fn wiped(lang: Lang, reason: WipeReason) -> &'static str {
    match (lang, reason) {
        (Lang::Ja, WipeReason::ReportedLost) => {
            "この端末は紛失の届け出があったため、端末内の記録をすべて消去しました。引き続き使う場合は管理者に連絡してください。"
        }
        (Lang::En, WipeReason::ReportedLost) => {
            "This device was reported lost, so it erased every record it held. To use it again, contact your administrator."
        }
        (Lang::Ja, WipeReason::UnlockLimit) => {
            "パスワードを続けて間違えたため、端末内の記録をすべて消去しました。送信前だった記録は失われています。もう一度ログインしてください。"
        }
        (Lang::En, WipeReason::UnlockLimit) => {
            "Too many wrong passwords in a row, so this device erased every record it held. Notes that had not been sent are lost. Please sign in again."
        }
    }
}

/// A wrong password, and how many more the device allows before it wipes.
pub fn wrong_password(lang: Lang, left: u32) -> String {
    match lang {
        Lang::Ja => format!(
            "パスワードが違います。あと {left} 回間違えると、この端末の記録はすべて消去されます。"
        ),
        Lang::En => format!(
            "Wrong password. {left} more wrong attempt(s) and this device erases all its records."
        ),
    }
}

/// The wait before the next attempt, in whole seconds (rounded up).
pub fn wait(lang: Lang, ms: u32) -> String {
    let seconds = ms.div_ceil(1_000).max(1);
    match lang {
        Lang::Ja => format!("続けて間違えたため、{seconds} 秒待ってからもう一度入力してください。"),
        Lang::En => format!("Too many wrong passwords: wait {seconds} s, then try again."),
    }
}

/// The header's connection when the browser is online but the server
/// cannot be reached.
pub fn server_unreachable(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "サーバーに接続できません",
        Lang::En => "Server unreachable",
    }
}

/// How much of the browser's quota the app uses.
pub fn storage_usage(lang: Lang, used_mb: &str, quota_mb: &str, percent: u32) -> String {
    match lang {
        Lang::Ja => format!("使用 {used_mb} MB / {quota_mb} MB（{percent}%）"),
        Lang::En => format!("Using {used_mb} MB of {quota_mb} MB ({percent}%)"),
    }
}

/// The warning near the quota.
pub fn storage_nearly_full(lang: Lang, percent: u32) -> String {
    match lang {
        Lang::Ja => format!(
            "この端末の保存容量の {percent}% を使っています。いっぱいになると新しい記録を保存できません。同期して、端末の写真や他のアプリのデータを整理してください。"
        ),
        Lang::En => format!(
            "This app uses {percent}% of the storage the browser allows it. When it is full, new notes cannot be saved: sync, and free space on the tablet (photos, other apps)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_device_message_differs_between_the_languages_and_carries_its_number() {
        for reason in [WipeReason::ReportedLost, WipeReason::UnlockLimit] {
            assert_ne!(wiped(Lang::Ja, reason), wiped(Lang::En, reason));
        }
        assert_ne!(expired(Lang::Ja), expired(Lang::En));
        for lang in [Lang::Ja, Lang::En] {
            assert!(wrong_password(lang, 7).contains('7'));
            assert!(wait(lang, 1_001).contains('2'), "{}", wait(lang, 1_001));
            assert!(
                wait(lang, 20).contains('1'),
                "a wait under a second reads as 1 s"
            );
        }
    }
}
