//! `tsunagu`: Tsunagu's server and administration command line. This file
//! only sets up logging, parses the command line and dispatches.

use clap::Parser;
use tsunagu_server::cli::{
    AuditCommand, Cli, Command, CostsCommand, DeviceCommand, ImportCommand, PersonCommand,
    ReportCommand, UserCommand,
};
use tsunagu_server::{commands, report_commands};

fn main() -> std::process::ExitCode {
    tsunagu_server::logging::init();
    match dispatch(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    // A restore replaces the database: it must not open (and migrate) it.
    if let Command::Restore { from, force } = &cli.command {
        anyhow::ensure!(
            cli.database.is_none(),
            "tsunagu restore puts back a SQLite database; restore PostgreSQL with its own tools \
             (docs/DEPLOY.md)"
        );
        return commands::restore(&cli.data_dir, from, *force);
    }
    let serving = matches!(cli.command, Command::Serve(_));
    let store = commands::open_store(&cli.data_dir, cli.database.as_deref(), serving)?;
    match cli.command {
        Command::Restore { .. } => unreachable!("handled above"),
        Command::Backup { to } => commands::backup(&store, &to),
        Command::RenewHistory => commands::renew_history(&store),
        Command::Audit(AuditCommand::Verify) => commands::verify_audit(&store),
        Command::Serve(args) => {
            tsunagu_server::serve::run(store, &cli.data_dir, args, |data_dir| {
                Ok(tsunagu_bundle::unpack(data_dir)?)
            })
        }
        Command::User(UserCommand::Add {
            username,
            display_name,
            role,
        }) => commands::add_user(&store, &username, &display_name, role),
        Command::User(UserCommand::List) => commands::list_users(&store),
        Command::User(UserCommand::Disable { username }) => {
            commands::disable_user(&store, &username)
        }
        Command::User(UserCommand::Enable { username }) => commands::enable_user(&store, &username),
        Command::User(UserCommand::ResetPassword { username }) => {
            commands::reset_password(&store, &username)
        }
        Command::User(UserCommand::ResetSecondFactor { username }) => {
            commands::reset_second_factor(&store, &username)
        }
        Command::Handover {
            from,
            to,
            persons,
            on,
        } => commands::handover(&store, &from, &to, &persons, on),
        Command::Import(ImportCommand::Listing {
            file,
            year,
            listed_on,
            commit,
        }) => commands::import_listing(&store, &file, year, listed_on, commit),
        Command::Import(ImportCommand::Events { file, commit }) => {
            report_commands::import_events(&store, &file, commit)
        }
        Command::Costs(CostsCommand::Set {
            year,
            inpatient_monthly,
            programme,
        }) => report_commands::set_costs(&store, year, inpatient_monthly, programme),
        Command::Report(ReportCommand::Outcome {
            from,
            to,
            cut_off,
            format,
        }) => report_commands::outcome(&store, from, to, cut_off, format),
        Command::Device(DeviceCommand::Add { username, label }) => {
            commands::add_device(&store, &username, &label)
        }
        Command::Device(DeviceCommand::Revoke { id }) => commands::revoke_device(&store, &id),
        Command::Device(DeviceCommand::ReportLost { id }) => commands::report_lost(&store, &id),
        Command::Device(DeviceCommand::List { username }) => {
            commands::list_devices(&store, username.as_deref())
        }
        Command::Person(PersonCommand::Add { display_name }) => {
            commands::add_person(&store, &display_name)
        }
        Command::Assign {
            username,
            person_id,
            from,
            until,
        } => commands::assign(&store, &username, &person_id, from, until),
        Command::Unassign {
            username,
            person_id,
            on,
        } => commands::unassign(&store, &username, &person_id, on),
    }
}
