//! `tsunagu-bindgen INPUT.wasm OUT_DIR`: writes `tsunagu_bg.wasm` and
//! `tsunagu.js` (an ES module for `<script type="module">`, no TypeScript
//! declarations) into OUT_DIR, which is what `scripts/build.sh` serves.
//! The same output `wasm-bindgen --target web --no-typescript --out-name
//! tsunagu` gives, from the same library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use wasm_bindgen_cli_support::Bindgen;

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
    Bindgen::new()
        .input_path(input)
        .web(true)?
        .typescript(false)
        // As the command line does: the glue finds the wasm beside itself
        // when called without a path.
        .omit_default_module_path(false)
        .out_name("tsunagu")
        .generate(out_dir)
        .with_context(|| format!("generating the JavaScript glue for {}", input.display()))
}
