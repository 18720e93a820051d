//! The one Customer message schema, shared by the function and by custctl.
//!
//! A message body is a JSON object `{"CustID": <integer>, "Name": <string>}`. Parsing it yields
//! checked types ([`CustomerId`], [`CustomerName`]) whose constructors are the only place the
//! rules live: CustID is a JSON integer that fits MySQL `INT`; Name is 1 to 255 characters
//! (characters, not bytes), kept exactly as sent. Unknown and repeated fields are rejected,
//! because a field the table has no column for would otherwise be dropped without a word.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The JSON field that carries the customer id.
pub const CUST_ID_FIELD: &str = "CustID";
/// The JSON field that carries the customer name.
pub const NAME_FIELD: &str = "Name";
/// `Name VARCHAR(255)`: MySQL counts characters, so do we.
pub const MAX_NAME_CHARS: usize = 255;

/// Why a message body is not a Customer. `Display` is the reason shown to people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("expected a JSON object {{\"CustID\": <integer>, \"Name\": <string>}}, got {0}")]
    NotAnObject(String),
    #[error("missing field \"{0}\"")]
    MissingField(&'static str),
    #[error("field \"{0}\" appears more than once")]
    DuplicateField(String),
    #[error("unknown field {0}: a Customer message has only \"CustID\" and \"Name\"")]
    UnknownField(String),
    #[error("CustID: expected an integer, got {0}")]
    IdNotInteger(String),
    /// JSON's `-0` is integer syntax, but serde_json (like most parsers) reads it as the float
    /// -0.0; rather than guess, one rule for every path: refused, with the fix.
    #[error("CustID: -0 (negative zero) is not accepted; write 0")]
    IdNegativeZero,
    #[error("CustID: {0} is out of range (MySQL INT holds -2147483648 to 2147483647)")]
    IdOutOfRange(String),
    #[error("Name: expected a string, got {0}")]
    NameNotString(String),
    #[error("Name: must not be empty")]
    NameEmpty,
    #[error("Name: {0} characters, at most 255 are allowed")]
    NameTooLong(usize),
}

/// A customer id: a value that fits MySQL `INT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CustomerId(i32);

impl CustomerId {
    /// Checks that `value` fits MySQL `INT`.
    pub fn new(value: i64) -> Result<Self, SchemaError> {
        i32::try_from(value)
            .map(CustomerId)
            .map_err(|_| SchemaError::IdOutOfRange(value.to_string()))
    }

    pub fn get(self) -> i32 {
        self.0
    }

    fn from_json(value: &Value) -> Result<Self, SchemaError> {
        match value {
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Self::new(i)
                } else if n.is_u64() {
                    Err(SchemaError::IdOutOfRange(n.to_string()))
                } else if n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()) {
                    Err(SchemaError::IdNegativeZero)
                } else {
                    Err(SchemaError::IdNotInteger(format!("the number {n}")))
                }
            }
            other => Err(SchemaError::IdNotInteger(describe(other))),
        }
    }
}

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A customer name: 1 to 255 Unicode characters, stored exactly as sent (no trimming).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CustomerName(String);

