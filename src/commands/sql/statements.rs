//! SQL text as the server reads it: statements end at `;` (or `\G`, for vertical output)
//! outside quotes and comments, so `-e`, `--file` and the REPL split input the same way, and
//! the same way MariaDB does (the `mysql` crate cannot turn multi-statements off, so a
//! disagreement would run two statements as one, or hide one inside a "comment"):
//! - `-- ` starts a comment only when followed by white space or a control character (or
//!   the end), as in the server's lexer (`--\x0b` is a comment; `--1` is minus minus one);
//! - `/*! ... */` and `/*M! ... */` are executable comments: code to the server, so code here;
//! - with `NO_BACKSLASH_ESCAPES` in the session's `sql_mode`, a backslash in a string is a
//!   plain character (the caller says which mode the session is in).
//!
//! It also decides what a read-only session may send ([`read_only_refusal`]).

/// One statement to run, without its terminator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    /// Ended by `\G`: print this result vertically.
    pub vertical: bool,
}

/// How the session reads strings: whether `\` escapes in quotes (not under `NO_BACKSLASH_ESCAPES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub backslash_escapes: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            backslash_escapes: true,
        }
    }
}

impl Dialect {
    /// The dialect of a session whose `@@sql_mode` is `sql_mode`.
    pub fn of_sql_mode(sql_mode: &str) -> Dialect {
        Dialect {
            backslash_escapes: !sql_mode
                .split(',')
                .any(|mode| mode.trim().eq_ignore_ascii_case("NO_BACKSLASH_ESCAPES")),
        }
    }
}

/// One statement found by [`next_statement`]: where its text is and where scanning goes on.
struct Found {
    sql: std::ops::Range<usize>,
    vertical: bool,
    /// Ended by `;` or `\G` (else the text ran out first).
    terminated: bool,
    /// Has something besides white space and comments.
    has_code: bool,
    /// Where the next statement starts.
    next: usize,
}

/// Whether `--` at `i` starts a comment: followed by white space, a control character or the end.
fn dash_dash_comment(bytes: &[u8], i: usize) -> bool {
    bytes.get(i + 1) == Some(&b'-')
        && bytes
            .get(i + 2)
            .is_none_or(|c| c.is_ascii_whitespace() || c.is_ascii_control())
}

/// The length of an executable comment's opening at `i` (`/*!`, `/*!50100`, `/*M!100100`), if any.
fn executable_comment_opening(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = &bytes[i..];
    let marker = if rest.starts_with(b"/*!") {
        3
    } else if rest.starts_with(b"/*M!") {
        4
    } else {
        return None;
    };
    Some(marker + rest[marker..].iter().take_while(|b| b.is_ascii_digit()).count())
}

/// Scans one statement of `text` from `from`.
fn next_statement(text: &str, from: usize, dialect: Dialect) -> Found {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    let mut has_code = false;
    let mut in_executable_comment = false;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\\' && q != b'`' && dialect.backslash_escapes {
                i += 2;
                continue;
            }
            if b == q {
                // A doubled quote is a quote character inside the string.
                if bytes.get(i + 1) == Some(&q) {
                    i += 2;
                    continue;
                }
                quote = None;
            }
            i += 1;
            continue;
        }
        match b {
            b'\'' | b'"' | b'`' => {
                quote = Some(b);
                has_code = true;
            }
            b'#' => {
                i = end_of_line(bytes, i);
                continue;
            }
            b'-' if dash_dash_comment(bytes, i) => {
                i = end_of_line(bytes, i);
                continue;
            }
            b'*' if in_executable_comment && bytes.get(i + 1) == Some(&b'/') => {
                in_executable_comment = false;
                i += 2;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                if let Some(opening) = executable_comment_opening(bytes, i) {
                    in_executable_comment = true;
                    has_code = true;
                    i += opening;
                } else {
                    i = text[i + 2..].find("*/").map_or(bytes.len(), |end| i + 2 + end + 2);
                }
                continue;
            }
            b';' => {
                return Found {
                    sql: from..i,
                    vertical: false,
                    terminated: true,
                    has_code,
                    next: i + 1,
                }
            }
            b'\\' if matches!(bytes.get(i + 1), Some(b'G' | b'g')) => {
                return Found {
                    sql: from..i,
                    vertical: true,
                    terminated: true,
                    has_code,
                    next: i + 2,
                }
            }
            _ if !b.is_ascii_whitespace() => has_code = true,
            _ => {}
        }
        i += 1;
    }
    Found {
        sql: from..bytes.len(),
        vertical: false,
        terminated: false,
        has_code,
        next: bytes.len(),
    }
}

