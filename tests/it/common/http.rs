//! Raw HTTP/1.1 over a TCP socket on loopback, for what the clients do not show: status codes,
//! watch streams as the server sends them, the emulator's control endpoints (`/_sim/...`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use eksauto_sim::SimHandle;
use serde_json::Value;

/// An answer as far as it arrived.
pub struct Answer {
    pub code: u16,
    /// The body, de-chunked.
    pub body: String,
    /// Whether the body came in chunks (a stream, such as a watch).
    pub chunked: bool,
    /// Whether the server ended it: a chunked answer with its terminating chunk (a watch the
    /// server closed), not one cut off by the read timeout.
    pub complete: bool,
}

/// Sends `METHOD url` with extra header lines and a JSON body, without reading the answer.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> TcpStream {
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap();
    let mut s = TcpStream::connect(host).expect("connect");
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
    s
}

/// Reads the answer on `s` until the server ends it or `read_timeout` passes.
pub fn read_answer(mut s: TcpStream, read_timeout: Duration) -> Answer {
    s.set_read_timeout(Some(read_timeout)).unwrap();
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
        Answer {
            code,
            body: dechunk(body),
            chunked,
            complete: body.ends_with("0\r\n\r\n"),
        }
    } else {
        Answer {
            code,
            body: body.to_string(),
            chunked,
            complete: true,
        }
    }
}

/// One request and its answer, off the runtime's worker threads.
pub async fn http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
    read_timeout: Duration,
) -> Answer {
    let (method, url, body) = (method.to_string(), url.to_string(), body.to_string());
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        read_answer(send(&method, &url, &h, &body), read_timeout)
    })
    .await
    .unwrap()
}

/// `METHOD path` on the emulated API server (plain HTTP, no credentials): (status, body).
pub async fn kube_api(sim: &SimHandle, method: &str, path: &str, body: &str) -> (u16, String) {
    let url = format!("{}{path}", sim.kube_url);
    let a = http(method, &url, &[], body, Duration::from_secs(10)).await;
    (a.code, a.body)
}

/// `kube_api`, with the answer's first line as JSON (`null` when there is none).
pub async fn kube_json(sim: &SimHandle, method: &str, path: &str, body: &str) -> (u16, Value) {
    let (code, body) = kube_api(sim, method, path, body).await;
    let v = serde_json::from_str(body.lines().next().unwrap_or("null"))
        .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {body}"));
    (code, v)
}

/// A POST to a control endpoint (`/_sim/...`) with a JSON body; the status code.
pub async fn control(sim: &SimHandle, path: &str, body: &str) -> u16 {
    let url = format!("{}{path}", sim.aws_url);
    http("POST", &url, &[], body, Duration::from_secs(30))
        .await
        .code
}

/// The body of a chunked answer, as far as it arrived (a cut-off chunk ends it).
fn dechunk(mut body: &str) -> String {
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
pub fn events(body: &str) -> Vec<Value> {
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}
