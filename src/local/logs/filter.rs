//! CloudWatch Logs filter patterns, the language of FilterLogEvents, metric filters and Live Tail:
//! terms (`ERROR Exception`, `"exact phrase"`, `?ERROR ?WARN`, `-DEBUG`), JSON patterns
//! (`{ $.level = "ERROR" && $.ms > 100 }`) and space-delimited patterns (`[ip, user, ..., status = 4*]`).
//! A pattern is parsed once per request and then tested against each message.
//!
//! Where the AWS documentation leaves a choice open, this follows the reading that accepts more:
//! unquoted terms may hold punctuation (`RequestId:`), `*` is a wildcard anywhere in a string
//! value, and `EXISTS` is accepted next to the documented `NOT EXISTS`. Regular expressions
//! (`%...%`) are not supported and are rejected as invalid.

use serde_json::Value;

/// A filter pattern AWS would refuse; the message says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid filter pattern: {0}")]
pub struct InvalidFilterPattern(String);

fn invalid<T>(reason: impl Into<String>) -> Result<T, InvalidFilterPattern> {
    Err(InvalidFilterPattern(reason.into()))
}

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterPattern {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// The empty pattern matches every event.
    Everything,
    Terms(Terms),
    Json(Expr<JsonCondition>),
    Delimited(Delimited),
}

impl FilterPattern {
    pub fn parse(text: &str) -> Result<Self, InvalidFilterPattern> {
        let text = text.trim();
        let kind = if text.is_empty() {
            Kind::Everything
        } else if text.starts_with('{') {
            Kind::Json(parse_json_pattern(text)?)
        } else if text.starts_with('[') {
            Kind::Delimited(parse_delimited_pattern(text)?)
        } else if text.starts_with('%') {
            return invalid("regular expression patterns (%...%) are not supported by the custctl local stack");
        } else {
            Kind::Terms(parse_terms(text)?)
        };
        Ok(FilterPattern { kind })
    }

    /// The pattern that matches everything (what an absent `filterPattern` means).
    pub fn everything() -> Self {
        FilterPattern { kind: Kind::Everything }
    }

    pub fn matches_everything(&self) -> bool {
        self.kind == Kind::Everything
    }

    pub fn matches(&self, message: &str) -> bool {
        match &self.kind {
            Kind::Everything => true,
            Kind::Terms(terms) => terms.matches(message),
            Kind::Json(expr) => {
                // A JSON pattern never matches a line that is not a JSON document; checking the
                // first character first spares a parse attempt on every plain-text line.
                if !message.trim_start().starts_with(['{', '[']) {
                    return false;
                }
                match serde_json::from_str::<Value>(message) {
                    Ok(doc) => expr.eval(&mut |condition| condition.holds(&doc)),
                    Err(_) => false,
                }
            }
            Kind::Delimited(pattern) => pattern.matches(message),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Terms: `ERROR Exception`, `"exact phrase"`, `?ERROR ?WARN`, `ERROR -DEBUG`.

#[derive(Debug, Clone, PartialEq, Default)]
struct Terms {
    /// Every one of these must appear.
    required: Vec<String>,
    /// At least one of these must appear (when there are any).
    any_of: Vec<String>,
    /// None of these may appear.
    excluded: Vec<String>,
}

impl Terms {
    fn matches(&self, message: &str) -> bool {
        self.required.iter().all(|t| message.contains(t.as_str()))
            && !self.excluded.iter().any(|t| message.contains(t.as_str()))
            && (self.any_of.is_empty() || self.any_of.iter().any(|t| message.contains(t.as_str())))
    }
}

fn parse_terms(text: &str) -> Result<Terms, InvalidFilterPattern> {
    let mut terms = Terms::default();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        let list = match first {
            '?' => {
                chars.next();
                &mut terms.any_of
            }
            '-' => {
                chars.next();
                // AWS's own example writes the exclusion as `"ERROR" - "Exiting"`.
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
                &mut terms.excluded
            }
            _ => &mut terms.required,
        };
        let term = match chars.peek() {
            Some('"') => {
                chars.next();
                quoted_rest(&mut chars)?
            }
            Some(_) => {
                let mut word = String::new();
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    if c == '"' {
                        return invalid(format!("unexpected '\"' in term {word}\""));
                    }
                    word.push(c);
                }
                word
            }
            None => return invalid(format!("'{first}' must be followed by a term")),
        };
        if term.is_empty() {
            return invalid("empty term");
        }
        list.push(term);
    }
    Ok(terms)
}

/// Reads a double-quoted string after its opening quote; `\"` and `\\` are escapes.
fn quoted_rest(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<String, InvalidFilterPattern> {
    let mut out = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Ok(out),
            '\\' => match chars.next() {
                Some(escaped) => out.push(escaped),
                None => break,
            },
            c => out.push(c),
        }
    }
    invalid("unterminated quoted string")
}

// ---------------------------------------------------------------------------------------------
// The expression language shared by JSON and space-delimited patterns.

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Comma,
    Compare(CompareOp),
    Quoted(String),
    Word(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

fn tokenize(text: &str) -> Result<Vec<Token>, InvalidFilterPattern> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            c if c.is_whitespace() => continue,
            '(' => Token::Open,
            ')' => Token::Close,
            ',' => Token::Comma,
            '"' => Token::Quoted(quoted_rest(&mut chars)?),
            '&' if chars.next_if_eq(&'&').is_some() => Token::And,
            '|' if chars.next_if_eq(&'|').is_some() => Token::Or,
            '=' => Token::Compare(CompareOp::Eq),
            '!' if chars.next_if_eq(&'=').is_some() => Token::Compare(CompareOp::Ne),
            '<' if chars.next_if_eq(&'=').is_some() => Token::Compare(CompareOp::Le),
            '<' => Token::Compare(CompareOp::Lt),
            '>' if chars.next_if_eq(&'=').is_some() => Token::Compare(CompareOp::Ge),
            '>' => Token::Compare(CompareOp::Gt),
            '&' | '|' | '!' => return invalid(format!("unexpected '{c}'")),
            c => {
                let mut word = String::from(c);
                while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !"()=!<>&|,\"".contains(*c)) {
                    word.push(c);
                }
                Token::Word(word)
            }
        };
        tokens.push(token);
    }
    Ok(tokens)
}

