//! The fault-injecting simulator behind the `simulate` binary: the real
//! server binary, many native devices running the browser's sync core over
//! real WebSockets, simulated days of offline work, connections cut at
//! random bytes, handovers, and `kill -9` restarts of the server. At the
//! end everyone syncs and the checks say whether anything was lost, leaked
//! or left unconverged.

use crate::admin::{add_device, add_person, add_user, assign, unassign};
use crate::device::NativeDevice;
use crate::flaky_link::Cut;
use crate::rng::{Rng, japanese_text};
use anyhow::{Context, Result};
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use tsunagu_sync::policy;
use tsunagu_sync::record::schema::RecordKind;
use tsunagu_sync::record::{ChangeHash, Edit, FieldValue, NewRecord, Record, new_record_id};
use tsunagu_sync::role::Role;

mod restore;
mod servers;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Devices, one per user.
    pub devices: usize,
    /// Persons on the programme.
    pub persons: usize,
    /// Simulated days.
    pub days: usize,
    /// Local edits per day, across all devices.
    pub edits_per_day: usize,
    /// `kill -9` restarts of the server, spread over the days.
    pub server_kills: usize,
    /// Restores from a backup taken earlier the same day, spread over
    /// the days.
    pub restores: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Run on a PostgreSQL database (`TSUNAGU_TEST_POSTGRES`'s cluster)
    /// instead of a SQLite file.
    pub postgres: bool,
    /// Servers on that database (more than one needs PostgreSQL); device
    /// `d` syncs with instance `d % instances`, and the kills fall on one
    /// instance at a time.
    pub instances: usize,
}

/// What the simulation found.
#[derive(Debug, Default, Clone)]
pub struct SimReport {
    /// Every device holds exactly the server's documents it may read.
    pub converged: bool,
    /// Acknowledged edits the server does not hold.
    pub lost: usize,
    /// Records on a device that its user may not read.
    pub leaked: usize,
    /// Records on the server at the end.
    pub records: usize,
    /// Local edits made.
    pub edits: usize,
    /// Sync attempts, and how many of them failed (cut or killed).
    pub syncs: usize,
    /// Sync attempts that failed.
    pub failed_syncs: usize,
    /// Connections cut mid-stream on purpose.
    pub cuts: usize,
    /// Server restarts after `kill -9`.
    pub kills: usize,
    /// Restores of the server from a backup taken earlier in the run.
    pub restores: usize,
    /// Persons moved from one worker to another.
    pub handovers: usize,
    /// Records the server refused (kept on the device).
    pub rejected: usize,
    /// `PRAGMA integrity_check` after the last kill and at the end.
    pub integrity_ok: bool,
    /// Whether there was such a check (SQLite; PostgreSQL has none).
    pub integrity_checked: bool,
    /// Differences found, for people to read.
    pub problems: Vec<String>,
}

impl SimReport {
    /// Did every check pass?
    pub fn passed(&self) -> bool {
        self.converged && self.lost == 0 && self.leaked == 0 && self.integrity_ok
    }
}

impl fmt::Display for SimReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let yes = |b: bool| if b { "yes" } else { "no" };
        write!(
            f,
            "converged={} lost={} leaked={} integrity={} records={} edits={} syncs={} failed_syncs={} cuts={} kills={} restores={} handovers={} rejected={}",
            yes(self.converged),
            self.lost,
            self.leaked,
            match (self.integrity_checked, self.integrity_ok) {
                (_, false) => "FAILED",
                (true, true) => "ok",
                (false, true) => "n/a",
            },
            self.records,
            self.edits,
            self.syncs,
            self.failed_syncs,
            self.cuts,
            self.kills,
            self.restores,
            self.handovers,
            self.rejected,
        )
    }
}

/// The roles devices get, in turn: most are field staff who write.
const ROLES: &[(Role, &str)] = &[
    (Role::SupportSpecialist, "support_specialist"),
    (Role::Caseworker, "caseworker"),
    (Role::PeerSupporter, "peer_supporter"),
    (Role::VisitingNurse, "visiting_nurse"),
    (Role::SupportSpecialist, "support_specialist"),
    (Role::Coordinator, "coordinator"),
];

/// The note kinds devices create.
const NOTE_KINDS: [RecordKind; 3] = [
    RecordKind::WardInterview,
    RecordKind::Outing,
    RecordKind::HomeVisit,
];

