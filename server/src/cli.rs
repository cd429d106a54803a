//! The command line: `tsunagu [--data-dir DIR] [--database URL] <command>`.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use tsunagu_sync::role::Role;

/// Tsunagu's central server and its administration tools.
#[derive(Debug, Parser)]
#[command(name = "tsunagu", version, about)]
pub struct Cli {
    /// Directory holding the database (tsunagu.sqlite3).
    #[arg(
        long,
        env = "TSUNAGU_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// A PostgreSQL database to use instead of the SQLite file
    /// (`postgres://user:password@host:port/dbname`). The data directory
    /// still holds what each server unpacks for itself. Never printed: it
    /// may hold a password.
    #[arg(
        long,
        env = "TSUNAGU_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Hand a worker's caseload (or some persons of it) to another worker:
    /// the new worker's devices receive the history, the old one's purge it.
    Handover {
        /// The worker handing over (login name).
        #[arg(long)]
        from: String,
        /// The worker taking over (login name).
        #[arg(long)]
        to: String,
        /// Only these persons (repeatable; default: the whole caseload).
        #[arg(long = "person-id")]
        persons: Vec<String>,
        /// The day the new worker takes over (default today, Japan time).
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
    },
    /// Manage sync devices.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Manage persons (the people the programme supports).
    #[command(subcommand)]
    Person(PersonCommand),
    /// Import data from other systems.
    #[command(subcommand)]
    Import(ImportCommand),
    /// The costs the outcome report prices with, per fiscal year.
    #[command(subcommand)]
    Costs(CostsCommand),
    /// Reports.
    #[command(subcommand)]
    Report(ReportCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a consistent copy of the database while the server runs,
    /// checked before it is kept.
    Backup {
        /// The file to write (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup in place as the data directory's database (the
    /// server must be stopped). The backup is checked first; the database
    /// it replaces is kept aside.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// After PostgreSQL was restored (from `pg_dump` or to a point in
    /// time): gives the database a new history id, so every tablet learns
    /// at its next connection that the server went back and gives back
    /// the notes it lost. Run it before starting the servers again.
    RenewHistory,
    /// Assign a user to a person (put the person on the user's caseload).
    Assign {
        /// The user's login name.
        #[arg(long)]
        username: String,
        /// The person's id.
        #[arg(long)]
        person_id: String,
        /// First day of the assignment (YYYY-MM-DD; default today, Japan time).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Day the assignment ends (exclusive; default open-ended).
        #[arg(long)]
        until: Option<chrono::NaiveDate>,
    },
    /// End a user's assignment to a person; their devices purge the
    /// person's records at their next sync.
    Unassign {
        /// The user's login name.
        #[arg(long)]
        username: String,
        /// The person's id.
        #[arg(long)]
        person_id: String,
        /// First day without the assignment (YYYY-MM-DD; default today, Japan time).
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
    },
}

/// `device` subcommands.
#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Register a device for a user and print its sync token (shown once).
    Add {
        /// The user's login name.
        #[arg(long)]
        username: String,
        /// A label to recognise the device by (e.g. "ward tablet 3").
        #[arg(long)]
        label: String,
    },
    /// List devices: user, label, registered, last contact, what the
    /// server last stored from each, and whether it is revoked.
    List {
        /// Only this user's devices.
        #[arg(long)]
        username: Option<String>,
    },
    /// Revoke a device (broken or replaced): its next sync is refused; it
    /// keeps its unsent notes.
    Revoke {
        /// The device id printed by `device add`.
        #[arg(long)]
        id: String,
    },
    /// Report a device lost: it is revoked, and at its next contact (at
    /// once if it is connected) it wipes itself, unsent notes included,
    /// and confirms.
    ReportLost {
        /// The device id printed by `device add` or `device list`.
        #[arg(long)]
        id: String,
    },
}

/// `person` subcommands.
#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Register a person and print their id.
    Add {
        /// The name staff know the person by.
        #[arg(long)]
        display_name: String,
    },
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "TSUNAGU_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// Directory of the built browser bundle (default: the one the binary
    /// carries, else target/site, or target/site-dev for a debug build).
    #[arg(long, env = "TSUNAGU_SITE_ROOT")]
    pub site_root: Option<PathBuf>,
    /// Seed a synthetic demo programme into an empty database and print a demo login.
    #[arg(long)]
    pub demo: bool,
    /// The address users reach the app at, e.g. https://tsunagu.example.jp
    /// behind a TLS reverse proxy. An https address turns on HSTS and the
    /// `Secure`, `__Host-` session cookie.
    #[arg(long, env = "TSUNAGU_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// Days without contact after which a device's token expires (the
    /// device is revoked and must be signed in again).
    #[arg(long, env = "TSUNAGU_DEVICE_IDLE_DAYS", default_value_t = 90,
          value_parser = clap::value_parser!(i64).range(1..=3650))]
    pub device_idle_days: i64,
    /// Wrong passwords in a row after which a tablet wipes itself when it
    /// is unlocked (offline too); told to devices as they register.
    #[arg(long, env = "TSUNAGU_UNLOCK_ATTEMPTS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(3..=100))]
    pub unlock_attempts: u32,
    /// The first wait after three wrong passwords, in milliseconds; it
    /// doubles with each further one, up to 30 seconds.
    #[arg(long, env = "TSUNAGU_UNLOCK_DELAY_MS", default_value_t = 1_000,
          value_parser = clap::value_parser!(u32).range(1..=30_000))]
    pub unlock_delay_ms: u32,
    /// Whether signing in needs a code from an authenticator app (TOTP):
    /// `required` (the default; accounts enrol at their next sign-in) or
    /// `optional` (only accounts that enrolled are asked; the default with
    /// `--demo`).
    #[arg(long, env = "TSUNAGU_SECOND_FACTOR", value_enum)]
    pub second_factor: Option<crate::second_factor::SecondFactorPolicy>,
    /// Months after a case ended (a closure or a death) before its records
    /// leave the tablets (never with unsent changes); the server and the
    /// outcome report keep them.
    #[arg(long, env = "TSUNAGU_RETAIN_ENDED_MONTHS",
          default_value_t = crate::retention::DEFAULT_ENDED_MONTHS,
          value_parser = clap::value_parser!(u32).range(1..=120))]
    pub retain_ended_months: u32,
}

