//! `eksauto upgrade --to X.Y`: connect → gather the preflight's facts → where to start (attach to
//! an update in flight, follow a rotation, or fresh: preflight, plan, confirmation) → the one
//! UpdateClusterVersion → follow it → follow the node rotation live (the `watch rotation` view)
//! → report. Nothing is changed before the confirmation (or `--yes`); re-running attaches to the
//! update in flight instead of starting a second one; Ctrl-C and `q` leave the cluster alone and
//! say how to re-attach.
//!
//! With `-o json`, stdout is NDJSON: `{"plan": …}` (or `{"attach": …}`), the rotation's change
//! lines, then `{"report": …}` (schemas in the README).

use std::io::IsTerminal;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use tokio::time::Instant;

use crate::checks::{Finding, Severity};
use crate::cli::{GlobalArgs, UpgradeArgs};
use crate::clients::Aws;
use crate::commands::preflight;
use crate::connect;
use crate::error::Error;
use crate::facts::{self, model::Facts, model::UpdateFacts};
use crate::live::feed;
use crate::live::policy::Goal;
use crate::outcome::Outcome;
use crate::output::Printer;
use crate::runtime::app::{App, End, Ended, Mode};
use crate::runtime::session::Early;
use crate::ui::live::Context;
use crate::ui::views::rotation::RotationView;
use crate::upgrade::report::{self, Ending, Report, Span};
use crate::upgrade::start::{in_flight, where_to_start, Start};
use crate::upgrade::trigger::{self, Started};
use crate::upgrade::{follow, plan};
use crate::version::Minor;

/// Runs the upgrade. Ctrl-C prints the command that re-attaches.
pub async fn run(global: &GlobalArgs, args: &UpgradeArgs) -> Result<Outcome, Error> {
    tokio::select! {
        r = upgrade(global, args) => r,
        _ = tokio::signal::ctrl_c() => Ok(interrupted(global, args)),
    }
}

fn interrupted(global: &GlobalArgs, args: &UpgradeArgs) -> Outcome {
    crate::ui::live::term::restore();
    Printer::new(global.output).note(&format!(
        "\nInterrupted: the cluster is left as it is (an update or rotation in progress goes on). {}",
        reattach_hint(global, args)
    ));
    Outcome::Interrupted
}

/// The command that re-attaches to what was left running.
fn reattach_hint(global: &GlobalArgs, args: &UpgradeArgs) -> String {
    let mut cmd = String::from("eksauto upgrade");
    if let Some(c) = &global.cluster {
        cmd.push_str(&format!(" --cluster {c}"));
    }
    if let Some(r) = &global.region {
        cmd.push_str(&format!(" --region {r}"));
    }
    if let Some(t) = args.to {
        cmd.push_str(&format!(" --to {t}"));
    }
    format!("Re-attach with: {cmd} --yes")
}

/// What the run does once it knows where it starts.
enum Begun {
    /// Follow this control-plane update, then the rotation.
    Update(UpdateFacts),
    /// Follow the rotation only.
    Rotation,
    /// Nothing more to do.
    Over(Outcome),
}

