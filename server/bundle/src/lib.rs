//! The browser bundle carried inside the binary, so one file and a data
//! directory are the whole server. At start it is written out once to
//! `<data dir>/site/<bundle name>/` (a new build writes a new directory and
//! the old ones go), and served from there exactly as a `--site-root` is.

use std::path::{Path, PathBuf};

/// The files of `<target>/site` when the server was built (none if the
/// bundle had not been built then), as (path under the site, content).
static FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// The content of the carried file at `name` (`pkg/bundle.txt`, …).
fn file(name: &str) -> Option<&'static [u8]> {
    FILES
        .iter()
        .find(|(path, _)| *path == name)
        .map(|(_, data)| *data)
}

/// Why the embedded bundle could not be written out.
#[derive(Debug, thiserror::Error)]
#[error("writing the built-in browser bundle to {path}: {source}")]
pub struct UnpackError {
    path: PathBuf,
    source: std::io::Error,
}

/// The name of the bundle this binary carries (`tsunagu.<hash>`), if any.
pub fn bundle_name() -> Option<String> {
    let index = file("pkg/bundle.txt")?;
    Some(String::from_utf8_lossy(index).trim().to_owned())
}

/// Writes the carried bundle under `data_dir/site/` unless it is there
/// already, removes older bundles, and returns its directory (`None` when
/// the binary carries no bundle).
pub fn unpack(data_dir: &Path) -> Result<Option<PathBuf>, UnpackError> {
    let Some(name) = bundle_name() else {
        return Ok(None);
    };
    let sites = data_dir.join("site");
    let root = sites.join(&name);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| UnpackError { path, source }
    };
    if !root.join("pkg").join("bundle.txt").is_file() {
        let partial = sites.join(format!("{name}.partial"));
        let _ = std::fs::remove_dir_all(&partial);
        for (name, data) in FILES {
            let target = partial.join(name);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::write(&target, data).map_err(io(&target))?;
        }
        std::fs::rename(&partial, &root).map_err(io(&root))?;
    }
    if let Ok(entries) = std::fs::read_dir(&sites) {
        for entry in entries.flatten() {
            if entry.file_name() != name.as_str() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(Some(root))
}
