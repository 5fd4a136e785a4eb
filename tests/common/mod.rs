//! Shared test helpers: start the emulator in-process and build commands (`eksauto`, `aws`,
//! `kubectl`) that talk to it through nothing but the environment, as a user would.
#![allow(dead_code)]

use std::process::Command;
use std::time::Duration;

use eksauto::sim::{self, ClockMode, SimHandle, SimOptions};

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

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}
