//! CloudWatch's metrics as the local stack keeps them, and GetMetricData's rules, with no wire
//! format in sight: every metric is a series of one-minute buckets (the resolution at which
//! Lambda and SQS publish theirs), each with its sample count, sum, minimum and maximum, exact,
//! and a bounded uniform sample of its values for percentiles. Time is passed in (milliseconds
//! since the epoch), so the rules are tested without a clock.

use super::errors::CloudWatchError;
use rand::Rng;
use std::collections::{BTreeMap, HashMap, VecDeque};

pub type EpochMillis = u64;

const MINUTE_MS: u64 = 60_000;
/// How long the stack keeps datapoints. AWS keeps one-minute data for 15 days; a local stack
/// runs for hours, so a day bounds its memory without cutting any window `status` reads.
pub const RETENTION_MS: u64 = 24 * 60 * MINUTE_MS;
/// Values kept per bucket for percentiles; past this, a uniform sample of them (reservoir
/// sampling), so a busy minute costs bounded memory. Counts, sums and extremes stay exact.
const SAMPLED_VALUES: usize = 1024;
/// GetMetricData's limits (API reference): at most 500 queries, 100,800 datapoints by default.
pub const MAX_QUERIES: usize = 500;
pub const DEFAULT_MAX_DATAPOINTS: u64 = 100_800;

/// A metric's identity: CloudWatch matches a query to a metric on its namespace, name and its
/// exact set of dimensions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MetricKey {
    pub namespace: String,
    pub name: String,
    pub dimensions: BTreeMap<String, String>,
}

impl MetricKey {
    pub fn new(namespace: &str, name: &str, dimensions: &[(&str, &str)]) -> Self {
        MetricKey {
            namespace: namespace.to_string(),
            name: name.to_string(),
            dimensions: dimensions.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }
}

/// One minute of one metric.
#[derive(Debug, Clone)]
struct Bucket {
    /// The minute's start.
    minute: EpochMillis,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
    values: Vec<f64>,
}

impl Bucket {
    fn new(minute: EpochMillis) -> Self {
        Bucket {
            minute,
            count: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            values: Vec::new(),
        }
    }

    fn observe(&mut self, value: f64) {
        self.count += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        if self.values.len() < SAMPLED_VALUES {
            self.values.push(value);
        } else {
            let slot = rand::rng().random_range(0..self.count);
            if let Some(kept) = self.values.get_mut(slot as usize) {
                *kept = value;
            }
        }
    }
}

#[derive(Debug, Default)]
struct Series {
    unit: &'static str,
    buckets: VecDeque<Bucket>,
}

impl Series {
    fn bucket(&mut self, at: EpochMillis) -> &mut Bucket {
        let minute = at - at % MINUTE_MS;
        // Observations arrive in time order but for a few milliseconds of racing threads: look
        // back from the newest bucket.
        let position = self.buckets.iter().rposition(|b| b.minute <= minute);
        match position {
            Some(i) if self.buckets[i].minute == minute => &mut self.buckets[i],
            Some(i) => {
                self.buckets.insert(i + 1, Bucket::new(minute));
                &mut self.buckets[i + 1]
            }
            None => {
                self.buckets.push_front(Bucket::new(minute));
                &mut self.buckets[0]
            }
        }
    }
}

/// Every metric the stack recorded.
#[derive(Debug, Default)]
pub struct MetricStore {
    series: HashMap<MetricKey, Series>,
}

/// A statistic GetMetricData can ask for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    SampleCount,
    Average,
    Sum,
    Minimum,
    Maximum,
    /// `pNN` / `pNN.NN`: 0 to 100.
    Percentile(f64),
}

impl Statistic {
    /// Parses `Stat`. The local stack computes the five statistics and percentiles; CloudWatch's
    /// other extended statistics (trimmed means `tmNN`, `wmNN`, `tcNN`, `tsNN`, `IQM`, `PR(..)`)
    /// are refused by name rather than answered wrongly.
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(match text {
            "SampleCount" => Statistic::SampleCount,
            "Average" => Statistic::Average,
            "Sum" => Statistic::Sum,
            "Minimum" => Statistic::Minimum,
            "Maximum" => Statistic::Maximum,
            _ => {
                let percentile = text
                    .strip_prefix('p')
                    .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
                    .and_then(|n| n.parse::<f64>().ok())
                    .filter(|p| (0.0..=100.0).contains(p));
                match percentile {
                    Some(p) => Statistic::Percentile(p),
                    None => {
                        return Err(format!(
                            "The statistic {text} is not supported by the custctl local stack: use SampleCount, \
                             Average, Sum, Minimum, Maximum or a percentile pNN (0 to 100)"
                        ))
                    }
                }
            }
        })
    }

    /// The statistic over `buckets` (all non-empty).
    fn of(self, buckets: &[&Bucket]) -> f64 {
        let count: u64 = buckets.iter().map(|b| b.count).sum();
        let sum: f64 = buckets.iter().map(|b| b.sum).sum();
        match self {
            Statistic::SampleCount => count as f64,
            Statistic::Sum => sum,
            Statistic::Average => sum / count as f64,
            Statistic::Minimum => buckets.iter().map(|b| b.min).fold(f64::INFINITY, f64::min),
            Statistic::Maximum => buckets.iter().map(|b| b.max).fold(f64::NEG_INFINITY, f64::max),
            Statistic::Percentile(p) => {
                let mut values: Vec<f64> = buckets.iter().flat_map(|b| b.values.iter().copied()).collect();
                values.sort_by(f64::total_cmp);
                // Nearest rank: the smallest value with at least p% of the values at or below it.
                let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
                values[rank.clamp(1, values.len()) - 1]
            }
        }
    }
}

