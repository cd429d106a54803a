//! Where the built browser bundle (`pkg/tsunagu.{js,wasm,css}` and static
//! files) lives, and the Leptos options that point at it.

use leptos::config::{Env, LeptosOptions};
use std::path::{Path, PathBuf};
use tsunagu_app::BUNDLE_NAME;

/// The bundle directory: the explicit one, else `site/` beside the
/// executable's directory (`target/site` for `target/release/tsunagu`),
/// else `target/site` under the working directory.
pub fn locate(explicit: Option<&Path>) -> PathBuf {
    if let Some(path) = explicit {
        return path.to_owned();
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("site")))
        .filter(|candidate| candidate.join("pkg").is_dir())
        .unwrap_or_else(|| PathBuf::from("target/site"))
}

/// Fails with a hint when the bundle has not been built.
pub fn check(site_root: &Path) -> anyhow::Result<()> {
    for ext in ["js", "css"] {
        let file = site_root.join("pkg").join(format!("{BUNDLE_NAME}.{ext}"));
        anyhow::ensure!(
            file.is_file(),
            "the browser bundle is missing ({} not found); build it with scripts/build.sh \
             or point --site-root / TSUNAGU_SITE_ROOT at it",
            file.display()
        );
    }
    Ok(())
}

/// Leptos options for serving `site_root`.
pub fn leptos_options(site_root: &Path) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(BUNDLE_NAME)
        .site_root(site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .env(Env::PROD)
        .build()
}
