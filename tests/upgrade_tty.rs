//! `eksauto upgrade` asking for its confirmation on a real pseudo-terminal (a tmux pane): the
//! `[y/N]` prompt comes after the plan and before any change; `n` cancels with exit 1 and nothing
//! changed; `y` starts exactly one UpdateClusterVersion and, with `--no-rotation`, exits 0 once the
//! control plane runs the target.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use eksauto::sim::SimHandle;

const PROMPT: &str = "Upgrade interesting-funk-otter to 1.31? [y/N]";

/// A tmux server of our own (its socket in a fresh directory) running one upgrade in a pane;
/// killed when dropped, whatever happened.
struct Tmux {
    dir: tempfile::TempDir,
}

impl Tmux {
    fn command(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S").arg(self.dir.path().join("tmux.sock"));
        cmd
    }

    /// Starts `eksauto upgrade ARGS` in a 200×50 pane whose shell has the emulator's environment;
    /// the shell prints `EXIT=<code>` when it ends.
    fn start(sim: &SimHandle, args: &str) -> Tmux {
        let tmux = Tmux {
            dir: tempfile::tempdir().expect("a temporary directory"),
        };
        let mut cmd = tmux.command();
        common::with_sim_env(&mut cmd, sim);
        let shell = format!(
            "{} upgrade {args}; echo EXIT=$?; sleep 120",
            env!("CARGO_BIN_EXE_eksauto")
        );
        cmd.args(["-f", "/dev/null", "new-session", "-d", "-s", "up"])
            .args(["-x", "200", "-y", "50"])
            .arg(shell);
        let status = cmd.status().expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    async fn run(&self, args: &[&str]) -> String {
        let mut cmd = self.command();
        cmd.args(args);
        let (code, out, err) = common::run(cmd).await;
        assert_eq!(code, 0, "tmux {args:?}: {err}");
        out
    }

    /// The pane as text, wrapped lines joined, trailing blank lines dropped.
    async fn screen(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-J", "-t", "up"]).await;
        out.trim_end().to_string()
    }

    async fn wait_screen(
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

    /// Waits for the prompt, checks nothing was changed yet, and answers `key`.
    async fn answer(&self, sim: &SimHandle, key: &str) {
        let s = self
            .wait_screen("prompt", Duration::from_secs(60), |s| s.contains("[y/N]"))
            .await;
        let prompt = s.lines().rev().find(|l| l.contains("[y/N]")).unwrap();
        assert_eq!(prompt.trim(), PROMPT, "{s}");
        assert!(
            s.contains("estimate ") && s.contains("control plane    UpdateClusterVersion 1.31"),
            "the plan comes before the question:\n{s}"
        );
        assert_eq!(
            common::mutating_operations(sim).await,
            Vec::<String>::new(),
            "nothing changes before the answer"
        );
        self.run(&["send-keys", "-t", "up", key]).await;
    }

    /// The screen once the shell printed `EXIT=`, and the code.
    async fn exit(&self, within: Duration) -> (String, String) {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_cancels_without_a_change_and_y_upgrades_once() {
    let sim = common::start_sim_fast("article", 60.0).await;

    let no = Tmux::start(&sim, "--to 1.31 --no-rotation");
    no.answer(&sim, "n").await;
    let (screen, code) = no.exit(Duration::from_secs(30)).await;
    assert_eq!(code, "1", "{screen}");
    assert!(
        screen.contains("Upgrade cancelled: nothing was changed."),
        "{screen}"
    );
    assert_eq!(
        common::mutating_operations(&sim).await,
        Vec::<String>::new()
    );
    drop(no);

    let yes = Tmux::start(&sim, "--to 1.31 --no-rotation");
    yes.answer(&sim, "y").await;
    let (screen, code) = yes.exit(Duration::from_secs(90)).await;
    assert_eq!(code, "0", "{screen}");
    assert!(!screen.contains("Upgrade cancelled"), "{screen}");
    assert!(screen.contains("Control plane now runs 1.31."), "{screen}");
    assert!(
        screen.contains(
            "Upgrade of interesting-funk-otter 1.30 → 1.31 stopped after the control plane"
        ),
        "{screen}"
    );
    assert_eq!(
        common::mutating_operations(&sim).await,
        ["UpdateClusterVersion"]
    );
}
