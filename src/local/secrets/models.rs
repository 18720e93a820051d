//! Secrets Manager's state and rules, without HTTP: secrets and their versions, how a secret is
//! named (name, full ARN, or ARN without the random suffix), how staging labels move when a
//! new value is put, and ListSecrets' filters and paging.

use super::errors::SecretsError;
use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};

/// The account every local ARN is in.
pub const ACCOUNT_ID: &str = "000000000000";
/// The label of the value GetSecretValue returns by default.
pub const AWSCURRENT: &str = "AWSCURRENT";
/// The label the previous current value keeps, so a rotation can be rolled back.
pub const AWSPREVIOUS: &str = "AWSPREVIOUS";

/// Milliseconds since the Unix epoch, the resolution AWS's dates have.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A secret's value: text, or binary kept base64-encoded as it travels on the wire.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretValue {
    String(String),
    Binary(String),
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretValue::String(_) => f.write_str("SecretValue::String(<redacted>)"),
            SecretValue::Binary(_) => f.write_str("SecretValue::Binary(<redacted>)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretVersion {
    pub id: String,
    pub value: SecretValue,
    pub stages: Vec<String>,
    pub created_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    pub name: String,
    pub arn: String,
    pub description: Option<String>,
    pub kms_key_id: Option<String>,
    pub tags: Vec<Tag>,
    pub created_ms: i64,
    pub last_changed_ms: i64,
    /// AWS records only the day of the last access.
    pub last_accessed_ms: Option<i64>,
    /// Only versions that have a staging label: AWS deprecates the others, and this store forgets them.
    pub versions: Vec<SecretVersion>,
}

impl Secret {
    /// The ARN without the `-` and six random characters, which AWS also accepts as a SecretId.
    fn partial_arn(&self) -> &str {
        self.arn
            .len()
            .checked_sub(7)
            .and_then(|end| self.arn.get(..end))
            .unwrap_or(&self.arn)
    }

    fn is_named(&self, secret_id: &str) -> bool {
        self.name == secret_id || self.arn == secret_id || self.partial_arn() == secret_id
    }

    /// The version GetSecretValue returns for a VersionId and/or a staging label (AWSCURRENT by default).
    pub fn version(&self, version_id: Option<&str>, stage: Option<&str>) -> Result<&SecretVersion, SecretsError> {
        match version_id {
            Some(id) => {
                let version = self
                    .versions
                    .iter()
                    .find(|v| v.id == id)
                    .ok_or_else(|| SecretsError::VersionNotFound(id.into()))?;
                match stage {
                    Some(stage) if !version.stages.iter().any(|s| s == stage) => {
                        Err(SecretsError::StageNotFound(stage.into()))
                    }
                    _ => Ok(version),
                }
            }
            None => {
                let stage = stage.unwrap_or(AWSCURRENT);
                self.versions
                    .iter()
                    .find(|v| v.stages.iter().any(|s| s == stage))
                    .ok_or_else(|| SecretsError::StageNotFound(stage.into()))
            }
        }
    }

    /// Adds a version carrying `stages`, taking those labels from the versions that had them.
    /// Moving AWSCURRENT turns the old current version into AWSPREVIOUS.
    fn add_version(&mut self, id: String, value: SecretValue, stages: Vec<String>, now_ms: i64) {
        let moves_current = stages.iter().any(|s| s == AWSCURRENT);
        for version in &mut self.versions {
            let was_current = version.stages.iter().any(|s| s == AWSCURRENT);
            version.stages.retain(|s| {
                let taken_by_new_version = stages.contains(s);
                let previous_is_replaced = moves_current && s == AWSPREVIOUS;
                !(taken_by_new_version || previous_is_replaced)
            });
            if moves_current && was_current {
                version.stages.push(AWSPREVIOUS.to_owned());
            }
        }
        self.versions.retain(|v| !v.stages.is_empty());
        self.versions.push(SecretVersion {
            id,
            value,
            stages,
            created_ms: now_ms,
        });
        self.last_changed_ms = now_ms;
    }
}

/// What CreateSecret asks for.
#[derive(Debug, Clone, Default)]
pub struct NewSecret {
    pub name: String,
    pub version_id: Option<String>,
    pub description: Option<String>,
    pub kms_key_id: Option<String>,
    pub value: Option<SecretValue>,
    pub tags: Vec<Tag>,
}

/// One ListSecrets filter: values are OR-ed, except `!value`s, which must all not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFilter {
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    CreatedDate,
    LastAccessedDate,
    LastChangedDate,
    Name,
}

