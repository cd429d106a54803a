//! Tells the `rust-embed` derive in `src/lib.rs` where the built
//! browser bundle is (`scripts/build.sh` writes the release one to
//! `<target>/site`, carried by release builds, and the dev one to
//! `<target>/site-dev`, carried by the others; or `$TSUNAGU_EMBED_SITE`),
//! and rebuilds the server when a new bundle is built: each build writes a
//! new content-hashed name to `pkg/bundle.txt`.
//! Without a bundle the binary carries none and serves `--site-root`.

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
    println!("cargo:rustc-env=TSUNAGU_EMBED_SITE_DIR={site}");
}
