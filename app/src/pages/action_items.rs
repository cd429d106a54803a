//! The editor of an action-item field (a case conference's "who does what
//! by when"): one row per item with what, owner, due date and done, a
//! button to add a row and one to remove each. Rows are rebuilt only when
//! their number changes, so typing never loses the cursor.

use crate::i18n::use_lang;
use leptos::prelude::*;
use std::collections::BTreeMap;
use tsunagu_sync::record::actions::ActionItem;

/// The items of every action-item field of a form, by field name.
pub type ActionLists = RwSignal<BTreeMap<String, Vec<ActionItem>>>;

/// Edits the items of field `name` in `lists`.
#[component]
pub fn ActionItemsEditor(
    /// The field's name.
    name: &'static str,
    /// Every action-item field's items.
    lists: ActionLists,
) -> impl IntoView {
    let lang = use_lang();
    let count = Memo::new(move |_| lists.with(|l| l.get(name).map_or(0, Vec::len)));
    let read = move |index: usize, part: fn(&ActionItem) -> String| {
        lists.with(|l| {
            l.get(name)
                .and_then(|items| items.get(index))
                .map(part)
                .unwrap_or_default()
        })
    };
    let write = move |index: usize, change: Box<dyn FnOnce(&mut ActionItem)>| {
        lists.update(|l| {
            if let Some(item) = l.get_mut(name).and_then(|items| items.get_mut(index)) {
                change(item);
            }
        })
    };
    let row = move |index: usize| {
        view! {
            <div class="action-item" data-testid="action-item">
                <label class="grow">
                    <span>{move || lang.get().texts().action_what}</span>
                    <input type="text" name=format!("{name}.{index}.what")
                        prop:value=move || read(index, |i| i.what.clone())
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            write(index, Box::new(move |item| item.what = text));
                        }/>
                </label>
                <label>
                    <span>{move || lang.get().texts().action_owner}</span>
                    <input type="text" name=format!("{name}.{index}.owner")
                        prop:value=move || read(index, |i| i.owner.clone())
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            write(index, Box::new(move |item| item.owner = text));
                        }/>
                </label>
                <label>
                    <span>{move || lang.get().texts().action_due}</span>
                    <input type="date" name=format!("{name}.{index}.due")
                        prop:value=move || read(index, |i| i.due.map(|d| d.to_string()).unwrap_or_default())
                        on:input=move |ev| {
                            let due = event_target_value(&ev).parse().ok();
                            write(index, Box::new(move |item| item.due = due));
                        }/>
                </label>
                <label class="check">
                    <input type="checkbox" name=format!("{name}.{index}.done")
                        prop:checked=move || read(index, |i| i.done.to_string()) == "true"
                        on:change=move |ev| {
                            let done = event_target_checked(&ev);
                            write(index, Box::new(move |item| item.done = done));
                        }/>
                    {move || lang.get().texts().action_done}
                </label>
                <button type="button" class="button secondary small" data-testid="remove-action"
                    on:click=move |_| lists.update(|l| {
                        if let Some(items) = l.get_mut(name).filter(|items| index < items.len()) {
                            items.remove(index);
                        }
                    })>
                    {move || lang.get().texts().remove_action}
                </button>
            </div>
        }
    };
    view! {
        <div class="action-items" data-testid=format!("actions-{name}")>
            {move || (0..count.get()).map(row).collect_view()}
            <button type="button" class="button secondary small" data-testid="add-action"
                on:click=move |_| lists.update(|l| l.entry(name.to_owned()).or_default().push(ActionItem::default()))>
                {move || lang.get().texts().add_action}
            </button>
        </div>
    }
}

/// The items to save: rows left entirely blank are dropped; a row with
/// an owner or date but no "what" is an error.
pub fn items_to_save(items: &[ActionItem]) -> Result<Vec<ActionItem>, String> {
    items
        .iter()
        .filter(|item| **item != ActionItem::default() && !is_blank(item))
        .map(|item| {
            let item = ActionItem {
                what: item.what.trim().to_owned(),
                owner: item.owner.trim().to_owned(),
                ..item.clone()
            };
            item.check().map(|()| item)
        })
        .collect()
}

fn is_blank(item: &ActionItem) -> bool {
    item.what.trim().is_empty() && item.owner.trim().is_empty() && item.due.is_none() && !item.done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_rows_are_dropped_and_rows_without_what_refused() {
        let blank = ActionItem::default();
        let spaces = ActionItem {
            what: "  ".into(),
            owner: " ".into(),
            ..ActionItem::default()
        };
        let real = ActionItem {
            what: " 住居の見学を調整 ".into(),
            owner: "相談支援専門員".into(),
            due: "2026-12-01".parse().ok(),
            done: false,
        };
        let saved = items_to_save(&[blank, spaces, real.clone()]).unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].what, "住居の見学を調整", "trimmed");
        let ownerless_what = ActionItem {
            owner: "看護師".into(),
            ..ActionItem::default()
        };
        assert!(items_to_save(&[ownerless_what]).is_err());
    }
}