/// Splits `text` into its complete statements, and the unfinished rest (text after the last
/// terminator that is not only white space or comments: the REPL keeps reading lines for it).
pub fn split(text: &str, dialect: Dialect) -> (Vec<Statement>, String) {
    let mut statements = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let found = next_statement(text, from, dialect);
        if !found.terminated {
            let rest = if found.has_code {
                text[from..].to_string()
            } else {
                String::new()
            };
            return (statements, rest);
        }
        // A statement of only comments is not sent (the server would answer "Query was empty").
        if found.has_code {
            push(&mut statements, &text[found.sql], found.vertical);
        }
        from = found.next;
    }
    (statements, String::new())
}

/// The first statement of `text` (a last one without `;` counts too) and the text after it;
/// `None` when only white space and comments are left.
pub fn first_statement(text: &str, dialect: Dialect) -> Option<(Statement, &str)> {
    let mut from = 0;
    while from < text.len() {
        let found = next_statement(text, from, dialect);
        let sql = text[found.sql].trim();
        if found.has_code && !sql.is_empty() {
            let statement = Statement {
                sql: sql.to_string(),
                vertical: found.vertical,
            };
            return Some((statement, &text[found.next..]));
        }
        from = found.next;
    }
    None
}

fn end_of_line(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(bytes.len(), |n| from + n)
}

fn push(statements: &mut Vec<Statement>, sql: &str, vertical: bool) {
    let sql = sql.trim();
    if !sql.is_empty() {
        statements.push(Statement {
            sql: sql.to_string(),
            vertical,
        });
    }
}

/// All the statements of a script: a last statement without `;` counts too.
pub fn split_script(text: &str, dialect: Dialect) -> Vec<Statement> {
    let (mut statements, rest) = split(text, dialect);
    push(&mut statements, &rest, false);
    statements
}

/// The words of a statement as the server sees them, upper-cased: comments dropped,
/// executable comments opened (their content is code), quoted strings and identifiers
/// reduced to one `'` or `` ` `` token, every other character a token of its own.
fn words(sql: &str, dialect: Dialect) -> Vec<String> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\'' | b'"' | b'`' => {
                let mut j = i + 1;
                while j < bytes.len() {
                    if bytes[j] == b'\\' && b != b'`' && dialect.backslash_escapes {
                        j += 2;
                        continue;
                    }
                    if bytes[j] == b {
                        if bytes.get(j + 1) == Some(&b) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j += 1;
                }
                // A "double-quoted" text is a string unless ANSI_QUOTES; either way not a keyword.
                tokens.push(if b == b'`' { "`".to_string() } else { "'".to_string() });
                i = j + 1;
            }
            b'#' => i = end_of_line(bytes, i),
            b'-' if dash_dash_comment(bytes, i) => i = end_of_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = match executable_comment_opening(bytes, i) {
                    Some(opening) => i + opening,
                    None => sql[i + 2..].find("*/").map_or(bytes.len(), |end| i + 2 + end + 2),
                };
            }
            // The end of an executable comment (elsewhere `*/` is not valid SQL anyway).
            b'*' if bytes.get(i + 1) == Some(&b'/') => i += 2,
            _ if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 => {
                let end = bytes[i..]
                    .iter()
                    .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80))
                    .map_or(bytes.len(), |n| i + n);
                tokens.push(sql[i..end].to_ascii_uppercase());
                i = end;
            }
            _ if b.is_ascii_whitespace() => i += 1,
            _ => {
                tokens.push((b as char).to_string());
                i += 1;
            }
        }
    }
    tokens
}

/// Functions that take locks or change data even inside a SELECT.
const LOCKING_OR_WRITING_FUNCTIONS: &[&str] = &[
    "GET_LOCK",
    "RELEASE_LOCK",
    "RELEASE_ALL_LOCKS",
    "IS_USED_LOCK",
    "NEXTVAL",
    "SETVAL",
    "LASTVAL",
];

/// Session variables that would lift (or are) the read-only guard.
const GUARD_VARIABLES: &[&str] = &["TX_READ_ONLY", "TRANSACTION_READ_ONLY", "READ_ONLY"];

/// Why a read-only session must not send `sql`, or `None` when it may: only statements that
/// cannot change data or take locks run without `--write` (SELECT without INTO OUTFILE /
/// DUMPFILE or FOR UPDATE / SHARE, SHOW, DESCRIBE, EXPLAIN without ANALYZE, USE, HELP, and
/// session SETs that cannot lift the guard; BEGIN, COMMIT, ROLLBACK). The server's read-only
/// transaction stays as the second guard.
pub fn read_only_refusal(sql: &str, dialect: Dialect) -> Option<String> {
    refusal_of(&words(sql, dialect))
}

