//! Where the built browser bundle lives (`pkg/tsunagu.<hash>.js`,
//! `tsunagu.<hash>_bg.wasm`, `tsunagu.<hash>.css`, named in
//! `pkg/bundle.txt`, plus the static files), and the Leptos options that
//! point at it.

use leptos::config::{Env, LeptosOptions};
use std::path::{Path, PathBuf};
use tsunagu_app::BUNDLE_NAME;

/// Writes the bundle a binary carries under a data directory and returns
/// its directory, or `None` when the binary carries none (the `tsunagu`
/// binary passes `tsunagu_bundle::unpack`).
pub type UnpackCarried = fn(&Path) -> anyhow::Result<Option<PathBuf>>;

/// The bundle directory: the explicit one (`--site-root`), else the
/// bundle this binary carries, written out under `data_dir` by `carried`,
/// else the bundle `scripts/build.sh` writes
/// beside the executable's directory (`target/site` for
/// `target/release/tsunagu`, `target/site-dev` for `target/debug/tsunagu`),
/// else `target/site` under the working directory.
pub fn locate(
    explicit: Option<&Path>,
    data_dir: &Path,
    carried: UnpackCarried,
) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        return Ok(path.to_owned());
    }
    if let Some(root) = carried(data_dir)? {
        return Ok(root);
    }
    Ok(std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let profile_dir = exe.parent()?;
            let site = if profile_dir.file_name()? == "debug" {
                "site-dev"
            } else {
                "site"
            };
            Some(profile_dir.parent()?.join(site))
        })
        .filter(|candidate| candidate.join("pkg").is_dir())
        .unwrap_or_else(|| PathBuf::from("target/site")))
}

/// The bundle's content-hashed name (`tsunagu.<hash>`), checked: the
/// files it names exist. Fails with a hint when the bundle was not built.
pub fn bundle_name(site_root: &Path) -> anyhow::Result<String> {
    let hint = "build it with scripts/build.sh or point --site-root / TSUNAGU_SITE_ROOT at it";
    let index = site_root.join("pkg").join("bundle.txt");
    let name = std::fs::read_to_string(&index)
        .map_err(|e| {
            anyhow::anyhow!(
                "the browser bundle is missing ({}: {e}); {hint}",
                index.display()
            )
        })?
        .trim()
        .to_owned();
    anyhow::ensure!(
        name.starts_with(&format!("{BUNDLE_NAME}."))
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'),
        "{} names {name:?}, not a bundle; {hint}",
        index.display()
    );
    for file in [
        format!("{name}.js"),
        format!("{name}_bg.wasm"),
        format!("{name}.css"),
    ] {
        let path = site_root.join("pkg").join(&file);
        anyhow::ensure!(
            path.is_file(),
            "the browser bundle is incomplete ({} not found); {hint}",
            path.display()
        );
    }
    Ok(name)
}

/// Leptos options for serving `site_root`, whose bundle is `bundle`.
pub fn leptos_options(site_root: &Path, bundle: &str) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(bundle)
        .site_root(site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .env(Env::PROD)
        .build()
}