/// One MetricStat query, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricQuery {
    pub key: MetricKey,
    pub period_secs: u64,
    pub statistic: Statistic,
    /// Only data recorded in this unit, when given: "If you specify a unit that does not match
    /// the data collected, the results of the operation are null" (MetricStat API reference).
    pub unit: Option<String>,
}

/// The checks of `MetricStat.Period`: at least 1; 1, 5, 10, 20 or 30 (high resolution), or a
/// multiple of 60 (MetricStat API reference).
pub fn check_period(period: i64, member: &str) -> Result<u64, CloudWatchError> {
    if period >= 1 && (matches!(period, 1 | 5 | 10 | 20 | 30) || period % 60 == 0) {
        return Ok(period as u64);
    }
    Err(CloudWatchError::InvalidParameterValue(format!(
        "The value {period} for parameter {member} is not valid: the period must be 1, 5, 10, 20, 30 or a \
         multiple of 60 seconds."
    )))
}

impl MetricStore {
    /// Records one observation of a metric: one datapoint, as Lambda publishes one per
    /// invocation (Invocations 1, Duration in milliseconds).
    pub fn observe(&mut self, key: MetricKey, unit: &'static str, value: f64, at: EpochMillis) {
        let series = self.series.entry(key).or_default();
        series.unit = unit;
        series.bucket(at).observe(value);
        Self::prune(series, at);
    }

    /// Adds `amount` to a metric that is published as one datapoint a minute, the minute's total
    /// (SQS's NumberOfMessagesSent and the like: "SQS publishes metrics once a minute").
    pub fn add_to_minute(&mut self, key: MetricKey, unit: &'static str, amount: f64, at: EpochMillis) {
        let series = self.series.entry(key).or_default();
        series.unit = unit;
        let bucket = series.bucket(at);
        let total = bucket.sum + amount;
        *bucket = Bucket::new(bucket.minute);
        bucket.observe(total);
        Self::prune(series, at);
    }

    fn prune(series: &mut Series, now: EpochMillis) {
        while series.buckets.front().is_some_and(|b| b.minute + RETENTION_MS < now) {
            series.buckets.pop_front();
        }
    }

