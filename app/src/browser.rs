//! The few browser APIs the app touches directly, in one place. Nothing
//! here knows what the app stores in them: callers give the meaning.

use wasm_bindgen::JsCast;

fn html_document() -> Option<web_sys::HtmlDocument> {
    web_sys::window()?
        .document()?
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
}

/// The page's `document.cookie` (only the cookies scripts may see).
pub fn document_cookie() -> Option<String> {
    html_document()?.cookie().ok()
}

/// Sets one cookie, written as `document.cookie` takes it
/// (`name=value; Path=...`). A refused cookie (e.g. blocked by the user)
/// only costs persistence, so a refusal is ignored.
pub fn set_cookie(cookie: &str) {
    if let Some(document) = html_document() {
        let _ = document.set_cookie(cookie);
    }
}

/// `navigator.onLine`.
pub fn is_online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

/// The rendered page's `<html lang>` attribute, if it has one.
pub fn document_lang_attr() -> Option<String> {
    web_sys::window()?
        .document()?
        .document_element()?
        .get_attribute("lang")
}

/// A device setting kept in `localStorage` (never personal data).
pub fn setting(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Stores a device setting; a refusal (private mode) only loses the setting.
pub fn set_setting(key: &str, value: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(key, value);
    }
}

/// The bytes of a file the user chose.
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("reading the file failed: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
