//! Bounded pools for the expensive work (profiles, area diagnoses, peers, hot spots,
//! harmonisation, tile renders), off the threads that serve requests.
//!
//! A [`ComputePool`] runs at most `threads` jobs at once on threads of its own and lets at
//! most `queue` more wait; a request beyond that gets 503 with `Retry-After` at once, rather
//! than waiting behind work the server cannot finish in time. Before, profiles ran on the serving
//! threads, and 16 clients asking for profiles took `/health` from 0.9 ms to 300 ms (issue 15).
//!
//! The jobs run on the pool's own threads ([`crate::workers`]), not on tokio's blocking ones.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use tokio::sync::{Semaphore, oneshot};

use crate::workers::{KEEP_ALIVE, Workers};

use crate::error::ApiError;

/// How many jobs run and wait at most, per pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSize {
    /// Jobs running at once (at least one).
    pub threads: usize,
    /// Jobs waiting for a thread; one more gets 503.
    pub queue: usize,
}

impl PoolSize {
    /// The default for profiles and other diagnoses: one thread fewer than the cores (at least
    /// one), so that a core stays free for the serving threads, and 64 waiting.
    #[must_use]
    pub fn compute_default() -> Self {
        Self {
            threads: cores().saturating_sub(1).max(1),
            queue: 64,
        }
    }

