//! Japanese-first, English-second UI text.
//!
//! Every string the UI shows lives in one [`Texts`] table per language, so a
//! missing translation is a compile error, not a blank label on a tablet.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tsunagu_sync::role::Role;

/// The name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "tsunagu_lang";

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// 日本語, the default.
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 code for `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    /// Reads the language from a `Cookie` header value; Japanese when absent or unknown.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .map(|(_, value)| {
                if value.trim() == "en" {
                    Lang::En
                } else {
                    Lang::Ja
                }
            })
            .unwrap_or_default()
    }

    /// This language's text table.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }
}

/// Every fixed string of the UI in one language.
#[derive(Debug)]
pub struct Texts {
    /// The product name as shown in the header.
    pub app_name: &'static str,
    /// One line saying what the app is for.
    pub tagline: &'static str,
    /// The language switch's label: the name of the language it switches to.
    pub switch_language: &'static str,
    /// Accessible label of the language switch.
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
}

/// Japanese (the default).
pub static JA: Texts = Texts {
    app_name: "つなぐ",
    tagline: "精神科長期入院からの地域移行・地域定着支援の記録",
    switch_language: "English",
    switch_language_label: "表示言語を英語に切り替える",
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
};

/// English.
pub static EN: Texts = Texts {
    app_name: "Tsunagu",
    tagline: "Records for community transition and settlement support after long psychiatric stays",
    switch_language: "日本語",
    switch_language_label: "Switch the display language to Japanese",
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
};

/// The role's name in this language (glossary of `DOMAIN.md` §6).
pub fn role_label(lang: Lang, role: Role) -> &'static str {
    match (lang, role) {
        (Lang::Ja, Role::SupportSpecialist) => "相談支援専門員",
        (Lang::Ja, Role::PeerSupporter) => "ピアサポーター",
        (Lang::Ja, Role::VisitingNurse) => "訪問看護師",
        (Lang::Ja, Role::Caseworker) => "生活保護担当者",
        (Lang::Ja, Role::Coordinator) => "事業コーディネーター",
        (Lang::Ja, Role::Auditor) => "監査担当者",
        (Lang::En, Role::SupportSpecialist) => "Consultation support specialist",
        (Lang::En, Role::PeerSupporter) => "Peer supporter",
        (Lang::En, Role::VisitingNurse) => "Visiting nurse",
        (Lang::En, Role::Caseworker) => "Public-assistance caseworker",
        (Lang::En, Role::Coordinator) => "Programme coordinator",
        (Lang::En, Role::Auditor) => "Auditor",
    }
}

/// The language the request asked for (server) or the page was rendered in (browser).
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|value| value.to_str().ok())
                    .map(Lang::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        crate::browser::document_cookie()
            .map(|cookie| Lang::from_cookie_header(&cookie))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::default()
    }
}

/// Puts the UI language into context; call once at the root.
pub fn provide_lang() -> RwSignal<Lang> {
    let lang = RwSignal::new(initial_lang());
    provide_context(lang);
    lang
}

/// The UI language signal from context.
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_selects_language_and_defaults_to_japanese() {
        assert_eq!(Lang::from_cookie_header("tsunagu_lang=en"), Lang::En);
        assert_eq!(
            Lang::from_cookie_header("a=b; tsunagu_lang=en; c=d"),
            Lang::En
        );
        assert_eq!(Lang::from_cookie_header("tsunagu_lang=ja"), Lang::Ja);
        assert_eq!(Lang::from_cookie_header("tsunagu_lang=fr"), Lang::Ja);
        assert_eq!(Lang::from_cookie_header("other_lang=en"), Lang::Ja);
        assert_eq!(Lang::from_cookie_header(""), Lang::Ja);
    }

    #[test]
    fn every_role_has_a_label_in_both_languages() {
        for role in Role::ALL {
            assert!(!role_label(Lang::Ja, role).is_empty());
            assert!(!role_label(Lang::En, role).is_empty());
            assert_ne!(role_label(Lang::Ja, role), role_label(Lang::En, role));
        }
    }
}