/// A boolean combination of conditions; `&&` binds tighter than `||`.
#[derive(Debug, Clone, PartialEq)]
enum Expr<C> {
    Condition(C),
    All(Vec<Expr<C>>),
    Any(Vec<Expr<C>>),
}

impl<C> Expr<C> {
    fn eval(&self, holds: &mut impl FnMut(&C) -> bool) -> bool {
        match self {
            Expr::Condition(c) => holds(c),
            Expr::All(parts) => parts.iter().all(|p| p.eval(holds)),
            Expr::Any(parts) => parts.iter().any(|p| p.eval(holds)),
        }
    }

    fn conditions(&self) -> Vec<&C> {
        match self {
            Expr::Condition(c) => vec![c],
            Expr::All(parts) | Expr::Any(parts) => parts.iter().flat_map(|p| p.conditions()).collect(),
        }
    }
}

/// Parses one condition (what sits between `&&`, `||` and parentheses) of a pattern kind.
type ConditionParser<'t, C> = dyn FnMut(&mut ExprParser<'t>) -> Result<C, InvalidFilterPattern> + 't;

struct ExprParser<'t> {
    tokens: &'t [Token],
    pos: usize,
}

impl<'t> ExprParser<'t> {
    fn peek(&self) -> Option<&'t Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<&'t Token> {
        let token = self.tokens.get(self.pos);
        self.pos += usize::from(token.is_some());
        token
    }

    /// Parses the whole token list as one expression.
    fn parse_all<C>(
        tokens: &'t [Token],
        condition: &mut ConditionParser<'t, C>,
    ) -> Result<Expr<C>, InvalidFilterPattern> {
        let mut parser = ExprParser { tokens, pos: 0 };
        let expr = parser.or_expr(condition)?;
        match parser.peek() {
            None => Ok(expr),
            Some(token) => invalid(format!("unexpected {}", describe(token))),
        }
    }

    fn or_expr<C>(&mut self, condition: &mut ConditionParser<'t, C>) -> Result<Expr<C>, InvalidFilterPattern> {
        self.joined(&Token::Or, Expr::Any, Self::and_expr, condition)
    }

    fn and_expr<C>(&mut self, condition: &mut ConditionParser<'t, C>) -> Result<Expr<C>, InvalidFilterPattern> {
        self.joined(&Token::And, Expr::All, Self::primary, condition)
    }

