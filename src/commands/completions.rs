//! `custctl completions <shell>` and `custctl man`: generated from the clap definition, so
//! they never drift from the real options. `completions/` holds the committed copies.

use anyhow::Result;
use std::io::Write;
use std::process::ExitCode;

/// Writes `shell`'s completion script for custctl to `out`.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut crate::cli::command(), "custctl", out);
}

/// Writes the man page (roff) to `out`.
pub fn write_man(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(crate::cli::command()).render(out)
}

pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    write_completions(shell, &mut out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn man() -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    write_man(&mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
