//! Shared test helpers: start the emulator in-process and build commands (`eksauto`, `aws`,
//! `kubectl`) that talk to it through nothing but the environment, as a user would.
#![allow(dead_code)]

pub mod tmux;

use std::process::Command;
use std::time::Duration;

use eksauto_sim::{self as sim, ClockMode, SimHandle, SimOptions};

/// Starts the emulator with `scenario` (a name or a path). `manual` selects the manual clock.
pub async fn start_sim(scenario: &str, manual: bool) -> SimHandle {
    start_sim_with(SimOptions {
        scenario: Some(scenario.to_string()),
        clock: if manual {
            ClockMode::Manual
        } else {
            ClockMode::Speed(1.0)
        },
        ..Default::default()
    })
    .await
}

pub async fn start_sim_with(opts: SimOptions) -> SimHandle {
    sim::start(opts).await.expect("emulator starts")
}

/// Puts the emulator's variables (and nothing of the developer's own AWS or kube set-up) into a
/// command's environment.
pub fn with_sim_env(cmd: &mut Command, sim: &SimHandle) {
    for var in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_DEFAULT_PROFILE",
        "KUBECONFIG",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in sim.env() {
        cmd.env(k, v);
    }
}

/// `eksauto` (the binary under test) wired to the emulator.
pub fn eksauto(sim: &SimHandle) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eksauto"));
    with_sim_env(&mut cmd, sim);
    cmd
}

/// The real `aws` CLI wired to the emulator.
pub fn aws(sim: &SimHandle) -> Command {
    let mut cmd = Command::new("aws");
    with_sim_env(&mut cmd, sim);
    cmd
}

/// The real `kubectl` wired to the emulator.
pub fn kubectl(sim: &SimHandle) -> Command {
    let mut cmd = Command::new("kubectl");
    with_sim_env(&mut cmd, sim);
    cmd
}

/// Runs a blocking command without stalling the emulator's runtime; returns (status, stdout, stderr).
pub async fn run(mut cmd: Command) -> (i32, String, String) {
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("command runs"))
        .await
        .expect("join");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The emulator's request log (`GET /_sim/requests`).
pub async fn request_log(sim: &SimHandle) -> Vec<serde_json::Value> {
    let url = format!("{}/_sim/requests", sim.aws_url);
    let body = tokio::task::spawn_blocking(move || http_get(&url))
        .await
        .expect("join");
    serde_json::from_str(&body).expect("request log is JSON")
}

/// Mutating requests in the request log.
pub async fn mutating_requests(sim: &SimHandle) -> Vec<serde_json::Value> {
    request_log(sim)
        .await
        .into_iter()
        .filter(|r| r["mutating"] == true)
        .collect()
}

/// Moves the manual clock forward.
pub fn advance(sim: &SimHandle, seconds: u64) {
    sim.advance(Duration::from_secs(seconds));
}

/// A tiny HTTP/1.1 GET over a plain TCP socket (loopback only), for control endpoints.
pub fn http_get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap();
    let mut s = std::net::TcpStream::connect(host).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let (head, body) = buf.split_once("\r\n\r\n").unwrap_or((&buf, ""));
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    }
}

/// A long-running command (`kubectl get -w`) whose stdout lines arrive on a channel.
pub struct Streaming {
    pub child: std::process::Child,
    pub lines: std::sync::mpsc::Receiver<String>,
}

impl Streaming {
    pub fn spawn(mut cmd: Command) -> Streaming {
        use std::io::BufRead;
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().expect("spawn");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Streaming { child, lines }
    }

