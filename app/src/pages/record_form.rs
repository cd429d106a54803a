//! Create and edit form for any record kind, built from the kind's field
//! list: narrative fields are text areas, choices are selects, dates and
//! times use the tablet's pickers. Saving writes to the device only.

use crate::i18n::use_lang;
use crate::labels::{choice_label, field_label, kind_label};
use crate::local::edits::{FormInput, field_text, parse_field};
use crate::local::state::{ClientState, Screen};
use crate::local::{current_user, with_device};
use crate::pages::action_items::{ActionItemsEditor, ActionLists, items_to_save};
use crate::pages::person::status_label;
use crate::pages::receipt::RecordReceipt;
use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;
use std::collections::BTreeMap;
use tsunagu_sync::policy;
use tsunagu_sync::record::actions::ActionItem;
use tsunagu_sync::record::schema::{FieldSpec, FieldType, RecordKind};
use tsunagu_sync::record::{ChangeHash, Status};

/// What the form was opened with.
#[derive(Debug, Clone, Default)]
struct Loaded {
    values: BTreeMap<String, String>,
    status: Option<Status>,
    base: Vec<ChangeHash>,
    amendments: Vec<(String, String, String)>,
    actions: BTreeMap<String, Vec<ActionItem>>,
}

fn load(kind: RecordKind, record: Option<&str>) -> Loaded {
    let Some(id) = record else {
        let mut values = BTreeMap::new();
        // A new note is usually about today: its first required date
        // (occurred on, held on, created on, ...) starts as today.
        if let Some(field) = kind
            .spec()
            .fields
            .iter()
            .find(|f| f.required && f.ty == FieldType::Date)
        {
            values.insert(
                field.name.to_owned(),
                tsunagu_sync::policy::japan_date(chrono::Utc::now()).to_string(),
            );
        }
        return Loaded {
            values,
            ..Loaded::default()
        };
    };
    with_device(|store, _| {
        let record = store.record_mut(id)?;
        let mut values = BTreeMap::new();
        let mut actions = BTreeMap::new();
        for field in kind.spec().fields {
            if field.ty == FieldType::Actions {
                actions.insert(
                    field.name.to_owned(),
                    record.actions(field.name).unwrap_or_default(),
                );
                continue;
            }
            let text = if field.ty == FieldType::Narrative {
                record.text(field.name).unwrap_or_default()
            } else {
                record
                    .get(field.name)
                    .ok()
                    .flatten()
                    .map(|v| field_text(&v))
                    .unwrap_or_default()
            };
            values.insert(field.name.to_owned(), text);
        }
        let amendments = record
            .amendments()
            .unwrap_or_default()
            .into_iter()
            .map(|(at, by, reason)| (at.format("%Y-%m-%d %H:%M").to_string(), by, reason))
            .collect();
        Some(Loaded {
            values,
            status: Some(record.meta().status),
            base: record.heads(),
            amendments,
            actions,
        })
    })
    .flatten()
    .unwrap_or_default()
}

fn collect(
    kind: RecordKind,
    values: &BTreeMap<String, String>,
    actions: &BTreeMap<String, Vec<ActionItem>>,
) -> Result<FormInput, String> {
    let mut input = FormInput::default();
    for field in kind.spec().fields {
        if field.ty == FieldType::Actions {
            let items = actions
                .get(field.name)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let items = items_to_save(items).map_err(|bad| format!("{}: {bad}", field.name))?;
            input.actions.push((field.name.to_owned(), items));
            continue;
        }
        let raw = values.get(field.name).cloned().unwrap_or_default();
        if field.ty == FieldType::Narrative {
            input.texts.push((field.name.to_owned(), raw));
        } else {
            let value =
                parse_field(field.ty, &raw).map_err(|bad| format!("{}: {bad}", field.name))?;
            input.scalars.push((field.name.to_owned(), value));
        }
    }
    Ok(input)
}

