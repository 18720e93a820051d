//! How long to wait before trying again. One policy for every place custctl retries on its
//! own (send's batch entries, logs' reconnecting live tail): exponential growth, capped, with
//! "full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter": a uniformly random
//! wait between 0 and the bound), so that many clients retrying at once spread out.

use std::time::Duration;

/// Exponential backoff with full jitter between 0 and `base * 2^attempt`, at most `cap`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// The wait before retry number `attempt` (0 for the first retry).
    pub fn delay(&self, attempt: u32) -> Duration {
        let bound = self.base.saturating_mul(1 << attempt.min(16)).min(self.cap);
        Duration::from_millis(rand::random_range(0..=bound.as_millis() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;
    use std::time::Duration;

    #[test]
    fn delays_stay_under_the_cap_and_grow() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(5),
        };
        for attempt in 0..40 {
            assert!(backoff.delay(attempt) <= backoff.cap);
        }
        assert!(backoff.delay(0) <= Duration::from_millis(100));
    }
}
