//! Content-Security-Policy violations, as the browser reports them.
//!
//! A page cannot be made to tell on itself from WebDriver alone: by the
//! time a test could add a listener, the page's first scripts have run.
//! Chromium's DevTools protocol can add a script that runs in every new
//! document before the page's own; it writes each violation to the tab's
//! `sessionStorage`, so reloads (an offline start from the service worker)
//! keep what earlier documents saw.

use crate::browser::Browser;
use crate::devtools;
use anyhow::{Context, Result};
use serde_json::json;

/// Where the watcher keeps what it saw.
const KEY: &str = "tsunagu-test-csp-violations";

/// From now on, every document this browser opens records its policy
/// violations ("directive blocked-uri source:line").
pub async fn watch(browser: &Browser) -> Result<()> {
    let source = format!(
        r#"document.addEventListener("securitypolicyviolation", (e) => {{
            const seen = JSON.parse(sessionStorage.getItem("{KEY}") || "[]");
            seen.push(`${{e.effectiveDirective}} ${{e.blockedURI}} ${{e.sourceFile}}:${{e.lineNumber}}`);
            sessionStorage.setItem("{KEY}", JSON.stringify(seen));
        }}, true);"#
    );
    devtools::command(
        browser,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": source }),
    )
    .await
    .context("installing the policy-violation watcher over DevTools")?;
    Ok(())
}

/// The violations recorded so far in this tab.
pub async fn violations(browser: &Browser) -> Result<Vec<String>> {
    let seen = browser
        .client
        .execute(
            &format!(r#"return JSON.parse(sessionStorage.getItem("{KEY}") || "[]");"#),
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(seen)?)
}
