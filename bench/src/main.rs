//! The load benchmark behind `cargo xtask bench`.
//!
//! `push-bench serve` runs a minimal HTTP server on 127.0.0.1 (push-core's sandbox server,
//! answering each provider's success body without checking anything). `push-bench run` starts
//! that server as a separate process — so the CPU time read from `/proc/self/stat` is the
//! client's alone — and drives each scenario for a fixed number of requests at each concurrency,
//! then prints requests per second and client CPU per request, with ratios to the bare-reqwest
//! baseline. It then runs `push-bench audience` as a child process against the same server: a
//! publish to a million Beams users, reporting its wall time, requests per second and peak RSS.

// A benchmark program reports on stdout and stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::future::Future;
use std::pin::Pin;
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use push_core::sandbox::{SandboxRequest, SandboxResponse, SandboxServer};
use tokio::io::{AsyncBufReadExt, BufReader};

mod audience;
mod fanout;
mod scenarios;

/// One request of a scenario.
type Call =
    Arc<dyn Fn(u64) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// A named way of sending one request.
pub(crate) struct Scenario {
    pub(crate) name: &'static str,
    pub(crate) call: Call,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("push-bench: no runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.first().map(String::as_str) {
        Some("serve") => runtime.block_on(serve()),
        Some("run") => match pinned_rerun(&args) {
            Some(result) => result,
            None => runtime.block_on(run(&args[1..])),
        },
        Some("audience") => runtime.block_on(audience_child(&args[1..])),
        Some("fanout") => runtime.block_on(fanout_child(&args[1..])),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("push-bench: {err}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: push-bench serve\n       \
    push-bench run [--requests N] [--concurrency C]... [--rounds R]\n                   \
    [--only NAME]... [--diagnose true] [--drive worker|caller] [--url URL] [--users N] [--chunk-concurrency C]\n                   \
    [--channels N] [--fanout-concurrency C]\n       \
    push-bench audience --url URL [--users N] [--chunk-concurrency C]\n                   \
    [--ids strings|compact] [--header false]\n       \
    push-bench fanout --url URL [--channels N] [--encrypted-every K] [--chunk-concurrency C]\n                   \
    [--header false]";

/// The cores the server and the client run on when `taskset` is there and the machine has
/// two or more: apart, so that neither steals the other's CPU and the client's CPU time is its
/// own.
const SERVER_CORE: &str = "0";
const CLIENT_CORE: &str = "1";

/// Whether `taskset` can pin processes here (it exists, and there are two cores or more).
fn can_pin() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
        && std::process::Command::new("taskset")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// Runs `push-bench run` again pinned to [`CLIENT_CORE`] (its server goes to
/// [`SERVER_CORE`]), unless it already is or pinning is not possible; `None` means run here.
fn pinned_rerun(args: &[String]) -> Option<Result<(), String>> {
    if std::env::var_os("PUSH_BENCH_PINNED").is_some() || !can_pin() {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    eprintln!("push-bench: the client on core {CLIENT_CORE}, the server on core {SERVER_CORE}");
    let status = std::process::Command::new("taskset")
        .args(["-c", CLIENT_CORE])
        .arg(exe)
        .args(args)
        .env("PUSH_BENCH_PINNED", "1")
        .status();
    Some(match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("the pinned run failed ({status})")),
        Err(err) => Err(format!("taskset: {err}")),
    })
}

/// The server: answers what each client expects, as fast as it can.
fn answer(req: &SandboxRequest) -> SandboxResponse {
    if req.path.starts_with("/publish_api/") {
        SandboxResponse::text(200, r#"{"publishId":"pubid-bench"}"#)
    } else if req.path.starts_with("/api/v1/") {
        SandboxResponse::json(201, &serde_json::json!({"id": 1, "scheduled": 0}))
    } else {
        SandboxResponse::json(200, &serde_json::json!({}))
    }
}

async fn serve() -> Result<(), String> {
    let server = SandboxServer::start(|req| answer(&req))
        .await
        .map_err(|e| e.to_string())?;
    println!("{}", server.url());
    // Serve until the parent closes our stdin.
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(_)) = lines.next_line().await {}
    Ok(())
}

/// CPU time of this process: the sum over its threads of `/proc/self/task/*/schedstat`
/// (nanoseconds on a CPU), or, where that is missing, user + system time from
/// `/proc/self/stat` (clock ticks of 10 ms, too coarse for one round of a scenario).
pub(crate) fn cpu_time() -> Duration {
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        let mut nanos = 0u64;
        let mut read_any = false;
        for task in tasks.flatten() {
            let Ok(stat) = std::fs::read_to_string(task.path().join("schedstat")) else {
                continue;
            };
            if let Some(on_cpu) = stat
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
            {
                nanos += on_cpu;
                read_any = true;
            }
        }
        if read_any {
            return Duration::from_nanos(nanos);
        }
    }
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// What one split call cost, measured around it.
pub(crate) struct SplitCost<T> {
    pub(crate) chunks: Vec<push_core::ChunkResult<T>>,
    pub(crate) wall: Duration,
    pub(crate) cpu: Duration,
    /// The process's peak RSS after the call, in KiB.
    pub(crate) peak_kib: u64,
}

/// Runs a `*_chunked` call, timing it, and checks that every chunk succeeded and that the
/// chunks covered `items` items, called `what` in the message.
pub(crate) async fn split_call<T>(
    call: impl Future<Output = push_core::Result<Vec<push_core::ChunkResult<T>>>>,
    items: usize,
    what: &str,
) -> Result<SplitCost<T>, String> {
    let cpu_start = cpu_time();
    let start = Instant::now();
    let chunks = call.await.map_err(|e| e.to_string())?;
    let wall = start.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_start);
    let peak_kib = status_kib("VmHWM");
    let failed = chunks.iter().filter(|c| c.result.is_err()).count();
    let covered: usize = chunks.iter().map(|c| c.covered.len()).sum();
    if failed > 0 || covered != items {
        return Err(format!(
            "{failed} of {} chunks failed, {covered} of {items} {what} covered",
            chunks.len()
        ));
    }
    Ok(SplitCost {
        chunks,
        wall,
        cpu,
        peak_kib,
    })
}

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`), in KiB; 0 when unreadable.
pub(crate) fn status_kib(field: &str) -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

struct Measurement {
    scenario: &'static str,
    concurrency: usize,
    requests: u64,
    wall: Duration,
    cpu: Duration,
    errors: u64,
}

impl Measurement {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64()
    }

    fn cpu_us_per_request(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.requests as f64
    }
}

/// Where the measuring loop, and so every request future it drives, runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Drive {
    /// On a worker of the runtime, as a task: the requests, their connections and the I/O
    /// driver then share one thread, as in a server whose handlers send requests (the
    /// default).
    Worker,
    /// On the thread that blocks on the runtime, while the connections run on the worker:
    /// every response crosses threads (how the bench ran before 2026-12-02).
    Caller,
}

/// [`measure`] on the thread `drive` says.
async fn measure_on(
    drive: Drive,
    scenario: &Scenario,
    requests: u64,
    concurrency: usize,
) -> Result<Measurement, String> {
    match drive {
        Drive::Caller => Ok(measure(scenario, requests, concurrency).await),
        Drive::Worker => {
            let scenario = Scenario {
                name: scenario.name,
                call: Arc::clone(&scenario.call),
            };
            tokio::spawn(async move { measure(&scenario, requests, concurrency).await })
                .await
                .map_err(|e| format!("the measuring task failed: {e}"))
        }
    }
}

async fn measure(scenario: &Scenario, requests: u64, concurrency: usize) -> Measurement {
    // Warm the caches, and open the pool's connections: as many at once as will be in flight,
    // so that no connection is set up inside the measurement.
    futures_util::stream::iter(0..(concurrency as u64 * 4).max(16))
        .map(|i| (scenario.call)(i))
        .buffer_unordered(concurrency)
        .for_each(|_| async {})
        .await;
    let cpu_start = cpu_time();
    let start = Instant::now();
    let errors = futures_util::stream::iter(0..requests)
        .map(|i| (scenario.call)(i))
        .buffer_unordered(concurrency)
        .fold(0u64, |errors, result| async move {
            errors + u64::from(result.is_err())
        })
        .await;
    Measurement {
        scenario: scenario.name,
        concurrency,
        requests,
        wall: start.elapsed(),
        cpu: cpu_time().saturating_sub(cpu_start),
        errors,
    }
}

async fn run(args: &[String]) -> Result<(), String> {
    // Short rounds, many of them: a burst of load on a shared machine lasts seconds, so a
    // round's neighbours (an SDK and its twin, well under a second each) see the same one.
    let mut requests = 5_000u64;
    let mut concurrencies = Vec::new();
    let mut rounds = 32u32;
    let mut only: Vec<String> = Vec::new();
    let mut diagnose = false;
    let mut drive = Drive::Worker;
    let mut external: Option<String> = None;
    let mut users = 1_000_000usize;
    let mut chunk_concurrency = DEFAULT_CHUNK_CONCURRENCY;
    let mut channels = 10_000usize;
    let mut fanout_concurrency = push_channels::DEFAULT_CHUNK_CONCURRENCY;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let value = iter.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--requests" => requests = value.parse().map_err(|_| "bad --requests")?,
            "--concurrency" => concurrencies.push(value.parse().map_err(|_| "bad --concurrency")?),
            "--only" => only.push(value.clone()),
            "--url" => external = Some(value.clone()),
            "--diagnose" => diagnose = value == "true",
            "--drive" => {
                drive = match value.as_str() {
                    "worker" => Drive::Worker,
                    "caller" => Drive::Caller,
                    _ => return Err(format!("bad --drive {value:?}: worker or caller")),
                };
            }
            "--rounds" => rounds = value.parse().map_err(|_| "bad --rounds")?,
            "--users" => users = value.parse().map_err(|_| "bad --users")?,
            "--chunk-concurrency" => {
                chunk_concurrency = value.parse().map_err(|_| "bad --chunk-concurrency")?;
            }
            "--channels" => channels = value.parse().map_err(|_| "bad --channels")?,
            "--fanout-concurrency" => {
                fanout_concurrency = value.parse().map_err(|_| "bad --fanout-concurrency")?;
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if concurrencies.is_empty() {
        concurrencies = vec![1, 8, 64];
    }

    // `--url URL`: a server started by hand (`push-bench serve`), so that a profiler
    // wrapped around this process sees the client alone.
    let (url, server) = match external {
        Some(url) => (url, None),
        None => {
            let (url, child) = start_server().await?;
            (url, Some(child))
        }
    };

    let mut scenarios = scenarios::all(&url)?;
    if diagnose {
        scenarios.extend(scenarios::diagnostic(&url)?);
    }
    // `--only NAME`, as many times as wanted (for profiling, or to run an SDK and its twin
    // side by side with nothing between them): the scenarios whose name contains one of them.
    if !only.is_empty() {
        scenarios.retain(|s| only.iter().any(|o| s.name.contains(o.as_str())));
    }
    // Every round of every scenario is kept: the tables give medians over the rounds.
    let mut results: Vec<Measurement> = Vec::new();
    for &concurrency in &concurrencies {
        // Rounds interleave the scenarios, so a burst of load from elsewhere on the machine
        // hits them alike; each round starts one scenario further on, so that no scenario
        // always runs in the same place (first after a concurrency change, or right after
        // another one's connections).
        for round in 0..rounds {
            let start = round as usize % scenarios.len().max(1);
            for scenario in scenarios[start..].iter().chain(&scenarios[..start]) {
                let m = measure_on(drive, scenario, requests, concurrency).await?;
                eprintln!(
                    "push-bench: round {round} {:<28} c={:<3} {:>9.0} req/s  {:>7.2} µs CPU/req  \
                     errors {}",
                    m.scenario,
                    m.concurrency,
                    m.rps(),
                    m.cpu_us_per_request(),
                    m.errors
                );
                results.push(m);
            }
        }
    }
    print_table(&results);
    print_twin_table(&results);
    if results.iter().any(|m| m.errors > 0) {
        return Err("some requests failed; the figures above are not comparable".into());
    }
    if users > 0 {
        println!("\n{}", audience::HEADER);
        for ids in ["strings", "compact"] {
            // A child process of its own, so that its peak RSS is the scenario's alone.
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let status = tokio::process::Command::new(exe)
                .args(["audience", "--header", "false", "--url", &url, "--ids", ids])
                .args(["--users", &users.to_string()])
                .args(["--chunk-concurrency", &chunk_concurrency.to_string()])
                .status()
                .await
                .map_err(|e| format!("starting the audience run: {e}"))?;
            if !status.success() {
                return Err(format!("the audience run failed ({status})"));
            }
        }
    }
    if channels > 0 {
        println!("\n{}", fanout::HEADER);
        // All plain, then one channel in a hundred encrypted (each of those a request alone).
        for every in ["0", "100"] {
            let exe = std::env::current_exe().map_err(|e| e.to_string())?;
            let status = tokio::process::Command::new(exe)
                .args(["fanout", "--header", "false", "--url", &url])
                .args([
                    "--channels",
                    &channels.to_string(),
                    "--encrypted-every",
                    every,
                ])
                .args(["--chunk-concurrency", &fanout_concurrency.to_string()])
                .status()
                .await
                .map_err(|e| format!("starting the fan-out run: {e}"))?;
            if !status.success() {
                return Err(format!("the fan-out run failed ({status})"));
            }
        }
    }
    drop(server);
    Ok(())
}

/// `push-bench fanout`: the Channels fan-out scenario against a running server.
async fn fanout_child(args: &[String]) -> Result<(), String> {
    let child = ChildArgs::parse(args)?;
    let mut settings = fanout::Fanout {
        channels: 10_000,
        encrypted_every: 0,
        concurrency: push_channels::DEFAULT_CHUNK_CONCURRENCY,
    };
    for &(name, value) in &child.rest {
        match name {
            "--channels" => settings.channels = number(name, value)?,
            "--encrypted-every" => settings.encrypted_every = number(name, value)?,
            "--chunk-concurrency" => settings.concurrency = number(name, value)?,
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if child.header {
        println!("{}", fanout::HEADER);
    }
    fanout::run(&child.url, &settings).await
}

/// What every child run takes (`--url`, `--header`) and the rest of its `--name value` pairs.
struct ChildArgs<'a> {
    url: String,
    header: bool,
    rest: Vec<(&'a str, &'a str)>,
}

impl<'a> ChildArgs<'a> {
    fn parse(args: &'a [String]) -> Result<Self, String> {
        let (mut url, mut header, mut rest) = (None, true, Vec::new());
        for pair in args.chunks(2) {
            let [name, value] = pair else {
                return Err(format!("{} needs a value", pair[0]));
            };
            match name.as_str() {
                "--url" => url = Some(value.clone()),
                "--header" => header = value != "false",
                _ => rest.push((name.as_str(), value.as_str())),
            }
        }
        let url = url.ok_or(format!("--url is required\n{USAGE}"))?;
        Ok(Self { url, header, rest })
    }
}

/// `value` of option `name` as a number.
fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("bad {name}: {value:?}"))
}

/// Starts `push-bench serve` as a child process; its URL and the child (killed on drop).
async fn start_server() -> Result<(String, tokio::process::Child), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // On its own core when the client was pinned to the other.
    let mut command = if std::env::var_os("PUSH_BENCH_PINNED").is_some() {
        let mut taskset = tokio::process::Command::new("taskset");
        taskset.args(["-c", SERVER_CORE]).arg(exe);
        taskset
    } else {
        tokio::process::Command::new(exe)
    };
    let mut server = command
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("starting the server: {e}"))?;
    let stdout = server.stdout.take().ok_or("no server stdout")?;
    let url = BufReader::new(stdout)
        .lines()
        .next_line()
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the server printed no URL")?;
    Ok((url, server))
}

/// Chunks in flight at once in the large-audience run.
const DEFAULT_CHUNK_CONCURRENCY: usize = 16;

/// `push-bench audience`: the large-audience scenario against a running server.
async fn audience_child(args: &[String]) -> Result<(), String> {
    let child = ChildArgs::parse(args)?;
    let mut settings = audience::Audience {
        users: 1_000_000,
        concurrency: DEFAULT_CHUNK_CONCURRENCY,
        compact: false,
    };
    for &(name, value) in &child.rest {
        match name {
            "--ids" => settings.compact = value == "compact",
            "--users" => settings.users = number(name, value)?,
            "--chunk-concurrency" => settings.concurrency = number(name, value)?,
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if child.header {
        println!("{}", audience::HEADER);
    }
    audience::run(&child.url, &settings).await
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// The rounds of `name` at `concurrency`, in order.
fn rounds_of<'a>(
    results: &'a [Measurement],
    name: &'a str,
    concurrency: usize,
) -> impl Iterator<Item = &'a Measurement> + 'a {
    results
        .iter()
        .filter(move |m| m.scenario == name && m.concurrency == concurrency)
}

/// Each scenario's median figures, and their ratios to the short baseline.
fn print_table(results: &[Measurement]) {
    println!(
        "| scenario | concurrency | requests × rounds | req/s (median) | × bare | CPU µs/req (median) | × bare |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for m in results {
        if seen.contains(&(m.scenario, m.concurrency)) {
            continue;
        }
        seen.push((m.scenario, m.concurrency));
        let of = |name| rounds_of(results, name, m.concurrency).collect::<Vec<_>>();
        let (own, bare) = (of(m.scenario), of(scenarios::BARE));
        let rps = median(own.iter().map(|r| r.rps()).collect());
        let cpu = median(own.iter().map(|r| r.cpu_us_per_request()).collect());
        let bare_rps = median(bare.iter().map(|r| r.rps()).collect());
        let bare_cpu = median(bare.iter().map(|r| r.cpu_us_per_request()).collect());
        // Without the short reference in the run (`--only`), there is nothing to divide by.
        let ratio = |own: f64, reference: f64| {
            if bare.is_empty() {
                "—".to_owned()
            } else {
                format!("{:.3}", own / reference)
            }
        };
        println!(
            "| {} | {} | {} × {} | {rps:.0} | {} | {cpu:.2} | {} |",
            m.scenario,
            m.concurrency,
            m.requests,
            own.len(),
            ratio(rps, bare_rps),
            ratio(cpu, bare_cpu)
        );
    }
}

/// Each SDK against its twin (a bare POST of the same bytes), at each concurrency: the median
/// over the rounds of each round's ratio, with the lowest and highest round, and the A/A row
/// (the twin against a copy of itself) for the method's own spread. Issue 19's targets:
/// requests per second ≥ 0.95 and CPU per request ≤ 1.05.
fn print_twin_table(results: &[Measurement]) {
    let mut rows = Vec::new();
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for m in results {
        let Some((_, twin)) = scenarios::TWINS.iter().find(|(sdk, _)| *sdk == m.scenario) else {
            continue;
        };
        if seen.contains(&(m.scenario, m.concurrency)) {
            continue;
        }
        seen.push((m.scenario, m.concurrency));
        let own: Vec<&Measurement> = rounds_of(results, m.scenario, m.concurrency).collect();
        let other: Vec<&Measurement> = rounds_of(results, twin, m.concurrency).collect();
        if own.is_empty() || own.len() != other.len() {
            continue;
        }
        let ratios = |f: fn(&Measurement) -> f64| -> Vec<f64> {
            own.iter().zip(&other).map(|(a, b)| f(a) / f(b)).collect()
        };
        let spread = |values: &[f64]| {
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            format!("{lo:.3}–{hi:.3}")
        };
        let rps = ratios(Measurement::rps);
        let cpu = ratios(Measurement::cpu_us_per_request);
        rows.push(format!(
            "| {} | {} | {} | {:.3} ({}) | {:.3} ({}) |",
            m.scenario,
            m.concurrency,
            own.len(),
            median(rps.clone()),
            spread(&rps),
            median(cpu.clone()),
            spread(&cpu)
        ));
    }
    if rows.is_empty() {
        return;
    }
    println!(
        "\n| SDK against its twin | concurrency | rounds | req/s × twin, median (range) | CPU µs/req × twin, median (range) |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for row in rows {
        println!("{row}");
    }
}
