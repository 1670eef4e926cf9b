//! The threads of one [`ComputePool`](crate::ComputePool): at most a fixed number, started when
//! jobs come and ended after [`KEEP_ALIVE`] without one.
//!
//! Not tokio's blocking threads: each serving thread's runtime has a blocking pool of its own,
//! which starts a new thread whenever its others are busy or not yet parked again, so a flood
//! of tile queries went through 33 threads in 30 s, each with fresh allocator pages, while the
//! memory of ended ones lingered (some 150 MB more at the peak). Nor threads that never end:
//! memory a thread allocated and another freed (a cached profile evicted, an atlas replaced by
//! a reload) goes back to the allocator only when the thread that allocated it allocates again
//! or ends, so idle threads kept a reloaded server 250 MB above its level.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How long a thread waits for a job before it ends (as tokio's blocking threads).
pub const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// A job as the threads take it; it must not unwind (the pool catches panics inside it).
pub type Job = Box<dyn FnOnce() + Send>;

/// Jobs waiting, and the threads that take them.
#[derive(Debug)]
pub struct Workers {
    name: &'static str,
    max: usize,
    keep_alive: Duration,
    state: Mutex<State>,
    ready: Condvar,
}

struct State {
    jobs: VecDeque<Job>,
    alive: usize,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("jobs", &self.jobs.len())
            .field("alive", &self.alive)
            .finish()
    }
}

/// No thread could be started for a job, and none was running to take it.
#[derive(Debug)]
pub struct NoThread(pub std::io::Error);

impl Workers {
    /// Up to `max` threads (at least one) named after `name`, each ending after `keep_alive`
    /// without a job.
    #[must_use]
    pub fn new(name: &'static str, max: usize, keep_alive: Duration) -> Arc<Self> {
        Arc::new(Self {
            name,
            max: max.max(1),
            keep_alive,
            state: Mutex::new(State {
                jobs: VecDeque::new(),
                alive: 0,
            }),
            ready: Condvar::new(),
        })
    }

    /// Threads running now, busy or waiting for a job.
    #[cfg(test)]
    fn alive(&self) -> usize {
        self.lock().alive
    }

    /// Queue `job`; a thread is started for it while fewer than the maximum run. The caller
    /// bounds how many jobs wait (the pool's semaphore).
    pub fn submit(self: &Arc<Self>, job: Job) -> Result<(), NoThread> {
        let mut state = self.lock();
        state.jobs.push_back(job);
        if state.alive < self.max {
            let me = Arc::clone(self);
            let spawned = std::thread::Builder::new()
                .name(format!("buurt {} {}", self.name, state.alive))
                .spawn(move || me.work());
            match spawned {
                Ok(_) => state.alive += 1,
                // With a thread running, the job waits for it.
                Err(e) if state.alive > 0 => {
                    tracing::warn!(pool = self.name, error = %e, "no extra pool thread");
                }
                Err(e) => {
                    state.jobs.pop_back();
                    return Err(NoThread(e));
                }
            }
        }
        drop(state);
        self.ready.notify_one();
        Ok(())
    }

    fn work(&self) {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.jobs.pop_front() {
                drop(state);
                job();
                state = self.lock();
                continue;
            }
            let (guard, waited) = self
                .ready
                .wait_timeout(state, self.keep_alive)
                .unwrap_or_else(PoisonError::into_inner);
            state = guard;
            if waited.timed_out() && state.jobs.is_empty() {
                state.alive -= 1;
                return;
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs run outside the lock and do not unwind, so it is never held by a panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn threads_start_up_to_the_maximum_and_end_when_idle() {
        let workers = Workers::new("test", 2, Duration::from_millis(50));
        assert_eq!(workers.alive(), 0);
        let (done, finished) = mpsc::channel();
        let (release, held) = mpsc::channel::<()>();
        let held = Arc::new(Mutex::new(held));
        for i in 0..5 {
            let done = done.clone();
            let held = Arc::clone(&held);
            workers
                .submit(Box::new(move || {
                    if i == 0 {
                        let _ = held.lock().unwrap().recv();
                    }
                    done.send(std::thread::current().id()).unwrap();
                }))
                .unwrap();
        }
        // One thread is held by the first job; the other runs the remaining four.
        assert_eq!(workers.alive(), 2);
        let others: Vec<_> = (0..4).map(|_| finished.recv().unwrap()).collect();
        assert!(others.iter().all(|t| *t == others[0]));
        release.send(()).unwrap();
        assert_ne!(finished.recv().unwrap(), others[0]);
        while workers.alive() > 0 {
            std::thread::sleep(Duration::from_millis(10));
        }
        // A job after they ended starts a thread again.
        let (done, finished) = mpsc::channel();
        workers
            .submit(Box::new(move || done.send(7).unwrap()))
            .unwrap();
        assert_eq!(finished.recv().unwrap(), 7);
    }
}