async fn upgrade(global: &GlobalArgs, args: &UpgradeArgs) -> Result<Outcome, Error> {
    check_report_path(args)?;
    let printer = Printer::new(global.output);
    // One Kubernetes client for the whole run: the preflight's lists, then the rotation's watches.
    let connect::Connection { cluster, aws, kube } =
        connect::connect_with(global, feed::READ_TIMEOUT).await?;
    let kept = tokio::sync::OnceCell::new();
    let kube = async {
        let k = kube.await?;
        let _ = kept.set(k.clone());
        Ok(k)
    };
    let request = facts::Request {
        cluster: &cluster,
        to: args.to,
        refresh_insights: false,
    };
    let facts = facts::gather(&aws, kube, &request).await?;
    if !facts.cluster.auto_mode.compute {
        return Err(Error::Usage(format!(
            "cluster {cluster} does not use EKS Auto Mode (compute is off): eksauto upgrade follows Auto Mode's node rotation; upgrade its node groups with the console or eksctl"
        )));
    }
    let start = where_to_start(&facts, args.to)?;
    let target = start.target(facts.target_version);
    let mut rep = Report::new(&facts.cluster.name, &facts.cluster.version, target);
    let update = match begin(&printer, global, args, &aws, &facts, start, target).await? {
        Begun::Over(outcome) => return Ok(outcome),
        Begun::Update(u) => Some(u),
        Begun::Rotation => None,
    };
    // The rotation's watchers start now, so its first moves are seen even if they come before
    // the update is seen to end.
    let early = match (args.no_rotation, kept.into_inner()) {
        (true, _) => None,
        (false, Some(Ok(kube))) => Some(Early::start(global, &kube, target)),
        (false, Some(Err(why))) => return Err(Error::Kubeconfig(why)),
        (false, None) => {
            return Err(Error::Kubeconfig(
                "the Kubernetes client could not be built".into(),
            ))
        }
    };
    if let Some(u) = update {
        let cp = control_plane(&printer, &aws, &cluster, u, target, &mut rep).await?;
        if cp != Outcome::Done {
            finish_report(&printer, args, &mut rep)?;
            return Ok(cp);
        }
    }
    let Some(early) = early else {
        rep.ending = Ending::ControlPlaneOnly;
        finish_report(&printer, args, &mut rep)?;
        return Ok(Outcome::Done);
    };
    let cx = Context {
        cluster: Some(facts.cluster.name.clone()),
        region: Some(facts.cluster.region.clone()),
        server_version: format!("v{}", facts.cluster.version),
    };
    let ended = rotation(&printer, args, cx, early, target).await?;
    let outcome = rotation_outcome(&ended, &mut rep);
    finish_report(&printer, args, &mut rep)?;
    // Said last, under the report: what still goes on and how to follow it.
    match outcome {
        Outcome::Left { on_target, total } => printer.note(&format!(
            "Left the live view with {on_target} of {total} nodes on {target}: the rotation goes on. {}",
            reattach_hint(global, args)
        )),
        Outcome::Interrupted => printer.note(&format!(
            "Interrupted: the rotation goes on. {}",
            reattach_hint(global, args)
        )),
        _ => {}
    }
    Ok(outcome)
}

/// The report path is checked before anything changes, not after the cluster was upgraded; a
/// file made only to check is removed again, so a run that stops early leaves no empty report.
fn check_report_path(args: &UpgradeArgs) -> Result<(), Error> {
    let Some(path) = &args.report else {
        return Ok(());
    };
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| {
            Error::Usage(format!(
                "cannot write the report to {}: {e} — pass a --report path in a writable directory",
                path.display()
            ))
        })?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// From where the run starts to the update to follow: nothing, an update in flight, or — fresh —
/// the preflight, the plan, the confirmation and the one mutating call.
async fn begin(
    printer: &Printer,
    global: &GlobalArgs,
    args: &UpgradeArgs,
    aws: &Aws,
    facts: &Facts,
    start: Start,
    target: Minor,
) -> Result<Begun, Error> {
    let cluster = &facts.cluster.name;
    match start {
        Start::Done => {
            printer.say(
                &format!("{cluster} already runs {target} and every node runs it: nothing to do."),
                json!({"attach": {"cluster": cluster, "target": target, "nothingToDo": true}}),
            );
            Ok(Begun::Over(Outcome::Done))
        }
        Start::Rotation => {
            printer.say(
                &format!("The control plane of {cluster} already runs {target}; following the node rotation."),
                json!({"attach": {"cluster": cluster, "target": target, "rotation": true}}),
            );
            Ok(Begun::Rotation)
        }
        Start::Attach(u) => {
            printer.say(
                &format!("Update {} of {cluster} to {target} is already in progress: attaching to it (nothing new is started).", u.id),
                json!({"attach": {"cluster": cluster, "target": target, "updateId": u.id}}),
            );
            Ok(Begun::Update(u))
        }
        Start::Fresh => fresh(printer, global, args, aws, facts, target).await,
    }
}