    /// `operand (separator operand)*`, combined into one expression when there is more than one.
    fn joined<C>(
        &mut self,
        separator: &Token,
        combine: fn(Vec<Expr<C>>) -> Expr<C>,
        operand: fn(&mut Self, &mut ConditionParser<'t, C>) -> Result<Expr<C>, InvalidFilterPattern>,
        condition: &mut ConditionParser<'t, C>,
    ) -> Result<Expr<C>, InvalidFilterPattern> {
        let mut parts = vec![operand(self, condition)?];
        while self.peek() == Some(separator) {
            self.next();
            parts.push(operand(self, condition)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            combine(parts)
        })
    }

    fn primary<C>(&mut self, condition: &mut ConditionParser<'t, C>) -> Result<Expr<C>, InvalidFilterPattern> {
        if self.peek() == Some(&Token::Open) {
            self.next();
            let inner = self.or_expr(condition)?;
            return match self.next() {
                Some(Token::Close) => Ok(inner),
                Some(token) => invalid(format!("expected ')' but found {}", describe(token))),
                None => invalid("missing ')'"),
            };
        }
        Ok(Expr::Condition(condition(self)?))
    }

    fn compare_op(&mut self) -> Option<CompareOp> {
        match self.peek() {
            Some(Token::Compare(op)) => {
                self.next();
                Some(*op)
            }
            _ => None,
        }
    }

    /// The value after a comparison operator; relational operators need a number.
    fn literal(&mut self, op: CompareOp) -> Result<Literal, InvalidFilterPattern> {
        let literal = match self.next() {
            Some(Token::Quoted(text)) => Literal::Text(text.clone()),
            Some(Token::Word(word)) => Literal::from_word(word),
            Some(token) => return invalid(format!("expected a value but found {}", describe(token))),
            None => return invalid("missing value after comparison operator"),
        };
        if !matches!(op, CompareOp::Eq | CompareOp::Ne) && !matches!(literal, Literal::Number { .. }) {
            return invalid("<, <=, > and >= compare with a number");
        }
        Ok(literal)
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
        Token::And => "'&&'".into(),
        Token::Or => "'||'".into(),
        Token::Comma => "','".into(),
        Token::Compare(_) => "comparison operator".into(),
        Token::Quoted(text) => format!("\"{text}\""),
        Token::Word(word) => format!("'{word}'"),
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
enum Literal {
    /// A string, where `*` matches any run of characters.
    Text(String),
    /// An unquoted number; `text` is kept for comparing with string values.
    Number { value: f64, text: String },
}

impl Literal {
    fn from_word(word: &str) -> Literal {
        let digits = word.trim_start_matches(['+', '-']);
        let looks_numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
        match word.parse::<f64>() {
            Ok(value) if looks_numeric && value.is_finite() => Literal::Number {
                value,
                text: word.to_string(),
            },
            _ => Literal::Text(word.to_string()),
        }
    }

    /// Compares a value in its textual form (a field of a space-delimited line, a JSON string).
    fn compare_text(&self, op: CompareOp, value: &str) -> bool {
        match self {
            Literal::Text(pattern) => match op {
                CompareOp::Eq => glob_matches(pattern, value),
                CompareOp::Ne => !glob_matches(pattern, value),
                _ => false,
            },
            Literal::Number { value: number, text } => match value.trim().parse::<f64>() {
                Ok(parsed) => compare_numbers(op, parsed, *number),
                Err(_) => match op {
                    CompareOp::Eq => value == text,
                    CompareOp::Ne => value != text,
                    _ => false,
                },
            },
        }
    }
}

fn compare_numbers(op: CompareOp, left: f64, right: f64) -> bool {
    match op {
        CompareOp::Eq => left == right,
        CompareOp::Ne => left != right,
        CompareOp::Lt => left < right,
        CompareOp::Le => left <= right,
        CompareOp::Gt => left > right,
        CompareOp::Ge => left >= right,
    }
}

/// `*` matches any run of characters (including none); everything else matches itself.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let mut parts: Vec<&str> = parts.collect();
    let Some(last) = parts.pop() else {
        // No `*` at all: an exact match.
        return rest.is_empty();
    };
    for part in parts {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

// ---------------------------------------------------------------------------------------------
// JSON patterns: `{ $.level = "ERROR" && ($.ms > 100 || $.user.id NOT EXISTS) }`.

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq)]
enum JsonTest {
    Compare(CompareOp, Literal),
    IsNull,
    IsTrue,
    IsFalse,
    Exists,
    NotExists,
}

#[derive(Debug, Clone, PartialEq)]
struct JsonCondition {
    selector: Vec<Segment>,
    test: JsonTest,
}

impl JsonCondition {
    fn holds(&self, doc: &Value) -> bool {
        let node = self.selector.iter().try_fold(doc, |node, segment| match segment {
            Segment::Key(key) => node.as_object()?.get(key),
            Segment::Index(index) => node.as_array()?.get(*index),
        });
        match (&self.test, node) {
            (JsonTest::NotExists, node) => node.is_none(),
            (JsonTest::Exists, node) => node.is_some(),
            (JsonTest::IsNull, node) => node.is_some_and(Value::is_null),
            (JsonTest::IsTrue, node) => node == Some(&Value::Bool(true)),
            (JsonTest::IsFalse, node) => node == Some(&Value::Bool(false)),
            // The selector must name a value node: a comparison with a missing field, null, an
            // array or an object is false whatever the operator, `!=` included (AWS documents
            // this for arrays).
            (JsonTest::Compare(op, literal), Some(node)) => match node {
                Value::String(text) => literal.compare_text(*op, text),
                Value::Number(number) => match literal {
                    Literal::Number { value, .. } => number.as_f64().is_some_and(|n| compare_numbers(*op, n, *value)),
                    Literal::Text(_) => literal.compare_text(*op, &number.to_string()),
                },
                Value::Bool(flag) => match literal {
                    Literal::Text(_) => literal.compare_text(*op, if *flag { "true" } else { "false" }),
                    Literal::Number { .. } => false,
                },
                Value::Null | Value::Array(_) | Value::Object(_) => false,
            },
            (JsonTest::Compare(..), None) => false,
        }
    }
}

fn parse_json_pattern(text: &str) -> Result<Expr<JsonCondition>, InvalidFilterPattern> {
    let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
        return invalid("a JSON pattern must be enclosed in { }");
    };
    let tokens = tokenize(inner)?;
    if tokens.is_empty() {
        return invalid("empty JSON pattern");
    }
    ExprParser::parse_all(&tokens, &mut json_condition)
}

fn json_condition(parser: &mut ExprParser<'_>) -> Result<JsonCondition, InvalidFilterPattern> {
    let selector = match parser.next() {
        Some(Token::Word(word)) if word.starts_with('$') => parse_selector(word)?,
        Some(token) => {
            return invalid(format!(
                "expected a selector such as $.field but found {}",
                describe(token)
            ))
        }
        None => return invalid("missing selector"),
    };
    if let Some(op) = parser.compare_op() {
        let literal = parser.literal(op)?;
        return Ok(JsonCondition {
            selector,
            test: JsonTest::Compare(op, literal),
        });
    }
    let keyword = |parser: &mut ExprParser<'_>| match parser.next() {
        Some(Token::Word(word)) => Some(word.to_ascii_uppercase()),
        _ => None,
    };
    let test = match keyword(parser).as_deref() {
        Some("IS") => match keyword(parser).as_deref() {
            Some("NULL") => JsonTest::IsNull,
            Some("TRUE") => JsonTest::IsTrue,
            Some("FALSE") => JsonTest::IsFalse,
            _ => return invalid("IS must be followed by NULL, TRUE or FALSE"),
        },
        Some("NOT") => match keyword(parser).as_deref() {
            Some("EXISTS") => JsonTest::NotExists,
            _ => return invalid("NOT must be followed by EXISTS"),
        },
        Some("EXISTS") => JsonTest::Exists,
        _ => {
            return invalid(
                "expected a comparison, IS NULL, IS TRUE, IS FALSE, EXISTS or NOT EXISTS after the selector",
            )
        }
    };
    Ok(JsonCondition { selector, test })
}

/// `$.a.b`, `$.users[0].id`, `$.coordinates[0][1]`.
fn parse_selector(word: &str) -> Result<Vec<Segment>, InvalidFilterPattern> {
    let mut rest = word.strip_prefix('$').unwrap_or(word);
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let key = &after[..end];
            if key.is_empty() || key.contains(']') {
                return invalid(format!("bad property name in selector {word}"));
            }
            segments.push(Segment::Key(key.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let Some((index, after)) = after.split_once(']') else {
                return invalid(format!("missing ']' in selector {word}"));
            };
            let Ok(index) = index.parse::<usize>() else {
                return invalid(format!("array index must be a number in selector {word}"));
            };
            segments.push(Segment::Index(index));
            rest = after;
        } else {
            return invalid(format!("bad selector {word}"));
        }
    }
    if segments.is_empty() {
        return invalid("a selector must name a property, such as $.level");
    }
    Ok(segments)
}

