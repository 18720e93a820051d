//! The error that means "bad usage or bad input" (exit code 2), as opposed to an operation
//! that failed (exit code 1). It imports nothing of custctl, so every module can raise it.

/// Bad usage or bad input: `main` exits with 2 when this is anywhere in an error's chain.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);
