//! The receipt line of a record form: "saved on this tablet", "reached
//! the server at HH:MM", or "refused: why, and what to do", with "send
//! again" and, for a note the server never stored, "discard" behind a
//! confirmation.

use crate::i18n::{Lang, use_lang};
use crate::local::receipts::{Receipt, discard, receipt, send_again};
use crate::local::state::{ClientState, Screen};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use tsunagu_sync::protocol::Rejection;

/// Why the server refused a note, and what the user can do, in `lang`.
pub fn refusal_text(lang: Lang, reason: &Rejection) -> (String, &'static str) {
    let ja = lang == Lang::Ja;
    match reason {
        Rejection::Forbidden if ja => (
            "この方の担当でないか、この種類の記録を書く権限がありません。".into(),
            "担当をコーディネーターに確かめ、担当に戻ったら「もう一度送る」を押してください。不要なら破棄できます。",
        ),
        Rejection::Forbidden => (
            "You are not assigned to this person, or may not write this kind of record.".into(),
            "Check the assignment with the coordinator and tap “Send again” once it is back. If the note is not needed, discard it.",
        ),
        Rejection::Invalid(why) if ja => (
            format!("記録の内容を受け付けられませんでした（{why}）。"),
            "内容を直して保存すると、もう一度送られます。",
        ),
        Rejection::Invalid(why) => (
            format!("The record's content was not accepted ({why})."),
            "Correct it and save: it is sent again.",
        ),
        Rejection::TooLarge(why) if ja => (
            format!("記録が大きすぎます（{why}）。"),
            "文章を短くして保存すると、もう一度送られます。",
        ),
        Rejection::TooLarge(why) => (
            format!("The record is too large ({why})."),
            "Shorten it and save: it is sent again.",
        ),
        Rejection::Finalised if ja => (
            "確定済みの記録は、理由を添えた修正でしか変えられません。".into(),
            "修正理由を書いて保存し直してください。",
        ),
        Rejection::Finalised => (
            "A finalised record changes only by an amendment with a reason.".into(),
            "Give the reason for the amendment and save again.",
        ),
        Rejection::MissingHistory if ja => (
            "サーバーにない履歴に基づいています。".into(),
            "「もう一度送る」を押してください。続くときは管理者に連絡してください。",
        ),
        Rejection::MissingHistory => (
            "It builds on history the server does not have.".into(),
            "Tap “Send again”; if it persists, contact the administrator.",
        ),
        Rejection::Authorship if ja => (
            "記録の作成者・編集者の情報が、サインインしている方と一致しません。".into(),
            "この端末を使う方がサインインし直し、管理者に連絡してください。",
        ),
        Rejection::Authorship => (
            "The record names someone other than the signed-in user as its author.".into(),
            "Sign in as the tablet's user again and contact the administrator.",
        ),
    }
}

/// What the receipt line says, in `lang`.
#[derive(Clone, Copy)]
struct ReceiptTexts {
    waiting: &'static str,
    reached: &'static str,
    refused: &'static str,
    send_again: &'static str,
    discard: &'static str,
    confirm: &'static str,
    confirm_yes: &'static str,
    keep: &'static str,
}

fn texts(lang: Lang) -> ReceiptTexts {
    match lang {
        Lang::Ja => ReceiptTexts {
            waiting: "この端末に保存済み・サーバー未送信",
            reached: "サーバーに届きました ",
            refused: "サーバーが受け付けませんでした：",
            send_again: "もう一度送る",
            discard: "この記録を破棄する",
            confirm: "この記録はサーバーに届いていません。破棄すると元に戻せません。破棄しますか？",
            confirm_yes: "破棄する",
            keep: "残す",
        },
        Lang::En => ReceiptTexts {
            waiting: "Saved on this tablet, not yet on the server",
            reached: "Reached the server at ",
            refused: "The server refused it: ",
            send_again: "Send again",
            discard: "Discard this record",
            confirm: "This record never reached the server. Discarding it cannot be undone. Discard it?",
            confirm_yes: "Discard",
            keep: "Keep it",
        },
    }
}

/// The receipt of the record `id` shows (nothing for a form not saved
/// yet); `person` is where a discarded note's form goes back to.
#[component]
pub fn RecordReceipt(
    /// The record, once saved.
    id: Signal<Option<String>>,
    /// The person the record belongs to.
    person: String,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let confirming = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let current = move || {
        state.revision.track();
        id.get().and_then(|id| receipt(&id))
    };
    let person = StoredValue::new(person);
    let again = move |_| {
        let Some(id) = id.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            failed.set(send_again(id).await.err());
        });
    };
    let drop_it = move |_| {
        let Some(id) = id.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match discard(id).await {
                Ok(()) => state.open(Screen::Person(person.get_value())),
                Err(error) => failed.set(Some(error)),
            }
        });
    };
    move || {
        let t = texts(lang.get());
        let line = match current()? {
            Receipt::Waiting => EitherOf3::A(view! {
                <p class="receipt" data-testid="receipt" data-state="waiting">{t.waiting}</p>
            }),
            Receipt::Reached(at) => EitherOf3::B(view! {
                <p class="receipt ok" data-testid="receipt" data-state="reached">{t.reached}{at}</p>
            }),
            Receipt::InSync => return None,
            Receipt::Refused {
                reason,
                discardable,
            } => {
                let (why, what) = refusal_text(lang.get(), &reason);
                EitherOf3::C(view! {
                    <div class="receipt refused" role="alert" data-testid="receipt" data-state="refused">
                        <p><strong>{t.refused}</strong>{why}</p>
                        <p>{what}</p>
                        <div class="form-actions">
                            <button type="button" class="button primary" data-testid="send-again"
                                on:click=again>{t.send_again}</button>
                            {discardable.then(|| view! {
                                <button type="button" class="button secondary" data-testid="discard"
                                    on:click=move |_| confirming.set(true)>{t.discard}</button>
                            })}
                        </div>
                        <Show when=move || confirming.get()>
                            <div class="confirm" data-testid="discard-confirm">
                                <p>{t.confirm}</p>
                                <div class="form-actions">
                                    <button type="button" class="button danger" data-testid="discard-yes"
                                        on:click=drop_it>{t.confirm_yes}</button>
                                    <button type="button" class="button secondary"
                                        on:click=move |_| confirming.set(false)>{t.keep}</button>
                                </div>
                            </div>
                        </Show>
                    </div>
                })
            }
        };
        Some(view! {
            {line}
            {move || failed.get().map(|error| view! { <p class="error" role="alert">{error}</p> })}
        })
    }
}
