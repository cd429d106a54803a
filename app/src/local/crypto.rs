//! Encryption at rest with WebCrypto.
//!
//! A random 256-bit AES-GCM *data key* encrypts every value the app puts in
//! IndexedDB. The data key itself is stored only wrapped (AES-GCM
//! encrypted) under a key derived from the user's password with
//! PBKDF2-HMAC-SHA256 at [`PBKDF2_ITERATIONS`]. PBKDF2 rather than argon2id
//! because WebCrypto runs it natively, so a high iteration count costs the
//! user well under a second on a tablet, the derived key never leaves the
//! browser's crypto module (non-extractable), and the wasm bundle stays
//! small; argon2id compiled to wasm runs several times slower per unit of
//! cost, which would force weaker parameters.

use super::js::{JsError, await_promise, js_error};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CryptoKey, SubtleCrypto};

/// PBKDF2 iterations for new keyrings (OWASP's 2023 figure for SHA-256).
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// AES-GCM nonce length.
const IV_BYTES: usize = 12;

fn crypto() -> Result<web_sys::Crypto, JsError> {
    web_sys::window()
        .ok_or(JsError {
            context: "use WebCrypto",
            message: "no window".into(),
        })?
        .crypto()
        .map_err(js_error("use WebCrypto"))
}

fn subtle() -> Result<SubtleCrypto, JsError> {
    Ok(crypto()?.subtle())
}

/// `n` bytes from the browser's CSPRNG.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, JsError> {
    let mut bytes = vec![0u8; n];
    crypto()?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(js_error("draw random bytes"))?;
    Ok(bytes)
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

fn usages(list: &[&str]) -> JsValue {
    list.iter()
        .map(|u| JsValue::from_str(u))
        .collect::<Array>()
        .into()
}

fn aes_gcm() -> Object {
    object(&[("name", "AES-GCM".into()), ("length", 256.into())])
}

/// AES-GCM parameters for one encryption or decryption with nonce `iv`.
fn gcm_params(iv: &[u8]) -> Object {
    object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(iv).into()),
    ])
}

/// Imports raw key bytes as a non-extractable key for `algorithm`.
async fn import_raw(
    raw: &[u8],
    algorithm: &Object,
    key_usages: &[&str],
    context: &'static str,
) -> Result<CryptoKey, JsError> {
    let key = await_promise(
        subtle()?
            .import_key_with_object(
                "raw",
                &Uint8Array::from(raw),
                algorithm,
                false,
                &usages(key_usages),
            )
            .map_err(js_error(context))?,
        context,
    )
    .await?;
    Ok(key.unchecked_into())
}

/// Derives the key that wraps the data key from the password.
pub async fn derive_wrapping_key(
    password: &str,
    salt: &[u8],
    iterations: u32,
) -> Result<CryptoKey, JsError> {
    let context = "derive the key from the password";
    let material = import_raw(
        password.as_bytes(),
        &object(&[("name", "PBKDF2".into())]),
        &["deriveKey"],
        context,
    )
    .await?;
    let params = object(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", iterations.into()),
    ]);
    let key = await_promise(
        subtle()?
            .derive_key_with_object_and_object(
                &params,
                &material,
                &aes_gcm(),
                false,
                &usages(&["encrypt", "decrypt"]),
            )
            .map_err(js_error(context))?,
        context,
    )
    .await?;
    Ok(key.unchecked_into())
}

/// Imports raw data-key bytes as a non-extractable AES-GCM key.
pub async fn import_data_key(raw: &[u8]) -> Result<CryptoKey, JsError> {
    import_raw(
        raw,
        &aes_gcm(),
        &["encrypt", "decrypt"],
        "load the data key",
    )
    .await
}

/// Encrypts `plain`: a fresh 12-byte nonce followed by the ciphertext and tag.
pub async fn encrypt(key: &CryptoKey, plain: &[u8]) -> Result<Vec<u8>, JsError> {
    let context = "encrypt";
    let iv = random_bytes(IV_BYTES)?;
    let sealed = await_promise(
        subtle()?
            .encrypt_with_object_and_js_u8_array(&gcm_params(&iv), key, &Uint8Array::from(plain))
            .map_err(js_error(context))?,
        context,
    )
    .await?;
    let mut out = iv;
    out.extend(Uint8Array::new(&sealed).to_vec());
    Ok(out)
}

/// Decrypts what [`encrypt`] made; fails on a wrong key or altered bytes.
pub async fn decrypt(key: &CryptoKey, sealed: &[u8]) -> Result<Vec<u8>, JsError> {
    let context = "decrypt";
    if sealed.len() < IV_BYTES {
        return Err(JsError {
            context,
            message: "value too short".into(),
        });
    }
    let (iv, body) = sealed.split_at(IV_BYTES);
    let plain = await_promise(
        subtle()?
            .decrypt_with_object_and_js_u8_array(&gcm_params(iv), key, &Uint8Array::from(body))
            .map_err(js_error(context))?,
        context,
    )
    .await?;
    Ok(Uint8Array::new(&plain).to_vec())
}