impl CustomerName {
    pub fn new(name: String) -> Result<Self, SchemaError> {
        match name.chars().count() {
            0 => Err(SchemaError::NameEmpty),
            n if n > MAX_NAME_CHARS => Err(SchemaError::NameTooLong(n)),
            _ => Ok(CustomerName(name)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn from_json(value: Value) -> Result<Self, SchemaError> {
        match value {
            Value::String(s) => Self::new(s),
            other => Err(SchemaError::NameNotString(describe(&other))),
        }
    }
}

impl fmt::Display for CustomerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One checked Customer message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Customer {
    #[serde(rename = "CustID")]
    pub id: CustomerId,
    #[serde(rename = "Name")]
    pub name: CustomerName,
}

impl Customer {
    pub fn new(id: CustomerId, name: CustomerName) -> Self {
        Customer { id, name }
    }

    /// Parses and checks a message body.
    pub fn from_json(body: &str) -> Result<Self, SchemaError> {
        let mut de = serde_json::Deserializer::from_str(body);
        let top = JsonTop::deserialize(&mut de).map_err(|e| SchemaError::Json(e.to_string()))?;
        de.end().map_err(|e| SchemaError::Json(e.to_string()))?;
        match top {
            JsonTop::Object(fields) => fields.into_customer(),
            JsonTop::Other(kind) => Err(SchemaError::NotAnObject(kind)),
        }
    }

    /// Checks an already-parsed JSON value (used for JSON-array input files).
    pub fn from_value(value: Value) -> Result<Self, SchemaError> {
        match value {
            Value::Object(map) => {
                let mut fields = CustomerFields::default();
                for (key, value) in map {
                    fields.accept(FieldKey::named(&key), value);
                }
                fields.into_customer()
            }
            other => Err(SchemaError::NotAnObject(describe(&other))),
        }
    }

    /// The canonical message body: `{"CustID":404,"Name":"Rodolfo Avelino"}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a Customer always serialises")
    }
}

/// A field name as read: the two known names need no allocation, which matters at thousands
/// of records per batch.
enum FieldKey {
    CustId,
    Name,
    Other(String),
}

impl FieldKey {
    fn named(key: &str) -> Self {
        match key {
            CUST_ID_FIELD => FieldKey::CustId,
            NAME_FIELD => FieldKey::Name,
            other => FieldKey::Other(other.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for FieldKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldKeyVisitor;
        impl Visitor<'_> for FieldKeyVisitor {
            type Value = FieldKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<FieldKey, E> {
                Ok(FieldKey::named(key))
            }
        }
        deserializer.deserialize_str(FieldKeyVisitor)
    }
}

/// An object's fields, checked as they arrive in document order. The first unknown field, or
/// repeated one (which `serde_json::Value` would silently collapse), is remembered and reported
/// only after the whole body has parsed, so that broken JSON is always reported as such.
#[derive(Default)]
struct CustomerFields {
    id: Option<Value>,
    name: Option<Value>,
    problem: Option<SchemaError>,
}

impl CustomerFields {
    fn accept(&mut self, key: FieldKey, value: Value) {
        if self.problem.is_some() {
            return;
        }
        let (slot, name) = match key {
            FieldKey::CustId => (&mut self.id, CUST_ID_FIELD),
            FieldKey::Name => (&mut self.name, NAME_FIELD),
            FieldKey::Other(key) => {
                self.problem = Some(SchemaError::UnknownField(quote(&key)));
                return;
            }
        };
        if slot.replace(value).is_some() {
            self.problem = Some(SchemaError::DuplicateField(name.to_string()));
        }
    }

    fn into_customer(self) -> Result<Customer, SchemaError> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        let id = CustomerId::from_json(&self.id.ok_or(SchemaError::MissingField(CUST_ID_FIELD))?)?;
        let name = CustomerName::from_json(self.name.ok_or(SchemaError::MissingField(NAME_FIELD))?)?;
        Ok(Customer { id, name })
    }
}

/// The top level of a body: an object's fields, or the kind of anything else.
enum JsonTop {
    Object(CustomerFields),
    Other(String),
}

impl<'de> Deserialize<'de> for JsonTop {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonTopVisitor)
    }
}

struct JsonTopVisitor;

