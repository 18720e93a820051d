//! The committed completions and man page are exactly what the binary generates now.
//! Regenerate with `bash completions/generate.sh` after changing an option.

const GENERATED: [(&str, &[&str]); 6] = [
    ("custctl.bash", &["completions", "bash"]),
    ("_custctl", &["completions", "zsh"]),
    ("custctl.fish", &["completions", "fish"]),
    ("_custctl.ps1", &["completions", "powershell"]),
    ("custctl.elv", &["completions", "elvish"]),
    ("custctl.1", &["man"]),
];

#[test]
fn committed_completions_and_man_page_are_fresh() {
    for (file, args) in GENERATED {
        let out = custctl_test_support::custctl().args(args).output().unwrap();
        assert!(out.status.success());
        let committed = std::fs::read(format!("{}/completions/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: run `bash completions/generate.sh` and commit the result"
        );
    }
}
