//! `eksauto upgrade` asking for its confirmation on a real pseudo-terminal (a tmux pane): the
//! `[y/N]` prompt comes after the plan and before any change; `n` cancels with exit 1 and nothing
//! changed; `y` starts exactly one UpdateClusterVersion and, with `--no-rotation`, exits 0 once the
//! control plane runs the target. At 80 columns the plan's rows wrap at words, under their value.

use crate::common;

use std::time::Duration;

use common::Tmux;
use eksauto_sim::SimHandle;

const PROMPT: &str = "Upgrade interesting-funk-otter to 1.31? [y/N]";

/// Starts `eksauto upgrade ARGS` in a 200×50 pane.
fn start(sim: &SimHandle, args: &str) -> Tmux {
    Tmux::start(sim, "up", (200, 50), &format!("upgrade {args}"))
}

/// Waits for the prompt, checks nothing was changed yet, and answers `key`.
async fn answer(tmux: &Tmux, sim: &SimHandle, key: &str) {
    let s = tmux
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
    tmux.send_keys(key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n_cancels_without_a_change_and_y_upgrades_once() {
    let sim = common::start_sim_fast("article", 60.0).await;

    let no = start(&sim, "--to 1.31 --no-rotation");
    answer(&no, &sim, "n").await;
    let (screen, code) = no.wait_exit(Duration::from_secs(30)).await;
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

    let yes = start(&sim, "--to 1.31 --no-rotation");
    answer(&yes, &sim, "y").await;
    let (screen, code) = yes.wait_exit(Duration::from_secs(90)).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_80_columns_the_plan_wraps_at_words_under_its_values() {
    let sim = common::start_sim("blocked", true).await;
    let tmux = Tmux::start(&sim, "narrow", (80, 200), "upgrade --to 1.32 --dry-run");
    let (screen, code) = tmux.wait_exit(Duration::from_secs(60)).await;
    assert_eq!(
        code, "1",
        "the blocked cluster fails its preflight:\n{screen}"
    );
    let plan: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.starts_with("Upgrade stuck-cluster 1.31 → 1.32"))
        .take_while(|l| !l.starts_with("error:") && !l.starts_with("EXIT="))
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(plan.len() > 5, "{screen}");
    let mut continued = 0;
    for l in &plan[1..] {
        // A row starts with its label; a continuation under the row's value (column 19), never
        // at the left edge where the terminal would put a word cut in two.
        let row = l.starts_with("  ") && !l.starts_with("   ");
        let continuation = l.starts_with(&" ".repeat(19)) && !l[19..].starts_with(' ');
        assert!(row || continuation, "{l:?} in:\n{}", plan.join("\n"));
        assert!(l.chars().count() <= 80, "{l:?}");
        continued += usize::from(continuation);
    }
    assert!(continued > 0, "nothing was long enough to wrap:\n{screen}");
}
