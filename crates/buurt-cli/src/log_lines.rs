//! Log lines to stderr, batched on the server's worker threads.
//!
//! `buurt serve` logs every request. A `write` to stderr per line, or handing each line to a
//! logging thread, costs a quarter of a cached tile's time (the hand-off: an allocation, a
//! wake-up and a context switch per request on a 2-core machine). So a tokio worker appends its
//! lines to a buffer of its own and writes the buffer in one go when the worker is about to go
//! idle ([`flush_this_thread`], from the runtime's park hook), when it holds [`FLUSH_BYTES`], or
//! when its oldest line waited [`FLUSH_AFTER`]. An idle server therefore writes each line at
//! once; a busy one writes a few hundred lines per call. Every other thread (the CLI's
//! commands, the blocking pool, reloads) writes each line directly.
//!
//! Nothing is dropped: a worker's buffer is written when the worker stops, and lines never wait
//! longer than [`FLUSH_AFTER`] while the worker is busy. Lines of different workers may
//! interleave out of order within that window; each carries its timestamp.

use std::cell::RefCell;
use std::io::{self, Write};
use std::time::{Duration, Instant};

/// A worker's buffer is written once it holds this many bytes (a few hundred request lines).
pub const FLUSH_BYTES: usize = 32 * 1024;

/// A busy worker writes its buffer once the oldest line in it is this old.
pub const FLUSH_AFTER: Duration = Duration::from_millis(100);

/// The lines a thread holds back, and whether it holds lines back at all.
#[derive(Debug, Default)]
struct Pending {
    batching: bool,
    bytes: Vec<u8>,
    oldest: Option<Instant>,
}

impl Pending {
    /// Add `line`; whether the buffer should be written now, being full or its oldest line
    /// having waited long enough.
    fn push(&mut self, line: &[u8], now: Instant) -> bool {
        self.bytes.extend_from_slice(line);
        let oldest = *self.oldest.get_or_insert(now);
        self.bytes.len() >= FLUSH_BYTES || now.duration_since(oldest) >= FLUSH_AFTER
    }

    /// Write everything held; the buffer keeps its memory for the next lines, so a busy
    /// worker allocates nothing for its log.
    fn write_out(&mut self) {
        write_stderr(&self.bytes);
        self.clear();
    }

    /// Empty the buffer, keeping its memory.
    fn clear(&mut self) {
        self.bytes.clear();
        self.oldest = None;
    }
}

impl Drop for Pending {
    /// A stopping thread writes what it still holds.
    fn drop(&mut self) {
        self.write_out();
    }
}

thread_local! {
    static PENDING: RefCell<Pending> = RefCell::new(Pending::default());
}

/// One write of whole lines; a failed write to stderr has nowhere to be reported.
fn write_stderr(bytes: &[u8]) {
    if !bytes.is_empty() {
        let _ = io::stderr().lock().write_all(bytes);
    }
}

/// Write what this thread holds back, and hold its lines back from now on. For the tokio
/// runtime's `on_thread_park` hook: a worker calls it each time it runs out of work.
pub fn flush_this_thread() {
    // Not during the thread's teardown, when the buffer's own drop writes it.
    let _ = PENDING.try_with(|p| {
        let mut p = p.borrow_mut();
        p.batching = true;
        p.write_out();
    });
}

/// The writer for `tracing_subscriber`: stderr, batched on threads that called
/// [`flush_this_thread`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Stderr;

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Stderr {
    type Writer = Stderr;

    fn make_writer(&'a self) -> Self::Writer {
        Stderr
    }
}

impl Write for Stderr {
    /// The formatter writes each event as one whole line.
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        let held = PENDING.try_with(|p| {
            let mut p = p.borrow_mut();
            if p.batching && p.push(line, Instant::now()) {
                p.write_out();
            }
            p.batching
        });
        // Not batching, or the thread is being torn down: the line goes out on its own.
        if held != Ok(true) {
            write_stderr(line);
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wait_until_the_buffer_is_full() {
        let mut p = Pending::default();
        let t0 = Instant::now();
        let line = [b'x'; 100];
        let lines_that_fit = FLUSH_BYTES.div_ceil(line.len());
        for _ in 1..lines_that_fit {
            assert!(!p.push(&line, t0));
        }
        assert!(p.push(&line, t0), "the buffer is full");
        assert_eq!(p.bytes.len(), lines_that_fit * line.len());
        // Written out (here without writing to the test's stderr), the buffer is empty and
        // keeps its memory.
        p.clear();
        assert!(p.bytes.capacity() >= FLUSH_BYTES);
        assert!(!p.push(&line, t0));
        p.clear();
    }

    #[test]
    fn a_busy_thread_writes_lines_older_than_the_limit() {
        let mut p = Pending::default();
        let t0 = Instant::now();
        assert!(!p.push(b"first\n", t0));
        assert!(!p.push(b"second\n", t0 + FLUSH_AFTER / 2));
        assert!(
            p.push(b"third\n", t0 + FLUSH_AFTER),
            "the first line waited long enough"
        );
        assert_eq!(p.bytes, b"first\nsecond\nthird\n");
        p.clear();
        // The clock starts again with the next line.
        assert!(!p.push(b"fourth\n", t0 + FLUSH_AFTER * 3 / 2));
        assert!(p.push(b"fifth\n", t0 + FLUSH_AFTER * 5 / 2));
        p.clear();
    }

    #[test]
    fn only_threads_that_flushed_hold_lines_back() {
        std::thread::spawn(|| {
            // Empty lines: what the thread holds is visible, and nothing reaches the test's
            // stderr.
            let mut w = Stderr;
            assert_eq!(w.write(b"").unwrap(), 0);
            assert!(PENDING.with(|p| !p.borrow().batching && p.borrow().oldest.is_none()));
            flush_this_thread();
            assert_eq!(w.write(b"").unwrap(), 0);
            assert!(PENDING.with(|p| p.borrow().batching && p.borrow().oldest.is_some()));
            flush_this_thread();
            assert!(PENDING.with(|p| p.borrow().bytes.is_empty() && p.borrow().oldest.is_none()));
        })
        .join()
        .unwrap();
    }
}
