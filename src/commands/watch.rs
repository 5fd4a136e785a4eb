//! `eksauto watch nodes|pods|pdb|rotation`: connect to the Kubernetes API (no AWS call), start the
//! view's watchers, and run the live runtime until the view ends: `q` or Ctrl-C for every view, and
//! for `rotation` every node on the target (a PDB violated on the way is its own outcome), the
//! deadline, or `q` while the rotation goes on.

use jiff::{SignedDuration, Timestamp};
use tokio::time::Instant;

use crate::cli::{GlobalArgs, RotationArgs, WatchCommand};
use crate::connect::{self, KubeConnection};
use crate::error::{one_line, root_cause, Error};
use crate::facts::kube::refused_credentials;
use crate::live::feed::{self, FeedConfig};
use crate::live::policy::Goal;
use crate::live::State;
use crate::outcome::Outcome;
use crate::output::Printer;
use crate::runtime::app::{App, End, Ended, Mode};
use crate::runtime::session;
use crate::ui::live::Context;
use crate::ui::views::View;
use crate::ui::views::{nodes::NodesView, pdbs::PdbsView, pods::PodsView, rotation::RotationView};
use crate::version::Minor;

/// Runs a live view until it ends.
pub async fn run(global: &GlobalArgs, what: &WatchCommand) -> Result<Outcome, Error> {
    let (view, once, feed): (&dyn View, bool, FeedConfig) = match what {
        WatchCommand::Nodes(a) => (&NodesView, a.once, all(&NodesView)),
        WatchCommand::Pods(a) => (
            &PodsView,
            a.watch.once,
            FeedConfig {
                namespace: a.namespace.clone(),
                selector: a.selector.clone(),
                ..all(&PodsView)
            },
        ),
        WatchCommand::Pdb(a) => (&PdbsView, a.once, all(&PdbsView)),
        WatchCommand::Rotation(a) => (&RotationView, a.watch.once, all(&RotationView)),
    };
    let conn = connect::kube_only(global, feed::READ_TIMEOUT).await?;
    let server_version = server_version(&conn).await?;
    let goal = match what {
        WatchCommand::Rotation(a) => Some(goal(a, &server_version)?),
        _ => None,
    };
    let printer = Printer::new(global.output);
    let rx = session::watch(global, &conn.kube, feed);
    // Old nodes are those not on the rotation's target, else not on the control plane's version.
    let target = goal
        .map(|g| g.target)
        .or_else(|| Minor::parse(&server_version));
    let cx = Context {
        cluster: conn.cluster.clone(),
        region: conn.region.clone(),
        server_version,
    };
    let mode = Mode::pick(once, printer.json());
    let mut app = App::new(
        view,
        mode,
        cx,
        State::new(target, Timestamp::now()),
        &printer,
    );
    if let (Some(g), WatchCommand::Rotation(a)) = (goal, what) {
        app = app.following(g, a.timeout.map(|t| Instant::now() + t));
    }
    let outcome = outcome(app.run(rx).await?);
    if let Outcome::Left { on_target, total } = outcome {
        printer.note(&format!(
            "Left the view with {on_target} of {total} nodes on the target: the rotation goes on (run the same command to follow it again)."
        ));
    }
    Ok(outcome)
}

/// Every object of the kinds `view` needs.
fn all(view: &dyn View) -> FeedConfig {
    FeedConfig::all(view.kinds().to_vec())
}

/// The API server's `/version` (`v1.31.1-eks-…`); also proves the credentials work.
async fn server_version(conn: &KubeConnection) -> Result<String, Error> {
    let info = conn
        .kube
        .client
        .apiserver_version()
        .await
        .map_err(|e| match &e {
            kube::Error::Api(s) if matches!(s.code, 401 | 403) => {
                Error::KubeAccess(refused_credentials(&conn.kube.url, &conn.kube.context))
            }
            _ => Error::Kubeconfig(format!(
                "cannot reach the Kubernetes API at {} (context {}): {}",
                conn.kube.url,
                conn.kube.context,
                one_line(&root_cause(&e))
            )),
        })?;
    Ok(info.git_version)
}

/// The rotation's goal: `--to`, else the control plane's own version.
fn goal(a: &RotationArgs, server_version: &str) -> Result<Goal, Error> {
    let target = match a.to {
        Some(t) => t,
        None => Minor::parse(server_version).ok_or_else(|| {
            Error::Usage(format!(
                "the API server reports version {server_version:?}, which is not a Kubernetes version: pass --to X.Y"
            ))
        })?,
    };
    Ok(Goal {
        target,
        stall_after: SignedDuration::try_from(a.stall_after)
            .unwrap_or(SignedDuration::from_secs(600)),
    })
}

/// How the view ended, in the command's terms: leaving a rotation that goes on is its own outcome.
/// A violation outweighs a deadline: the rotation ran out of time and broke a PDB on the way.
fn outcome(ended: Ended) -> Outcome {
    match (ended.end, &ended.rotation) {
        (End::TimedOut, Some(_)) if ended.violated() => Outcome::PdbViolated,
        (End::Quit, Some(r)) => Outcome::Left {
            on_target: r.on_target,
            total: r.total,
        },
        (End::Closed | End::Quit, _) => Outcome::Done,
        (End::Interrupted, _) => Outcome::Interrupted,
        (End::TimedOut, _) => Outcome::TimedOut,
        (End::Complete(c), _) if c.violated => Outcome::PdbViolated,
        (End::Complete(_), _) => Outcome::Done,
    }
}