// ---------------------------------------------------------------------------------------------
// Space-delimited patterns: `[ip, user, ..., status_code = 4* && bytes > 1000]`.

#[derive(Debug, Clone, PartialEq)]
enum Slot {
    /// `...`: any number of fields, none included.
    Ellipsis,
    /// One field; `None` for an empty slot such as the one after a trailing comma.
    Field(Option<String>),
}

#[derive(Debug, Clone, PartialEq)]
struct FieldCondition {
    field: String,
    op: CompareOp,
    value: Literal,
}

#[derive(Debug, Clone, PartialEq)]
struct Delimited {
    slots: Vec<Slot>,
    conditions: Vec<Expr<FieldCondition>>,
    /// The runs of fields between `...`s (ranges of `slots`), in order, none empty.
    runs: Vec<std::ops::Range<usize>>,
    /// Whether the first run must start at the first field (no `...` before it) and the last
    /// run end at the last field (no `...` after it).
    anchored_start: bool,
    anchored_end: bool,
    /// For each condition, the run whose fields are all it names, or `None` when it names
    /// fields of several runs.
    condition_run: Vec<Option<usize>>,
}

/// Where a field name is bound: the first slot that carries it (the one a condition sees).
fn slot_of(slots: &[Slot], name: &str) -> Option<usize> {
    slots
        .iter()
        .position(|slot| matches!(slot, Slot::Field(Some(field)) if field == name))
}

impl Delimited {
    fn new(slots: Vec<Slot>, conditions: Vec<Expr<FieldCondition>>) -> Self {
        let mut runs = Vec::new();
        let mut run_start = 0;
        for (at, slot) in slots.iter().enumerate() {
            if *slot == Slot::Ellipsis {
                if run_start < at {
                    runs.push(run_start..at);
                }
                run_start = at + 1;
            }
        }
        if run_start < slots.len() {
            runs.push(run_start..slots.len());
        }
        let run_of_slot = |slot: usize| runs.iter().position(|run| run.contains(&slot));
        let condition_run = conditions
            .iter()
            .map(|expr| {
                // A name no slot carries makes its comparison false wherever the runs lie, so
                // it ties the condition to no run.
                let mut named = expr
                    .conditions()
                    .into_iter()
                    .filter_map(|c| slot_of(&slots, &c.field))
                    .map(run_of_slot);
                let first = named.next().flatten();
                // A condition naming no slot at all is false everywhere: any run may check it.
                let first = first.or(runs.first().map(|_| 0));
                named.all(|run| run == first).then_some(first).flatten()
            })
            .collect();
        Delimited {
            anchored_start: slots.first() != Some(&Slot::Ellipsis),
            anchored_end: slots.last() != Some(&Slot::Ellipsis),
            slots,
            conditions,
            runs,
            condition_run,
        }
    }

    /// Lays the runs over the fields and checks the conditions.
    ///
    /// A `...` takes any number of fields, so the question is whether the runs between them can
    /// be placed, in order and without overlap, so that every condition holds. A condition that
    /// names only fields of one run depends on that run's position alone, so each run is placed
    /// at the first position where its own conditions hold: a run placed as early as possible
    /// leaves the most fields to the runs after it, so if any layout exists this one does (the
    /// first run is pinned to the first field and the last to the last field unless a `...`
    /// precedes or follows them). That is the answer of trying every layout (AWS's documented
    /// meaning of `...`: "any number of fields") in at most (fields x slots) comparisons,
    /// where trying them all is exponential in the number of `...`s. A condition spanning
    /// several runs (`[a, ..., b = 1 && a = 2]`, which AWS's syntax allows but does not
    /// describe) is checked on that earliest layout.
    /// <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>
    fn matches(&self, message: &str) -> bool {
        let fields = split_fields(message);
        let Some(starts) = self.place_runs(&fields) else {
            return false;
        };
        let bound: Vec<(&str, &str)> = self
            .runs
            .iter()
            .zip(&starts)
            .flat_map(|(run, &start)| self.bind(run.clone(), start, &fields))
            .collect();
        self.conditions
            .iter()
            .zip(&self.condition_run)
            .filter(|(_, run)| run.is_none())
            .all(|(expr, _)| Self::holds(expr, &bound))
    }

    /// Where each run starts, each as early as its own conditions allow; `None` if the runs do
    /// not fit.
    fn place_runs(&self, fields: &[&str]) -> Option<Vec<usize>> {
        let Some(last) = self.runs.len().checked_sub(1) else {
            // Only `...`s: any line.
            return Some(Vec::new());
        };
        // With no `...` after it, the last run starts where it must, and every run before it
        // must end before that.
        let last_start = match self.anchored_end {
            true => Some(fields.len().checked_sub(self.runs[last].len())?),
            false => None,
        };
        let mut starts = Vec::with_capacity(self.runs.len());
        let mut from = 0;
        for (index, run) in self.runs.iter().enumerate() {
            let limit = match last_start {
                Some(at) if index < last => at,
                _ => fields.len(),
            };
            let latest = limit.checked_sub(run.len())?;
            let (earliest, latest) = match (index == 0 && self.anchored_start, last_start) {
                (true, Some(at)) if index == last => (0, if at == 0 { 0 } else { return None }),
                (true, _) => (0, 0),
                (false, Some(at)) if index == last => (at, at),
                (false, _) => (from, latest),
            };
            if earliest < from || earliest > latest {
                return None;
            }
            let start = (earliest..=latest).find(|&start| self.run_holds(index, start, fields))?;
            starts.push(start);
            from = start + run.len();
        }
        Some(starts)
    }

    /// Whether the conditions that name only fields of run `index` hold with it at `start`.
    fn run_holds(&self, index: usize, start: usize, fields: &[&str]) -> bool {
        let bound: Vec<(&str, &str)> = self.bind(self.runs[index].clone(), start, fields).collect();
        self.conditions
            .iter()
            .zip(&self.condition_run)
            .filter(|(_, run)| **run == Some(index))
            .all(|(expr, _)| Self::holds(expr, &bound))
    }

