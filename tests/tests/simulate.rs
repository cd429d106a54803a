//! Short simulator runs in the suite: 20 devices, 7 days, 10 `kill -9`
//! restarts, several seeds, one of them with three restores from backups
//! taken during the run, and one on PostgreSQL with two servers, either
//! of which is killed. Longer runs are for the `simulate` binary.

use tsunagu_tests::sim::{SimConfig, run};

async fn simulate(seed: u64, restores: usize) -> anyhow::Result<()> {
    simulate_on(seed, restores, false, 1).await
}

async fn simulate_on(
    seed: u64,
    restores: usize,
    postgres: bool,
    instances: usize,
) -> anyhow::Result<()> {
    let config = SimConfig {
        devices: 20,
        persons: 8,
        days: 7,
        edits_per_day: 30,
        server_kills: 10,
        restores,
        seed,
        postgres,
        instances,
    };
    let report = run(config).await?;
    println!("{report} seed={seed}");
    assert!(
        report.passed(),
        "seed {seed}: {report}\n{:#?}",
        report.problems
    );
    assert_eq!(report.kills, 10, "every planned kill happened");
    assert_eq!(report.restores, restores, "every planned restore happened");
    assert!(
        report.edits > 100 && report.records > 20,
        "the run did real work: {report}"
    );
    assert!(report.failed_syncs > 0, "faults were injected: {report}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulation_seed_1_converges_with_nothing_lost_or_leaked() -> anyhow::Result<()> {
    simulate(1, 0).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulation_seed_2_converges_with_nothing_lost_or_leaked() -> anyhow::Result<()> {
    simulate(2, 0).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulation_seed_3_with_three_restores_loses_nothing_acknowledged() -> anyhow::Result<()> {
    simulate(3, 3).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulation_on_postgres_with_two_servers_killed_in_turn_converges() -> anyhow::Result<()> {
    simulate_on(4, 0, true, 2).await
}
