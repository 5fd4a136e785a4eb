//! `eksauto watch nodes` on a real pseudo-terminal (a tmux pane of 150×40): it draws one clean
//! frame in the alternate screen — no stray escape sequences, no line wider than the pane, the
//! header once — redraws it in place when a node is cordoned, and on `q` leaves the alternate
//! screen, prints its last frame on the normal screen and exits 0.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use eksauto::sim::SimHandle;

const WIDTH: usize = 150;

/// A tmux server of our own (its socket in a fresh directory); killed when dropped, whatever
/// happened.
struct Tmux {
    dir: tempfile::TempDir,
}

impl Tmux {
    fn command(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S").arg(self.dir.path().join("tmux.sock"));
        cmd
    }

    async fn run(&self, args: &[&str]) -> String {
        let mut cmd = self.command();
        cmd.args(args);
        let (code, out, err) = common::run(cmd).await;
        assert_eq!(code, 0, "tmux {args:?}: {err}");
        out
    }

    /// The pane as text, wrapped lines joined (`-J`), trailing blank lines dropped.
    async fn screen(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-J", "-t", "watch"]).await;
        out.trim_end().to_string()
    }

    /// Captures the pane until `pred` holds; the last capture.
    async fn wait_screen(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let s = self.screen().await;
            if pred(&s) {
                return s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no {what} on the screen:\n{s}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn alternate_on(&self) -> String {
        self.run(&["display", "-p", "-t", "watch", "#{alternate_on}"])
            .await
            .trim()
            .to_string()
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

fn start(sim: &SimHandle) -> Tmux {
    let tmux = Tmux {
        dir: tempfile::tempdir().expect("a temporary directory"),
    };
    let mut cmd = tmux.command();
    // the server, and so the pane's shell, gets the emulator's environment
    common::with_sim_env(&mut cmd, sim);
    let shell = format!(
        "{} watch nodes; echo EXIT=$?; sleep 60",
        env!("CARGO_BIN_EXE_eksauto")
    );
    let width = WIDTH.to_string();
    cmd.args([
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "watch",
        "-x",
        &width,
        "-y",
        "40",
    ])
    .arg(shell);
    let status = cmd.status().expect("tmux runs");
    assert!(status.success(), "tmux new-session failed");
    tmux
}

/// What every frame must be: no escape sequence left as text, nothing wider than the pane, the
/// title and the table header once each, the node's row once.
fn check_frame(screen: &str, node: &str) {
    assert!(!screen.contains('\x1b'), "raw escape in:\n{screen:?}");
    for garbage in ["[?1049", "[?25", "[0m", "[2J", "[H"] {
        assert!(!screen.contains(garbage), "{garbage} in:\n{screen}");
    }
    for l in screen.lines() {
        assert!(l.chars().count() <= WIDTH, "wider than {WIDTH}: {l:?}");
    }
    let count = |pred: &dyn Fn(&str) -> bool| screen.lines().filter(|l| pred(l)).count();
    assert_eq!(
        count(&|l| l.starts_with("interesting-funk-otter (ap-northeast-1) · ")),
        1,
        "the title once:\n{screen}"
    );
    assert_eq!(
        count(&|l| l.starts_with("NODE ") && l.contains(" STATUS ")),
        1,
        "the header once:\n{screen}"
    );
    assert_eq!(
        count(&|l| l.starts_with(node)),
        1,
        "the row once:\n{screen}"
    );
}

fn row<'a>(screen: &'a str, node: &str) -> Vec<&'a str> {
    screen
        .lines()
        .find(|l| l.starts_with(node))
        .unwrap_or_else(|| panic!("no row {node}:\n{screen}"))
        .split_whitespace()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frame_redraws_in_place_and_q_restores_the_terminal() {
    let sim = common::start_sim("article", true).await;
    let mut get = common::kubectl(&sim);
    get.args(["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"]);
    let (_, node, _) = common::run(get).await;
    assert!(node.starts_with("i-"), "{node}");

    let tmux = start(&sim);
    let first = tmux
        .wait_screen("node row", |s| s.lines().any(|l| l.starts_with(&node)))
        .await;
    check_frame(&first, &node);
    assert_eq!(row(&first, &node)[1], "Ready", "{first}");
    assert_eq!(
        tmux.alternate_on().await,
        "1",
        "drawn in the alternate screen"
    );

    let mut cordon = common::kubectl(&sim);
    cordon.args(["cordon", &node]);
    let (code, _, err) = common::run(cordon).await;
    assert_eq!(code, 0, "{err}");
    let cordoned = tmux
        .wait_screen("SchedulingDisabled", |s| {
            s.lines()
                .any(|l| l.starts_with(&node) && l.contains(" SchedulingDisabled "))
        })
        .await;
    check_frame(&cordoned, &node);
    assert_eq!(row(&cordoned, &node)[1], "SchedulingDisabled");

    tmux.run(&["send-keys", "-t", "watch", "q"]).await;
    let last = tmux
        .wait_screen("EXIT=", |s| s.lines().any(|l| l.starts_with("EXIT=")))
        .await;
    assert_eq!(last.lines().last(), Some("EXIT=0"), "{last}");
    assert_eq!(
        tmux.alternate_on().await,
        "0",
        "the alternate screen is left"
    );
    // the normal screen: the last frame, then the shell's EXIT=0
    let frame = last.strip_suffix("EXIT=0").unwrap().trim_end();
    check_frame(frame, &node);
    assert_eq!(row(frame, &node)[1], "SchedulingDisabled", "{last}");
    assert!(
        frame
            .lines()
            .next()
            .unwrap()
            .starts_with("interesting-funk-otter"),
        "the frame starts the screen:\n{last}"
    );
    assert!(
        !frame.contains("q quit"),
        "no key hint once it is over:\n{last}"
    );
}
