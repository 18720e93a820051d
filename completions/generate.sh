#!/usr/bin/env bash
# Regenerates the shell completions and the man pages (one per verb and subcommand) from
# custctl's clap definition.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin custctl
bin="${CARGO_TARGET_DIR:-target}/debug/custctl"
"$bin" completions bash > completions/custctl.bash
"$bin" completions zsh > completions/_custctl
"$bin" completions fish > completions/custctl.fish
"$bin" completions powershell > completions/_custctl.ps1
"$bin" completions elvish > completions/custctl.elv
# From empty, so that the page of a verb that is gone goes too.
rm -rf completions/man
"$bin" --quiet man --dir completions/man
