//! A long-running command (`kubectl get -w`, `eksauto watch`, an upgrade followed line by line)
//! whose stdout lines arrive on a channel; killed when dropped.

use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

pub struct Streaming {
    pub child: Child,
    pub lines: Receiver<String>,
}

impl Streaming {
    /// Starts `cmd`, its stderr thrown away.
    pub fn spawn(cmd: Command) -> Streaming {
        Streaming::start(cmd, Stdio::null())
    }

    /// `spawn`, with the command's stderr written to `stderr` instead of thrown away.
    pub fn spawn_with_stderr(cmd: Command, stderr: &Path) -> Streaming {
        let file = std::fs::File::create(stderr).expect("stderr file");
        Streaming::start(cmd, file.into())
    }

    fn start(mut cmd: Command, stderr: Stdio) -> Streaming {
        cmd.stdout(Stdio::piped()).stderr(stderr);
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
        let start = Instant::now();
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
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.code().unwrap_or(-1));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// Every line that has arrived so far, without waiting.
    pub fn drain(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }
}

impl Drop for Streaming {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