/// What ListSecrets asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub filters: Vec<SecretFilter>,
    pub max_results: Option<i32>,
    pub next_token: Option<String>,
    pub sort_by: SortBy,
    pub descending: bool,
}

/// The filter keys AWS accepts.
const FILTER_KEYS: [&str; 7] = [
    "all",
    "description",
    "name",
    "owning-service",
    "primary-region",
    "tag-key",
    "tag-value",
];
const MAX_RESULTS: std::ops::RangeInclusive<i32> = 1..=100;
const DEFAULT_MAX_RESULTS: usize = 100;

/// Every secret of the local stack, in creation order.
#[derive(Debug)]
pub struct SecretStore {
    region: String,
    secrets: Vec<Secret>,
}

/// The state file's form of the store.
#[derive(Serialize, Deserialize)]
struct Snapshot {
    secrets: Vec<Secret>,
}

impl SecretStore {
    pub fn new(region: String) -> Self {
        SecretStore {
            region,
            secrets: Vec::new(),
        }
    }

    fn find(&self, secret_id: &str) -> Result<&Secret, SecretsError> {
        self.secrets
            .iter()
            .find(|s| s.is_named(secret_id))
            .ok_or(SecretsError::SecretNotFound)
    }

    fn find_mut(&mut self, secret_id: &str) -> Result<&mut Secret, SecretsError> {
        self.secrets
            .iter_mut()
            .find(|s| s.is_named(secret_id))
            .ok_or(SecretsError::SecretNotFound)
    }

    /// AWS appends six random characters so that a new secret with a deleted one's name gets a new ARN.
    fn new_arn(&self, name: &str) -> String {
        let suffix = Alphanumeric.sample_string(&mut rand::rng(), 6);
        format!(
            "arn:aws:secretsmanager:{}:{ACCOUNT_ID}:secret:{name}-{suffix}",
            self.region
        )
    }

    pub fn create(&mut self, new: NewSecret, now_ms: i64) -> Result<&Secret, SecretsError> {
        check_name(&new.name)?;
        if self.secrets.iter().any(|s| s.name == new.name) {
            return Err(SecretsError::SecretExists(new.name));
        }
        let mut secret = Secret {
            arn: self.new_arn(&new.name),
            name: new.name,
            description: new.description,
            kms_key_id: new.kms_key_id,
            tags: new.tags,
            created_ms: now_ms,
            last_changed_ms: now_ms,
            last_accessed_ms: None,
            versions: Vec::new(),
        };
        if let Some(value) = new.value {
            let id = new.version_id.unwrap_or_else(new_version_id);
            secret.add_version(id, value, vec![AWSCURRENT.to_owned()], now_ms);
        }
        self.secrets.push(secret);
        Ok(&self.secrets[self.secrets.len() - 1])
    }

