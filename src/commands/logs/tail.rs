//! Fetching log events: history through FilterLogEvents (paginated, several groups merged in
//! time order), and following through StartLiveTail, with FilterLogEvents to fill every gap
//! live tail leaves (a session that ends or drops, an update that was sampled) and as the
//! fallback where live tail is unavailable. Every event goes through the [`LogCursor`], so
//! none is printed twice and none is skipped across new streams, late events and reconnects.

use super::cursor::{LogCursor, ReadScope};
use super::times::{instant, window};
use super::LogEvent;
use crate::aws;
use crate::retry::Backoff;
use anyhow::{anyhow, Result};
use aws_sdk_cloudwatchlogs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::Client;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// How far back a backfill or a poll reads before the moment it has to cover: events whose
/// timestamp is older than that when they are stored are only seen by live tail.
pub const LOOKBACK_MS: i64 = 120_000;
/// How often the polling fallback asks.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Reconnect backoff: from this, doubling, up to the cap, with full jitter.
const BACKOFF: Backoff = Backoff {
    base: Duration::from_millis(200),
    cap: Duration::from_secs(10),
};
/// While live tail samples, backfill at most this often.
const SAMPLED_BACKFILL_EVERY: Duration = Duration::from_secs(1);

/// A log group to read: its name and the ARN StartLiveTail wants.
#[derive(Debug, Clone)]
pub struct LogGroupTarget {
    pub name: String,
    pub arn: String,
}

/// What to read, with no clap in it.
#[derive(Debug, Clone)]
pub struct LogQuery {
    pub groups: Vec<LogGroupTarget>,
    pub filter: Option<String>,
    pub stream_prefix: Option<String>,
    pub stream_names: Option<Vec<String>>,
}

/// Where events go: the printer (through the cursor).
pub trait EventSink {
    /// One new event.
    fn event(&mut self, event: LogEvent) -> std::io::Result<()>;
    /// A batch is over: flush, so the reader sees it now.
    fn flush(&mut self) -> std::io::Result<()>;
}

/// Reads `[start_ms, end_ms)` of every group, merged in time order, into `on_event`.
pub async fn history(
    client: &Client,
    query: &LogQuery,
    start_ms: i64,
    end_ms: Option<i64>,
    mut on_event: impl FnMut(LogEvent) -> std::io::Result<()>,
) -> Result<()> {
    let mut pages: Vec<GroupPages> = query
        .groups
        .iter()
        .map(|group| GroupPages::new(group.name.clone()))
        .collect();
    loop {
        // The group whose next event is the oldest; each group's pages come in time order.
        let mut oldest: Option<(usize, i64)> = None;
        for (index, group) in pages.iter_mut().enumerate() {
            if let Some(timestamp) = group.peek(client, query, start_ms, end_ms).await? {
                if oldest.is_none_or(|(_, t)| timestamp < t) {
                    oldest = Some((index, timestamp));
                }
            }
        }
        let Some((index, _)) = oldest else {
            return Ok(());
        };
        let event = pages[index].buffered.pop_front().expect("peeked");
        on_event(event)?;
    }
}

/// One group's FilterLogEvents pages, read as they are needed.
struct GroupPages {
    group: String,
    buffered: VecDeque<LogEvent>,
    next_token: Option<String>,
    done: bool,
}

impl GroupPages {
    fn new(group: String) -> Self {
        GroupPages {
            group,
            buffered: VecDeque::new(),
            next_token: None,
            done: false,
        }
    }

    async fn peek(&mut self, client: &Client, query: &LogQuery, start: i64, end: Option<i64>) -> Result<Option<i64>> {
        while self.buffered.is_empty() && !self.done {
            let page = filter_request(client, query, &self.group, start, end)
                .set_next_token(self.next_token.take())
                .send()
                .await
                .map_err(|e| anyhow!("FilterLogEvents on {}: {}", self.group, aws::describe_sdk_error(&e)))?;
            self.next_token = page.next_token;
            self.done = self.next_token.is_none();
            for event in page.events.unwrap_or_default() {
                self.buffered.push_back(LogEvent {
                    group: self.group.clone(),
                    stream: event.log_stream_name.unwrap_or_default(),
                    timestamp: event.timestamp.unwrap_or_default(),
                    ingestion_time: event.ingestion_time.unwrap_or_default(),
                    message: event.message.unwrap_or_default(),
                    event_id: event.event_id,
                });
            }
        }
        Ok(self.buffered.front().map(|e| e.timestamp))
    }
}

fn filter_request(
    client: &Client,
    query: &LogQuery,
    group: &str,
    start: i64,
    end: Option<i64>,
) -> aws_sdk_cloudwatchlogs::operation::filter_log_events::builders::FilterLogEventsFluentBuilder {
    client
        .filter_log_events()
        .log_group_name(group)
        .start_time(start)
        .set_end_time(end)
        .set_filter_pattern(query.filter.clone())
        .set_log_stream_name_prefix(query.stream_prefix.clone())
        .set_log_stream_names(query.stream_names.clone())
}

