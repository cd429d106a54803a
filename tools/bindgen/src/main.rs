//! `tsunagu-bindgen INPUT.wasm OUT_DIR`: writes the browser bundle's wasm
//! and its glue into OUT_DIR, which is what `scripts/build.sh` serves:
//!
//! - `tsunagu_bg.wasm` and `tsunagu.js`, the ES module for
//!   `<script type="module">` (no TypeScript declarations): what
//!   `wasm-bindgen --target web --no-typescript --out-name tsunagu` gives,
//!   from the same library;
//! - when the app marks functions to load lazily (`wasm_split`), first the
//!   split: the code only those functions reach goes into one wasm file per
//!   split module (`<module>.wasm`), loaded by `tsunagu_split.js` when such a
//!   function is first called, and `tsunagu_bg.wasm` keeps the rest.
//!
//! Splitting needs the relocations the linker keeps with `--emit-relocs`
//! (`.cargo/config.toml` passes it for the wasm target).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use wasm_bindgen_cli_support::Bindgen;

/// The module name a lazy function's placeholder import carries until the
/// split replaces it (`wasm_split_helpers::magic_constants`).
const SPLIT_PLACEHOLDER: &[u8] = b"__wasm_split_placeholder__";

/// The glue that loads split modules, beside `tsunagu.js`.
const SPLIT_LOADER: &str = "./tsunagu_split.js";

fn main() -> ExitCode {
    match run(std::env::args_os().skip(1).map(PathBuf::from).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<PathBuf>) -> anyhow::Result<()> {
    let [input, out_dir] = args.as_slice() else {
        bail!("usage: tsunagu-bindgen INPUT.wasm OUT_DIR");
    };
    let wasm = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let split = has_split_points(&wasm);
    let main = if split {
        split_modules(&wasm, out_dir)?
    } else {
        input.clone()
    };
    Bindgen::new()
        .input_path(&main)
        .web(true)?
        .typescript(false)
        // The split modules call the main module's functions by their
        // linker names: keep those exports, unmangled.
        .keep_lld_exports(split)
        .demangle(!split)
        // As the command line does: the glue finds the wasm beside itself
        // when called without a path.
        .omit_default_module_path(false)
        .out_name("tsunagu")
        .generate(out_dir)
        .with_context(|| format!("generating the JavaScript glue for {}", input.display()))?;
    if split {
        std::fs::remove_file(&main).with_context(|| format!("removing {}", main.display()))?;
    }
    Ok(())
}

/// Whether the app marked any function to load lazily.
fn has_split_points(wasm: &[u8]) -> bool {
    wasm.windows(SPLIT_PLACEHOLDER.len())
        .any(|window| window == SPLIT_PLACEHOLDER)
}

/// Splits `wasm` into OUT_DIR (the split modules and their loader) and
/// returns the main module's path, for the glue.
fn split_modules(wasm: &[u8], out_dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let main = out_dir.join("tsunagu_main.wasm");
    let mut options = wasm_split_cli_support::Options::new(wasm);
    options.output_dir = out_dir;
    options.main_out_path = &main;
    options.link_name = SPLIT_LOADER;
    options.main_module = "./tsunagu.js";
    let split = wasm_split_cli_support::transform(options)
        .map_err(|error| anyhow!("{error:?}"))
        .context("splitting the wasm at its lazy-loading points")?;
    for module in &split.split_modules {
        eprintln!("split module {}", module.display());
    }
    Ok(main)
}
