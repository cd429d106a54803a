//! Japanese-first, English-second UI text.
//!
//! Every string the UI shows lives in one [`Texts`] table per language, so a
//! missing translation is a compile error, not a blank label on a tablet.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tsunagu_sync::role::Role;

mod texts;
pub use texts::{EN, JA, Texts};

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
            .map(|(_, value)| Lang::from_code(value.trim()))
            .unwrap_or_default()
    }

    /// The language a [`Lang::code`] names; Japanese for any other code.
    fn from_code(code: &str) -> Lang {
        if code == Lang::En.code() {
            Lang::En
        } else {
            Lang::Ja
        }
    }

    /// This language's text table.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ja => &JA,
            Lang::En => &EN,
        }
    }
}

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
        // Hydrate in the language the page was rendered in (`<html lang>`);
        // the app then switches to the cookie's choice (see `cookie_lang`).
        crate::browser::document_lang_attr()
            .map(|code| Lang::from_code(&code))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::default()
    }
}

/// The language the cookie asks for (browser only).
#[cfg(feature = "hydrate")]
pub fn cookie_lang() -> Lang {
    crate::browser::document_cookie()
        .map(|cookie| Lang::from_cookie_header(&cookie))
        .unwrap_or_default()
}

/// Stores the language choice for a year so the server renders in it too
/// (browser only).
#[cfg(feature = "hydrate")]
pub fn remember_lang(lang: Lang) {
    crate::browser::set_cookie(&format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    ));
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
