//! Running pure CPU work (merging a big push) on a few scoped threads.

/// Pushes smaller than this are merged on the calling thread: starting
/// threads would cost more than it saves.
const PARALLEL_FROM: usize = 16;

/// `work` over `jobs` on up to `workers` threads, results in job order.
pub(super) fn run_parallel<J: Send, R: Send>(
    jobs: Vec<J>,
    workers: usize,
    work: impl Fn(J) -> R + Sync,
) -> Vec<R> {
    if workers <= 1 || jobs.len() < PARALLEL_FROM {
        return jobs.into_iter().map(work).collect();
    }
    let chunk = jobs.len().div_ceil(workers);
    let mut chunks: Vec<Vec<J>> = Vec::with_capacity(workers);
    let mut jobs = jobs.into_iter();
    loop {
        let part: Vec<J> = jobs.by_ref().take(chunk).collect();
        if part.is_empty() {
            break;
        }
        chunks.push(part);
    }
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|part| scope.spawn(move || part.into_iter().map(work).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}
