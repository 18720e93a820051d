//! The stacks the local endpoint describes, and AWS's rules for naming one: by name or by
//! stack id (its ARN); an unknown one is a ValidationError. No HTTP here.

use crate::wire::AwsError;
use chrono::{DateTime, Utc};

/// One stack, as DescribeStacks shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackRecord {
    pub name: String,
    pub region: String,
    pub description: Option<String>,
    /// `(key, value)` in the template's order.
    pub outputs: Vec<(String, String)>,
    /// `(key, value)` of every parameter with a value.
    pub parameters: Vec<(String, String)>,
}

/// A stack with what AWS derives from it.
#[derive(Debug, Clone)]
pub struct Stack {
    pub record: StackRecord,
    pub id: String,
    pub created: DateTime<Utc>,
}

pub struct StackCatalog {
    stacks: Vec<Stack>,
}

impl StackCatalog {
    pub fn new(records: Vec<StackRecord>) -> Self {
        let created = Utc::now();
        let stacks = records
            .into_iter()
            .map(|record| {
                // AWS's stack id: arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>.
                let id = format!(
                    "arn:aws:cloudformation:{}:{}:stack/{}/{}",
                    record.region,
                    crate::ACCOUNT_ID,
                    record.name,
                    uuid::Uuid::new_v4()
                );
                Stack { record, id, created }
            })
            .collect();
        StackCatalog { stacks }
    }

    /// DescribeStacks: every stack, or the one named (by name or stack id).
    pub fn describe(&self, name: Option<&str>) -> Result<Vec<&Stack>, AwsError> {
        let Some(name) = name else {
            return Ok(self.stacks.iter().collect());
        };
        let found: Vec<&Stack> = self
            .stacks
            .iter()
            .filter(|s| s.record.name == name || s.id == name)
            .collect();
        if found.is_empty() {
            // AWS's answer for a stack that does not exist: 400, Sender, ValidationError, "Stack
            // with id foo does not exist" (the response body quoted in boto/boto3#2807).
            return Err(AwsError::client(
                "ValidationError",
                format!("Stack with id {name} does not exist"),
            ));
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> StackCatalog {
        StackCatalog::new(vec![StackRecord {
            name: "customers".into(),
            region: "us-east-1".into(),
            description: None,
            outputs: vec![("QueueUrl".into(), "http://q".into())],
            parameters: Vec::new(),
        }])
    }

    #[test]
    fn a_stack_is_found_by_name_or_id_and_an_unknown_one_is_a_validation_error() {
        let catalog = catalog();
        let id = catalog.describe(Some("customers")).unwrap()[0].id.clone();
        assert!(id.starts_with("arn:aws:cloudformation:us-east-1:000000000000:stack/customers/"));
        assert_eq!(catalog.describe(Some(&id)).unwrap().len(), 1);
        assert_eq!(catalog.describe(None).unwrap().len(), 1);
        let err = catalog.describe(Some("other")).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.message.as_str()),
            ("ValidationError", "Stack with id other does not exist")
        );
    }
}
