//! A tmux server of a test's own (its socket in a fresh directory) running one `eksauto` command
//! in a pane whose shell has the emulator's environment and prints `EXIT=<code>` when the command
//! ends; killed when dropped, whatever happened.

use std::process::Command;
use std::time::{Duration, Instant};

use eksauto_sim::SimHandle;

use super::commands::{run, with_sim_env};

pub struct Tmux {
    dir: tempfile::TempDir,
    /// The session (and pane target) name.
    pub session: &'static str,
}

impl Tmux {
    /// Starts `eksauto ARGS` in a WIDTH×HEIGHT pane.
    pub fn start(sim: &SimHandle, session: &'static str, size: (usize, usize), args: &str) -> Tmux {
        let tmux = Tmux {
            dir: tempfile::tempdir().expect("a temporary directory"),
            session,
        };
        let mut cmd = tmux.command();
        // the server, and so the pane's shell, gets the emulator's environment
        with_sim_env(&mut cmd, sim);
        let shell = format!(
            "{} {args}; echo EXIT=$?; sleep 120",
            env!("CARGO_BIN_EXE_eksauto")
        );
        let (w, h) = (size.0.to_string(), size.1.to_string());
        cmd.args(["-f", "/dev/null", "new-session", "-d", "-s", session])
            .args(["-x", &w, "-y", &h])
            .arg(shell);
        let status = cmd.status().expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S").arg(self.dir.path().join("tmux.sock"));
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> String {
        let mut cmd = self.command();
        cmd.args(args);
        let (code, out, err) = run(cmd).await;
        assert_eq!(code, 0, "tmux {args:?}: {err}");
        out
    }

    /// The pane as text, wrapped lines joined (`-J`), trailing blank lines dropped.
    pub async fn screen(&self) -> String {
        let out = self
            .run(&["capture-pane", "-p", "-J", "-t", self.session])
            .await;
        out.trim_end().to_string()
    }

    /// Captures the pane until `pred` holds (at most `within`); the last capture.
    pub async fn wait_screen(
        &self,
        what: &str,
        within: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let started = Instant::now();
        loop {
            let s = self.screen().await;
            if pred(&s) {
                return s;
            }
            assert!(started.elapsed() < within, "no {what} on the screen:\n{s}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Captures the pane until the shell has printed `EXIT=<code>` (at most `within`); the screen
    /// and the code.
    pub async fn wait_exit(&self, within: Duration) -> (String, String) {
        let s = self
            .wait_screen("EXIT=", within, |s| {
                s.lines().any(|l| l.starts_with("EXIT="))
            })
            .await;
        let code = s
            .lines()
            .find_map(|l| l.strip_prefix("EXIT="))
            .unwrap()
            .trim()
            .to_string();
        (s, code)
    }

    /// `1` while the pane is on the alternate screen.
    pub async fn alternate_on(&self) -> String {
        self.run(&["display", "-p", "-t", self.session, "#{alternate_on}"])
            .await
            .trim()
            .to_string()
    }

    pub async fn send_keys(&self, keys: &str) {
        self.run(&["send-keys", "-t", self.session, keys]).await;
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self
            .command()
            .arg("kill-server")
            .stderr(std::process::Stdio::null())
            .status();
    }
}