    /// PutSecretValue: a new version labelled `stages` (AWSCURRENT by default). Repeating a
    /// request with the same `version_id` and value changes nothing, as in AWS.
    pub fn put_value(
        &mut self,
        secret_id: &str,
        version_id: Option<String>,
        value: SecretValue,
        stages: Option<Vec<String>>,
        now_ms: i64,
    ) -> Result<(&Secret, &SecretVersion), SecretsError> {
        let secret = self.find_mut(secret_id)?;
        let id = version_id.unwrap_or_else(new_version_id);
        let existing_has_same_value = secret.versions.iter().find(|v| v.id == id).map(|v| v.value == value);
        match existing_has_same_value {
            Some(false) => return Err(SecretsError::VersionExists),
            Some(true) => {}
            None => {
                let stages = stages
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| vec![AWSCURRENT.to_owned()]);
                secret.add_version(id.clone(), value, stages, now_ms);
            }
        }
        let secret = &*secret;
        let version = secret
            .versions
            .iter()
            .find(|v| v.id == id)
            .ok_or(SecretsError::VersionNotFound(id))?;
        Ok((secret, version))
    }

    /// GetSecretValue; records the access as AWS does (the day only).
    pub fn get_value(
        &mut self,
        secret_id: &str,
        version_id: Option<&str>,
        stage: Option<&str>,
        now_ms: i64,
    ) -> Result<(&Secret, &SecretVersion), SecretsError> {
        let secret = self.find_mut(secret_id)?;
        secret.version(version_id, stage)?;
        secret.last_accessed_ms = Some(now_ms - now_ms.rem_euclid(86_400_000));
        let secret = &*secret;
        Ok((secret, secret.version(version_id, stage)?))
    }

    pub fn describe(&self, secret_id: &str) -> Result<&Secret, SecretsError> {
        self.find(secret_id)
    }

    /// ListSecrets: one page of the matching secrets, and the token of the next page if any.
    pub fn list(&self, query: &ListQuery) -> Result<(Vec<&Secret>, Option<String>), SecretsError> {
        let page_size = match query.max_results {
            None => DEFAULT_MAX_RESULTS,
            Some(n) if MAX_RESULTS.contains(&n) => n as usize,
            Some(_) => {
                return Err(SecretsError::InvalidParameter(format!(
                    "MaxResults must be between {} and {}.",
                    MAX_RESULTS.start(),
                    MAX_RESULTS.end()
                )))
            }
        };
        if let Some(filter) = query.filters.iter().find(|f| !FILTER_KEYS.contains(&f.key.as_str())) {
            return Err(SecretsError::InvalidParameter(format!(
                "Invalid filter key: {}",
                filter.key
            )));
        }
        let start = match &query.next_token {
            None => 0,
            Some(token) => token.parse::<usize>().map_err(|_| SecretsError::InvalidNextToken)?,
        };
        let mut matching: Vec<&Secret> = self
            .secrets
            .iter()
            .filter(|s| query.filters.iter().all(|f| self.matches(s, f)))
            .collect();
        // A stable sort: secrets with equal keys stay in creation order.
        matching.sort_by(|a, b| {
            let order = match query.sort_by {
                SortBy::CreatedDate => a.created_ms.cmp(&b.created_ms),
                SortBy::LastAccessedDate => a.last_accessed_ms.cmp(&b.last_accessed_ms),
                SortBy::LastChangedDate => a.last_changed_ms.cmp(&b.last_changed_ms),
                SortBy::Name => a.name.cmp(&b.name),
            };
            if query.descending {
                order.reverse()
            } else {
                order
            }
        });
        let end = start.saturating_add(page_size);
        let next = (end < matching.len()).then(|| end.to_string());
        Ok((matching.into_iter().skip(start).take(page_size).collect(), next))
    }

    fn matches(&self, secret: &Secret, filter: &SecretFilter) -> bool {
        let (negated, wanted): (Vec<&str>, Vec<&str>) = filter
            .values
            .iter()
            .map(String::as_str)
            .partition(|v| v.starts_with('!'));
        let hit = |value: &str| self.filter_hits(secret, &filter.key, value);
        (wanted.is_empty() || wanted.iter().any(|v| hit(v))) && !negated.iter().any(|v| hit(&v[1..]))
    }

    /// AWS's matching rules per key: prefixes, case-sensitive except for the description; `all`
    /// looks for every word of the value in the name, description and tags, ignoring case.
    fn filter_hits(&self, secret: &Secret, key: &str, value: &str) -> bool {
        match key {
            "name" => secret.name.starts_with(value),
            "description" => secret
                .description
                .as_deref()
                .is_some_and(|d| d.to_lowercase().starts_with(&value.to_lowercase())),
            "tag-key" => secret.tags.iter().any(|t| t.key.starts_with(value)),
            "tag-value" => secret.tags.iter().any(|t| t.value.starts_with(value)),
            "primary-region" => self.region.starts_with(value),
            "all" => {
                let haystack = std::iter::once(secret.name.as_str())
                    .chain(secret.description.as_deref())
                    .chain(secret.tags.iter().flat_map(|t| [t.key.as_str(), t.value.as_str()]))
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase();
                value
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .all(|word| haystack.contains(&word.to_lowercase()))
            }
            // No local secret is managed by another service.
            _ => false,
        }
    }

    /// For the stack: creates `name`, or makes `value` its current value, keeping its ARN.
    /// Putting the value it already has changes nothing, so restarting the stack does not pile
    /// up versions.
    pub fn upsert(&mut self, name: &str, value: SecretValue, now_ms: i64) -> String {
        if let Some(secret) = self.secrets.iter_mut().find(|s| s.name == name) {
            let current = secret
                .versions
                .iter()
                .find(|v| v.stages.iter().any(|s| s == AWSCURRENT));
            if current.is_none_or(|v| v.value != value) {
                secret.add_version(new_version_id(), value, vec![AWSCURRENT.to_owned()], now_ms);
            }
            return secret.arn.clone();
        }
        let secret = Secret {
            arn: self.new_arn(name),
            name: name.to_owned(),
            description: None,
            kms_key_id: None,
            tags: Vec::new(),
            created_ms: now_ms,
            last_changed_ms: now_ms,
            last_accessed_ms: None,
            versions: vec![SecretVersion {
                id: new_version_id(),
                value,
                stages: vec![AWSCURRENT.to_owned()],
                created_ms: now_ms,
            }],
        };
        let arn = secret.arn.clone();
        self.secrets.push(secret);
        arn
    }

    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({ "secrets": self.secrets })
    }

    /// Replaces the store's secrets with a snapshot's. On error the store is unchanged.
    pub fn restore(&mut self, snapshot: serde_json::Value) -> Result<(), SecretsError> {
        // serde's messages can quote the offending value, which may be a secret: report only its kind.
        let snapshot: Snapshot =
            serde_json::from_value(snapshot).map_err(|e| SecretsError::Snapshot(what_is_wrong(&e).into()))?;
        self.secrets = snapshot.secrets;
        Ok(())
    }
}