/// Preflight, plan, confirmation, then UpdateClusterVersion.
async fn fresh(
    printer: &Printer,
    global: &GlobalArgs,
    args: &UpgradeArgs,
    aws: &Aws,
    facts: &Facts,
    target: Minor,
) -> Result<Begun, Error> {
    let findings = preflight::evaluate(facts, &[], &[]);
    let the_plan = plan::build(facts, &findings, args.force);
    if printer.json() {
        let pre = crate::ui::json::value(&preflight::report(facts, &findings));
        printer.doc(&json!({"plan": the_plan, "preflight": pre}));
    } else {
        printer.out(&preflight::render(global, facts, &findings));
        printer.text(&format!("\n{}", plan::render(&the_plan)));
    }
    let failed: Vec<&str> = findings
        .iter()
        .filter(|f: &&Finding| f.severity == Severity::Fail)
        .map(|f| f.id.as_str())
        .collect();
    if !failed.is_empty() && !args.ignore_preflight {
        printer.note(&format!(
            "error: the preflight failed ({}): fix what it reports, or pass --ignore-preflight to upgrade anyway; nothing was changed",
            failed.join(", ")
        ));
        return Ok(Begun::Over(Outcome::ChecksFailed));
    }
    if args.dry_run {
        printer.note("Dry run: nothing was changed.");
        return Ok(Begun::Over(Outcome::Done));
    }
    if !args.yes && !confirm(&the_plan)? {
        printer.note("Upgrade cancelled: nothing was changed.");
        return Ok(Begun::Over(Outcome::Declined));
    }
    trigger(printer, aws, facts, args.force, target).await
}

/// The one mutating call, and what its answer means.
async fn trigger(
    printer: &Printer,
    aws: &Aws,
    facts: &Facts,
    force: bool,
    target: Minor,
) -> Result<Begun, Error> {
    let cluster = &facts.cluster.name;
    let token = trigger::request_token(&facts.cluster.arn, &facts.cluster.version, target);
    match trigger::start(aws, cluster, target, force, &token).await? {
        Started::Update(u) => {
            printer.say(
                &format!(
                    "UpdateClusterVersion {target}: update {} {}",
                    u.id, u.status
                ),
                json!({"update": {"id": u.id, "status": u.status}}),
            );
            Ok(Begun::Update(u))
        }
        Started::Blocked(msg) => {
            blocked(printer, facts, &msg);
            Ok(Begun::Over(Outcome::UpdateFailed))
        }
        Started::InUse(msg) => {
            let fresh = facts::eks::updates(aws, cluster).await?;
            let Some(u) = fresh
                .ok()
                .and_then(|us| us.iter().find(|u| in_flight(u)).cloned())
            else {
                return Err(Error::Api {
                    operation: "UpdateClusterVersion".into(),
                    detail: format!("ResourceInUseException: {msg}"),
                });
            };
            printer.say(
                &format!("An update started meanwhile ({}): attaching to it.", u.id),
                json!({"attach": {"updateId": u.id}}),
            );
            Ok(Begun::Update(u))
        }
    }
}

/// Follows the control-plane update to its end; `Done` when it succeeded and DescribeCluster
/// reports the target.
async fn control_plane(
    printer: &Printer,
    aws: &Aws,
    cluster: &str,
    u: UpdateFacts,
    target: Minor,
    rep: &mut Report,
) -> Result<Outcome, Error> {
    // The update's creation time is the cluster's own start of it.
    let start = u.created_at.unwrap_or_else(Timestamp::now);
    let show = if printer.json() {
        follow::Show::Quiet
    } else if std::io::stderr().is_terminal() {
        follow::Show::Spinner
    } else {
        follow::Show::Lines(printer)
    };
    let done = follow::follow(aws, cluster, u, show).await?;
    rep.control_plane = Some(Span {
        start,
        end: Some(Timestamp::now()),
    });
    if done.status != "Successful" {
        rep.ending = Ending::Failed;
        rep.errors = done.errors.clone();
        printer.note(&format!(
            "error: the control-plane update {} ended {}:",
            done.id, done.status
        ));
        for e in &done.errors {
            printer.note(&format!("  {e}"));
        }
        return Ok(Outcome::UpdateFailed);
    }
    follow::wait_for_version(aws, cluster, target).await?;
    if !printer.json() {
        printer.note(&format!("Control plane now runs {target}."));
    }
    Ok(Outcome::Done)
}