/// The form; `record` is `None` for a new record.
#[component]
pub fn RecordForm(
    /// The person the record is about.
    person: String,
    /// Its kind.
    kind: RecordKind,
    /// The record's id; `None` for a new record.
    record: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let state = ClientState::get();
    let loaded = load(kind, record.as_deref());
    let values = RwSignal::new(loaded.values.clone());
    let actions: ActionLists = RwSignal::new(loaded.actions.clone());
    let reason = RwSignal::new(String::new());
    let message = RwSignal::new(None::<Result<(), String>>);
    let saving = RwSignal::new(false);
    let status = RwSignal::new(loaded.status);
    let finalised = move || matches!(status.get(), Some(Status::Finalised | Status::Amended));
    let may_write = current_user()
        .map(|u| policy::access(u.role, kind).write)
        .unwrap_or(false);
    let base = StoredValue::new(loaded.base.clone());
    // The record's id; a new note gets one at its first save.
    let saved_id = RwSignal::new(record.clone());
    let person_back = person.clone();
    let person_receipt = person.clone();

    let save = move |finalise: bool| {
        if saving.get_untracked() {
            return;
        }
        let mut input = match collect(kind, &values.get_untracked(), &actions.get_untracked()) {
            Ok(input) => input,
            Err(error) => {
                message.set(Some(Err(error)));
                return;
            }
        };
        input.finalise = finalise;
        input.reason = reason.get_untracked();
        saving.set(true);
        #[cfg(feature = "hydrate")]
        {
            let person = person.clone();
            leptos::task::spawn_local(async move {
                use crate::local::saving::{create_record, update_record};
                let result = match saved_id.get_untracked() {
                    Some(id) => update_record(id.clone(), base.get_value(), input)
                        .await
                        .map(|_| id),
                    None => create_record(kind, person, input).await,
                };
                saving.set(false);
                match result {
                    Ok(id) => {
                        // The form now edits from what was just saved.
                        let now = with_device(|store, _| {
                            store.record_mut(&id).map(|r| (r.heads(), r.meta().status))
                        })
                        .flatten();
                        if let Some((heads, saved_status)) = now {
                            base.set_value(heads);
                            status.set(Some(saved_status));
                        }
                        // A new note now lives at its record's address (an
                        // existing one keeps its id, and its open history).
                        if saved_id.get_untracked().is_none() {
                            state.rename(Screen::Record(id.clone()));
                            saved_id.set(Some(id));
                        }
                        reason.set(String::new());
                        message.set(Some(Ok(())));
                    }
                    Err(error) => message.set(Some(Err(error))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (input, &person, base, status, saved_id);
    };
    let save_plain = save.clone();

    view! {
        <button class="button secondary back"
            on:click=move |_| state.open(Screen::Person(person_back.clone()))>
            {move || lang.get().texts().back}
        </button>
        <section class="card record-form" data-testid="record-form" data-kind=kind.as_str()>
            <h2>
                {move || kind_label(lang.get(), kind)}
                {move || status.get().map(|status| view! {
                    <span class="badge" data-testid="record-status">{move || status_label(lang.get(), status)}</span>
                })}
            </h2>
            <RecordReceipt id=saved_id.into() person=person_receipt/>
            <Show when=finalised>
                <p class="hint">{move || lang.get().texts().finalised_note}</p>
            </Show>
            <form on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                save_plain(false);
            }>
                {kind.spec().fields.iter().map(|field| view! { <Field field values actions/> }).collect_view()}
                <Show when=finalised>
                    <label>
                        <span>{move || lang.get().texts().amend_reason}</span>
                        <input type="text" name="reason" data-testid="amend-reason" bind:value=reason/>
                    </label>
                </Show>
                <div class="form-actions">
                    <button type="submit" class="button primary" data-testid="save"
                        disabled=move || saving.get() || !may_write>
                        {move || lang.get().texts().save}
                    </button>
                    <Show when=move || !finalised() && may_write>
                        {
                            let save = save.clone();
                            view! {
                                <button type="button" class="button secondary" data-testid="save-finalise"
                                    disabled=move || saving.get()
                                    on:click=move |_| save(true)>
                                    {move || lang.get().texts().save_and_finalise}
                                </button>
                            }
                        }
                    </Show>
                </div>
            </form>
            {move || message.get().map(|result| match result {
                Ok(()) => Either::Left(view! { <p class="ok" role="status" data-testid="saved">{lang.get().texts().saved}</p> }),
                Err(error) => Either::Right(view! {
                    <p class="error" role="alert" data-testid="save-error">{lang.get().texts().save_failed}{error}</p>
                }),
            })}
            {(!loaded.amendments.is_empty()).then(|| view! {
                <h3>{move || lang.get().texts().amendments}</h3>
                <ul class="amendments">
                    {loaded.amendments.iter().map(|(at, _by, why)| view! { <li>{at.clone()} " — " {why.clone()}</li> }).collect_view()}
                </ul>
            })}
            // A new note gets its history at its first save.
            {move || saved_id.get().map(|record| view! { <super::record_history::VersionHistory record/> })}
        </section>
    }
}

#[component]
fn Field(
    field: &'static FieldSpec,
    values: RwSignal<BTreeMap<String, String>>,
    actions: ActionLists,
) -> impl IntoView {
    let lang = use_lang();
    let name = field.name;
    let value = move || values.with(|v| v.get(name).cloned().unwrap_or_default());
    let set = move |text: String| {
        values.update(|v| {
            v.insert(name.to_owned(), text);
        })
    };
    if field.ty == FieldType::Actions {
        // Its rows have labels of their own, which a <label> may not hold.
        return Either::Left(view! {
            <div class="field actions-field">
                <span>{move || field_label(lang.get(), name)}</span>
                <ActionItemsEditor name lists=actions/>
            </div>
        });
    }
    let control = match field.ty {
        FieldType::Narrative => EitherOf4::A(view! {
            <textarea name=name rows="5" prop:value=value
                on:input=move |ev| set(event_target_value(&ev))></textarea>
        }),
        FieldType::Choice(choices) => EitherOf4::B(view! {
            <select name=name prop:value=value on:change=move |ev| set(event_target_value(&ev))>
                <option value="">{move || lang.get().texts().choose}</option>
                {choices.iter().map(|choice| view! {
                    <option value=*choice selected=move || value() == *choice>
                        {move || choice_label(lang.get(), choice)}
                    </option>
                }).collect_view()}
            </select>
        }),
        FieldType::Flag => EitherOf4::C(view! {
            <select name=name prop:value=value on:change=move |ev| set(event_target_value(&ev))>
                <option value="">{move || lang.get().texts().choose}</option>
                <option value="true" selected=move || value() == "true">{move || lang.get().texts().yes}</option>
                <option value="false" selected=move || value() == "false">{move || lang.get().texts().no}</option>
            </select>
        }),
        other => {
            let input_type = match other {
                FieldType::Int { .. } => "number",
                FieldType::Date => "date",
                FieldType::Time => "time",
                _ => "text",
            };
            EitherOf4::D(view! {
                <input type=input_type name=name prop:value=value
                    on:input=move |ev| set(event_target_value(&ev))/>
            })
        }
    };
    Either::Right(view! {
        <label class="field">
            <span>
                {move || field_label(lang.get(), name)}
                {field.required.then(|| view! { <em class="required">{move || lang.get().texts().required}</em> })}
            </span>
            {control}
        </label>
    })
}