    /// Lines until one satisfies `pred` (returned) or `timeout` passes (panics with what came).
    pub async fn wait_for(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let start = std::time::Instant::now();
        let mut seen = Vec::new();
        while start.elapsed() < timeout {
            match self.lines.try_recv() {
                Ok(l) => {
                    if pred(&l) {
                        return l;
                    }
                    seen.push(l);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
        panic!(
            "no line with {what} within {timeout:?}; got:\n{}",
            seen.join("\n")
        );
    }

    /// Waits up to `timeout` for the command to exit; its exit code, or `None` if it still runs.
    pub async fn exit_within(&mut self, timeout: Duration) -> Option<i32> {
        let start = std::time::Instant::now();
        while start.elapsed() < timeout {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code().unwrap_or(-1));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}

impl Drop for Streaming {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A raw HTTP/1.1 request over a TCP socket (loopback), with extra header lines; returns
/// (status, body), reading until the server ends the answer or `read_timeout` passes.
pub fn http_raw(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
    read_timeout: Duration,
) -> (u16, String) {
    let (code, body, _) = http_stream(method, url, headers, body, read_timeout);
    (code, body)
}

/// `http_raw`, also saying whether a chunked answer ended with its terminating chunk (the server
/// ended the stream cleanly) rather than the read timing out.
pub fn http_stream(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
    read_timeout: Duration,
) -> (u16, String, bool) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap();
    let mut s = std::net::TcpStream::connect(host).expect("connect");
    s.set_read_timeout(Some(read_timeout)).unwrap();
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let buf = String::from_utf8_lossy(&raw).into_owned();
    let code = buf
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (head, body) = buf.split_once("\r\n\r\n").unwrap_or((&buf, ""));
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    if chunked {
        (code, dechunk(body), body.ends_with("0\r\n\r\n"))
    } else {
        (code, body.to_string(), true)
    }
}

/// `http_raw` off the runtime's worker threads.
pub async fn http_async(
    method: &'static str,
    url: String,
    headers: Vec<(String, String)>,
    body: String,
    read_timeout: Duration,
) -> (u16, String) {
    tokio::task::spawn_blocking(move || {
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        http_raw(method, &url, &h, &body, read_timeout)
    })
    .await
    .unwrap()
}

/// The body of a chunked answer, as far as it arrived (a cut-off chunk ends it).
pub fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest.get(n + 2..).unwrap_or("");
    }
    out
}

/// The JSON lines of a watch body.
pub fn events(body: &str) -> Vec<serde_json::Value> {
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// A kube-rs client from a kubeconfig file.
pub async fn kube_client_from(path: &std::path::Path) -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(path).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

/// A POST to a control endpoint (`/_sim/...`) with a JSON body; the status code.
pub async fn control(sim: &SimHandle, path: &str, body: &str) -> u16 {
    http_async(
        "POST",
        format!("{}{path}", sim.aws_url),
        Vec::new(),
        body.to_string(),
        Duration::from_secs(30),
    )
    .await
    .0
}

impl Streaming {
    /// Every line that has arrived so far, without waiting.
    pub fn drain(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }
}

/// How many `operation` requests (`"watch nodes"`) the emulator has served so far.
pub async fn requests_named(sim: &SimHandle, operation: &str) -> usize {
    request_log(sim)
        .await
        .iter()
        .filter(|r| r["operation"] == operation)
        .count()
}

/// The operations of the mutating requests in the request log, in order.
pub async fn mutating_operations(sim: &SimHandle) -> Vec<String> {
    mutating_requests(sim)
        .await
        .iter()
        .map(|r| r["operation"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The emulator with `scenario` (a name or a path) and its clock running `speed` times as fast as
/// real time.
pub async fn start_sim_fast(scenario: &str, speed: f64) -> SimHandle {
    start_sim_with(SimOptions {
        scenario: Some(scenario.to_string()),
        clock: ClockMode::Speed(speed),
        ..Default::default()
    })
    .await
}

/// A scenario file of this crate's `tests/scenarios/`.
pub fn test_scenario(file: &str) -> String {
    format!("{}/tests/scenarios/{file}", env!("CARGO_MANIFEST_DIR"))
}

impl Streaming {
    /// `spawn`, with the command's stderr written to `stderr` instead of thrown away.
    pub fn spawn_with_stderr(mut cmd: Command, stderr: &std::path::Path) -> Streaming {
        use std::io::BufRead;
        let file = std::fs::File::create(stderr).expect("stderr file");
        cmd.stdout(std::process::Stdio::piped()).stderr(file);
        let mut child = cmd.spawn().expect("spawn");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Streaming { child, lines }
    }
}

/// Moves the manual clock one virtual second at a time, collecting the command's stdout, until a
/// new line satisfies `stop` (`None`) or the command exits (`Some(code)`); panics after `max`
/// virtual seconds.
pub async fn drive(
    sim: &SimHandle,
    w: &mut Streaming,
    seen: &mut Vec<String>,
    max: u64,
    stop: impl Fn(&str) -> bool,
) -> Option<i32> {
    for _ in 0..max {
        advance(sim, 1);
        tokio::time::sleep(Duration::from_millis(5)).await;
        let new = w.drain();
        let hit = new.iter().any(|l| stop(l));
        seen.extend(new);
        if hit {
            return None;
        }
        if let Ok(Some(status)) = w.child.try_wait() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            seen.extend(w.drain());
            return Some(status.code().unwrap_or(-1));
        }
    }
    panic!(
        "the command neither stopped nor exited within {max} virtual seconds:\n{}",
        seen.join("\n")
    );
}