struct SimDevice {
    username: String,
    /// The user's id and the device's, which its changes are signed with.
    user_id: String,
    device_id: String,
    role: Role,
    device: NativeDevice,
    online: bool,
    /// Local edits (record, heads after the edit) not yet known to be acknowledged.
    unconfirmed: Vec<(String, Vec<ChangeHash>)>,
    /// The caseload as of the last sync: what the app would list, so new
    /// notes are only written for these persons.
    known_persons: Vec<String>,
}

impl SimDevice {
    /// After a sync that ended idle, every local edit was acknowledged,
    /// except those of records the server refused; and the device knows
    /// its caseload as it is now.
    fn synced(
        &mut self,
        caseload: &BTreeSet<String>,
        acknowledged: &mut Vec<(String, Vec<ChangeHash>)>,
    ) {
        self.known_persons = caseload.iter().cloned().collect();
        let rejected = self.device.store.rejected();
        for (id, heads) in self.unconfirmed.drain(..) {
            if !rejected.contains_key(&id) {
                acknowledged.push((id, heads));
            }
        }
    }
}

/// The whole simulated world.
struct World {
    config: SimConfig,
    rng: Rng,
    servers: servers::Servers,
    devices: Vec<SimDevice>,
    /// username → persons assigned now.
    caseload: BTreeMap<String, BTreeSet<String>>,
    /// Edits the server acknowledged: record → heads that must be there.
    acknowledged: Vec<(String, Vec<ChangeHash>)>,
    clock: DateTime<Utc>,
    report: SimReport,
    serial: u32,
    /// A backup taken today, to restore later today.
    restore: Option<restore::PendingRestore>,
}

fn socket_addr(base_url: &str) -> Result<SocketAddr> {
    base_url
        .trim_start_matches("http://")
        .parse()
        .context("server address")
}

/// Runs a whole simulation and checks the end state.
pub async fn run(config: SimConfig) -> Result<SimReport> {
    anyhow::ensure!(
        config.devices > 0 && config.persons > 0,
        "need at least one device and one person"
    );
    anyhow::ensure!(
        config.restores == 0 || !config.postgres,
        "restores put back a SQLite file; PostgreSQL is restored with its own tools"
    );
    let mut rng = Rng::new(config.seed);
    let mut servers = servers::Servers::prepare(config.instances, config.postgres)?;
    let admin = servers.admin_dir().to_owned();
    let persons: Vec<String> = (0..config.persons)
        .map(|i| add_person(&admin, &format!("試験 {i}号")))
        .collect::<Result<_>>()?;
    let mut devices = Vec::new();
    let mut caseload = BTreeMap::new();
    for d in 0..config.devices {
        let (role, role_name) = ROLES[d % ROLES.len()];
        let username = format!("sim{d}");
        let user_id = add_user(&admin, &username, role_name)?;
        // Each worker holds about half the persons, so caseloads overlap.
        let mut mine = BTreeSet::new();
        for person in &persons {
            if rng.chance(0.5) {
                mine.insert(person.clone());
            }
        }
        mine.insert(rng.pick(&persons).clone());
        for person in &mine {
            assign(&admin, &username, person)?;
        }
        caseload.insert(username.clone(), mine);
        let (device_id, token) = add_device(&admin, &username)?;
        devices.push(SimDevice {
            device: NativeDevice::new(&token, &format!("sim-device-{d}")),
            username,
            user_id,
            device_id,
            role,
            online: true,
            unconfirmed: Vec::new(),
            known_persons: Vec::new(),
        });
    }
    servers.start().await?;
    let mut world = World {
        rng,
        servers,
        devices,
        caseload,
        acknowledged: Vec::new(),
        clock: Utc
            .with_ymd_and_hms(2026, 4, 1, 0, 0, 0)
            .single()
            .context("start date")?,
        report: SimReport {
            integrity_ok: true,
            integrity_checked: !config.postgres,
            ..SimReport::default()
        },
        serial: 0,
        restore: None,
        config,
    };
    world.simulate().await?;
    world.finish().await?;
    Ok(world.report)
}

impl World {
    fn data_dir(&self) -> &Path {
        self.servers.admin_dir()
    }

