//! `eksauto upgrade` refusing what it cannot do, before anything is changed: a target that skips
//! a minor, a downgrade, the version the cluster already runs (nothing to do, exit 0), a
//! malformed version, an unknown cluster (the error lists the clusters), no terminal and no
//! `--yes`, an unreachable endpoint, a cluster not in Auto Mode, `--timeout 0`. Each gives its
//! exit code and one `error:` line naming what was wrong, and the emulator's request log shows no
//! mutating call.

use crate::common::{self, Refusal};

use std::time::Duration;

use eksauto_sim::SimHandle;

fn case(args: &[&str], code: i32, says: &[&str]) -> Refusal {
    Refusal::new(args, code, says)
}

/// Runs `eksauto upgrade ARGS` for every case against `sim`; the problems found, one line each.
async fn check(sim: &SimHandle, cases: Vec<Refusal>) -> Vec<String> {
    common::refusal_problems(sim, &["upgrade"], cases, Duration::from_secs(20)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_targets_and_flags_are_refused_before_anything_changes() {
    let sim = common::start_sim("article", true).await;
    let dir = tempfile::tempdir().unwrap();
    // A kubeconfig whose context is not named by the cluster ARN, so --cluster decides.
    let plain = common::plain_kubeconfig(&sim, dir.path())
        .display()
        .to_string();

    let mut no_tty = case(
        &["--to", "1.31"],
        2,
        &["refusing to upgrade without a confirmation", "--yes"],
    );
    no_tty.stdout_allowed = true;
    let cases = vec![
        case(
            &["--to", "1.32", "--yes"],
            2,
            &["1.30 → 1.32", "skips 1 minor", "1.31 first"],
        ),
        case(
            &["--to", "1.29", "--yes"],
            2,
            &["1.30 → 1.29 is a downgrade"],
        ),
        case(
            &["--to", "1.30", "--yes"],
            0,
            &["already runs 1.30 and every node runs it: nothing to do"],
        ),
        case(&["--to", "1.x", "--yes"], 2, &["'1.x'", "--to"]),
        case(
            &[
                "--cluster",
                "nope",
                "--kubeconfig",
                &plain,
                "--to",
                "1.31",
                "--yes",
            ],
            2,
            &[
                "\"nope\" not found",
                "clusters in ap-northeast-1: interesting-funk-otter",
            ],
        ),
        no_tty,
        case(
            &[
                "--to",
                "1.31",
                "--yes",
                "--endpoint-url",
                "http://127.0.0.1:1",
            ],
            2,
            &["cannot reach the EKS endpoint http://127.0.0.1:1"],
        ),
        case(
            &["--to", "1.31", "--yes", "--timeout", "0"],
            2,
            &["'0'", "--timeout"],
        ),
        case(
            &["--to", "1.31", "--yes", "--stall-after", "ten"],
            2,
            &["'ten'", "--stall-after"],
        ),
    ];
    let failures = check(&sim, cases).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        common::mutating_operations(&sim).await,
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_without_auto_mode_is_refused() {
    let scenario = common::test_scenario("article-not-auto-mode.yaml");
    let sim = common::start_sim(&scenario, true).await;
    let failures = check(
        &sim,
        vec![case(
            &["--to", "1.31", "--yes"],
            2,
            &[
                "cluster interesting-funk-otter does not use EKS Auto Mode (compute is off)",
                "node groups",
            ],
        )],
    )
    .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        common::mutating_operations(&sim).await,
        Vec::<String>::new()
    );
}

/// The report path is checked before anything changes; version errors read as sentences.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_report_path_is_refused_before_the_update() {
    // A running clock: if the update is (wrongly) started, it ends and the command exits.
    let sim = common::start_sim_fast("article", 60.0).await;
    let failures = check(
        &sim,
        vec![case(
            &[
                "--to",
                "1.31",
                "--yes",
                "--no-rotation",
                "--report",
                "/nonexistent/r.json",
            ],
            2,
            &["/nonexistent/r.json"],
        )],
    )
    .await;
    let writes = common::mutating_operations(&sim).await;
    assert!(
        failures.is_empty() && writes.is_empty(),
        "{}\nmutating calls: {writes:?}",
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn version_errors_read_as_sentences() {
    let sim = common::start_sim("article", true).await;
    let mut failures = Vec::new();
    for (to, bad) in [
        ("1.32", "one minor at a time Upgrade"),
        ("1.29", "downgrade a cluster Choose"),
        ("2.0", "skips 69 minor"),
    ] {
        let (code, _, err) =
            common::run(common::eksauto(&sim, ["upgrade", "--yes", "--to", to])).await;
        if code != 2 || err.contains(bad) {
            failures.push(format!("--to {to}: exit {code}: {err}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
