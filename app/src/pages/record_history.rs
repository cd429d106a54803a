//! A record's versions under its form: who changed which fields, when.
//! Read from the record's own automerge history on the device, so it works
//! offline and shows edits made offline elsewhere once they have merged.

use crate::i18n::use_lang;
use crate::labels::field_label;
use crate::local::state::ClientState;
use crate::local::with_device;
use leptos::prelude::*;
use tsunagu_sync::japan_time;
use tsunagu_sync::record::history::Version;

/// The author's name as the change recorded it, or their id.
fn who(lang: crate::i18n::Lang, version: &Version) -> String {
    let texts = lang.texts();
    match (&version.name, version.by.as_str()) {
        (Some(name), _) => name.clone(),
        (None, "server") => texts.system_author.to_owned(),
        (None, id) => format!("{}{id}", texts.user_id_prefix),
    }
}

/// What changed, in the user's words.
fn what(lang: crate::i18n::Lang, version: &Version) -> String {
    let texts = lang.texts();
    let separator = if lang == crate::i18n::Lang::Ja {
        "、"
    } else {
        ", "
    };
    version
        .changed
        .iter()
        .map(|name| match name.as_str() {
            "status" => texts.version_status.to_owned(),
            "amendment" => texts.version_amendment.to_owned(),
            field => field_label(lang, field),
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// The versions of `record`, oldest first, folded away until opened.
#[component]
pub fn VersionHistory(
    /// The record's id.
    record: String,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let versions = move || {
        state.revision.track();
        with_device(|store, _| store.record_mut(&record).map(|r| r.versions()))
            .flatten()
            .unwrap_or_default()
    };
    view! {
        <details class="versions" data-testid="versions">
            <summary>{move || lang.get().texts().versions}</summary>
            <ol>
                {move || versions().into_iter().map(|version| {
                    let at = japan_time::local(version.at).format("%Y-%m-%d %H:%M").to_string();
                    view! {
                        <li data-testid="version">
                            <span class="date">{at}</span> " "
                            <strong data-testid="version-author">{who(lang.get(), &version)}</strong> " "
                            <span data-testid="version-fields">{what(lang.get(), &version)}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </details>
    }
}