/// The rotation view, on the state the early watchers kept.
async fn rotation(
    printer: &Printer,
    args: &UpgradeArgs,
    cx: Context,
    early: Early,
    target: Minor,
) -> Result<Ended, Error> {
    // The stall timer starts with the rotation view (the policy's first look), not with the
    // control-plane update before it.
    let seen = early.finish().await?;
    let goal = Goal {
        target,
        stall_after: SignedDuration::try_from(args.stall_after)
            .unwrap_or(SignedDuration::from_secs(600)),
    };
    let mode = Mode::pick(false, printer.json());
    let mut app = App::new(&RotationView, mode, cx, seen.state, printer)
        .following(goal, args.timeout.map(|t| Instant::now() + t));
    // What the watchers saw while the control plane was updating comes first.
    app.replay(seen.lines);
    app.run(seen.rx).await
}

/// The rotation's part of the report, and how the upgrade ended.
fn rotation_outcome(ended: &Ended, rep: &mut Report) -> Outcome {
    report::rotation_part(rep, ended);
    match ended.end {
        End::Complete(c) if c.violated => Outcome::PdbViolated,
        End::Complete(_) => Outcome::Done,
        // A violation outweighs the deadline (the report still says it timed out).
        End::TimedOut if ended.violated() => Outcome::PdbViolated,
        End::TimedOut => Outcome::TimedOut,
        End::Quit => Outcome::Left {
            on_target: rep.nodes_on_target,
            total: rep.nodes_total,
        },
        End::Interrupted | End::Closed => Outcome::Interrupted,
    }
}

/// Asks on the terminal (default No). Without a terminal to ask on, refuses (exit 2).
fn confirm(p: &plan::Plan) -> Result<bool, Error> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(Error::Usage(
            "refusing to upgrade without a confirmation: there is no terminal to ask on; pass --yes to upgrade, or --dry-run to see the plan".into(),
        ));
    }
    dialoguer::Confirm::new()
        .with_prompt(format!("Upgrade {} to {}?", p.cluster, p.target))
        .default(false)
        .interact()
        .map_err(|e| Error::Usage(format!("cannot read the answer: {e}")))
}

/// EKS refused because of blocking readiness insights: which, and how to go on.
fn blocked(printer: &Printer, f: &Facts, msg: &str) {
    printer.note(&format!(
        "error: EKS refused the upgrade because of upgrade-readiness insights: {msg}"
    ));
    if let Some(list) = f.insights.ok() {
        for i in list.iter().filter(|i| i.status == "ERROR") {
            printer.note(&format!(
                "  {} ({}): {} — {}",
                i.name, i.id, i.reason, i.recommendation
            ));
        }
    }
    printer.note(
        "Fix them and re-run (eksauto preflight --refresh-insights shows when they pass), or pass --force to upgrade anyway; nothing was changed.",
    );
}

/// The report, on stdout and in `--report FILE`.
fn finish_report(printer: &Printer, args: &UpgradeArgs, r: &mut Report) -> Result<(), Error> {
    r.finished = Timestamp::now() + r.clock_offset;
    if printer.json() {
        printer.doc(&json!({ "report": r }));
    } else {
        printer.text(&format!("\n{}", report::render(r)));
    }
    if let Some(path) = &args.report {
        let text = serde_json::to_string_pretty(r).unwrap_or_default() + "\n";
        std::fs::write(path, text).map_err(|e| {
            Error::Usage(format!(
                "cannot write the report to {}: {e}",
                path.display()
            ))
        })?;
    }
    Ok(())
}