    async fn simulate(&mut self) -> Result<()> {
        let days = self.config.days.max(1);
        // Which days end with a kill -9 in the middle of a sync.
        let mut kills_on: Vec<usize> = (0..self.config.server_kills)
            .map(|_| self.rng.below(days))
            .collect();
        kills_on.sort_unstable();
        let restores_on: Vec<usize> = (0..self.config.restores)
            .map(|_| self.rng.below(days))
            .collect();
        for day in 0..days {
            self.clock += Duration::days(1);
            for device in &mut self.devices {
                device.online = self.rng.chance(0.6);
            }
            if self.rng.chance(0.6) {
                self.handover()?;
            }
            let kills_today = kills_on.iter().filter(|&&d| d == day).count();
            let mut kill_at: Vec<usize> = (0..kills_today)
                .map(|_| self.rng.below(self.config.edits_per_day.max(1)))
                .collect();
            kill_at.sort_unstable();
            // A restore day: after some edit a backup, after a later one the
            // restore; several restores in one day take turns.
            let edits = self.config.edits_per_day.max(1);
            let restores_today = restores_on.iter().filter(|&&d| d == day).count();
            let mut points: Vec<usize> = (0..2 * restores_today)
                .map(|_| self.rng.below(edits))
                .collect();
            points.sort_unstable();
            for n in 0..self.config.edits_per_day {
                self.clock += Duration::minutes(7);
                let d = self.rng.below(self.devices.len());
                self.local_edit(d)?;
                if self.devices[d].online && self.rng.chance(0.5) {
                    if self.rng.chance(0.15) {
                        let cut = Cut {
                            up: 1 + self.rng.below(4000),
                            down: 1 + self.rng.below(4000),
                        };
                        self.servers.cut_next(d, cut);
                        self.report.cuts += 1;
                    }
                    self.sync(d).await;
                }
                for _ in kill_at.iter().filter(|&&k| k == n) {
                    self.kill_mid_sync().await?;
                }
                // Even places take a backup, odd ones restore it.
                for (i, _) in points.iter().enumerate().filter(|(_, p)| **p == n) {
                    if i % 2 == 0 {
                        self.take_backup()?;
                    } else {
                        self.restore_backup()?;
                    }
                }
            }
            for d in 0..self.devices.len() {
                if self.devices[d].online {
                    self.sync(d).await;
                }
            }
        }
        Ok(())
    }

    /// Moves one person from one worker to another (any role: a person
    /// may also reach a role that cannot read some of their records).
    fn handover(&mut self) -> Result<()> {
        for _ in 0..10 {
            let from = self.rng.below(self.devices.len());
            let to = self.rng.below(self.devices.len());
            let from_user = self.devices[from].username.clone();
            let to_user = self.devices[to].username.clone();
            let held: Vec<String> = self.caseload[&from_user].iter().cloned().collect();
            if from == to || held.len() < 2 {
                continue;
            }
            let person = self.rng.pick(&held).clone();
            unassign(self.data_dir(), &from_user, &person)?;
            let newly = !self.caseload[&to_user].contains(&person);
            if newly {
                assign(self.data_dir(), &to_user, &person)?;
            }
            self.handover_made(restore::HandoverDone {
                from: from_user.clone(),
                to: newly.then(|| to_user.clone()),
                person: person.clone(),
            });
            self.caseload
                .get_mut(&from_user)
                .expect("user")
                .remove(&person);
            self.caseload
                .get_mut(&to_user)
                .expect("user")
                .insert(person);
            self.report.handovers += 1;
            return Ok(());
        }
        Ok(())
    }

    fn edit_at(&self, d: usize) -> Edit {
        Edit {
            by: self.devices[d].user_id.clone(),
            name: None,
            at: self.clock,
        }
    }