    /// The datapoints of `query` from `start` (inclusive) to `end` (exclusive), oldest first:
    /// one per period that has data, stamped with the period's start. The start is rounded down
    /// to the minute, or for periods under a minute to a multiple of the period (StartTime,
    /// GetMetricData API reference).
    pub fn datapoints(&self, query: &MetricQuery, start: EpochMillis, end: EpochMillis) -> Vec<(EpochMillis, f64)> {
        let Some(series) = self.series.get(&query.key) else {
            return Vec::new();
        };
        if query.unit.as_deref().is_some_and(|unit| unit != series.unit) {
            return Vec::new();
        }
        // Saturating: a period longer than the epoch is one window, not an overflow.
        let period = query.period_secs.saturating_mul(1000);
        let start = start - start % period.min(MINUTE_MS);
        let mut points: Vec<(EpochMillis, f64)> = Vec::new();
        let mut window: Vec<&Bucket> = Vec::new();
        let mut window_start = None;
        for bucket in series
            .buckets
            .iter()
            .filter(|b| b.minute >= start && b.minute < end && b.count > 0)
        {
            let this_window = start + (bucket.minute - start) / period * period;
            if window_start != Some(this_window) {
                if let Some(at) = window_start {
                    points.push((at, query.statistic.of(&window)));
                }
                window.clear();
                window_start = Some(this_window);
            }
            window.push(bucket);
        }
        if let Some(at) = window_start {
            points.push((at, query.statistic.of(&window)));
        }
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: EpochMillis = 1_700_000_040_000; // a minute's start

    fn query(statistic: &str, period_secs: u64) -> MetricQuery {
        MetricQuery {
            key: MetricKey::new("AWS/Lambda", "Duration", &[("FunctionName", "f")]),
            period_secs,
            statistic: Statistic::parse(statistic).unwrap(),
            unit: None,
        }
    }

    fn store_with(values: &[(EpochMillis, f64)]) -> MetricStore {
        let mut store = MetricStore::default();
        for &(at, value) in values {
            store.observe(
                MetricKey::new("AWS/Lambda", "Duration", &[("FunctionName", "f")]),
                "Milliseconds",
                value,
                at,
            );
        }
        store
    }

    #[test]
    fn statistics_over_periods() {
        let store = store_with(&[(T0, 10.0), (T0 + 1_000, 30.0), (T0 + 61_000, 20.0), (T0 + 200_000, 5.0)]);
        let end = T0 + 300_000;
        assert_eq!(
            store.datapoints(&query("Sum", 60), T0, end),
            [(T0, 40.0), (T0 + 60_000, 20.0), (T0 + 180_000, 5.0)]
        );
        assert_eq!(store.datapoints(&query("SampleCount", 300), T0, end), [(T0, 4.0)]);
        assert_eq!(store.datapoints(&query("Average", 300), T0, end), [(T0, 16.25)]);
        assert_eq!(store.datapoints(&query("Minimum", 300), T0, end), [(T0, 5.0)]);
        assert_eq!(store.datapoints(&query("Maximum", 300), T0, end), [(T0, 30.0)]);
        assert_eq!(store.datapoints(&query("p50", 300), T0, end), [(T0, 10.0)]);
        assert_eq!(store.datapoints(&query("p100", 300), T0, end), [(T0, 30.0)]);
        // StartTime inclusive (rounded down to the minute), EndTime exclusive.
        assert_eq!(
            store.datapoints(&query("Sum", 60), T0 + 59_000, T0 + 60_000),
            [(T0, 40.0)]
        );
        assert!(store.datapoints(&query("Sum", 60), T0 + 60_000, T0 + 60_000).is_empty());
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<(EpochMillis, f64)> = (1..=100).map(|v| (T0, v as f64)).collect();
        let store = store_with(&values);
        let end = T0 + 60_000;
        assert_eq!(store.datapoints(&query("p95", 60), T0, end), [(T0, 95.0)]);
        assert_eq!(store.datapoints(&query("p50", 60), T0, end), [(T0, 50.0)]);
        assert_eq!(store.datapoints(&query("p99.5", 60), T0, end), [(T0, 100.0)]);
        assert_eq!(store.datapoints(&query("p0", 60), T0, end), [(T0, 1.0)]);
    }

    #[test]
    fn a_busy_minute_keeps_bounded_values_and_exact_counts() {
        let values: Vec<(EpochMillis, f64)> = (0..10_000).map(|v| (T0, v as f64)).collect();
        let store = store_with(&values);
        let series = store.series.values().next().unwrap();
        assert_eq!(series.buckets[0].values.len(), SAMPLED_VALUES);
        let end = T0 + 60_000;
        assert_eq!(store.datapoints(&query("SampleCount", 60), T0, end), [(T0, 10_000.0)]);
        assert_eq!(store.datapoints(&query("Maximum", 60), T0, end), [(T0, 9_999.0)]);
    }

    #[test]
    fn per_minute_totals_are_one_datapoint_each() {
        let mut store = MetricStore::default();
        let key = MetricKey::new("AWS/SQS", "NumberOfMessagesSent", &[("QueueName", "q")]);
        for _ in 0..5 {
            store.add_to_minute(key.clone(), "Count", 1.0, T0 + 5);
        }
        let q = MetricQuery {
            key,
            period_secs: 60,
            statistic: Statistic::SampleCount,
            unit: None,
        };
        assert_eq!(store.datapoints(&q, T0, T0 + 60_000), [(T0, 1.0)]);
        let sum = MetricQuery {
            statistic: Statistic::Sum,
            ..q.clone()
        };
        assert_eq!(store.datapoints(&sum, T0, T0 + 60_000), [(T0, 5.0)]);
        let wrong_unit = MetricQuery {
            unit: Some("Seconds".into()),
            ..sum
        };
        assert!(store.datapoints(&wrong_unit, T0, T0 + 60_000).is_empty());
    }

    #[test]
    fn old_buckets_are_dropped_and_bad_statistics_and_periods_refused() {
        let store = store_with(&[(T0, 1.0), (T0 + RETENTION_MS + 120_000, 2.0)]);
        assert_eq!(store.series.values().next().unwrap().buckets.len(), 1);
        for bad in ["p101", "p", "pNaN", "tm99", "avg"] {
            assert!(Statistic::parse(bad).is_err(), "{bad}");
        }
        let huge = MetricQuery {
            period_secs: check_period(i64::MAX - i64::MAX % 60, "Period").unwrap(),
            ..query("Sum", 60)
        };
        assert_eq!(store.datapoints(&huge, T0, u64::MAX), [(T0, 2.0)], "one window");
        assert!(check_period(0, "Period").is_err());
        assert!(check_period(45, "Period").is_err());
        assert_eq!(check_period(300, "Period"), Ok(300));
        assert_eq!(check_period(10, "Period"), Ok(10));
    }
}