/// Why following stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowEnd {
    /// Ctrl-C.
    Interrupted,
    /// `--until-idle` passed with no new event.
    Idle,
}

/// How to follow.
#[derive(Debug, Clone)]
pub struct FollowOptions {
    pub until_idle: Option<Duration>,
    /// Poll FilterLogEvents instead of using live tail.
    pub poll: bool,
    /// The endpoint is not AWS's own (the local stack, LocalStack): StartLiveTail's `stream-`
    /// host prefix would not resolve there.
    pub custom_endpoint: bool,
    /// Say on stderr when custctl had to fill a gap or change how it follows.
    pub notes: bool,
}

/// Follows `query` until Ctrl-C (`interrupt`, installed by the caller before anything else,
/// so that a Ctrl-C during the history is not lost) or `until_idle`. Events older than `start_ms` are not shown.
/// `session` is a live tail session opened before the history was read, so that nothing
/// stored in between is missed.
#[allow(clippy::too_many_arguments)]
pub async fn follow(
    interrupt: &mut tokio::signal::unix::Signal,
    client: &Client,
    query: &LogQuery,
    start_ms: i64,
    mut session: Option<LiveTailSession>,
    cursor: &mut LogCursor,
    sink: &mut dyn EventSink,
    options: &FollowOptions,
) -> Result<FollowEnd> {
    let note = |text: String| {
        if options.notes {
            eprintln!("custctl: {text}");
        }
    };
    let mut last_event = Instant::now();
    let idle_deadline = |last: Instant| options.until_idle.map(|idle| last + idle);
    let mut failures: u32 = 0;
    let mut scope = ReadScope::new();
    // While sampled: the start of the stretch still to backfill.
    let mut sampled_since: Option<i64> = None;
    let mut last_sampled_backfill = Instant::now();
    let mut polling = options.poll || session.is_none();
    if polling && !options.poll {
        note("following by polling FilterLogEvents every second".into());
    }
    loop {
        let idle = idle_deadline(last_event);
        let idle_sleep = async {
            match idle {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        if polling {
            tokio::select! {
                _ = interrupt.recv() => return Ok(FollowEnd::Interrupted),
                _ = idle_sleep => return Ok(FollowEnd::Idle),
                _ = tokio::time::sleep(POLL_INTERVAL) => {
                    let from = (now_ms() - LOOKBACK_MS).max(start_ms);
                    if backfill(client, query, from, cursor, sink).await? > 0 {
                        last_event = Instant::now();
                    }
                    cursor.forget_before(now_ms() - 2 * LOOKBACK_MS);
                }
            }
            continue;
        }
        let live = session.as_mut().expect("a session while not polling");
        let next = tokio::select! {
            _ = interrupt.recv() => return Ok(FollowEnd::Interrupted),
            _ = idle_sleep => return Ok(FollowEnd::Idle),
            next = live.receiver.recv() => next,
        };
        let ended_because = match next {
            Ok(Some(StartLiveTailResponseStream::SessionStart(_))) => {
                failures = 0;
                continue;
            }
            Ok(Some(StartLiveTailResponseStream::SessionUpdate(update))) => {
                let mut printed = 0;
                for result in update.session_results.unwrap_or_default() {
                    let event = LogEvent {
                        group: live.group_name(result.log_group_identifier.as_deref()),
                        stream: result.log_stream_name.unwrap_or_default(),
                        timestamp: result.timestamp.unwrap_or_default(),
                        ingestion_time: result.ingestion_time.unwrap_or_default(),
                        message: result.message.unwrap_or_default(),
                        event_id: None,
                    };
                    if event.timestamp >= start_ms && cursor.admit(&mut scope, &event) {
                        sink.event(event)?;
                        printed += 1;
                    }
                }
                let sampled = update.session_metadata.is_some_and(|m| m.sampled);
                if sampled && sampled_since.is_none() {
                    let since = now_ms() - 5_000;
                    note(format!(
                        "live tail is sampling (over 500 events/s, or custctl fell behind): filling in from {} with FilterLogEvents",
                        instant(since)
                    ));
                    sampled_since = Some(since);
                }
                if let Some(since) = sampled_since {
                    if last_sampled_backfill.elapsed() >= SAMPLED_BACKFILL_EVERY {
                        let until = now_ms();
                        printed += backfill(client, query, since.max(start_ms), cursor, sink).await?;
                        last_sampled_backfill = Instant::now();
                        // While sampling lasts, the next backfill starts a little before this
                        // one ended; after an unsampled update, this one covered the rest.
                        sampled_since = sampled.then_some(until - 5_000);
                    }
                }
                if printed > 0 {
                    last_event = Instant::now();
                    sink.flush()?;
                }
                cursor.forget_before(now_ms() - 2 * LOOKBACK_MS);
                continue;
            }
            Ok(Some(_)) => continue,
            Ok(None) => "the connection closed".to_string(),
            Err(e) => describe_stream_error(&e),
        };
        // The session is over: open a new one first (so nothing stored from now on is
        // missed), then fill the gap with FilterLogEvents.
        let dropped_at = now_ms();
        let gap_start = cursor.newest_timestamp().unwrap_or(dropped_at).min(dropped_at) - LOOKBACK_MS;
        session = None;
        while session.is_none() && !polling {
            tokio::select! {
                _ = interrupt.recv() => return Ok(FollowEnd::Interrupted),
                _ = tokio::time::sleep(BACKOFF.delay(failures)) => {}
            }
            failures = failures.saturating_add(1);
            match LiveTailSession::start(client, query, options.custom_endpoint).await {
                Ok(new) => session = Some(new),
                Err(LiveTailUnavailable::Permanently(why)) => {
                    note(format!(
                        "live tail is unavailable ({why}); following by polling FilterLogEvents every second"
                    ));
                    polling = true;
                }
                Err(LiveTailUnavailable::ForNow(why)) => note(format!("reconnecting live tail: {why}")),
            }
        }
        let from = gap_start.max(start_ms);
        let filled = backfill(client, query, from, cursor, sink).await?;
        if filled > 0 {
            last_event = Instant::now();
        }
        note(format!(
            "live tail session ended at {} ({ended_because}); {}; re-read the events {} with FilterLogEvents: {filled} missed event{}",
            instant(dropped_at),
            if polling { "now polling" } else { "reconnected" },
            window(from, now_ms()),
            if filled == 1 { "" } else { "s" },
        ));
        scope = ReadScope::new();
    }
}

/// Reads `[from, now]` again and passes on what was not printed; returns how many that was.
async fn backfill(
    client: &Client,
    query: &LogQuery,
    from: i64,
    cursor: &mut LogCursor,
    sink: &mut dyn EventSink,
) -> Result<u64> {
    let mut scope = ReadScope::new();
    let mut fresh = Vec::new();
    history(client, query, from, None, |event| {
        if cursor.admit(&mut scope, &event) {
            fresh.push(event);
        }
        Ok(())
    })
    .await?;
    let count = fresh.len() as u64;
    for event in fresh {
        sink.event(event)?;
    }
    if count > 0 {
        sink.flush()?;
    }
    Ok(count)
}

/// A StartLiveTail session.
pub struct LiveTailSession {
    receiver: aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver<
        StartLiveTailResponseStream,
        aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError,
    >,
    /// (ARN, name) of each group, to name the group of each event.
    groups: Vec<(String, String)>,
}

/// Why a session could not be opened.
pub enum LiveTailUnavailable {
    /// Not here: an endpoint without the operation, no permission. Poll instead.
    Permanently(String),
    /// A network error or throttling: try again.
    ForNow(String),
}

impl LiveTailSession {
    pub async fn start(client: &Client, query: &LogQuery, custom_endpoint: bool) -> Result<Self, LiveTailUnavailable> {
        let request = client
            .start_live_tail()
            .set_log_group_identifiers(Some(query.groups.iter().map(|g| g.arn.clone()).collect()))
            .set_log_event_filter_pattern(query.filter.clone())
            .set_log_stream_name_prefixes(query.stream_prefix.clone().map(|p| vec![p]))
            .set_log_stream_names(query.stream_names.clone());
        let answer = if custom_endpoint {
            request.customize().interceptor(WithoutEndpointPrefix).send().await
        } else {
            request.send().await
        };
        match answer {
            Ok(output) => Ok(LiveTailSession {
                receiver: output.response_stream,
                groups: query.groups.iter().map(|g| (g.arn.clone(), g.name.clone())).collect(),
            }),
            Err(e) => {
                let why = aws::describe_sdk_error(&e);
                let retryable = matches!(e, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_))
                    || e.code()
                        .is_some_and(|c| c.contains("Throttl") || c == "ServiceUnavailableException");
                Err(if retryable {
                    LiveTailUnavailable::ForNow(why)
                } else {
                    LiveTailUnavailable::Permanently(why)
                })
            }
        }
    }

    fn group_name(&self, identifier: Option<&str>) -> String {
        let identifier = identifier.unwrap_or_default();
        self.groups
            .iter()
            .find(|(arn, name)| arn == identifier || name == identifier)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| identifier.to_string())
    }
}

fn describe_stream_error<E, R>(err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let why = aws::describe_sdk_error(err);
    why.strip_prefix("service error: ").unwrap_or(&why).to_string()
}

/// StartLiveTail's host prefix (`stream-`) is right for AWS and wrong for an endpoint of
/// one's own (`stream-127.0.0.1` does not resolve); this drops it for one call.
#[derive(Debug)]
struct WithoutEndpointPrefix;

impl Intercept for WithoutEndpointPrefix {
    fn name(&self) -> &'static str {
        "WithoutEndpointPrefix"
    }

    fn read_after_serialization(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        config: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        config.interceptor_state().unset::<EndpointPrefix>();
        Ok(())
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
