//! Benchmark of the ingest handler against a private MariaDB: rows/s through
//! `customer_ingest::handler::ingest_batch` versus the bare multi-row upsert it issues (the
//! floor no handler can beat), and versus the tutorial's algorithm (per message an INSERT and a
//! `SELECT *` of the whole table).
//!
//! `cargo run --release --example ingest_bench`. Progress goes to stderr; stdout gets a table
//! and one JSON line with every figure. Handler and baseline rounds alternate and the median
//! is reported, so drift (the table growing, the machine's other load) hits both sides alike.

use anyhow::{ensure, Context};
use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use custctl_local::mariadb::MariaDbServer;
use custctl_platform::free_loopback_port;
use customer_ingest::config::DbSettings;
use customer_ingest::handler::ingest_batch;
use customer_ingest::store::{upsert_sql, CustomerStore, MySqlStore};
use customer_ingest::{Customer, CustomerId, CustomerName};
use mysql::prelude::Queryable;
use mysql::{Conn, TxOpts, Value};
use std::time::{Duration, Instant};

/// Timed rounds per side and batch size; the median of them is reported.
const ROUNDS: usize = 75;
/// Roughly how long one side's timed round should take: short rounds pair well in time, and
/// all of them together keep the run near a minute.
const ROUND_TARGET: Duration = Duration::from_millis(200);
/// The share of each batch whose CustID is already in the table (with a new Name), so the
/// upsert's update path is measured as well as its insert path.
const REDELIVERED_PERCENT: usize = 10;
const BATCH_SIZES: [usize; 2] = [10, 1000];

/// The tutorial comparison: rows in the table before each round, rounds, messages per round.
const TUTORIAL_TABLE_ROWS: i32 = 4000;
const TUTORIAL_ROUNDS: usize = 5;
const TUTORIAL_MESSAGES: usize = 100;

/// One batch's rows: distinct CustIDs in ascending order, the shape both sides write.
type Rows = Vec<(i32, String)>;

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("creating a directory for MariaDB")?;
    eprintln!("starting a private MariaDB in {}", dir.path().display());
    let server = MariaDbServer::start(dir.path(), free_loopback_port()?).context("starting MariaDB")?;
    let bench_db = database(&server, "bench")?;
    let tutorial_db = database(&server, "tutorial")?;
    let mut version_conn = Conn::new(bench_db.opts())?;
    let server_version: String = version_conn.query_first("SELECT VERSION()")?.unwrap_or_default();
    drop(version_conn);

    let mut ids = IdSource { next: 1 };
    let mut sizes = Vec::new();
    for size in BATCH_SIZES {
        sizes.push(measure_batch_size(&bench_db, size, &mut ids)?);
    }
    let handler_at_10 = sizes
        .iter()
        .find(|s| s.batch_size == 10)
        .map_or(0.0, |s| s.handler_rows_per_s);
    let tutorial_rows_per_s = measure_tutorial(&tutorial_db)?;

    print_report(&server_version, &sizes, tutorial_rows_per_s, handler_at_10);
    Ok(())
}

/// A database of its own on `server`, with its Customer table created.
fn database(server: &MariaDbServer, name: &str) -> anyhow::Result<DbSettings> {
    let password = format!("{name}-bench-password");
    server.admin().ensure_database(name, name, &password)?;
    let settings = DbSettings::from_url(&format!("mysql://{name}:{password}@127.0.0.1:{}/{name}", server.port()))?;
    MySqlStore::new(settings.opts()).connect()?;
    Ok(settings)
}

/// Hands out CustIDs never used before in this run.
struct IdSource {
    next: i32,
}

impl IdSource {
    fn take(&mut self) -> i32 {
        self.next += 1;
        self.next - 1
    }
}

/// `count` batches of `size` rows; after the first, each batch repeats some CustIDs of the
/// batch before it with a changed Name.
fn batch_sequence(ids: &mut IdSource, size: usize, count: usize) -> Vec<Rows> {
    let repeated = (size * REDELIVERED_PERCENT / 100).max(1);
    let mut previous_fresh: Vec<i32> = Vec::new();
    (0..count)
        .map(|_| {
            let mut rows: Rows = previous_fresh
                .iter()
                .take(repeated)
                .map(|&id| (id, format!("Customer {id} (renamed)")))
                .collect();
            let fresh: Vec<i32> = (rows.len()..size).map(|_| ids.take()).collect();
            rows.extend(fresh.iter().map(|&id| (id, format!("Customer {id}"))));
            previous_fresh = fresh;
            rows
        })
        .collect()
}