impl<'de> Visitor<'de> for JsonTopVisitor {
    type Value = JsonTop;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonTop, A::Error> {
        let mut fields = CustomerFields::default();
        while let Some(key) = map.next_key::<FieldKey>()? {
            let value = map.next_value::<Value>()?;
            fields.accept(key, value);
        }
        Ok(JsonTop::Object(fields))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonTop, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(JsonTop::Other("an array".into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<JsonTop, E> {
        Ok(JsonTop::Other(describe(&Value::String(v.into()))))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<JsonTop, E> {
        Ok(JsonTop::Other(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<JsonTop, E> {
        Ok(JsonTop::Other(format!("the number {v}")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<JsonTop, E> {
        Ok(JsonTop::Other(format!("the number {v}")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<JsonTop, E> {
        Ok(JsonTop::Other(format!("the number {v}")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<JsonTop, E> {
        Ok(JsonTop::Other("null".into()))
    }
}

/// Names a JSON value for an error message, cut short so hostile input cannot flood a log.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", quote(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// JSON-quotes `s` (so control characters are escaped), keeping at most 40 characters.
fn quote(s: &str) -> String {
    const SHOWN: usize = 40;
    match s.char_indices().nth(SHOWN) {
        None => Value::String(s.into()).to_string(),
        Some((cut, _)) => format!("{}…", Value::String(s[..cut].into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(body: &str) -> String {
        Customer::from_json(body).unwrap_err().to_string()
    }

    #[test]
    fn accepts_the_documented_shape() {
        let c = Customer::from_json(r#"{"CustID": 404, "Name": "Rodolfo Avelino"}"#).unwrap();
        assert_eq!(c.id.get(), 404);
        assert_eq!(c.name.as_str(), "Rodolfo Avelino");
        assert_eq!(c.to_json(), r#"{"CustID":404,"Name":"Rodolfo Avelino"}"#);
    }

    #[test]
    fn int_range_is_mysql_int() {
        assert_eq!(
            Customer::from_json(r#"{"CustID":2147483647,"Name":"a"}"#)
                .unwrap()
                .id
                .get(),
            i32::MAX
        );
        assert_eq!(
            Customer::from_json(r#"{"CustID":-2147483648,"Name":"a"}"#)
                .unwrap()
                .id
                .get(),
            i32::MIN
        );
        assert_eq!(
            reason(r#"{"CustID":2147483648,"Name":"a"}"#),
            "CustID: 2147483648 is out of range (MySQL INT holds -2147483648 to 2147483647)"
        );
        assert!(reason(r#"{"CustID":18446744073709551615,"Name":"a"}"#).contains("out of range"));
        assert!(reason(r#"{"CustID":-2147483649,"Name":"a"}"#).contains("out of range"));
    }

    #[test]
    fn custid_wrong_types_have_readable_reasons() {
        for (body, expected) in [
            (
                r#"{"CustID":"404","Name":"a"}"#,
                r#"CustID: expected an integer, got the string "404""#,
            ),
            (
                r#"{"CustID":1.5,"Name":"a"}"#,
                "CustID: expected an integer, got the number 1.5",
            ),
            (
                r#"{"CustID":1.0,"Name":"a"}"#,
                "CustID: expected an integer, got the number 1.0",
            ),
            (r#"{"CustID":true,"Name":"a"}"#, "CustID: expected an integer, got true"),
            (r#"{"CustID":null,"Name":"a"}"#, "CustID: expected an integer, got null"),
            (
                r#"{"CustID":[1],"Name":"a"}"#,
                "CustID: expected an integer, got an array",
            ),
        ] {
            assert_eq!(reason(body), expected);
        }
    }

    #[test]
    fn negative_zero_is_refused_with_its_own_reason() {
        for body in [r#"{"CustID":-0,"Name":"x"}"#, r#"{"CustID":-0.0,"Name":"x"}"#] {
            assert_eq!(reason(body), "CustID: -0 (negative zero) is not accepted; write 0");
        }
        assert!(Customer::from_json(r#"{"CustID":0,"Name":"x"}"#).is_ok());
    }

    #[test]
    fn name_rules_count_characters_not_bytes() {
        let emoji = "😀".repeat(255);
        let c = Customer::from_json(&format!(r#"{{"CustID":1,"Name":"{emoji}"}}"#)).unwrap();
        assert_eq!(c.name.as_str(), emoji);
        let long = "é".repeat(256);
        assert_eq!(
            reason(&format!(r#"{{"CustID":1,"Name":"{long}"}}"#)),
            "Name: 256 characters, at most 255 are allowed"
        );
        assert_eq!(reason(r#"{"CustID":1,"Name":""}"#), "Name: must not be empty");
        assert_eq!(
            reason(r#"{"CustID":1,"Name":5}"#),
            "Name: expected a string, got the number 5"
        );
    }

    #[test]
    fn names_are_kept_exactly() {
        let c = Customer::from_json(r#"{"CustID":1,"Name":"  O'Brien \"x\" \\ \u0000 "}"#).unwrap();
        assert_eq!(c.name.as_str(), "  O'Brien \"x\" \\ \u{0} ");
        let round = Customer::from_json(&c.to_json()).unwrap();
        assert_eq!(round, c);
    }

    #[test]
    fn unknown_missing_and_repeated_fields_are_rejected() {
        assert_eq!(
            reason(r#"{"CustID":1,"Name":"a","Email":"x"}"#),
            r#"unknown field "Email": a Customer message has only "CustID" and "Name""#
        );
        assert_eq!(reason(r#"{"Name":"a"}"#), r#"missing field "CustID""#);
        assert_eq!(reason(r#"{"CustID":1}"#), r#"missing field "Name""#);
        assert_eq!(
            reason(r#"{"custid":1,"Name":"a"}"#),
            r#"unknown field "custid": a Customer message has only "CustID" and "Name""#
        );
        assert_eq!(
            reason(r#"{"CustID":1,"CustID":2,"Name":"a"}"#),
            r#"field "CustID" appears more than once"#
        );
    }

    #[test]
    fn non_objects_and_broken_json_are_rejected() {
        assert!(reason("[1,2]").ends_with("got an array"));
        assert!(reason(r#""hi""#).ends_with(r#"got the string "hi""#));
        assert!(reason("null").ends_with("got null"));
        assert!(reason("").starts_with("not valid JSON"));
        assert!(reason(r#"{"CustID":1,"Name":"a"} trailing"#).starts_with("not valid JSON"));
        assert!(reason(r#"{"CustID":1,"Name":"\ud800"}"#).starts_with("not valid JSON"));
    }

    #[test]
    fn long_hostile_values_are_cut_in_reasons() {
        let body = format!(r#"{{"CustID":"{}","Name":"a"}}"#, "x".repeat(10_000));
        assert!(reason(&body).len() < 120);
    }

    #[test]
    fn from_value_applies_the_same_rules() {
        let v: Value = serde_json::json!({"CustID": 7, "Name": "Zoë"});
        assert_eq!(Customer::from_value(v).unwrap().name.as_str(), "Zoë");
        let v: Value = serde_json::json!({"CustID": "7", "Name": "Zoë"});
        assert!(Customer::from_value(v).unwrap_err().to_string().starts_with("CustID"));
    }
}
