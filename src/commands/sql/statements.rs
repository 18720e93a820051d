//! SQL text as the mysql client reads it: statements end at `;` (or `\G`, for vertical output)
//! outside quotes and comments, so `-e`, `--file` and the REPL split input the same way.

/// One statement to run, without its terminator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sql: String,
    /// Ended by `\G`: print this result vertically.
    pub vertical: bool,
}

/// Splits `text` into its complete statements, and the unfinished rest (text after the last
/// terminator that is not only white space or comments: the REPL keeps reading lines for it).
pub fn split(text: &str) -> (Vec<Statement>, String) {
    let bytes = text.as_bytes();
    let mut statements = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut quote: Option<u8> = None;
    // A statement of only comments is not sent (the server would answer "Query was empty").
    let mut has_code = false;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\\' && q != b'`' {
                i += 2;
                continue;
            }
            if b == q {
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
            b'#' => i = end_of_line(bytes, i),
            b'-' if bytes.get(i + 1) == Some(&b'-') && bytes.get(i + 2).is_none_or(|c| c.is_ascii_whitespace()) => {
                i = end_of_line(bytes, i)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(bytes.len(), |end| i + 2 + end + 2);
                continue;
            }
            b';' | b'\\' => {
                let vertical = b == b'\\' && matches!(bytes.get(i + 1), Some(b'G' | b'g'));
                if b == b';' || vertical {
                    if has_code {
                        push(&mut statements, &text[start..i], vertical);
                    }
                    i += if vertical { 2 } else { 1 };
                    start = i;
                    has_code = false;
                    continue;
                }
                has_code = true;
            }
            _ if !b.is_ascii_whitespace() => has_code = true,
            _ => {}
        }
        i += 1;
    }
    let rest = if has_code {
        text[start..].to_string()
    } else {
        String::new()
    };
    (statements, rest)
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
pub fn split_script(text: &str) -> Vec<Statement> {
    let (mut statements, rest) = split(text);
    push(&mut statements, &rest, false);
    statements
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
        split_script(text).into_iter().map(|s| s.sql).collect()
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
        let (done, rest) = split("SELECT 1\\G SELECT\n 2");
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