    /// One local edit on device `d`: a new note, or a change to a record it
    /// holds and may write (text spliced at a random place, or a scalar).
    fn local_edit(&mut self, d: usize) -> Result<()> {
        let role = self.devices[d].role;
        let store = &mut self.devices[d].device.store;
        let ids: Vec<String> = store.ids().cloned().collect();
        let writable: Vec<String> = ids
            .into_iter()
            .filter(|id| {
                // Received documents load here, when first read.
                let record = store.record_mut(id).expect("listed");
                // A real device does not know about a handover until it syncs.
                policy::access(role, record.meta().kind).write
            })
            .collect();
        let kinds: Vec<RecordKind> = NOTE_KINDS
            .into_iter()
            .filter(|k| policy::access(role, *k).write)
            .collect();
        let mine = self.devices[d].known_persons.clone();
        let edit = self.edit_at(d);
        let id = if (writable.is_empty() || self.rng.chance(0.35))
            && !kinds.is_empty()
            && !mine.is_empty()
        {
            let kind = *self.rng.pick(&kinds);
            let person = self.rng.pick(&mine).clone();
            self.serial += 1;
            let mut random = [0u8; 10];
            random[..4].copy_from_slice(&self.serial.to_be_bytes());
            random[4..].copy_from_slice(&self.rng.next_u64().to_be_bytes()[..6]);
            let new = NewRecord {
                id: new_record_id(self.clock, random),
                kind,
                person_id: person,
                device: self.devices[d].device_id.clone(),
                fields: required_fields(kind, self.clock),
            };
            self.devices[d].device.store.create(new, &edit)?
        } else if let Some(id) = (!writable.is_empty()).then(|| self.rng.pick(&writable).clone()) {
            let chars = 5 + self.rng.below(30);
            let text = japanese_text(&mut self.rng, chars);
            let choice = self.rng.below(10);
            let spot = self.rng.next_u64();
            self.devices[d].device.store.edit(&id, |record| {
                let field = narrative_field(record.meta().kind);
                if choice == 0 && !record.meta().kind.is_profile() {
                    let time =
                        chrono::NaiveTime::from_hms_opt((spot % 24) as u32, (spot % 60) as u32, 0)
                            .expect("valid time");
                    return record.set("start_time", FieldValue::Time(time), &edit);
                }
                let len = record.text(field)?.chars().count();
                let at = (spot as usize) % (len + 1);
                record.splice_text(field, at, 0, &text, &edit)
            })?;
            id
        } else {
            return Ok(());
        };
        self.report.edits += 1;
        let heads = self.devices[d]
            .device
            .store
            .record_mut(&id)
            .expect("just edited")
            .heads();
        self.devices[d].unconfirmed.push((id, heads));
        Ok(())
    }

    /// One sync of device `d` through the flaky link; failures are expected.
    async fn sync(&mut self, d: usize) -> bool {
        self.report.syncs += 1;
        let url = self.servers.url_for(d);
        let device = &mut self.devices[d];
        match device.device.sync(&url).await {
            Ok(_) => {
                device.synced(&self.caseload[&device.username], &mut self.acknowledged);
                true
            }
            Err(_) => {
                self.report.failed_syncs += 1;
                false
            }
        }
    }

    /// Starts a sync of a device with pending changes, kills its server
    /// with SIGKILL a few milliseconds in, checks the database and restarts.
    /// With several servers the kills take turns.
    async fn kill_mid_sync(&mut self) -> Result<()> {
        let instance = self.report.kills % self.servers.instances();
        let on_it: Vec<usize> = (0..self.devices.len())
            .filter(|&d| self.servers.instance_of(d) == instance)
            .collect();
        let d = on_it
            .iter()
            .copied()
            .find(|&d| self.devices[d].device.store.waiting() > 0)
            .or(on_it.first().copied())
            .context("a device on every server")?;
        let delay = std::time::Duration::from_micros(self.rng.below(20_000) as u64);
        let server = self.servers.take(instance)?;
        let url = self.servers.url_for(d);
        let killer = async move {
            tokio::time::sleep(delay).await;
            server.kill_hard()
        };
        let device = &mut self.devices[d].device;
        let (synced, killed) = tokio::join!(device.sync(&url), killer);
        killed?;
        self.report.syncs += 1;
        match synced {
            Ok(_) => {
                let device = &mut self.devices[d];
                device.synced(&self.caseload[&device.username], &mut self.acknowledged);
            }
            Err(_) => self.report.failed_syncs += 1,
        }
        self.check_integrity()?;
        self.servers.restart(instance)?;
        self.report.kills += 1;
        Ok(())
    }

    fn check_integrity(&mut self) -> Result<()> {
        let Some(check) = self.servers.integrity()? else {
            return Ok(());
        };
        if check != "ok" {
            self.report.integrity_ok = false;
            self.report
                .problems
                .push(format!("integrity_check: {check}"));
        }
        Ok(())
    }

