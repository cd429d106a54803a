//! Accessibility checks in the suite's Chromium with axe-core (from the
//! npm registry; `scripts/test.sh` installs it into `target/axe`): the WCAG
//! 2.0/2.1 A and AA rules (JIS X 8341-3 follows WCAG 2.x AA) over the page
//! as it stands.

use crate::browser::Browser;
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::PathBuf;

/// `target/<name>`, beside the test executable: where `scripts/test.sh`
/// installs the npm tools the checks use (`axe`, `lighthouse`).
pub fn npm_tools_dir(name: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "target"))
        .context("the test runs from inside a target directory")?;
    Ok(target.join(name))
}

/// `axe.min.js`: `$TSUNAGU_AXE`, else `target/axe/node_modules/axe-core/`
/// beside the test executable's target directory.
pub fn axe_script() -> Result<String> {
    let path = match std::env::var_os("TSUNAGU_AXE") {
        Some(path) => PathBuf::from(path),
        None => npm_tools_dir("axe")?.join("node_modules/axe-core/axe.min.js"),
    };
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{} is missing; scripts/test.sh installs axe-core there",
            path.display()
        )
    })
}

/// The WCAG A/AA violations on the current page: rule id, impact, help and
/// up to five offending elements each.
pub async fn violations(browser: &Browser) -> Result<Vec<Value>> {
    browser.client.execute(&axe_script()?, vec![]).await?;
    let found = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then((result) => done(result.violations.map((v) => ({
                 id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
               }))))
               .catch((error) => done({ error: String(error) }));",
            vec![],
        )
        .await?;
    if let Some(error) = found.get("error") {
        bail!("axe failed: {error}");
    }
    Ok(found.as_array().cloned().unwrap_or_default())
}
