//! Chromium's DevTools protocol, reached through chromedriver's
//! `goog/cdp/execute` endpoint, for what WebDriver alone cannot do (run a
//! script before a page's own, choose where downloads go).

use crate::browser::Browser;
use anyhow::Result;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};
use std::path::Path;

/// One DevTools command sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct DevTools {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (::http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (::http::Method::POST, Some(body.to_string()))
    }
}

/// Runs DevTools command `cmd` with `params` in the browser's current tab.
pub async fn command(browser: &Browser, cmd: &'static str, params: Value) -> Result<Value> {
    Ok(browser.client.issue_cmd(DevTools { cmd, params }).await?)
}

/// Downloads from now on land in `dir`, without asking.
pub async fn download_to(browser: &Browser, dir: &Path) -> Result<()> {
    command(
        browser,
        "Browser.setDownloadBehavior",
        json!({ "behavior": "allow", "downloadPath": dir.to_string_lossy() }),
    )
    .await?;
    Ok(())
}
