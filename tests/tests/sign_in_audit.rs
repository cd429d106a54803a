//! Sign-ins in the audit trail, through the real server binary: success,
//! a wrong password, an unknown name (whose typed name is not kept) and a
//! sign-out each leave one entry with ids only.

use anyhow::Result;
use rusqlite::Connection;
use serde_json::{Value, json};
use tsunagu_tests::http::{post_form, sign_in};
use tsunagu_tests::server::{DEMO_PASSWORD, ServerProcess};

#[test]
fn sign_ins_refusals_and_sign_outs_are_audited_with_ids_only() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(dir.path(), &["--demo"])?;
    let attempt = |username: &str, password: &str| {
        post_form(
            &server.url("/api/account/sign_in"),
            &[("username", username), ("password", password)],
            None,
        )
    };
    assert_eq!(
        attempt("demo.nurse", "not the password at all")?.status,
        401
    );
    assert_eq!(
        attempt("someone.typed.this", "whatever it was")?.status,
        401
    );
    let session = sign_in(&server.base_url, "demo.nurse", DEMO_PASSWORD)?;
    let out = post_form(&server.url("/api/account/sign_out"), &[], Some(&session))?;
    assert_eq!(out.status, 200, "{}", out.body);

    let conn = Connection::open(dir.path().join("tsunagu.sqlite3"))?;
    let nurse: i64 = conn.query_row(
        "SELECT id FROM users WHERE username = 'demo.nurse'",
        [],
        |r| r.get(0),
    )?;
    let trail: Vec<(Option<i64>, String, Value)> = conn
        .prepare(
            "SELECT actor_user_id, action, detail FROM audit_log
              WHERE action IN ('signed_in', 'sign_in_failed', 'signed_out') ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)))?
        .map(|row| {
            let (actor, action, detail) = row?;
            Ok((actor, action, serde_json::from_str(&detail)?))
        })
        .collect::<Result<_>>()?;
    assert_eq!(
        trail,
        [
            (
                None,
                "sign_in_failed".to_owned(),
                json!({"user_id": nurse, "reason": "wrong_password"})
            ),
            (
                None,
                "sign_in_failed".to_owned(),
                json!({"reason": "unknown_user"})
            ),
            (
                Some(nurse),
                "signed_in".to_owned(),
                json!({"user_id": nurse, "second_factor": "none"})
            ),
            (
                Some(nurse),
                "signed_out".to_owned(),
                json!({"user_id": nurse})
            ),
        ]
    );
    Ok(())
}
