#!/usr/bin/env bash
# Regenerates the shell completions and the man page from custctl's clap definition.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin custctl
bin="${CARGO_TARGET_DIR:-target}/debug/custctl"
"$bin" completions bash > completions/custctl.bash
"$bin" completions zsh > completions/_custctl
"$bin" completions fish > completions/custctl.fish
"$bin" completions powershell > completions/_custctl.ps1
"$bin" completions elvish > completions/custctl.elv
"$bin" man > completions/custctl.1
