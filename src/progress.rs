//! The one progress display every verb uses: an indicatif bar or spinner on stderr, so that
//! stdout carries only results. It draws nothing when stderr is not a terminal (pipes, CI
//! logs, tests) or under `--quiet`, and the calls then cost next to nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressState, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A progress display on stderr, hidden when nobody is watching.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar that counts up to `total` `unit`s (e.g. "messages"), with rate and time left.
    pub fn bar(quiet: bool, total: u64, unit: &str) -> Progress {
        let style = ProgressStyle::with_template(&format!(
            "{{spinner}} {{msg}} [{{bar:30}}] {{human_pos}}/{{human_len}} {unit} ({{rate}}, {{eta}} left)"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("rate", rate)
        .progress_chars("=> ");
        Progress::with(quiet, ProgressBar::new(total), style)
    }

    /// A spinner with a running count, for work whose size is not known in advance.
    pub fn counter(quiet: bool, unit: &str) -> Progress {
        let style = ProgressStyle::with_template(&format!("{{spinner}} {{msg}} {{human_pos}} {unit} ({{rate}})"))
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .with_key("rate", rate);
        Progress::with(quiet, ProgressBar::no_length(), style)
    }

    /// A spinner with a message, for a wait whose length is not known.
    pub fn spinner(quiet: bool, message: &str) -> Progress {
        let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let progress = Progress::with(quiet, ProgressBar::new_spinner(), style);
        progress.set_message(message.to_string());
        progress
    }

    fn with(quiet: bool, bar: ProgressBar, style: ProgressStyle) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress {
                bar: ProgressBar::hidden(),
            };
        }
        // An error path that drops the bar early must not leave a half-drawn line behind.
        let bar = bar.with_finish(ProgressFinish::AndClear);
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(100));
        Progress { bar }
    }

    /// The text before the bar ("sending to customers").
    pub fn set_message(&self, message: impl Into<String>) {
        self.bar.set_message(message.into());
    }

    pub fn inc(&self, delta: u64) {
        self.bar.inc(delta);
    }

    /// For work that reports where it stands rather than each step (a move task's counts).
    pub fn set_position(&self, position: u64) {
        self.bar.set_position(position);
    }

    /// The bar's total, once the work says it (a move task counts its messages when it starts).
    pub fn set_length(&self, total: u64) {
        self.bar.set_length(total);
    }

    /// Prints a line on stderr above the bar, without tearing it.
    pub fn note(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Removes the bar, leaving the terminal as it was.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

/// "1,234/s": indicatif's own `{per_sec}` shows four decimals.
fn rate(state: &ProgressState, out: &mut dyn std::fmt::Write) {
    let _ = write!(out, "{}/s", indicatif::HumanCount(state.per_sec() as u64));
}
