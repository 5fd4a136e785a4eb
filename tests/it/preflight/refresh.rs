//! `preflight --refresh-insights`: starts an insights refresh, waits until the emulator reports it
//! COMPLETED (virtual time has to move for that), then checks as usual. The refresh is the only
//! write preflight ever makes.

use crate::common;

use std::time::Duration;

use eksauto_sim::SimHandle;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_waits_for_completion() {
    let sim = common::start_sim("article", true).await;
    let cmd = common::eksauto(
        &sim,
        [
            "preflight",
            "--refresh-insights",
            "--only",
            "INS001",
            "-o",
            "json",
        ],
    );
    let run = tokio::spawn(common::run(cmd));
    // Let the refresh start, then move virtual time past its duration.
    assert!(refresh_started(&sim).await, "no StartInsightsRefresh");
    assert!(!run.is_finished(), "preflight did not wait for the refresh");
    // Let it poll the refresh while it is still in progress, then complete it.
    let before = clock_now(&sim).await;
    common::wait_for_requests(&sim, "DescribeInsightsRefresh", 1, Duration::from_secs(10)).await;
    common::advance(&sim, 60);
    let after = clock_now(&sim).await;
    let (code, out, err) = tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("preflight finishes once the refresh completes")
        .unwrap();
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["id"] == "INS001"));
    let log = common::request_log(&sim).await;
    let writes: Vec<_> = log.iter().filter(|r| r["mutating"] == true).collect();
    assert!(
        writes
            .iter()
            .all(|r| r["operation"] == "StartInsightsRefresh"),
        "{writes:?}"
    );
    // The order: StartInsightsRefresh → DescribeInsightsRefresh while IN_PROGRESS (virtual time
    // still at the start) → DescribeInsightsRefresh once COMPLETED (after the advance) →
    // ListInsights; no insight is listed before the refresh completed.
    let ops: Vec<(&str, &str)> = log
        .iter()
        .map(|r| (r["operation"].as_str().unwrap(), r["at"].as_str().unwrap()))
        .filter(|(op, _)| op.contains("Insight"))
        .collect();
    let start = ops
        .iter()
        .position(|(op, _)| *op == "StartInsightsRefresh")
        .unwrap();
    let describes: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].0 == "DescribeInsightsRefresh")
        .collect();
    let lists: Vec<usize> = (0..ops.len())
        .filter(|&i| ops[i].0 == "ListInsights")
        .collect();
    assert!(!describes.is_empty() && !lists.is_empty(), "{ops:?}");
    assert!(describes[0] > start, "{ops:?}");
    assert!(
        describes.iter().any(|&i| ops[i].1 == before),
        "no poll while in progress: {ops:?}"
    );
    let last = *describes.last().unwrap();
    assert_eq!(
        ops[last].1, after,
        "last poll is not the completed one: {ops:?}"
    );
    assert!(
        lists.iter().all(|&i| i > last),
        "insights listed before the refresh completed: {ops:?}"
    );
}

/// Whether preflight started an insights refresh within 10 s.
async fn refresh_started(sim: &SimHandle) -> bool {
    common::wait_for_requests(sim, "StartInsightsRefresh", 1, Duration::from_secs(10)).await
}

/// The emulator's virtual time (`GET /_sim/clock`), as the request log writes it.
async fn clock_now(sim: &SimHandle) -> String {
    let url = format!("{}/_sim/clock", sim.aws_url);
    let answer = common::http("GET", &url, &[], "", Duration::from_secs(30)).await;
    let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    v["now"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_while_waiting_exits_130() {
    let sim = common::start_sim("article", true).await;
    let mut cmd = common::eksauto(&sim, ["preflight", "--refresh-insights"]);
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let pid = child.id().to_string();
    assert!(refresh_started(&sim).await, "no StartInsightsRefresh");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.starts_with("error: interrupted"), "{err}");
}
