//! Secrets Manager's JSON protocol: reads each operation's input shape and renders AWS's
//! output shapes (dates as epoch seconds, absent members left out).

use super::errors::SecretsError;
use super::models::{ListQuery, NewSecret, Secret, SecretFilter, SecretStore, SecretValue, SecretVersion, SortBy, Tag};
use crate::wire::AwsError;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Answers one `secretsmanager.<operation>` request.
pub fn handle(store: &mut SecretStore, operation: &str, input: Value, now_ms: i64) -> Result<Value, AwsError> {
    match operation {
        "GetSecretValue" => {
            let input: GetSecretValueInput = parse(operation, input)?;
            let (secret, version) = store.get_value(
                &input.secret_id,
                input.version_id.as_deref(),
                input.version_stage.as_deref(),
                now_ms,
            )?;
            let mut out = version_output(secret, version);
            match &version.value {
                SecretValue::String(text) => out.insert("SecretString".into(), json!(text)),
                SecretValue::Binary(base64) => out.insert("SecretBinary".into(), json!(base64)),
            };
            out.insert("CreatedDate".into(), epoch_seconds(version.created_ms));
            Ok(Value::Object(out))
        }
        "DescribeSecret" => {
            let input: SecretIdInput = parse(operation, input)?;
            let secret = store.describe(&input.secret_id)?;
            Ok(Value::Object(secret_description(secret, "VersionIdsToStages")))
        }
        "ListSecrets" => {
            let input: ListSecretsInput = parse(operation, input)?;
            let query = list_query(input)?;
            let (secrets, next_token) = store.list(&query)?;
            let list: Vec<Value> = secrets
                .into_iter()
                .map(|s| Value::Object(secret_description(s, "SecretVersionsToStages")))
                .collect();
            let mut out = Map::new();
            out.insert("SecretList".into(), Value::Array(list));
            if let Some(token) = next_token {
                out.insert("NextToken".into(), json!(token));
            }
            Ok(Value::Object(out))
        }
        "CreateSecret" => {
            let input: CreateSecretInput = parse(operation, input)?;
            let new = NewSecret {
                value: secret_value(input.secret_string, input.secret_binary)?,
                name: input.name,
                version_id: input.client_request_token,
                description: input.description,
                kms_key_id: input.kms_key_id,
                tags: input
                    .tags
                    .into_iter()
                    .map(|t| Tag {
                        key: t.key,
                        value: t.value,
                    })
                    .collect(),
            };
            let secret = store.create(new, now_ms)?;
            let mut out = Map::new();
            out.insert("ARN".into(), json!(secret.arn));
            out.insert("Name".into(), json!(secret.name));
            if let Some(version) = secret.versions.first() {
                out.insert("VersionId".into(), json!(version.id));
            }
            Ok(Value::Object(out))
        }
        "PutSecretValue" => {
            let input: PutSecretValueInput = parse(operation, input)?;
            let value = secret_value(input.secret_string, input.secret_binary)?.ok_or_else(|| {
                SecretsError::InvalidRequest("You must provide either SecretString or SecretBinary.".into())
            })?;
            let (secret, version) = store.put_value(
                &input.secret_id,
                input.client_request_token,
                value,
                input.version_stages,
                now_ms,
            )?;
            Ok(Value::Object(version_output(secret, version)))
        }
        other => Err(AwsError::unknown_operation("Secrets Manager", other)),
    }
}

