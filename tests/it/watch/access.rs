//! Credentials the API server refuses end a live view at once: one line naming them (the same as
//! `preflight` gives), exit 2, and a handful of requests in the emulator's log — one fresh
//! credential is tried, never a loop.

use std::process::Stdio;
use std::time::{Duration, Instant};

use eksauto_sim::faults::ErrorKind;

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_end_a_view_with_one_line() {
    let sim = common::start_sim("article", true).await;
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = common::refused_kubeconfig(&sim, dir.path());
    for args in [
        &["watch", "nodes", "--once"][..],
        &["watch", "rotation", "--to", "1.31"][..],
    ] {
        let before = common::requests_named(&sim, "refused").await;
        let mut cmd = common::eksauto(&sim, args);
        cmd.env("KUBECONFIG", &kubeconfig).stdin(Stdio::null());
        let started = Instant::now();
        let (code, out, err) = common::run(cmd).await;
        assert!(started.elapsed() < Duration::from_secs(10), "{args:?}");
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("error: ") && err.contains("refused the credentials"),
            "{err}"
        );
        let refused = common::requests_named(&sim, "refused").await - before;
        assert!(
            (1..=20).contains(&refused),
            "{args:?}: {refused} refused requests"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_watch_ends_the_view_after_one_fresh_credential() {
    let sim = common::start_sim("article", true).await;
    common::plan_faults(
        &sim,
        [common::fault(
            "kubernetes:list nodes",
            ErrorKind::AccessDenied,
            None,
        )],
    );
    let mut cmd = common::eksauto(&sim, ["watch", "nodes", "--once"]);
    cmd.stdin(Stdio::null());
    let started = Instant::now();
    let (code, out, err) = common::run(cmd).await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("403 Forbidden") && err.contains("watch of"),
        "{err}"
    );
    // One list, and one more with fresh credentials: no loop.
    let lists = common::requests_named(&sim, "list nodes").await;
    assert!(
        (1..=4).contains(&lists),
        "{lists} lists of nodes, not a handful"
    );
}