    /// Everyone online, everything synced three times (and more while a
    /// device still has records to give back to a restored server, as
    /// tablets keep syncing); then the checks.
    async fn finish(&mut self) -> Result<()> {
        for round in 0..13 {
            let giving_back = self.devices.iter().any(|d| d.device.store.resending() > 0);
            if round >= 3 && !giving_back {
                break;
            }
            for d in 0..self.devices.len() {
                let url = self.servers.url_for(d);
                let device = &mut self.devices[d];
                self.report.syncs += 1;
                if let Err(error) = device.device.sync(&url).await {
                    anyhow::bail!(
                        "final sync round {round} of {} failed: {error:#}",
                        device.username
                    );
                }
                device.synced(&self.caseload[&device.username], &mut self.acknowledged);
            }
        }
        self.report.rejected = self
            .devices
            .iter()
            .map(|d| d.device.store.rejected().len())
            .sum();
        self.check_integrity()?;
        let server_docs = self.servers.documents()?;
        self.report.records = server_docs.len();

        // No acknowledged edit is missing on the server.
        for (id, heads) in &self.acknowledged {
            let present = server_docs.get(id).map(|(_, _, bytes)| {
                Record::load(bytes, b"sim-check")
                    .map(|mut r| r.contains_all(heads))
                    .unwrap_or(false)
            });
            if present != Some(true) {
                self.report.lost += 1;
                self.report
                    .problems
                    .push(format!("acknowledged edit of {id} missing on the server"));
            }
        }

        // Each device holds exactly what its user may read, as the server has it.
        let mut converged = true;
        for device in &mut self.devices {
            let caseload = &self.caseload[&device.username];
            let readable: BTreeSet<&String> = server_docs
                .iter()
                .filter(|(_, (kind, person, _))| {
                    policy::may_read(device.role, *kind, caseload.contains(person))
                })
                .map(|(id, _)| id)
                .collect();
            let held: Vec<String> = device.device.store.ids().cloned().collect();
            for id in &held {
                let record = device.device.store.record_mut(id).expect("listed");
                let may = policy::may_read(
                    device.role,
                    record.meta().kind,
                    caseload.contains(&record.meta().person_id),
                );
                if !may {
                    self.report.leaked += 1;
                    self.report.problems.push(format!(
                        "{} holds {id}, which it may not read",
                        device.username
                    ));
                }
            }
            for id in readable {
                let Some(local) = device.device.store.record_mut(id) else {
                    converged = false;
                    self.report
                        .problems
                        .push(format!("{} lacks {id}", device.username));
                    continue;
                };
                let mut server_copy = Record::load(&server_docs[id].2, b"sim-check")?;
                let (mut local_heads, mut server_heads) = (local.heads(), server_copy.heads());
                local_heads.sort_unstable();
                server_heads.sort_unstable();
                if local_heads != server_heads {
                    converged = false;
                    self.report.problems.push(format!(
                        "{} differs from the server on {id}",
                        device.username
                    ));
                }
            }
        }
        self.report.converged = converged;
        Ok(())
    }
}

/// The required fields of a new note of `kind`.
fn required_fields(kind: RecordKind, at: DateTime<Utc>) -> Vec<(String, FieldValue)> {
    let date = FieldValue::Date(policy::japan_date(at));
    match kind {
        RecordKind::WardInterview => vec![
            ("occurred_on".into(), date),
            ("place".into(), FieldValue::Str("ward".into())),
            ("interview_type".into(), FieldValue::Str("continued".into())),
        ],
        RecordKind::Outing => {
            vec![
                ("occurred_on".into(), date),
                (
                    "activity_type".into(),
                    FieldValue::Str("accompanied_outing".into()),
                ),
            ]
        }
        RecordKind::HomeVisit => {
            vec![
                ("occurred_on".into(), date),
                ("visit_kind".into(), FieldValue::Str("settlement".into())),
            ]
        }
        RecordKind::Person => {
            vec![
                ("family_name".into(), FieldValue::Str("試験".into())),
                ("given_name".into(), FieldValue::Str("太郎".into())),
            ]
        }
        RecordKind::PersonCard => {
            vec![("display_name".into(), FieldValue::Str("試験 太郎".into()))]
        }
        other => panic!("the simulator writes no {other} records"),
    }
}

/// The narrative field edits go to, per kind.
fn narrative_field(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::WardInterview => "situation",
        RecordKind::Outing => "observations",
        RecordKind::HomeVisit => "notes",
        RecordKind::Person => "notes",
        RecordKind::PersonCard => "contact_notes",
        RecordKind::Assessment => "needs",
        RecordKind::TransitionPlan => "goals",
        RecordKind::CaseConference => "decisions",
        _ => "notes",
    }
}