/// What kind of thing is wrong with a document serde refused, in words: its messages can quote
/// the offending value, which may be a secret, so only the kind is told.
pub fn what_is_wrong(err: &serde_json::Error) -> &'static str {
    match err.classify() {
        serde_json::error::Category::Io => "it could not be read",
        serde_json::error::Category::Syntax => "it is not JSON",
        serde_json::error::Category::Data => "a member is missing or of the wrong type",
        serde_json::error::Category::Eof => "it ends too soon",
    }
}

fn new_version_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// AWS's rule for secret names (RDS-managed secrets use `!`, as in `rds!db-…`).
fn check_name(name: &str) -> Result<(), SecretsError> {
    let valid = (1..=512).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_+=.@-!".contains(c));
    if valid {
        Ok(())
    } else {
        Err(SecretsError::InvalidParameter(
            "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"
                .into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000;

    fn text(value: &str) -> SecretValue {
        SecretValue::String(value.into())
    }

    fn store_with(name: &str, value: &str) -> (SecretStore, String) {
        let mut store = SecretStore::new("us-east-1".into());
        let arn = store.upsert(name, text(value), T0);
        (store, arn)
    }

    fn current(store: &mut SecretStore, id: &str) -> SecretValue {
        store.get_value(id, None, None, T0).unwrap().1.value.clone()
    }

    #[test]
    fn a_secret_is_found_by_name_full_arn_and_arn_without_suffix() {
        let (mut store, arn) = store_with("customers-db", "v1");
        assert!(arn.starts_with("arn:aws:secretsmanager:us-east-1:000000000000:secret:customers-db-"));
        let suffix = &arn[arn.len() - 6..];
        assert!(suffix.chars().all(|c| c.is_ascii_alphanumeric()), "{arn}");
        for id in [
            "customers-db",
            arn.as_str(),
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:customers-db",
        ] {
            assert_eq!(current(&mut store, id), text("v1"), "{id}");
        }
        assert_eq!(
            store.get_value("customers", None, None, T0).unwrap_err(),
            SecretsError::SecretNotFound
        );
    }

    #[test]
    fn upsert_keeps_the_arn_and_moves_the_current_value() {
        let (mut store, arn) = store_with("customers-db", "v1");
        assert_eq!(store.upsert("customers-db", text("v2"), T0 + 1), arn);
        assert_eq!(current(&mut store, &arn), text("v2"));
        let previous = store
            .get_value(&arn, None, Some(AWSPREVIOUS), T0)
            .unwrap()
            .1
            .value
            .clone();
        assert_eq!(previous, text("v1"));
        // The same value again adds no version.
        store.upsert("customers-db", text("v2"), T0 + 2);
        assert_eq!(store.describe(&arn).unwrap().versions.len(), 2);
    }

    #[test]
    fn put_value_labels_and_drops_versions_as_aws_does() {
        let (mut store, _) = store_with("s", "v1");
        store.put_value("s", Some("id-2".into()), text("v2"), None, T0).unwrap();
        store.put_value("s", Some("id-3".into()), text("v3"), None, T0).unwrap();
        let versions = &store.describe("s").unwrap().versions;
        let labels: Vec<(&str, &[String])> = versions.iter().map(|v| (v.id.as_str(), v.stages.as_slice())).collect();
        assert_eq!(
            labels,
            [
                ("id-2", &[AWSPREVIOUS.to_owned()][..]),
                ("id-3", &[AWSCURRENT.to_owned()][..])
            ]
        );
        // A custom label leaves AWSCURRENT where it is.
        store
            .put_value("s", Some("id-4".into()), text("v4"), Some(vec!["PENDING".into()]), T0)
            .unwrap();
        assert_eq!(current(&mut store, "s"), text("v3"));
        assert_eq!(
            store.get_value("s", Some("id-4"), Some("PENDING"), T0).unwrap().1.value,
            text("v4")
        );
        assert_eq!(
            store.get_value("s", Some("id-4"), Some(AWSCURRENT), T0).unwrap_err(),
            SecretsError::StageNotFound(AWSCURRENT.into())
        );
    }

    #[test]
    fn repeating_a_put_is_idempotent_but_a_version_cannot_change() {
        let (mut store, _) = store_with("s", "v1");
        store
            .put_value("s", Some("token".into()), text("v2"), None, T0)
            .unwrap();
        store
            .put_value("s", Some("token".into()), text("v2"), None, T0)
            .unwrap();
        assert_eq!(store.describe("s").unwrap().versions.len(), 2);
        let err = store
            .put_value("s", Some("token".into()), text("other"), None, T0)
            .unwrap_err();
        assert_eq!(err, SecretsError::VersionExists);
    }

    #[test]
    fn create_rejects_a_taken_or_malformed_name_and_may_have_no_value() {
        let (mut store, _) = store_with("s", "v1");
        let taken = store
            .create(
                NewSecret {
                    name: "s".into(),
                    ..Default::default()
                },
                T0,
            )
            .unwrap_err();
        assert_eq!(taken, SecretsError::SecretExists("s".into()));
        let malformed = store
            .create(
                NewSecret {
                    name: "a b".into(),
                    ..Default::default()
                },
                T0,
            )
            .unwrap_err();
        assert!(matches!(malformed, SecretsError::InvalidParameter(_)));
        store
            .create(
                NewSecret {
                    name: "rds!db-1".into(),
                    ..Default::default()
                },
                T0,
            )
            .unwrap();
        assert_eq!(
            store.get_value("rds!db-1", None, None, T0).unwrap_err(),
            SecretsError::StageNotFound(AWSCURRENT.into())
        );
    }

    #[test]
    fn list_filters_by_name_prefix_with_negation_and_pages() {
        let mut store = SecretStore::new("us-east-1".into());
        for (i, name) in ["prod/db", "prod/api", "dev/db"].iter().enumerate() {
            store.upsert(name, text("x"), T0 + i as i64);
        }
        let names = |query: &ListQuery| -> Vec<String> {
            store.list(query).unwrap().0.iter().map(|s| s.name.clone()).collect()
        };
        let filter = |values: &[&str]| ListQuery {
            filters: vec![SecretFilter {
                key: "name".into(),
                values: values.iter().map(|v| v.to_string()).collect(),
            }],
            ..Default::default()
        };
        assert_eq!(names(&filter(&["prod/"])), ["prod/db", "prod/api"]);
        assert_eq!(names(&filter(&["Prod/"])), Vec::<String>::new());
        assert_eq!(names(&filter(&["!prod/"])), ["dev/db"]);
        assert_eq!(
            names(&ListQuery {
                sort_by: SortBy::Name,
                ..Default::default()
            }),
            ["dev/db", "prod/api", "prod/db"]
        );
        let first = store
            .list(&ListQuery {
                max_results: Some(2),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(first.0.len(), 2);
        let rest = ListQuery {
            max_results: Some(2),
            next_token: first.1,
            ..Default::default()
        };
        assert_eq!(names(&rest), ["dev/db"]);
        let bad_token = ListQuery {
            next_token: Some("zzz".into()),
            ..Default::default()
        };
        assert_eq!(store.list(&bad_token).unwrap_err(), SecretsError::InvalidNextToken);
    }

    #[test]
    fn a_snapshot_restores_every_secret_with_its_arn_and_versions() {
        let (mut store, arn) = store_with("customers-db", "v1");
        store.upsert("customers-db", text("v2"), T0 + 1);
        let mut restored = SecretStore::new("us-east-1".into());
        restored.restore(store.snapshot()).unwrap();
        assert_eq!(restored.describe(&arn).unwrap(), store.describe(&arn).unwrap());
        assert_eq!(current(&mut restored, &arn), text("v2"));
        let err = restored
            .restore(serde_json::json!({"secrets": [{"name": "hunter2"}]}))
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert_eq!(current(&mut restored, &arn), text("v2"));
    }

    #[test]
    fn debug_output_hides_values() {
        let (store, _) = store_with("s", "hunter2");
        assert!(!format!("{store:?}").contains("hunter2"));
    }
}
