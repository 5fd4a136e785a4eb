//! `eksauto watch nodes` on a real pseudo-terminal (a tmux pane of 150×40): it draws one clean
//! frame in the alternate screen — no stray escape sequences, no line wider than the pane, the
//! header once — redraws it in place when a node is cordoned, and on `q` leaves the alternate
//! screen, prints its last frame on the normal screen and exits 0.

use crate::common::{self, row};

use std::time::Duration;

use common::Tmux;
use eksauto_sim::SimHandle;

const WIDTH: usize = 150;

fn start(sim: &SimHandle) -> Tmux {
    Tmux::start(sim, "watch", (WIDTH, 40), "watch nodes")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frame_redraws_in_place_and_q_restores_the_terminal() {
    let sim = common::start_sim("article", true).await;
    let node = common::first_node(&sim).await;
    assert!(node.starts_with("i-"), "{node}");

    let tmux = start(&sim);
    let first = tmux
        .wait_screen("node row", Duration::from_secs(30), |s| {
            s.lines().any(|l| l.starts_with(&node))
        })
        .await;
    check_frame(&first, &node);
    assert_eq!(row(&first, &node)[1], "Ready", "{first}");
    assert_eq!(
        tmux.alternate_on().await,
        "1",
        "drawn in the alternate screen"
    );

    common::kubectl_ok(&sim, &["cordon", &node]).await;
    let cordoned = tmux
        .wait_screen("SchedulingDisabled", Duration::from_secs(30), |s| {
            s.lines()
                .any(|l| l.starts_with(&node) && l.contains(" SchedulingDisabled "))
        })
        .await;
    check_frame(&cordoned, &node);
    assert_eq!(row(&cordoned, &node)[1], "SchedulingDisabled");

    tmux.send_keys("q").await;
    let (last, _) = tmux.wait_exit(Duration::from_secs(30)).await;
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
