//! Secrets Manager as the local stack presents it: the database's master credentials, stored
//! in RDS's shape and read back with GetSecretValue, so the function and `custctl db` find their
//! credentials the same way locally as in AWS. Secret values never appear in logs, errors or
//! `Debug` output.

mod errors;
mod models;
mod responses;

pub use errors::SecretsError;

use super::wire::{JsonService, ServiceFuture};
use models::{SecretStore, SecretValue};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The `X-Amz-Target` prefix the Secrets Manager SDKs send (`secretsmanager.GetSecretValue`).
pub const TARGET_PREFIX: &str = "secretsmanager";

/// The Secrets Manager JSON service (`awsJson1_1`).
pub struct SecretsService {
    store: Mutex<SecretStore>,
}

impl SecretsService {
    /// An empty store whose ARNs are in `region`.
    pub fn new(region: impl Into<String>) -> Self {
        SecretsService {
            store: Mutex::new(SecretStore::new(region.into())),
        }
    }

    /// Creates the secret `name`, or gives it a new current value if it exists (then its ARN is
    /// kept, so ARNs handed out earlier still resolve). Returns the secret's ARN.
    pub fn put_secret(&self, name: &str, secret_string: &str) -> String {
        self.store()
            .upsert(name, SecretValue::String(secret_string.to_owned()), models::now_ms())
    }

    /// Every secret, values included, for the stack's state file.
    pub fn snapshot(&self) -> serde_json::Value {
        self.store().snapshot()
    }

    /// Replaces every secret with those of a [`snapshot`](Self::snapshot).
    pub fn restore(&self, snapshot: serde_json::Value) -> Result<(), String> {
        self.store().restore(snapshot).map_err(|e| e.to_string())
    }

    fn store(&self) -> MutexGuard<'_, SecretStore> {
        // Every operation leaves the store consistent before anything can panic, so a poisoned
        // lock still guards valid state.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl JsonService for SecretsService {
    fn call<'a>(&'a self, operation: &'a str, input: serde_json::Value) -> ServiceFuture<'a, serde_json::Value> {
        Box::pin(async move { responses::handle(&mut self.store(), operation, input, models::now_ms()) })
    }
}