    /// The named slots of `run`, laid over the fields from `start`, as (name, field) pairs.
    fn bind<'s, 'm>(
        &'s self,
        run: std::ops::Range<usize>,
        start: usize,
        fields: &'s [&'m str],
    ) -> impl Iterator<Item = (&'s str, &'m str)> + 's {
        self.slots[run]
            .iter()
            .zip(&fields[start..])
            .filter_map(|(slot, field)| match slot {
                Slot::Field(Some(name)) => Some((name.as_str(), *field)),
                _ => None,
            })
    }

    fn holds(expr: &Expr<FieldCondition>, bound: &[(&str, &str)]) -> bool {
        expr.eval(&mut |condition: &FieldCondition| {
            bound
                .iter()
                .find(|(name, _)| *name == condition.field)
                .is_some_and(|(_, value)| condition.value.compare_text(condition.op, value))
        })
    }
}

fn parse_delimited_pattern(text: &str) -> Result<Delimited, InvalidFilterPattern> {
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return invalid("a space-delimited pattern must be enclosed in [ ]");
    };
    let tokens = tokenize(inner)?;
    if tokens.is_empty() {
        return invalid("empty space-delimited pattern");
    }
    let mut slots = Vec::new();
    let mut conditions = Vec::new();
    for part in tokens.split(|token| *token == Token::Comma) {
        match part {
            [] => slots.push(Slot::Field(None)),
            [Token::Word(word)] if word == "..." => slots.push(Slot::Ellipsis),
            [Token::Word(name)] => slots.push(Slot::Field(Some(name.clone()))),
            _ => {
                let expr = ExprParser::parse_all(part, &mut field_condition)?;
                // The field a slot stands for is the subject of its first condition, as in
                // `status_code = 4* && bytes > 1000`. Conditions may also name other fields; one
                // naming no field of the pattern is simply false (AWS's own examples do that).
                let name = expr.conditions().first().map(|c| c.field.clone());
                slots.push(Slot::Field(name));
                conditions.push(expr);
            }
        }
    }
    Ok(Delimited::new(slots, conditions))
}

fn field_condition(parser: &mut ExprParser<'_>) -> Result<FieldCondition, InvalidFilterPattern> {
    let field = match parser.next() {
        Some(Token::Word(word)) if word != "..." => word.clone(),
        Some(token) => return invalid(format!("expected a field name but found {}", describe(token))),
        None => return invalid("missing field name"),
    };
    let Some(op) = parser.compare_op() else {
        return invalid(format!("expected a comparison after field {field}"));
    };
    let value = parser.literal(op)?;
    Ok(FieldCondition { field, op, value })
}

