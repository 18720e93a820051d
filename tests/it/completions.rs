//! The committed completions and man pages are exactly what the binary generates now, and
//! there is a page for every verb. Regenerate with `bash completions/generate.sh` after
//! changing an option.

use std::collections::BTreeMap;
use std::path::Path;

const COMPLETIONS: [(&str, &str); 5] = [
    ("custctl.bash", "bash"),
    ("_custctl", "zsh"),
    ("custctl.fish", "fish"),
    ("_custctl.ps1", "powershell"),
    ("custctl.elv", "elvish"),
];

const STALE: &str = "run `bash completions/generate.sh` and commit the result";

fn committed() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("completions")
}

#[test]
fn committed_completions_are_fresh() {
    for (file, shell) in COMPLETIONS {
        let out = custctl_test_support::custctl()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let committed = std::fs::read(committed().join(file)).unwrap_or_default();
        assert!(committed == out.stdout, "completions/{file} is stale: {STALE}");
    }
}

/// Every file of `dir`, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().into_string().unwrap(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn committed_man_pages_are_fresh_and_every_verb_has_one() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let out = custctl_test_support::custctl()
        .args(["man", "--dir"])
        .arg(&pages)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let generated = files(&pages);
    let committed = files(&committed().join("man"));
    assert_eq!(
        generated.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "completions/man/ is stale: {STALE}"
    );
    for (name, roff) in &generated {
        assert!(committed[name] == *roff, "completions/man/{name} is stale: {STALE}");
    }

    // The pages custctl.1 points at all exist, and each verb's page has its own options.
    let main = String::from_utf8_lossy(&generated["custctl.1"]).into_owned();
    for verb in [
        "send",
        "local",
        "invoke",
        "logs",
        "db",
        "sql",
        "init",
        "completions",
        "man",
    ] {
        assert!(main.contains(&format!("custctl\\-{verb}(1)")), "{main}");
        assert!(
            generated.contains_key(&format!("custctl-{verb}.1")),
            "no page for {verb}"
        );
    }
    for sub in ["up", "down", "status"] {
        assert!(
            generated.contains_key(&format!("custctl-local-{sub}.1")),
            "no page for local {sub}"
        );
    }
    let send = String::from_utf8_lossy(&generated["custctl-send.1"]).into_owned();
    assert!(
        send.contains("\\-\\-dry\\-run") && send.contains("\\-\\-group\\-id"),
        "{send}"
    );
    let up = String::from_utf8_lossy(&generated["custctl-local-up.1"]).into_owned();
    assert!(up.contains("\\-\\-detach") && up.contains("\\-\\-fresh"), "{up}");

    // `custctl man [VERB...]` prints the same page as the file.
    for (args, file) in [
        (&[][..], "custctl.1"),
        (&["send"][..], "custctl-send.1"),
        (&["local", "up"][..], "custctl-local-up.1"),
    ] {
        let out = custctl_test_support::custctl().arg("man").args(args).output().unwrap();
        assert!(out.status.success());
        assert!(out.stdout == generated[file], "custctl man {args:?} is not {file}");
    }
}

#[test]
fn man_for_an_unknown_verb_says_which_pages_there_are() {
    let out = custctl_test_support::custctl().args(["man", "sned"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("custctl man sned: no such verb") && err.contains("send, local, local up"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

/// Attack: another local user plants a symlink by a page's name in a directory both can write
/// to (a shared MANPATH, /tmp); `man --dir` must replace the link, not write through it into
/// the file it points at.
#[test]
fn man_dir_replaces_a_planted_symlink_instead_of_writing_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "the user's own file\n").unwrap();
    let pages = dir.path().join("man1");
    std::fs::create_dir(&pages).unwrap();
    std::os::unix::fs::symlink(&victim, pages.join("custctl-send.1")).unwrap();

    let out = custctl_test_support::custctl()
        .args(["-q", "man", "--dir"])
        .arg(&pages)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "the user's own file\n");
    let page = std::fs::symlink_metadata(pages.join("custctl-send.1")).unwrap();
    assert!(page.file_type().is_file());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(page.permissions().mode() & 0o777, 0o644);
    assert!(
        out.stderr.is_empty(),
        "--quiet printed {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