/// The batch as the event source mapping delivers it.
fn sqs_event(rows: &Rows) -> SqsEvent {
    let mut event = SqsEvent::default();
    event.records = rows
        .iter()
        .map(|(id, name)| {
            let mut message = SqsMessage::default();
            let message_id = uuid::Uuid::new_v4().to_string();
            message.receipt_handle = Some(format!("rh-{message_id}"));
            message.message_id = Some(message_id);
            message.body = Some(serde_json::json!({"CustID": id, "Name": name}).to_string());
            message.event_source = Some("aws:sqs".into());
            message.event_source_arn = Some("arn:aws:sqs:us-east-1:000000000000:customers".into());
            message.aws_region = Some("us-east-1".into());
            message
        })
        .collect();
    event
}

/// The upsert's parameters, exactly as the store binds them.
fn upsert_params(rows: &Rows) -> Vec<Value> {
    rows.iter()
        .flat_map(|(id, name)| [Value::from(*id), Value::from(name.as_str())])
        .collect()
}

fn time_handler(store: &mut MySqlStore, events: &[SqsEvent]) -> anyhow::Result<Duration> {
    let started = Instant::now();
    for event in events {
        let report = ingest_batch(event, store);
        ensure!(report.failed == 0, "the handler failed {} records", report.failed);
    }
    Ok(started.elapsed())
}

fn time_baseline(conn: &mut Conn, sql: &str, batches: Vec<Vec<Value>>) -> anyhow::Result<Duration> {
    let started = Instant::now();
    for params in batches {
        let mut tx = conn.start_transaction(TxOpts::default())?;
        tx.exec_drop(sql, params)?;
        tx.commit()?;
    }
    Ok(started.elapsed())
}

/// A round's input, built before it is timed: events for the handler and bound parameters
/// for the baseline, the same shape of batches over different CustIDs.
fn round_input(ids: &mut IdSource, size: usize, batches: usize) -> (Vec<SqsEvent>, Vec<Vec<Value>>) {
    let events = batch_sequence(ids, size, batches).iter().map(sqs_event).collect();
    let params = batch_sequence(ids, size, batches).iter().map(upsert_params).collect();
    (events, params)
}

/// One batch size's figures.
struct SizeResult {
    batch_size: usize,
    batches_per_round: usize,
    handler_rows_per_s: f64,
    baseline_rows_per_s: f64,
    handler_rounds: Vec<f64>,
    baseline_rounds: Vec<f64>,
}

impl SizeResult {
    fn ratio(&self) -> f64 {
        self.handler_rows_per_s / self.baseline_rows_per_s
    }

    /// The median of each round's ratio: adjacent rounds share the machine's load of the moment.
    fn paired_ratio(&self) -> f64 {
        let ratios: Vec<f64> = self
            .handler_rounds
            .iter()
            .zip(&self.baseline_rounds)
            .map(|(h, b)| h / b)
            .collect();
        median(&ratios)
    }
}

fn measure_batch_size(db: &DbSettings, size: usize, ids: &mut IdSource) -> anyhow::Result<SizeResult> {
    ensure!(
        size <= customer_ingest::store::ROWS_PER_STATEMENT,
        "the baseline issues one statement per batch"
    );
    let mut store = MySqlStore::new(db.opts());
    let mut conn = Conn::new(db.opts())?;
    let sql = upsert_sql(size);

    // An untimed warm-up (statements prepared, buffer pool warm) that also sizes the rounds.
    let warm_batches = (2000 / size).max(4);
    let (events, params) = round_input(ids, size, warm_batches);
    let warm = time_handler(&mut store, &events)? + time_baseline(&mut conn, &sql, params)?;
    let per_batch = warm.as_secs_f64() / (2 * warm_batches) as f64;
    let batches_per_round = (ROUND_TARGET.as_secs_f64() / per_batch.max(1e-6)).clamp(5.0, 20_000.0) as usize;
    let rows_per_round = (batches_per_round * size) as f64;

    // Whole rounds alternate, not single batches: each side then runs batch after batch as it
    // would in production (alternating single batches lets the server catch up on background
    // work during the handler's parsing, which flatters the handler).
    let mut handler_rounds = Vec::with_capacity(ROUNDS);
    let mut baseline_rounds = Vec::with_capacity(ROUNDS);
    eprintln!("batch {size}: {ROUNDS} rounds of {batches_per_round} batches a side");
    for _ in 0..ROUNDS {
        let (events, params) = round_input(ids, size, batches_per_round);
        handler_rounds.push(rows_per_round / time_handler(&mut store, &events)?.as_secs_f64());
        drop(events);
        baseline_rounds.push(rows_per_round / time_baseline(&mut conn, &sql, params)?.as_secs_f64());
    }
    Ok(SizeResult {
        batch_size: size,
        batches_per_round,
        handler_rows_per_s: median(&handler_rounds),
        baseline_rows_per_s: median(&baseline_rounds),
        handler_rounds,
        baseline_rounds,
    })
}

