//! The two-factor sign-in screens' fixed text, Japanese first.

use crate::i18n::Lang;

/// The screens' text in one language.
#[derive(Debug)]
pub struct SecondFactorTexts {
    /// Heading of the code step.
    pub code_heading: &'static str,
    /// What the code step asks for.
    pub needed: &'static str,
    /// The code field's label.
    pub code_label: &'static str,
    /// Submit on the code step.
    pub code_submit: &'static str,
    /// While a code is being checked.
    pub checking: &'static str,
    /// A wrong or spent code.
    pub wrong_code: &'static str,
    /// Back to user name and password.
    pub start_over: &'static str,
    /// Heading of the enrolment step.
    pub enrol_heading: &'static str,
    /// Why and how to enrol.
    pub intro: &'static str,
    /// Before the secret in text.
    pub secret_label: &'static str,
    /// The first code's label.
    pub first_code: &'static str,
    /// Submit on the enrolment step.
    pub confirm: &'static str,
    /// While the secret is drawn.
    pub preparing: &'static str,
    /// Heading of the recovery codes.
    pub codes_heading: &'static str,
    /// What the recovery codes are for.
    pub codes_intro: &'static str,
    /// Continue after the recovery codes.
    pub codes_saved: &'static str,
    /// Placeholder of the code field when a session is renewed.
    pub renew_code: &'static str,
}

const JA: SecondFactorTexts = SecondFactorTexts {
    code_heading: "確認コードを入力してください",
    needed: "認証アプリに表示されている6桁の確認コードを入力してください。スマートフォンが手元にないときは、回復コードのひとつを入力できます。",
    code_label: "確認コード（6桁）または回復コード",
    code_submit: "確認してログイン",
    checking: "確認しています…",
    wrong_code: "確認コードが違うか、すでに使われています。認証アプリに表示されている新しいコードを入力してください。",
    start_over: "最初からやり直す",
    enrol_heading: "二要素認証を設定してください",
    intro: "ログインには、パスワードに加えて認証アプリの確認コードが必要です。スマートフォンの認証アプリ（Google Authenticator、Microsoft Authenticator など）で、下のQRコードを読み取ってください。",
    secret_label: "読み取れないときは、このキーをアプリに手で入力してください：",
    first_code: "アプリに表示された6桁のコード",
    confirm: "確認して設定する",
    preparing: "準備しています…",
    codes_heading: "回復コードを保管してください",
    codes_intro: "スマートフォンをなくしたときは、これらのコードでログインできます。それぞれ1回だけ使えます。この画面は二度と表示されません。紙に書き写し、鍵のかかる場所に保管してください。",
    codes_saved: "保管しました。続ける",
    renew_code: "確認コード（設定している場合）",
};

const EN: SecondFactorTexts = SecondFactorTexts {
    code_heading: "Enter your code",
    needed: "Enter the 6-digit code your authenticator app shows. Without your phone, enter one of your recovery codes instead.",
    code_label: "Code (6 digits) or recovery code",
    code_submit: "Check and sign in",
    checking: "Checking…",
    wrong_code: "The code is wrong or was used already. Enter the new code your authenticator app shows.",
    start_over: "Start again",
    enrol_heading: "Set up two-factor sign-in",
    intro: "Signing in needs a code from an authenticator app as well as your password. Scan this QR code with the authenticator app on your phone (Google Authenticator, Microsoft Authenticator, …).",
    secret_label: "If it will not scan, type this key into the app:",
    first_code: "The 6-digit code the app shows",
    confirm: "Check and set up",
    preparing: "Preparing…",
    codes_heading: "Keep your recovery codes",
    codes_intro: "If you lose your phone, these codes sign you in, each one once. This screen will not be shown again: copy them onto paper and keep it locked away.",
    codes_saved: "I have kept them — continue",
    renew_code: "Code (if you have set one up)",
};

/// The screens' text in `lang`.
pub fn texts(lang: Lang) -> &'static SecondFactorTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}