    /// The default for tile renders: one per core and 512 waiting (a map view at street level
    /// asks for some 40 tiles per layer at once).
    #[must_use]
    pub fn render_default() -> Self {
        Self {
            threads: cores(),
            queue: 512,
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
}

/// A bounded pool of blocking work; see the module documentation.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use buurt_server::{ComputePool, PoolSize};
/// let pool = ComputePool::new("profiles", PoolSize { threads: 1, queue: 4 });
/// assert_eq!(pool.run(|| 6 * 7).await.unwrap(), 42);
/// # });
/// ```
#[derive(Debug)]
pub struct ComputePool {
    what: &'static str,
    size: PoolSize,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    /// Mean time of a job in µs, smoothed (for `Retry-After`).
    mean_micros: AtomicU64,
    /// The threads, as many as `size.threads` at most.
    workers: Arc<Workers>,
}

/// Counts a waiting job until it starts or its request is dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl ComputePool {
    /// A pool for `what` (named in the 503 message), of `size`.
    #[must_use]
    pub fn new(what: &'static str, size: PoolSize) -> Self {
        let threads = size.threads.max(1);
        Self {
            what,
            size: PoolSize { threads, ..size },
            permits: Arc::new(Semaphore::new(threads)),
            waiting: AtomicUsize::new(0),
            mean_micros: AtomicU64::new(50_000),
            workers: Workers::new(what, threads, KEEP_ALIVE),
        }
    }

    /// The size of the pool.
    #[must_use]
    pub fn size(&self) -> PoolSize {
        self.size
    }

    /// Jobs running now.
    #[must_use]
    pub fn running(&self) -> usize {
        self.size.threads - self.permits.available_permits()
    }

    /// Requests waiting for a thread now.
    #[must_use]
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Run `job` on one of the pool's threads once one is free; [`ApiError::Busy`] at once when
    /// the queue is full. A job that started runs to its end even if its request is dropped
    /// (its result may be cached, and a thread cannot be stopped midway anyway), and holds its
    /// place in the pool until then. A job that panics is an [`ApiError::Internal`]; the thread
    /// goes on with the next.
    pub async fn run<T, F>(&self, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                let before = self.waiting.fetch_add(1, Ordering::Relaxed);
                let _waiting = Waiting(&self.waiting);
                if before >= self.size.queue {
                    tracing::warn!(pool = self.what, waiting = before, "pool full; 503");
                    return Err(self.busy(before));
                }
                Arc::clone(&self.permits)
                    .acquire_owned()
                    .await
                    .map_err(|_| ApiError::Internal(format!("the {} pool closed", self.what)))?
            }
        };
        let stopped = || ApiError::Internal(format!("a job of the {} pool stopped", self.what));
        let started = Instant::now();
        let (done, result) = oneshot::channel();
        self.workers
            .submit(Box::new(move || {
                let result = std::panic::catch_unwind(AssertUnwindSafe(job));
                drop(permit);
                // The request may be gone; the result is then not wanted.
                let _ = done.send(result);
            }))
            .map_err(|e| {
                ApiError::Internal(format!("no thread for the {} pool: {}", self.what, e.0))
            })?;
        let result = result
            .await
            .map_err(|_| stopped())?
            .map_err(|_| ApiError::Internal(format!("a job of the {} pool panicked", self.what)))?;
        self.record(started.elapsed());
        Ok(result)
    }

    /// Smooth the mean job time: the new one weighs an eighth.
    fn record(&self, took: std::time::Duration) {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        let old = self.mean_micros.load(Ordering::Relaxed);
        let new = old - old / 8 + micros / 8;
        self.mean_micros.store(new, Ordering::Relaxed);
    }

    /// The 503 for a full queue, with the seconds until the queue ahead has likely drained.
    fn busy(&self, waiting: usize) -> ApiError {
        let mean = self.mean_micros.load(Ordering::Relaxed);
        let rounds = u64::try_from(waiting / self.size.threads + 1).unwrap_or(u64::MAX);
        let secs = rounds.saturating_mul(mean).div_ceil(1_000_000).clamp(1, 60);
        ApiError::Busy {
            message: format!(
                "the server is busy: {waiting} {} are waiting; try again in {secs} s",
                self.what
            ),
            retry_after_secs: secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_answers_busy_at_once_and_the_jobs_ahead_finish() {
        let pool = Arc::new(ComputePool::new(
            "profiles",
            PoolSize {
                threads: 1,
                queue: 2,
            },
        ));
        // One job holds the only thread until released.
        let (release, held) = mpsc::channel::<()>();
        let running = {
            let pool = Arc::clone(&pool);
            tokio::spawn(async move {
                pool.run(move || {
                    let _ = held.recv();
                    1
                })
                .await
            })
        };
        while pool.permits.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        // Two wait; the third is turned away without waiting.
        let queued: Vec<_> = (2..4)
            .map(|i| {
                let pool = Arc::clone(&pool);
                tokio::spawn(async move { pool.run(move || i).await })
            })
            .collect();
        while pool.waiting.load(Ordering::Relaxed) < 2 {
            tokio::task::yield_now().await;
        }
        let turned_away = pool.run(|| 9).await.unwrap_err();
        let ApiError::Busy {
            message,
            retry_after_secs,
        } = &turned_away
        else {
            panic!("{turned_away:?}");
        };
        assert!(message.contains("2 profiles are waiting"), "{message}");
        assert!((1..=60).contains(retry_after_secs));
        release.send(()).unwrap();
        assert_eq!(running.await.unwrap().unwrap(), 1);
        let mut done = Vec::new();
        for q in queued {
            done.push(q.await.unwrap().unwrap());
        }
        assert_eq!(done, [2, 3]);
        assert_eq!(pool.waiting.load(Ordering::Relaxed), 0);
        assert_eq!(pool.permits.available_permits(), 1);
    }

    /// Jobs one after another run on the pool's one thread, not on new threads (tokio's
    /// blocking threads came and went, and their allocator pages with them), and a job that
    /// panics leaves it running.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_run_on_the_pools_own_threads_and_survive_a_panic() {
        let pool = ComputePool::new(
            "renders",
            PoolSize {
                threads: 1,
                queue: 4,
            },
        );
        let mut threads = std::collections::HashSet::new();
        for _ in 0..20 {
            let id = pool.run(|| std::thread::current().id()).await.unwrap();
            threads.insert(id);
        }
        assert_eq!(threads.len(), 1);
        let panicked = pool.run(|| panic!("a bad job")).await.unwrap_err();
        assert!(
            matches!(&panicked, ApiError::Internal(m) if m.contains("renders pool panicked")),
            "{panicked:?}"
        );
        let after = pool.run(|| std::thread::current().id()).await.unwrap();
        assert!(threads.contains(&after));
        assert_eq!(pool.permits.available_permits(), 1);
    }

    #[tokio::test]
    async fn a_dropped_request_gives_its_place_in_the_queue_back() {
        let pool = Arc::new(ComputePool::new(
            "renders",
            PoolSize {
                threads: 1,
                queue: 1,
            },
        ));
        let permit = Arc::clone(&pool.permits).acquire_owned().await.unwrap();
        let waiter = {
            let pool = Arc::clone(&pool);
            tokio::spawn(async move { pool.run(|| 1).await })
        };
        while pool.waiting.load(Ordering::Relaxed) < 1 {
            tokio::task::yield_now().await;
        }
        waiter.abort();
        let _ = waiter.await;
        assert_eq!(pool.waiting.load(Ordering::Relaxed), 0);
        drop(permit);
        assert_eq!(pool.run(|| 2).await.unwrap(), 2);
    }
}