fn refusal_of(words: &[String]) -> Option<String> {
    let has = |word: &str| words.iter().any(|w| w == word);
    let has_pair = |a: &str, b: &str| words.windows(2).any(|pair| pair[0] == a && pair[1] == b);
    if let Some(function) = LOCKING_OR_WRITING_FUNCTIONS.iter().find(|f| has(f)) {
        return Some(format!("{function}() takes locks or changes data"));
    }
    if has_pair("NEXT", "VALUE") || has_pair("PREVIOUS", "VALUE") {
        return Some("NEXT VALUE FOR changes a sequence".into());
    }
    let first = words.first().map(String::as_str)?;
    match first {
        "SELECT" | "WITH" | "VALUES" | "TABLE" | "(" => {
            if has_pair("INTO", "OUTFILE") || has_pair("INTO", "DUMPFILE") {
                return Some("SELECT ... INTO OUTFILE/DUMPFILE writes a file".into());
            }
            if has_pair("FOR", "UPDATE") || has_pair("FOR", "SHARE") || has_pair("SHARE", "MODE") {
                return Some("a locking read (FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE) takes locks".into());
            }
            for verb in ["INSERT", "UPDATE", "DELETE", "REPLACE"] {
                if has(verb) {
                    return Some(format!("{verb} changes data"));
                }
            }
            None
        }
        "SHOW" | "USE" | "HELP" | "COMMIT" | "ROLLBACK" => None,
        "DESCRIBE" | "DESC" | "EXPLAIN" => has("ANALYZE").then(|| "EXPLAIN ANALYZE runs the statement".into()),
        "BEGIN" => None,
        "START" => (has("WRITE")).then(|| "START TRANSACTION READ WRITE lifts the read-only guard".into()),
        "SET" => set_refusal(&words[1..]),
        other => Some(format!("{other} is not a read-only statement")),
    }
}

/// A SET may change the session's own settings, but not the guard, the server, or privileges.
fn set_refusal(words: &[String]) -> Option<String> {
    let has = |word: &str| words.iter().any(|w| w == word);
    if words.first().is_some_and(|w| w == "STATEMENT") {
        // SET STATEMENT var = value [, ...] FOR statement: check both halves.
        let for_at = words.iter().position(|w| w == "FOR")?;
        return set_refusal(&words[1..for_at]).or_else(|| refusal_of(&words[for_at + 1..]));
    }
    for word in ["GLOBAL", "PERSIST", "PERSIST_ONLY", "PASSWORD", "ROLE"] {
        if has(word) {
            return Some(format!("SET {word} is not a session setting"));
        }
    }
    if has("TRANSACTION") && has("WRITE") {
        return Some("SET TRANSACTION READ WRITE lifts the read-only guard".into());
    }
    if let Some(variable) = GUARD_VARIABLES.iter().find(|v| has(v)) {
        return Some(format!("{} is the read-only guard", variable.to_ascii_lowercase()));
    }
    None
}

/// Whether `sql` turns `sql_safe_updates` off (or to anything but on): with `--write` that
/// needs the same typed confirmation as a keyless UPDATE or DELETE.
pub fn disables_safe_updates(sql: &str, dialect: Dialect) -> bool {
    let words = words(sql, dialect);
    if words.first().is_none_or(|w| w != "SET") {
        return false;
    }
    words.iter().enumerate().any(|(i, w)| {
        w == "SQL_SAFE_UPDATES" && {
            let value = words[i + 1..]
                .iter()
                .find(|w| *w != "=" && *w != ":")
                .map(String::as_str);
            !matches!(value, Some("1" | "ON" | "TRUE"))
        }
    })
}

