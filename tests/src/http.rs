//! Plain HTTP/1.1 requests for the integration tests (statuses are
//! returned, not turned into errors).

use anyhow::Result;

/// A response's status, headers and body.
#[derive(Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers as (lower-case name, value), in order.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl Reply {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header.
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent()
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Result<Reply> {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let body = response.body_mut().read_to_string()?;
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// `GET url` with optional `Cookie` header.
pub fn get(url: &str, cookie: Option<&str>) -> Result<Reply> {
    let mut request = agent().get(url);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    reply(request.call()?)
}

/// `GET url` of a binary file: the status, the `Content-Type` and the bytes.
pub fn get_bytes(url: &str) -> Result<(u16, Option<String>, Vec<u8>)> {
    let mut response = agent().get(url).call()?;
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok((status, kind, response.body_mut().read_to_vec()?))
}

/// `POST url` with a form body, asking for JSON like the app's client does.
pub fn post_form(url: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Result<Reply> {
    let mut request = agent().post(url).header("Accept", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    reply(request.send_form(fields.iter().copied())?)
}

/// `POST url` with a JSON body (the programme functions' encoding).
pub fn post_json(url: &str, body: &str, cookie: Option<&str>) -> Result<Reply> {
    let mut request = agent()
        .post(url)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    reply(request.send(body)?)
}

/// `POST url` with `body` and the given headers (name, value), as a page
/// on another site could send it.
pub fn post_with(
    url: &str,
    body: &str,
    headers: &[(&str, &str)],
    cookie: Option<&str>,
) -> Result<Reply> {
    let mut request = agent().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    reply(request.send(body)?)
}

/// The `name=value` of a session cookie a reply sets (not one it clears).
pub fn session_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("tsunagu_session=") && !c.starts_with("tsunagu_session=;"))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}

/// Signs in through the app's server function; the session cookie.
pub fn sign_in(base_url: &str, username: &str, password: &str) -> Result<String> {
    let reply = post_form(
        &format!("{base_url}/api/account/sign_in"),
        &[("username", username), ("password", password)],
        None,
    )?;
    anyhow::ensure!(reply.status == 200, "sign-in failed: {}", reply.body);
    session_cookie(&reply).ok_or_else(|| anyhow::anyhow!("no session cookie"))
}

/// `GET` (or, with `post`, an empty `POST`) of `url` with the device token
/// as `Authorization: Bearer`, as a tablet asks about its standing.
pub fn with_device_token(url: &str, token: &str, post: bool) -> Result<Reply> {
    let bearer = format!("Bearer {token}");
    if post {
        reply(
            agent()
                .post(url)
                .header("Authorization", &bearer)
                .send_empty()?,
        )
    } else {
        reply(agent().get(url).header("Authorization", &bearer).call()?)
    }
}

/// What a burst of wrong passwords was answered.
#[derive(Debug, Default)]
pub struct Guesses {
    /// Passwords checked and refused (`Rejected`).
    pub rejected: usize,
    /// The waits the others were told (`Throttled`, HTTP 429), in seconds.
    pub waits: Vec<u64>,
}

/// Sends `count` wrong passwords for `username` at once, the `i`-th to
/// `sign_in_urls[i % len]`, and sorts the answers. Any other answer is
/// an error.
pub fn guess_in_parallel(sign_in_urls: &[String], username: &str, count: usize) -> Result<Guesses> {
    let attempts: Vec<_> = (0..count)
        .map(|i| {
            let url = sign_in_urls[i % sign_in_urls.len()].clone();
            let username = username.to_owned();
            std::thread::spawn(move || {
                let password = format!("wrong guess number {i}");
                post_form(
                    &url,
                    &[("username", &username), ("password", &password)],
                    None,
                )
            })
        })
        .collect();
    let mut guesses = Guesses::default();
    for attempt in attempts {
        let reply = attempt
            .join()
            .map_err(|_| anyhow::anyhow!("the request thread panicked"))??;
        if reply.body.contains("Throttled") {
            anyhow::ensure!(reply.status == 429, "{}: {}", reply.status, reply.body);
            let answer: serde_json::Value = serde_json::from_str(&reply.body)?;
            let wait = answer["Throttled"]["retry_after_secs"].as_u64();
            guesses
                .waits
                .push(wait.ok_or_else(|| anyhow::anyhow!("no wait in {answer}"))?);
        } else {
            anyhow::ensure!(
                reply.body.contains("Rejected"),
                "{}: {}",
                reply.status,
                reply.body
            );
            guesses.rejected += 1;
        }
    }
    Ok(guesses)
}
