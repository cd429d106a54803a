//! The server's log: to stderr, filtered by `TSUNAGU_LOG`. Here rather than
//! in the binary so that the library and the binary resolve the same
//! features for their shared dependencies (`scripts/run.sh` builds the
//! library first, beside the browser bundle, and the binary must reuse it).

/// Sends `tracing` events to stderr, at `TSUNAGU_LOG`'s levels (default
/// `info`, automerge at `warn`).
pub fn init() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TSUNAGU_LOG")
                // automerge marks its load functions `#[instrument]`, at
                // info: recording those spans (formatting their arguments)
                // on every document load cost several percent of the
                // server's CPU under load and told an operator nothing.
                .unwrap_or_else(|_| "info,automerge=warn".into()),
        )
        .init();
}
