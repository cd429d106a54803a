//! Writes `$OUT_DIR/files.rs`: one `include_bytes!` per file of the built
//! browser bundle (`scripts/build.sh` writes the release one to
//! `<target>/site`, carried by release builds, and the dev one to
//! `<target>/site-dev`, carried by the others; or `$TSUNAGU_EMBED_SITE`),
//! and rebuilds the crate when a new bundle is built: each build writes a
//! new content-hashed name to `pkg/bundle.txt`. Without a bundle the list
//! is empty and the server serves `--site-root`.
//!
//! Plain `include_bytes!` rather than an embedding crate: rust-embed's
//! path interpolation pulled host dependencies whose features differ from
//! the server library's, so building the binary rebuilt the library that
//! `scripts/run.sh` had built beside the bundle.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let site = std::env::var("TSUNAGU_EMBED_SITE").unwrap_or_else(|_| {
        let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| {
            let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it");
            format!("{manifest}/../../target")
        });
        // Cargo's PROFILE is "release" for profiles that inherit from it.
        let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
        format!("{target}/{}", if release { "site" } else { "site-dev" })
    });
    println!("cargo:rerun-if-env-changed=TSUNAGU_EMBED_SITE");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    println!("cargo:rerun-if-changed={site}/pkg/bundle.txt");

    let root = PathBuf::from(&site);
    let mut files = Vec::new();
    if root.join("pkg").join("bundle.txt").is_file() {
        collect(&root, &root, &mut files);
    }
    files.sort();
    let mut out = String::from("&[\n");
    for (name, path) in &files {
        writeln!(out, "    ({name:?}, include_bytes!({path:?})),").expect("writing to a String");
    }
    out.push(']');
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets it")).join("files.rs");
    std::fs::write(&dest, out).expect("writing the bundle's file list");
}

/// Every file under `dir`, as (path relative to `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).expect("under the root");
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let absolute = path.canonicalize().unwrap_or(path.clone());
            files.push((name, absolute.to_string_lossy().into_owned()));
        }
    }
}
