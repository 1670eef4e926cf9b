//! Progress bars for long loads (indicatif), behind the library's `Progress` trait.

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar on stderr, hidden with `--quiet` or when stderr is not a terminal.
pub struct Bar {
    bar: ProgressBar,
    /// What each step does (`loading`, `fetching`).
    verb: &'static str,
}

impl Bar {
    pub fn new(quiet: bool) -> Self {
        Self::with_verb(quiet, "loading")
    }

    /// A bar whose steps read `{verb} {name}`.
    pub fn with_verb(quiet: bool, verb: &'static str) -> Self {
        let bar = if quiet {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(0)
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self { bar, verb }
    }
}

impl buurt_io::registry::Progress for Bar {
    fn start(&self, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
    }

    fn step(&self, name: &str) {
        if self.bar.position() < self.bar.length().unwrap_or(0) && !self.bar.message().is_empty() {
            self.bar.inc(1);
        }
        self.bar.set_message(format!("{} {name}", self.verb));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
