//! The command line: `tsunagu [--data-dir DIR] <command>`.

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
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "TSUNAGU_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// Directory of the built browser bundle (default: target/site).
    #[arg(long, env = "TSUNAGU_SITE_ROOT")]
    pub site_root: Option<PathBuf>,
    /// Seed a synthetic demo programme into an empty database and print a demo login.
    #[arg(long)]
    pub demo: bool,
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
}
