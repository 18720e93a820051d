//! OpenSSH's configuration syntax, which both `custctl sql` (ssh `-o` options) and the local
//! stack (its sshd_config) write paths into. A value is split at white space unless quoted, and
//! `%` starts a token in the options that expand them (AuthorizedKeysFile, UserKnownHostsFile,
//! IdentityFile; not HostKey or PidFile; ssh's `-i` checks the path as given, then expands it,
//! so a path with `%` can only go through `-o IdentityFile=`), so a state dir with a space or a `%` would otherwise name other
//! files; a newline would start a directive of its own. Paths are therefore double-quoted, with
//! `%` doubled where tokens expand, and those that cannot be written safely are refused.

use std::path::Path;

/// A path that OpenSSH's configuration syntax cannot carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path:?} cannot be written into an OpenSSH option: {why}")]
pub struct UnquotablePath {
    pub path: String,
    pub why: &'static str,
}

/// `path` as one value of an option that expands `%` tokens: `"..."`, with `%` as `%%`.
pub fn quoted_token_path(path: &Path) -> Result<String, UnquotablePath> {
    Ok(quoted_path(path)?.replace('%', "%%"))
}

/// `path` as one value of an option without tokens: `"..."`.
pub fn quoted_path(path: &Path) -> Result<String, UnquotablePath> {
    let refuse = |why| UnquotablePath {
        path: path.display().to_string(),
        why,
    };
    let text = path.to_str().ok_or_else(|| refuse("it is not UTF-8"))?;
    if text.chars().any(char::is_control) {
        return Err(refuse(
            "it contains a control character (a newline would start another directive)",
        ));
    }
    if text.contains('"') || text.contains('\\') {
        return Err(refuse("it contains a double quote or a backslash"));
    }
    Ok(format!("\"{text}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_or_refused() {
        assert_eq!(quoted_token_path(Path::new("/a b/%h")).unwrap(), "\"/a b/%%h\"");
        assert_eq!(quoted_path(Path::new("/a b/%h")).unwrap(), "\"/a b/%h\"");
        assert!(quoted_path(Path::new("/a\nPermitOpen any")).is_err());
        assert!(quoted_path(Path::new("/a\"b")).is_err());
    }
}