/// Splits a line into the fields a space-delimited pattern sees: runs of non-space characters,
/// where text between double quotes or square brackets is one field (without its delimiters).
fn split_fields(line: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut rest = line.trim_start();
    while let Some(first) = rest.chars().next() {
        let closing = match first {
            '"' => Some('"'),
            '[' => Some(']'),
            _ => None,
        };
        let (field, after) = match closing {
            Some(closing) => {
                let body = &rest[1..];
                match body.find(closing) {
                    Some(end) => (&body[..end], &body[end + 1..]),
                    None => (body, ""),
                }
            }
            None => {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        fields.push(field);
        rest = after.trim_start();
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = "START RequestId: 6f1c2d3e-1111-2222-3333-444455556666 Version: $LATEST";
    const WARN: &str = r#"{"level":"WARN","message_id":"m-1","reason":"CustID must be a positive integer","message":"record rejected"}"#;
    const REPORT: &str = "REPORT RequestId: 6f1c2d3e-1111-2222-3333-444455556666\tDuration: 3.21 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 21 MB";
    const END: &str = "END RequestId: 6f1c2d3e-1111-2222-3333-444455556666";
    const LAMBDA: [&str; 4] = [START, WARN, REPORT, END];

    fn pattern(text: &str) -> FilterPattern {
        FilterPattern::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    /// The Lambda lines (by their first word, or "json") that `text` matches.
    fn lambda_matches(text: &str) -> Vec<&'static str> {
        let pattern = pattern(text);
        LAMBDA
            .iter()
            .filter(|line| pattern.matches(line))
            .map(|line| {
                if line.starts_with('{') {
                    "json"
                } else {
                    line.split(' ').next().unwrap()
                }
            })
            .collect()
    }

    fn matches(text: &str, message: &str) -> bool {
        pattern(text).matches(message)
    }

    #[test]
    fn an_empty_pattern_matches_everything() {
        assert_eq!(lambda_matches(""), ["START", "json", "REPORT", "END"]);
        assert_eq!(lambda_matches("   "), ["START", "json", "REPORT", "END"]);
        assert!(FilterPattern::everything().matches(""));
        assert!(pattern("").matches_everything());
        assert!(!pattern("x").matches_everything());
    }

    #[test]
    fn a_term_matches_anywhere_in_the_message_and_case_matters() {
        assert_eq!(lambda_matches("REPORT"), ["REPORT"]);
        assert_eq!(lambda_matches("RequestId"), ["START", "REPORT", "END"]);
        assert_eq!(lambda_matches("report"), Vec::<&str>::new());
        // AWS's example: ERROR matches "Exiting with ERRORCODE: -1".
        assert!(matches("ERROR", "Exiting with ERRORCODE: -1"));
        assert!(matches("ERROR", "[ERROR] A fatal exception has occurred"));
    }

    #[test]
    fn every_term_must_appear() {
        assert_eq!(lambda_matches("RequestId Duration"), ["REPORT"]);
        assert_eq!(lambda_matches("RequestId: Version:"), ["START"]);
        assert!(matches(
            "Failed to process the request",
            "[WARN] Failed to process the request"
        ));
        assert!(!matches("ERROR Exception", "[ERROR] Unhandled failure"));
    }

    #[test]
    fn a_quoted_phrase_must_appear_as_written() {
        assert_eq!(lambda_matches(r#""record rejected""#), ["json"]);
        assert_eq!(lambda_matches(r#""rejected record""#), Vec::<&str>::new());
        assert_eq!(lambda_matches(r#""Billed Duration: 4 ms""#), ["REPORT"]);
        assert!(matches(r#""say \"hi\"""#, r#"they say "hi" here"#));
    }

    #[test]
    fn question_marked_terms_are_alternatives() {
        assert_eq!(lambda_matches("?START ?END"), ["START", "END"]);
        assert_eq!(lambda_matches(r#"?"record rejected" ?REPORT"#), ["json", "REPORT"]);
        // AWS's example lines.
        let lines = ["ERROR WARN message", "ERROR message", "WARN message"];
        let hits = |p: &str| lines.iter().filter(|l| matches(p, l)).count();
        assert_eq!(hits("?ERROR ?WARN"), 3);
        assert_eq!(hits("ERROR WARN"), 1);
        assert_eq!(hits("ERROR -WARN"), 1);
    }

    #[test]
    fn a_minus_excludes_a_term() {
        assert_eq!(lambda_matches("RequestId -REPORT"), ["START", "END"]);
        assert_eq!(lambda_matches("-RequestId"), ["json"]);
        // AWS's own spelling, with a space after the minus.
        assert!(matches(
            r#""ERROR" - "Exiting""#,
            "[ERROR] A fatal exception has occurred"
        ));
        assert!(!matches(r#""ERROR" - "Exiting""#, "Exiting with ERRORCODE: -1"));
        assert_eq!(lambda_matches("?START ?END -START"), ["END"]);
    }

    #[test]
    fn json_equality_on_strings() {
        assert_eq!(lambda_matches(r#"{ $.level = "WARN" }"#), ["json"]);
        assert_eq!(lambda_matches("{ $.level = WARN }"), ["json"]);
        assert_eq!(lambda_matches("{$.level=WARN}"), ["json"]);
        assert_eq!(lambda_matches(r#"{ $.level = "ERROR" }"#), Vec::<&str>::new());
        assert_eq!(lambda_matches(r#"{ $.level != "ERROR" }"#), ["json"]);
        assert_eq!(
            lambda_matches(r#"{ $.message_id = "m-1" && $.message = "record rejected" }"#),
            ["json"]
        );
        assert_eq!(lambda_matches(r#"{ $.level = "warn" }"#), Vec::<&str>::new());
    }

    #[test]
    fn a_json_pattern_never_matches_a_plain_line() {
        assert_eq!(lambda_matches("{ $.nothing NOT EXISTS }"), ["json"]);
        assert_eq!(lambda_matches(r#"{ $.level != "ERROR" }"#), ["json"]);
        assert!(!matches("{ $.a NOT EXISTS }", "{not json at all"));
        assert!(!matches("{ $.a NOT EXISTS }", ""));
    }

    #[test]
    fn json_wildcards_in_string_values() {
        assert_eq!(lambda_matches(r#"{ $.reason = "CustID*" }"#), ["json"]);
        assert_eq!(lambda_matches(r#"{ $.reason = "*integer" }"#), ["json"]);
        assert_eq!(lambda_matches(r#"{ $.reason = "*positive*" }"#), ["json"]);
        assert_eq!(lambda_matches(r#"{ $.reason = "CustID*integer" }"#), ["json"]);
        assert_eq!(lambda_matches(r#"{ $.reason = "*negative*" }"#), Vec::<&str>::new());
        assert_eq!(lambda_matches(r#"{ $.reason = "CustID" }"#), Vec::<&str>::new());
        let event = r#"{"eventType":"UpdateTrail","sourceIPAddress":"111.111.111.111"}"#;
        assert!(matches("{ $.sourceIPAddress != 123.123.* }", event));
        assert!(!matches("{ $.sourceIPAddress = 123.123.* }", event));
        assert!(matches("{ $.eventType = *Trail }", event));
        assert!(matches("{ $.eventType = * }", event));
    }

    #[test]
    fn json_numeric_comparisons() {
        let slow = r#"{"ms": 150, "code": 400, "ratio": 0.25}"#;
        assert!(matches("{ $.ms > 100 }", slow));
        assert!(matches("{ $.ms >= 150 }", slow));
        assert!(!matches("{ $.ms > 150 }", slow));
        assert!(matches("{ $.ms < 151 }", slow));
        assert!(matches("{ $.ms <= 150 }", slow));
        assert!(!matches("{ $.ms < 150 }", slow));
        assert!(matches("{ $.code = 400 }", slow));
        assert!(matches("{ $.code != 500 }", slow));
        assert!(!matches("{ $.code != 400 }", slow));
        assert!(matches("{ $.ms > +100 }", slow));
        assert!(matches("{ $.ms < 10e3 }", slow));
        assert!(matches("{ $.ratio < 25e-2 }", r#"{"ratio": 0.2}"#));
        assert!(matches("{ $.ratio <= 0.25 }", slow));
        assert!(matches("{ $.ms > -1 }", slow));
        // A number compared with a string or a missing field is false.
        assert!(!matches("{ $.ms > 100 }", r#"{"ms": "fast"}"#));
        assert!(!matches("{ $.ms > 100 }", r#"{"other": 1}"#));
        // `= *` matches a number (AWS's way to say "has a latency").
        assert!(matches("{ $.ms = * }", slow));
    }

    #[test]
    fn json_nested_fields_and_array_elements() {
        let doc = r#"{
            "user": {"id": 1, "email": "John.Stiles@example.com"},
            "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
            "actions": ["GET", "PUT", "DELETE"],
            "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]
        }"#;
        assert!(matches("{ $.user.id = 1 }", doc));
        assert!(matches(r#"{ $.users[1].email = "Jane.Doe@example.com" }"#, doc));
        assert!(matches("{ $.coordinates[2][0] = 7 }", doc));
        assert!(!matches("{ $.users[5].id = 2 }", doc));
        assert!(!matches("{ $.user[0] = 1 }", doc));
        // A selector naming an array or object matches neither = nor != (AWS documents this).
        assert!(!matches("{ $.actions = 1 }", doc));
        assert!(!matches("{ $.actions != 1 }", doc));
        assert!(!matches("{ $.user != 1 }", doc));
        // AWS's compound examples and their documented outcomes.
        assert!(matches(
            r#"{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }"#,
            doc
        ));
        assert!(!matches(
            r#"{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }"#,
            doc
        ));
        assert!(matches(
            r#"{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }"#,
            doc
        ));
        assert!(!matches(
            r#"{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }"#,
            doc
        ));
    }

    #[test]
    fn json_null_existence_and_booleans() {
        let doc = r#"{"SomeObject": null, "ThisFlag": true, "Off": false, "level": "WARN"}"#;
        assert!(matches("{ $.SomeObject IS NULL }", doc));
        assert!(!matches("{ $.level IS NULL }", doc));
        assert!(!matches("{ $.Missing IS NULL }", doc));
        assert!(matches("{ $.SomeOtherObject NOT EXISTS }", doc));
        assert!(!matches("{ $.SomeObject NOT EXISTS }", doc));
        assert!(matches("{ $.SomeObject EXISTS }", doc));
        assert!(!matches("{ $.Missing EXISTS }", doc));
        assert!(matches("{ $.level.deeper NOT EXISTS }", doc));
        assert!(matches("{ $.ThisFlag IS TRUE }", doc));
        assert!(!matches("{ $.ThisFlag IS FALSE }", doc));
        assert!(matches("{ $.Off IS FALSE }", doc));
        assert!(!matches("{ $.level IS TRUE }", doc));
        assert!(matches("{ $.ThisFlag is true && $.Missing not exists }", doc));
        // A null is not a value node: no comparison matches it.
        assert!(!matches("{ $.SomeObject != 1 }", doc));
    }

    #[test]
    fn json_and_binds_tighter_than_or() {
        let doc = r#"{"a": 1, "b": 2}"#;
        assert!(matches("{ $.a = 1 || $.a = 5 && $.b = 9 }", doc));
        assert!(!matches("{ ($.a = 1 || $.a = 5) && $.b = 9 }", doc));
        assert!(matches("{ (($.a = 1)) }", doc));
        assert!(matches("{ $.a = 9 || $.b = 9 || $.b = 2 }", doc));
    }

    #[test]
    fn space_delimited_patterns() {
        let lines = [
            r#"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534"#,
            r#"127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /index.html HTTP/1.0" 404 5324"#,
            r#"127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 500 355"#,
        ];
        let hits = |p: &str| -> Vec<usize> {
            let pattern = pattern(p);
            (0..lines.len()).filter(|&i| pattern.matches(lines[i])).collect()
        };
        assert_eq!(
            hits("[ip, user, username, timestamp, request, status_code, bytes]"),
            [0, 1, 2]
        );
        assert_eq!(
            hits("[ip, user, username, timestamp, request, status_code]"),
            Vec::<usize>::new()
        );
        assert_eq!(hits("[..., status_code, bytes]"), [0, 1, 2]);
        assert_eq!(hits("[ip, user, ...]"), [0, 1, 2]);
        assert_eq!(
            hits("[ip, user, username, timestamp, request, status_code, bytes > 1000]"),
            [0, 1]
        );
        assert_eq!(
            hits("[ip, user, username, timestamp, request, status_code = 200, bytes]"),
            [0]
        );
        assert_eq!(
            hits("[ip, user, username, timestamp, request, status_code = 4*, bytes]"),
            [1]
        );
        assert_eq!(
            hits("[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]"),
            [1]
        );
        assert_eq!(hits("[..., status_code = 5* || status_code = 4*, bytes]"), [1, 2]);
        assert_eq!(hits("[..., status_code != 200 && bytes < 1000, bytes]"), [2]);
        assert_eq!(hits(r#"[ip, user="frank", ...]"#), Vec::<usize>::new());
        assert_eq!(hits(r#"[ip, user, username="frank", ...]"#), [0, 1, 2]);
        assert_eq!(hits("[..., request=*.html*, status_code=4*,]"), [1]);
        // AWS's OR examples: the number of fields must fit.
        let words = ["ERROR WARN message", "ERROR message", "WARN message"];
        let word_hits = |p: &str| -> Vec<usize> { (0..3).filter(|&i| matches(p, words[i])).collect() };
        assert_eq!(word_hits("[w1=ERROR, w2]"), [1]);
        assert_eq!(word_hits("[w1=ERROR || w1=WARN, w2]"), [1, 2]);
    }

    #[test]
    fn space_delimited_ellipsis_tries_every_layout() {
        // "Duration:" appears twice in a REPORT line; only the second is followed by 4.
        assert!(matches(
            r#"[kind=REPORT, ..., label="Duration:", ms > 3, unit=ms, ...]"#,
            REPORT
        ));
        assert!(!matches(
            r#"[kind=REPORT, ..., label="Duration:", ms > 4, unit=ms, ...]"#,
            REPORT
        ));
        assert!(matches(
            r#"[kind=REPORT, ..., label="Duration:", ms >= 4, unit=ms, ...]"#,
            REPORT
        ));
        assert!(!matches(r#"[kind=START, ...]"#, REPORT));
        assert_eq!(lambda_matches("[kind=START || kind=END, ...]"), ["START", "END"]);
    }

    /// Every layout of the slots over the fields, tried one by one: the meaning of `...`
    /// ("any number of fields"), and exponential in the number of `...`s. What the placement
    /// of runs is checked against.
    fn every_layout<'p, 'm>(
        pattern: &'p Delimited,
        slot: usize,
        fields: &[&'m str],
        bound: &mut Vec<(&'p str, &'m str)>,
    ) -> bool {
        let Some(current) = pattern.slots.get(slot) else {
            return fields.is_empty() && pattern.conditions.iter().all(|expr| Delimited::holds(expr, bound));
        };
        match current {
            Slot::Ellipsis => (0..=fields.len()).any(|skip| every_layout(pattern, slot + 1, &fields[skip..], bound)),
            Slot::Field(name) => {
                let Some((first, rest)) = fields.split_first() else {
                    return false;
                };
                bound.extend(name.as_deref().map(|name| (name, *first)));
                let aligned = every_layout(pattern, slot + 1, rest, bound);
                if name.is_some() {
                    bound.pop();
                }
                aligned
            }
        }
    }

    #[test]
    fn the_earliest_placement_answers_as_trying_every_layout_does() {
        // Every pattern of up to four slots from these, against every line of up to four words
        // from x, y, z: duplicated names, empty slots, `...` anywhere and side by side.
        let slots = [
            "...",
            "a = x",
            "b = y*",
            "c",
            "",
            "d = x || d = z",
            "e != y && e != x",
            "a = z",
        ];
        let words = ["x", "y", "z"];
        let mut lines = vec![String::new()];
        for length in 1..=4u32 {
            for mut n in 0..3usize.pow(length) {
                let mut line = Vec::new();
                for _ in 0..length {
                    line.push(words[n % 3]);
                    n /= 3;
                }
                lines.push(line.join(" "));
            }
        }
        let mut patterns = Vec::new();
        for length in 1..=4u32 {
            for mut n in 0..slots.len().pow(length) {
                let mut parts = Vec::new();
                for _ in 0..length {
                    parts.push(slots[n % slots.len()]);
                    n /= slots.len();
                }
                patterns.push(format!("[{}]", parts.join(", ")));
            }
        }
        let mut compared = 0;
        for text in &patterns {
            let Ok(FilterPattern {
                kind: Kind::Delimited(pattern),
            }) = FilterPattern::parse(text)
            else {
                continue;
            };
            for line in &lines {
                let fields = split_fields(line);
                let expected = every_layout(&pattern, 0, &fields, &mut Vec::new());
                assert_eq!(pattern.matches(line), expected, "{text} on {line:?}");
                compared += 1;
            }
        }
        assert!(compared > 300_000, "{compared}");
    }

    #[test]
    fn a_condition_spanning_runs_is_checked_on_the_earliest_layout() {
        // `a` is bound by the first run, `b = 2` by the second; the condition on `b` also names
        // `a`, so it is checked once the runs are placed.
        assert!(matches("[a, ..., b = 2 && a = 1]", "1 9 2"));
        assert!(!matches("[a, ..., b = 2 && a = 3]", "1 9 2"));
        assert!(matches("[..., b = 2 || c = 1, ..., c]", "0 2 5 1"));
    }

    #[test]
    fn many_ellipses_against_many_fields_take_linear_work() {
        // 40 `...`s and 2,000 fields: trying every layout would take longer than the universe
        // has existed; the placement answers at once, and right.
        let line: Vec<String> = (0..2_000).map(|i| format!("w{}", i % 50)).collect();
        let line = line.join(" ");
        let mut slots = Vec::new();
        for i in 0..40 {
            slots.push("...".to_string());
            slots.push(if i == 20 {
                "f20 = w3".to_string()
            } else {
                format!("f{i}")
            });
        }
        slots.push("last = w49".into());
        let text = format!("[{}]", slots.join(", "));
        assert!(matches(&text, &line));
        let missing = text.replace("last = w49", "last = w48");
        assert!(!matches(&missing, &line));
    }

    #[test]
    fn unparsable_patterns_are_rejected() {
        for bad in [
            r#""unterminated"#,
            r#"ERROR "unterminated"#,
            "?",
            "ERROR -",
            "{ $.a = }",
            "{ $.a }",
            r#"{ level = "x" }"#,
            "{ $.a > abc }",
            "{ ($.a = 1 }",
            "{ $.a = 1 && }",
            "{ $.a = 1 & $.b = 2 }",
            "{ $.a = 1 } trailing",
            "{ }",
            "{ $ = 1 }",
            "{ $.a[x] = 1 }",
            "{ $.a[1 = 1 }",
            "{ $.a IS MAYBE }",
            "{ $.a NOT THERE }",
            "[a, b",
            "[]",
            "[a = ]",
            "[a b = 1]",
            "%ERROR%",
            "ab\"cd",
        ] {
            let err = FilterPattern::parse(bad).expect_err(bad);
            assert!(err.to_string().starts_with("Invalid filter pattern"), "{bad}: {err}");
        }
    }

    #[test]
    fn globs() {
        assert!(glob_matches("abc", "abc"));
        assert!(!glob_matches("abc", "abcd"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("a*", "a"));
        assert!(glob_matches("*a*a*", "banana"));
        assert!(!glob_matches("*a*a*a*a", "banana"));
        assert!(glob_matches("a*a", "aba"));
        assert!(!glob_matches("a*a", "a"));
        assert!(glob_matches("4*", "404"));
    }

    #[test]
    fn fields_of_a_line() {
        assert_eq!(
            split_fields(r#"1.2.3.4 - frank [10/Oct/2000:13:25:15 -0700] "GET / HTTP/1.0" 200"#),
            [
                "1.2.3.4",
                "-",
                "frank",
                "10/Oct/2000:13:25:15 -0700",
                "GET / HTTP/1.0",
                "200"
            ]
        );
        assert_eq!(split_fields("  a\tb  "), ["a", "b"]);
        assert_eq!(split_fields(r#"a "open"#), ["a", "open"]);
        assert!(split_fields("").is_empty());
    }
}
