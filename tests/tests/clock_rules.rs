//! The server does not trust the tablet's clock to date a note after the
//! server received it: a change dated more than the documented skew
//! (`policy::MAX_CLOCK_AHEAD_MINUTES`) ahead of the server's clock is
//! refused and nothing of it is stored, while a clock a few minutes fast
//! is fine. Before, a change dated 2099 was stored.

use anyhow::Result;
use chrono::{Duration, TimeZone, Utc};
use tsunagu_sync::protocol::Rejection;
use tsunagu_sync::record::{Edit, NewRecord};
use tsunagu_tests::admin::{add_device, add_person, add_user, assign};
use tsunagu_tests::device::{LiveDevice, NativeDevice};
use tsunagu_tests::fixtures::{record_stored as stored, ward_interview};
use tsunagu_tests::server::ServerProcess;

/// The specialist's note on their tablet, dated `at`.
struct Tablet<'a> {
    user: &'a str,
    device: &'a str,
}

fn note(tablet: &Tablet<'_>, person: &str, at: chrono::DateTime<Utc>, n: u8) -> (NewRecord, Edit) {
    ward_interview(person, tablet.device, tablet.user, at, [n; 10])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_dated_after_the_server_s_clock_are_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let person = add_person(dir.path(), "試験 四号")?;
    let user = add_user(dir.path(), "spec", "support_specialist")?;
    assign(dir.path(), "spec", &person)?;
    let (device, token) = add_device(dir.path(), "spec")?;
    let ids = Tablet {
        user: &user,
        device: &device,
    };
    let server = ServerProcess::start(dir.path(), &[])?;
    let mut tablet =
        LiveDevice::open(NativeDevice::new(&token, "clock-tablet"), &server.base_url).await?;

    let far = [
        Utc::now() + Duration::hours(1),
        Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap(),
    ];
    for (n, at) in far.into_iter().enumerate() {
        let (new, edit) = note(&ids, &person, at, n as u8 + 1);
        let id = tablet.device.store.create(new, &edit)?;
        assert!(tablet.push().await.is_err(), "dated {at}: must be refused");
        assert!(
            matches!(tablet.device.store.rejected().get(&id), Some(Rejection::Invalid(reason)) if reason.contains("clock")),
            "{:?}",
            tablet.device.store.rejected()
        );
        assert!(!stored(dir.path(), &id)?, "nothing of it was stored");
    }

    // A clock running a few minutes fast is not an attack.
    let (new, edit) = note(&ids, &person, Utc::now() + Duration::minutes(5), 9);
    let mut fresh = LiveDevice::open(
        NativeDevice::new(&token, "clock-tablet-2"),
        &server.base_url,
    )
    .await?;
    let id = fresh.device.store.create(new, &edit)?;
    fresh.push().await?;
    assert!(stored(dir.path(), &id)?);
    Ok(())
}
