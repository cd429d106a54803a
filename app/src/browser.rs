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

/// Whether this is Safari on an iPad or iPhone, opened as a web page
/// rather than from the home screen: only there is `navigator.standalone`
/// defined, and it is `false` until the app is added to the home screen.
pub fn ios_browser_tab() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"standalone".into()).ok())
        .and_then(|v| v.as_bool())
        == Some(false)
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

/// Forgets a device setting.
pub fn remove_setting(key: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.remove_item(key);
    }
}

/// Fires a plain event named `name` on `window` (how the app talks to
/// `pwa.js`).
pub fn dispatch(name: &str) {
    if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(name)) {
        let _ = window.dispatch_event(&event);
    }
}

/// The bytes of a file the user chose.
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("reading the file failed: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Offers `text` to the user as a file named `name` of type `mime` (a
/// download, as if from a link).
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("download failed: {e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = html_document().ok_or("no document")?;
    let link = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "no link element".to_owned())?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download reads the object later; let it go after a minute.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

/// Opens the browser's print dialog for the page.
pub fn print_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
