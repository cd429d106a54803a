//! `simulate`: many native devices, offline days, cut connections, handovers
//! and `kill -9` restarts against the real server; prints a one-line summary
//! last and exits non-zero when anything was lost, leaked or unconverged.
//!
//! `cargo run -p tsunagu-tests --release --bin simulate -- --devices D --persons P --days T --edits-per-day E --server-kills K --restores R --seed S [--postgres] [--instances N]`
//! (`--postgres` runs on a new database in the cluster
//! `TSUNAGU_TEST_POSTGRES` names, `--instances N` starts N servers on it)
//! (build the server first: `cargo build --release -p tsunagu`, and
//! point `TSUNAGU_BIN` at it if the profiles differ).

use anyhow::{Context, Result};
use tsunagu_tests::sim::{SimConfig, run};

fn parse_args() -> Result<SimConfig> {
    let mut config = SimConfig {
        devices: 20,
        persons: 10,
        days: 7,
        edits_per_day: 40,
        server_kills: 10,
        restores: 0,
        seed: 1,
        postgres: false,
        instances: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Result<u64> {
            args.next()
                .with_context(|| format!("{name} needs a number"))?
                .parse()
                .with_context(|| format!("{name} needs a number"))
        };
        if arg == "--postgres" {
            config.postgres = true;
            continue;
        }
        match arg.as_str() {
            "--devices" => config.devices = value("--devices")? as usize,
            "--persons" => config.persons = value("--persons")? as usize,
            "--days" => config.days = value("--days")? as usize,
            "--edits-per-day" => config.edits_per_day = value("--edits-per-day")? as usize,
            "--server-kills" => config.server_kills = value("--server-kills")? as usize,
            "--restores" => config.restores = value("--restores")? as usize,
            "--seed" => config.seed = value("--seed")?,
            "--instances" => config.instances = value("--instances")? as usize,
            other => anyhow::bail!(
                "unknown argument {other:?}; use --devices D --persons P --days T --edits-per-day E --server-kills K --restores R --seed S [--postgres] [--instances N]"
            ),
        }
    }
    Ok(config)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let config = parse_args()?;
    let seed = config.seed;
    let started = std::time::Instant::now();
    let report = run(config).await?;
    for problem in report.problems.iter().take(20) {
        eprintln!("problem: {problem}");
    }
    println!(
        "{report} seed={seed} wall_s={:.1}",
        started.elapsed().as_secs_f64()
    );
    anyhow::ensure!(report.passed(), "the simulation found problems");
    Ok(())
}