/// `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from the first line of standard input.
    Add {
        /// Login name (a-z, 0-9, '.', '_', '-').
        #[arg(long)]
        username: String,
        /// Name shown in the UI.
        #[arg(long)]
        display_name: String,
        /// One of support_specialist, peer_supporter, visiting_nurse, caseworker, coordinator, auditor.
        #[arg(long)]
        role: Role,
    },
    /// List every account with its devices' standing.
    List,
    /// Disable a user (someone who left): their sessions end and their
    /// devices are revoked at once; their records and history stay.
    Disable {
        /// Login name.
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled user again (their devices stay revoked).
    Enable {
        /// Login name.
        #[arg(long)]
        username: String,
    },
    /// Give a user a temporary password (printed once) that they must
    /// replace at their next sign-in; their sessions end, devices stay.
    ResetPassword {
        /// Login name.
        #[arg(long)]
        username: String,
    },
    /// Remove a user's second factor and recovery codes (a lost phone):
    /// their sessions end; they set up an authenticator app again at
    /// their next sign-in. Devices stay.
    ResetSecondFactor {
        /// Login name.
        #[arg(long)]
        username: String,
    },
}

/// `tsunagu import ...`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import the welfare office's annual listing (CSV; UTF-8, UTF-8 with
    /// BOM, or Shift_JIS; columns in README). Shows a preview and writes
    /// nothing unless --commit is given and every row is good.
    Listing {
        /// The CSV file.
        file: PathBuf,
        /// The fiscal year the listing is for.
        #[arg(long)]
        year: i32,
        /// The listing date stays are measured at (default 1 April of --year).
        #[arg(long)]
        listed_on: Option<chrono::NaiveDate>,
        /// Write the import (otherwise: preview only).
        #[arg(long)]
        commit: bool,
    },
    /// Import the programme's past events (CSV, encodings as the listing;
    /// columns in README): each row becomes the record the app writes.
    /// Shows a preview and writes nothing unless --commit is given and
    /// every row is good; importing the same file again writes nothing.
    Events {
        /// The CSV file.
        file: PathBuf,
        /// Write the import (otherwise: preview only).
        #[arg(long)]
        commit: bool,
    },
}

/// `tsunagu audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit trail's hash chain and name the first entry that
    /// was changed, or follows one that was deleted or changed.
    Verify,
}

/// `tsunagu costs ...`.
#[derive(Debug, Subcommand)]
pub enum CostsCommand {
    /// Set a fiscal year's costs (either or both; the other is kept).
    Set {
        /// The fiscal year (April to March).
        #[arg(long)]
        year: i32,
        /// The standard monthly medical-assistance cost of a psychiatric
        /// inpatient that year, in yen (prices the effect amount).
        #[arg(long)]
        inpatient_monthly: Option<u64>,
        /// What the programme cost that year, in yen.
        #[arg(long)]
        programme: Option<u64>,
    },
}

/// `tsunagu report ...`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The programme's outcome per fiscal year and over the range
    /// (fields in README).
    Outcome {
        /// The first fiscal year.
        #[arg(long)]
        from: i32,
        /// The last fiscal year.
        #[arg(long)]
        to: i32,
        /// Count nothing after this day (default today, Japan time).
        #[arg(long)]
        cut_off: Option<chrono::NaiveDate>,
        /// How to print it.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
}

/// How `report outcome` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A table for the terminal (English).
    Text,
    /// CSV for Excel (UTF-8 with BOM, CRLF, Japanese headings).
    Csv,
    /// JSON (the fields README documents).
    Json,
}

/// An http(s) address without a path beyond `/`.
fn parse_public_url(value: &str) -> Result<String, String> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or("the public URL must start with https:// (or http://)")?;
    let host = rest.trim_end_matches('/');
    if host.is_empty() || host.contains('/') {
        return Err(
            "the public URL is the site's address only, e.g. https://tsunagu.example.jp".into(),
        );
    }
    Ok(value.trim_end_matches('/').to_owned())
}