/// Reads an operation's input. serde's messages can quote the offending value, which may be a
/// secret, so the answer names only the operation.
fn parse<T: DeserializeOwned>(operation: &str, input: Value) -> Result<T, SecretsError> {
    serde_json::from_value(input).map_err(|e| {
        SecretsError::InvalidParameter(format!(
            "The {operation} request is not valid: {}.",
            super::models::what_is_wrong(&e)
        ))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SecretIdInput {
    secret_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetSecretValueInput {
    secret_id: String,
    version_id: Option<String>,
    version_stage: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagInput {
    key: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateSecretInput {
    name: String,
    client_request_token: Option<String>,
    description: Option<String>,
    kms_key_id: Option<String>,
    secret_string: Option<String>,
    secret_binary: Option<String>,
    #[serde(default)]
    tags: Vec<TagInput>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutSecretValueInput {
    secret_id: String,
    client_request_token: Option<String>,
    secret_string: Option<String>,
    secret_binary: Option<String>,
    version_stages: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FilterInput {
    key: String,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListSecretsInput {
    max_results: Option<i32>,
    next_token: Option<String>,
    #[serde(default)]
    filters: Vec<FilterInput>,
    sort_order: Option<String>,
    sort_by: Option<String>,
}

fn list_query(input: ListSecretsInput) -> Result<ListQuery, SecretsError> {
    let sort_by = match input.sort_by.as_deref() {
        None | Some("created-date") => SortBy::CreatedDate,
        Some("last-accessed-date") => SortBy::LastAccessedDate,
        Some("last-changed-date") => SortBy::LastChangedDate,
        Some("name") => SortBy::Name,
        Some(other) => return Err(SecretsError::InvalidParameter(format!("Invalid SortBy: {other}"))),
    };
    let descending = match input.sort_order.as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(SecretsError::InvalidParameter(format!("Invalid SortOrder: {other}"))),
    };
    Ok(ListQuery {
        filters: input
            .filters
            .into_iter()
            .map(|f| SecretFilter {
                key: f.key,
                values: f.values,
            })
            .collect(),
        max_results: input.max_results,
        next_token: input.next_token,
        sort_by,
        descending,
    })
}

/// Exactly one of SecretString and SecretBinary (a base64 blob on the wire), or neither.
fn secret_value(string: Option<String>, binary: Option<String>) -> Result<Option<SecretValue>, SecretsError> {
    match (string, binary) {
        (Some(_), Some(_)) => Err(SecretsError::InvalidParameter(
            "You can't specify both a binary secret value and a string secret value in the same secret.".into(),
        )),
        (Some(text), None) => Ok(Some(SecretValue::String(text))),
        (None, Some(encoded)) => match base64::engine::general_purpose::STANDARD.decode(&encoded) {
            Ok(_) => Ok(Some(SecretValue::Binary(encoded))),
            Err(_) => Err(SecretsError::InvalidParameter(
                "SecretBinary is not valid base64.".into(),
            )),
        },
        (None, None) => Ok(None),
    }
}

/// AWS's JSON protocols send dates as fractional epoch seconds.
fn epoch_seconds(ms: i64) -> Value {
    json!(ms as f64 / 1000.0)
}

/// ARN, Name, VersionId and VersionStages: what GetSecretValue and PutSecretValue share.
fn version_output(secret: &Secret, version: &SecretVersion) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("ARN".into(), json!(secret.arn));
    out.insert("Name".into(), json!(secret.name));
    out.insert("VersionId".into(), json!(version.id));
    out.insert("VersionStages".into(), json!(version.stages));
    out
}

/// DescribeSecret's answer, which is also a ListSecrets entry except for the name of the
/// versions map (`VersionIdsToStages` there, `SecretVersionsToStages` here).
fn secret_description(secret: &Secret, versions_member: &str) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("ARN".into(), json!(secret.arn));
    out.insert("Name".into(), json!(secret.name));
    if let Some(description) = &secret.description {
        out.insert("Description".into(), json!(description));
    }
    if let Some(key) = &secret.kms_key_id {
        out.insert("KmsKeyId".into(), json!(key));
    }
    out.insert("RotationEnabled".into(), json!(false));
    out.insert("LastChangedDate".into(), epoch_seconds(secret.last_changed_ms));
    if let Some(accessed) = secret.last_accessed_ms {
        out.insert("LastAccessedDate".into(), epoch_seconds(accessed));
    }
    let tags: Vec<Value> = secret
        .tags
        .iter()
        .map(|t| json!({"Key": t.key, "Value": t.value}))
        .collect();
    out.insert("Tags".into(), Value::Array(tags));
    let versions: Map<String, Value> = secret
        .versions
        .iter()
        .map(|v| (v.id.clone(), json!(v.stages)))
        .collect();
    out.insert(versions_member.into(), Value::Object(versions));
    out.insert("CreatedDate".into(), epoch_seconds(secret.created_ms));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_request_does_not_echo_its_values() {
        let mut store = SecretStore::new("us-east-1".into());
        let input = json!({"Name": "s", "SecretString": ["hunter2"]});
        let err = handle(&mut store, "CreateSecret", input, 0).unwrap_err();
        assert_eq!(err.code, "InvalidParameterException");
        assert!(!err.message.contains("hunter2"), "{}", err.message);
    }

    #[test]
    fn both_kinds_of_value_at_once_are_refused() {
        let mut store = SecretStore::new("us-east-1".into());
        let input = json!({"Name": "s", "SecretString": "a", "SecretBinary": "YQ=="});
        let err = handle(&mut store, "CreateSecret", input, 0).unwrap_err();
        assert_eq!(err.code, "InvalidParameterException");
    }

    #[test]
    fn an_unknown_operation_is_reported_as_such() {
        let mut store = SecretStore::new("us-east-1".into());
        let err = handle(&mut store, "RotateSecret", json!({}), 0).unwrap_err();
        assert_eq!(err.code, "UnknownOperationException");
    }
}