/// Whether a statement may carry a secret (`IDENTIFIED BY`, `PASSWORD`), so that it must not
/// be written to the history file.
pub fn carries_secret(sql: &str) -> bool {
    let upper = sql.to_ascii_uppercase();
    upper.contains("IDENTIFIED") || upper.contains("PASSWORD")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqls(text: &str) -> Vec<String> {
        split_script(text, Dialect::default())
            .into_iter()
            .map(|s| s.sql)
            .collect()
    }

    #[test]
    fn comments_and_executable_comments_are_what_the_server_says() {
        // `--` and a control character: a comment to the end of the line.
        assert_eq!(
            sqls("SELECT 1; --\x0b; SET SESSION TRANSACTION READ WRITE; DELETE FROM t;"),
            ["SELECT 1"]
        );
        assert_eq!(sqls("SELECT 1 --1;\nSELECT 2"), ["SELECT 1 --1", "SELECT 2"]);
        // Executable comments are code, not comments, and a statement of one is not dropped.
        assert_eq!(
            sqls("/*!40000 DELETE FROM t */; /*M!100100 SELECT 2 */;/* plain */"),
            ["/*!40000 DELETE FROM t */", "/*M!100100 SELECT 2 */"]
        );
        // Under NO_BACKSLASH_ESCAPES a backslash ends nothing.
        let plain = Dialect {
            backslash_escapes: false,
        };
        let split: Vec<String> = split_script("SELECT 'a\\'; DELETE FROM t", plain)
            .into_iter()
            .map(|s| s.sql)
            .collect();
        assert_eq!(split, ["SELECT 'a\\'", "DELETE FROM t"]);
        assert_eq!(sqls("SELECT 'it''s;'; SELECT 2"), ["SELECT 'it''s;'", "SELECT 2"]);
    }

    #[test]
    fn read_only_sessions_send_only_what_cannot_write_or_lock() {
        let refused = |sql: &str| read_only_refusal(sql, Dialect::default());
        for sql in [
            "SELECT * FROM Customer",
            "select 1 /* FOR UPDATE */",
            "SHOW TABLES",
            "DESCRIBE Customer",
            "EXPLAIN SELECT 1",
            "USE customers",
            "SET NAMES utf8mb4",
            "SET @x = 1",
            "SET SESSION TRANSACTION READ ONLY",
            "SET STATEMENT max_statement_time=1 FOR SELECT 1",
            "WITH a AS (SELECT 1) SELECT * FROM a",
            "SELECT 'DELETE FROM t'",
        ] {
            assert_eq!(refused(sql), None, "{sql}");
        }
        for sql in [
            "SET SESSION TRANSACTION READ WRITE",
            "START TRANSACTION READ WRITE",
            "SET SESSION tx_read_only=0",
            "SET @@session.transaction_read_only = 0",
            "SET STATEMENT tx_read_only=0 FOR INSERT INTO Customer VALUES (1, 'a')",
            "SET STATEMENT max_statement_time=1 FOR DELETE FROM Customer",
            "LOCK TABLES Customer READ",
            "SELECT * FROM Customer FOR UPDATE",
            "SELECT * FROM Customer LOCK IN SHARE MODE",
            "SELECT * INTO OUTFILE '/tmp/x' FROM Customer",
            "SELECT GET_LOCK('x', 10)",
            "/*!40000 DELETE FROM Customer */",
            "DELETE FROM Customer",
            "SET GLOBAL read_only = 0",
            "EXPLAIN ANALYZE DELETE FROM Customer",
            "CALL p()",
            "DO GET_LOCK('x', 1)",
        ] {
            assert!(refused(sql).is_some(), "{sql}");
        }
    }

    #[test]
    fn turning_safe_updates_off_is_recognised() {
        let off = |sql: &str| disables_safe_updates(sql, Dialect::default());
        assert!(off("SET sql_safe_updates = 0"));
        assert!(off("set session SQL_SAFE_UPDATES=OFF"));
        assert!(off("SET @@sql_safe_updates := DEFAULT"));
        assert!(!off("SET sql_safe_updates = 1"));
        assert!(!off("SELECT @@sql_safe_updates"));
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_and_comments() {
        assert_eq!(
            sqls("SELECT 'a;b'; SELECT \"c;\" -- x;y\n; SELECT `d;`/* ; */;SELECT 1"),
            ["SELECT 'a;b'", "SELECT \"c;\" -- x;y", "SELECT `d;`/* ; */", "SELECT 1"]
        );
        assert_eq!(sqls("SELECT 'it\\'s;'; # c;\n"), ["SELECT 'it\\'s;'"]);
    }

    #[test]
    fn backslash_g_ends_a_vertical_statement_and_the_rest_waits() {
        let (done, rest) = split("SELECT 1\\G SELECT\n 2", Dialect::default());
        assert_eq!(
            done,
            [Statement {
                sql: "SELECT 1".into(),
                vertical: true
            }]
        );
        assert_eq!(rest.trim(), "SELECT\n 2");
    }

    #[test]
    fn secrets_are_recognised() {
        assert!(carries_secret("CREATE USER x IDENTIFIED BY 'p'"));
        assert!(carries_secret("set password = 'x'"));
        assert!(!carries_secret("SELECT 1"));
    }
}
