//! Following the control-plane update: DescribeUpdate with a spinner until it ends, then
//! DescribeCluster until it reports the new version (it can lag right after `Successful`). EKS
//! has no watch for updates: these are the only polls, every few seconds.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tokio::time::Instant;

use crate::clients::Aws;
use crate::error::{classify, Error};
use crate::facts::eks::{describe_cluster, update_facts};
use crate::facts::model::UpdateFacts;
use crate::output::Printer;
use crate::version::Minor;

/// Between two DescribeUpdate calls.
const POLL: Duration = Duration::from_secs(5);
/// How long DescribeCluster may keep reporting the old version after `Successful`.
const VERSION_LAG: Duration = Duration::from_secs(300);
/// Without a terminal, the update's state is said at least this often (a log shows it is alive).
const HEARTBEAT: Duration = Duration::from_secs(30);

/// How the update's progress is shown.
#[derive(Debug, Clone, Copy)]
pub enum Show<'a> {
    /// A spinner on the terminal.
    Spinner,
    /// A line for people when the state changes and every [`HEARTBEAT`] (logs).
    Lines(&'a Printer),
    /// Nothing (`-o json`: the update's documents say it).
    Quiet,
}

/// DescribeUpdate.
pub async fn describe(aws: &Aws, cluster: &str, id: &str) -> Result<UpdateFacts, Error> {
    let out = aws
        .eks
        .describe_update()
        .name(cluster)
        .update_id(id)
        .send()
        .await
        .map_err(|e| classify("DescribeUpdate", &aws.eks_endpoint, e).into_error())?;
    out.update().map(update_facts).ok_or_else(|| Error::Api {
        operation: "DescribeUpdate".into(),
        detail: format!("no update {id}"),
    })
}

/// Follows the update until it is no longer InProgress, shown as `show` says; returns its last
/// state. DescribeUpdate errors are retried (the SDK retries throttling itself) up to a few in a
/// row.
pub async fn follow(
    aws: &Aws,
    cluster: &str,
    first: UpdateFacts,
    show: Show<'_>,
) -> Result<UpdateFacts, Error> {
    let spinner = if matches!(show, Show::Spinner) {
        let s = ProgressBar::new_spinner();
        s.set_style(
            ProgressStyle::with_template("{spinner} control plane {msg} · {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        s.enable_steady_tick(Duration::from_millis(120));
        Some(s)
    } else {
        None
    };
    let version = first.version.clone().unwrap_or_default();
    let mut last = first;
    let mut failures = 0;
    let started = Instant::now();
    let mut said: Option<(String, Instant)> = None;
    while last.status == "InProgress" {
        let state = format!("update {} to {version}: {}", short(&last.id), last.status);
        if let Some(s) = &spinner {
            s.set_message(state.clone());
        }
        let due = said
            .as_ref()
            .is_none_or(|(s, at)| *s != state || at.elapsed() >= HEARTBEAT);
        if let (Show::Lines(printer), true) = (show, due) {
            let secs = started.elapsed().as_secs();
            printer.note(&format!(
                "control plane {state} · {}m{:02}s",
                secs / 60,
                secs % 60
            ));
            said = Some((state, Instant::now()));
        }
        tokio::time::sleep(POLL).await;
        match describe(aws, cluster, &last.id).await {
            Ok(u) => {
                failures = 0;
                last = u;
            }
            Err(e) if failures < 5 => {
                failures += 1;
                tracing::warn!("DescribeUpdate failed ({failures}): {e}");
            }
            Err(e) => {
                if let Some(s) = spinner {
                    s.finish_and_clear();
                }
                return Err(e);
            }
        }
    }
    let state = format!("update {} to {version}: {}", short(&last.id), last.status);
    match (spinner, show) {
        (Some(s), _) => s.finish_with_message(state),
        (None, Show::Lines(printer)) => printer.note(&format!("control plane {state}")),
        (None, _) => {}
    }
    Ok(last)
}

/// Waits (bounded) until DescribeCluster reports `target`: right after `Successful` it can still
/// report the old version for a short while.
pub async fn wait_for_version(aws: &Aws, cluster: &str, target: Minor) -> Result<(), Error> {
    let until = Instant::now() + VERSION_LAG;
    loop {
        match describe_cluster(aws, cluster).await {
            Ok(c) if Minor::parse(&c.version) == Some(target) => return Ok(()),
            Ok(_) | Err(_) if Instant::now() < until => tokio::time::sleep(POLL).await,
            Ok(c) => {
                return Err(Error::Timeout(format!(
                    "the update succeeded but DescribeCluster still reports {} after {} s",
                    c.version,
                    VERSION_LAG.as_secs()
                )))
            }
            Err(f) => return Err(f.into_error()),
        }
    }
}

/// The first 8 characters of an update id.
fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}
