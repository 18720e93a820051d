//! `custctl completions <shell>` and `custctl man`: generated from the clap definition, so
//! they never drift from the real options. `completions/` holds the committed copies, the man
//! pages in `completions/man/`.

use crate::cli::{GlobalArgs, ManArgs};
use crate::error::InputError;
use anyhow::{Context, Result};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::ExitCode;

/// Writes `shell`'s completion script for custctl to `out`.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut crate::cli::command(), "custctl", out);
}

/// One man page: custctl's own or a verb's.
pub struct ManPage {
    /// The words after `custctl` that name it: none for custctl.1, `["local", "up"]` for
    /// custctl-local-up.1.
    pub verb: Vec<String>,
    /// As clap_mangen names it, and as custctl.1's SEE ALSO refers to it: `custctl-local-up.1`.
    pub file_name: String,
    pub roff: Vec<u8>,
}

/// Every page: custctl.1, then one per verb and per subcommand (custctl-local-up.1), in the
/// order of the command tree. `help` is left out: it is a flag of every page.
pub fn man_pages() -> std::io::Result<Vec<ManPage>> {
    fn collect(command: &clap::Command, verb: Vec<String>, pages: &mut Vec<ManPage>) -> std::io::Result<()> {
        let man = clap_mangen::Man::new(command.clone());
        let mut roff = Vec::new();
        man.render(&mut roff)?;
        pages.push(ManPage {
            verb: verb.clone(),
            file_name: man.get_filename(),
            roff,
        });
        for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            let mut words = verb.clone();
            words.push(sub.get_name().to_string());
            collect(sub, words, pages)?;
        }
        Ok(())
    }
    // Built, each subcommand knows its display name (custctl-local-up), which its page's
    // title, file name and SEE ALSO use.
    let mut command = crate::cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect(&command, Vec::new(), &mut pages)?;
    Ok(pages)
}

pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    write_completions(shell, &mut out);
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `custctl man [VERB...]` prints one page; `custctl man --dir DIR` writes them all.
pub fn man(global: &GlobalArgs, args: &ManArgs) -> Result<ExitCode> {
    let pages = man_pages().context("rendering the man pages")?;
    if let Some(dir) = &args.dir {
        write_pages(dir, &pages)?;
        if !global.quiet {
            eprintln!("custctl: wrote {} man pages to {}", pages.len(), dir.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(page) = pages.iter().find(|page| page.verb == args.verb) else {
        let known: Vec<String> = pages
            .iter()
            .filter(|page| !page.verb.is_empty())
            .map(|page| page.verb.join(" "))
            .collect();
        return Err(InputError(format!(
            "custctl man {}: no such verb; the pages are custctl's own (`custctl man`) and {}",
            args.verb.join(" "),
            known.join(", ")
        ))
        .into());
    };
    let mut out = std::io::stdout().lock();
    out.write_all(&page.roff)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes each page into `dir` through a new file renamed over the old one: a directory that
/// others can write to (a shared MANPATH) may hold a planted symlink by a page's name, and
/// writing through it would overwrite whatever it points at.
fn write_pages(dir: &Path, pages: &[ManPage]) -> Result<()> {
    let unwritable = |e: std::io::Error| InputError(format!("--dir {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    for page in pages {
        let mut file = tempfile::NamedTempFile::new_in(dir).map_err(unwritable)?;
        file.write_all(&page.roff)
            .with_context(|| format!("writing {}", page.file_name))?;
        // Readable by everyone, as man pages are (a new temporary file is the owner's alone).
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("writing {}", page.file_name))?;
        file.persist(dir.join(&page.file_name))
            .map_err(|e| unwritable(e.error))?;
    }
    Ok(())
}