/// The tutorial's algorithm, rows/s with `TUTORIAL_TABLE_ROWS` rows in the table: per message,
/// parse the body, INSERT the row (autocommit), then fetch every row with `SELECT *`.
fn measure_tutorial(db: &DbSettings) -> anyhow::Result<f64> {
    let existing: Vec<Customer> = (1..=TUTORIAL_TABLE_ROWS)
        .map(|id| {
            Ok(Customer::new(
                CustomerId::new(id.into())?,
                CustomerName::new(format!("Customer {id}"))?,
            ))
        })
        .collect::<Result<_, customer_ingest::SchemaError>>()?;
    MySqlStore::new(db.opts()).upsert(&existing)?;

    let mut conn = Conn::new(db.opts())?;
    let mut rounds = Vec::with_capacity(TUTORIAL_ROUNDS);
    eprintln!("tutorial algorithm: {TUTORIAL_ROUNDS} rounds of {TUTORIAL_MESSAGES} messages");
    for _ in 0..TUTORIAL_ROUNDS {
        let bodies: Vec<String> = (1..=TUTORIAL_MESSAGES as i32)
            .map(|i| {
                let id = TUTORIAL_TABLE_ROWS + i;
                serde_json::json!({"CustID": id, "Name": format!("Customer {id}")}).to_string()
            })
            .collect();
        let started = Instant::now();
        let mut fetched = 0usize;
        for body in &bodies {
            let message: serde_json::Value = serde_json::from_str(body)?;
            conn.exec_drop(
                "INSERT INTO Customer (CustID, Name) VALUES (?, ?)",
                (message["CustID"].as_i64(), message["Name"].as_str()),
            )?;
            let all: Vec<(i32, String)> = conn.query("SELECT * FROM Customer")?;
            fetched += all.len();
        }
        let elapsed = started.elapsed();
        ensure!(
            fetched >= TUTORIAL_MESSAGES * TUTORIAL_TABLE_ROWS as usize,
            "SELECT * returned too few rows"
        );
        rounds.push(TUTORIAL_MESSAGES as f64 / elapsed.as_secs_f64());
        // Back to the starting size, so every round sees the same table.
        conn.exec_drop("DELETE FROM Customer WHERE CustID > ?", (TUTORIAL_TABLE_ROWS,))?;
    }
    Ok(median(&rounds))
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn print_report(server_version: &str, sizes: &[SizeResult], tutorial_rows_per_s: f64, handler_at_10: f64) {
    println!("MariaDB {server_version}; median of {ROUNDS} alternating rounds per side\n");
    println!(
        "{:>10}  {:>16}  {:>16}  {:>17}",
        "batch size", "handler rows/s", "baseline rows/s", "handler/baseline"
    );
    for s in sizes {
        println!(
            "{:>10}  {:>16.0}  {:>16.0}  {:>16.1}%",
            s.batch_size,
            s.handler_rows_per_s,
            s.baseline_rows_per_s,
            s.ratio() * 100.0
        );
    }
    let speedup = handler_at_10 / tutorial_rows_per_s;
    println!(
        "\ntutorial algorithm (INSERT + SELECT * per message, {TUTORIAL_TABLE_ROWS} rows in the table): \
         {tutorial_rows_per_s:.0} rows/s; handler at batch 10: {handler_at_10:.0} rows/s ({speedup:.0}x)\n"
    );
    let json = serde_json::json!({
        "mariadb": server_version,
        "rounds": ROUNDS,
        "redelivered_percent": REDELIVERED_PERCENT,
        "sizes": sizes.iter().map(|s| serde_json::json!({
            "batch_size": s.batch_size,
            "batches_per_round": s.batches_per_round,
            "handler_rows_per_s": s.handler_rows_per_s.round(),
            "baseline_rows_per_s": s.baseline_rows_per_s.round(),
            "ratio": (s.ratio() * 1000.0).round() / 1000.0,
            "paired_ratio": (s.paired_ratio() * 1000.0).round() / 1000.0,
        })).collect::<Vec<_>>(),
        "tutorial": {
            "table_rows": TUTORIAL_TABLE_ROWS,
            "rows_per_s": tutorial_rows_per_s.round(),
            "handler_batch_10_rows_per_s": handler_at_10.round(),
            "speedup": (speedup * 10.0).round() / 10.0,
        },
    });
    println!("{json}");
}
