//! `eksauto upgrade --to X.Y`: connect → gather the preflight's facts → attach to an update in
//! flight, or validate the version, run the preflight, show the plan and ask → one
//! UpdateClusterVersion → follow it → follow the node rotation live (the `watch rotation` view) →
//! report. Nothing is changed before the confirmation (or `--yes`); re-running attaches to the
//! update in flight instead of starting a second one; Ctrl-C leaves the cluster alone.
//!
//! With `-o json`, stdout is NDJSON: `{"plan": …}` (or `{"attach": …}`), the rotation's change
//! lines, then `{"report": …}` (schemas in the README).

use std::io::IsTerminal;

use jiff::Timestamp;
use serde_json::json;

use crate::checks::{Finding, Severity};
use crate::cli::{GlobalArgs, Output, UpgradeArgs};
use crate::commands::preflight;
use crate::commands::watch;
use crate::connect;
use crate::error::Error;
use crate::facts::{self, model::Facts, model::UpdateFacts};
use crate::outcome::Outcome;
use crate::ui::live::Context;
use crate::upgrade::plan;
use crate::upgrade::report::{self, Ending, Report, Span};
use crate::upgrade::update::{self, Started};
use crate::version::Minor;

/// Runs the upgrade. Ctrl-C prints the command that re-attaches.
pub async fn run(global: &GlobalArgs, args: &UpgradeArgs) -> Result<Outcome, Error> {
    tokio::select! {
        r = upgrade(global, args) => r,
        _ = tokio::signal::ctrl_c() => interrupted(global, args),
    }
}

fn interrupted(global: &GlobalArgs, args: &UpgradeArgs) -> Result<Outcome, Error> {
    crate::ui::live::term::restore();
    eprintln!(
        "\nInterrupted: the cluster is left as it is (an update or rotation in progress goes on). {}",
        reattach_hint(global, args)
    );
    Ok(Outcome::Interrupted)
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

/// Where the run starts from.
enum Start {
    /// No update yet: validate, preflight, plan, confirm, then UpdateClusterVersion.
    Fresh,
    /// An update is InProgress: follow it.
    Attach(UpdateFacts),
    /// The control plane already runs the target and old nodes remain: follow the rotation.
    Rotation,
    /// Nothing to do.
    Done,
}

async fn upgrade(global: &GlobalArgs, args: &UpgradeArgs) -> Result<Outcome, Error> {
    let json = global.output == Output::Json;
    if let Some(path) = &args.report {
        // Found out now, not after the cluster was upgraded.
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
    }
    let connect::Connection { cluster, aws, kube } = connect::connect(global).await?;
    let facts = facts::gather(
        &aws,
        kube,
        &facts::Request {
            cluster: &cluster,
            to: args.to,
            refresh_insights: false,
        },
    )
    .await?;
    if !facts.cluster.auto_mode.compute {
        return Err(Error::Usage(format!(
            "cluster {cluster} does not use EKS Auto Mode (compute is off): eksauto upgrade follows Auto Mode's node rotation; upgrade its node groups with the console or eksctl"
        )));
    }
    let start = where_to_start(&facts, args.to)?;
    let target = match &start {
        Start::Attach(u) => u
            .version
            .as_deref()
            .and_then(Minor::parse)
            .unwrap_or(facts.target_version),
        _ => facts.target_version,
    };
    let cx = Context {
        cluster: Some(facts.cluster.name.clone()),
        region: Some(facts.cluster.region.clone()),
        server_version: format!("v{}", facts.cluster.version),
    };
    let mut rep = Report {
        cluster: facts.cluster.name.clone(),
        from: facts.cluster.version.clone(),
        to: target,
        ending: Ending::Done,
        nodes_on_target: 0,
        nodes_total: 0,
        control_plane: None,
        nodes: None,
        nodes_replaced: Default::default(),
        pods_rescheduled: 0,
        pdbs: Vec::new(),
        blocked_seconds: 0,
        pods_past_budget: Vec::new(),
        complete: false,
        errors: Vec::new(),
        finished: Timestamp::now(),
    };

    let update = match start {
        Start::Done => {
            say(
                json,
                &format!("{cluster} already runs {target} and every node runs it: nothing to do."),
                json!({"attach": {"cluster": cluster, "target": target, "nothingToDo": true}}),
            );
            return Ok(Outcome::Done);
        }
        Start::Rotation => {
            say(json, &format!("The control plane of {cluster} already runs {target}; following the node rotation."), json!({"attach": {"cluster": cluster, "target": target, "rotation": true}}));
            None
        }
        Start::Attach(u) => {
            say(json, &format!("Update {} of {cluster} to {target} is already in progress: attaching to it (nothing new is started).", u.id), json!({"attach": {"cluster": cluster, "target": target, "updateId": u.id}}));
            Some(u)
        }
        Start::Fresh => {
            let findings = preflight::evaluate(&facts, &[], &[]);
            let the_plan = plan::build(&facts, &findings, args.force);
            if json {
                let pre: serde_json::Value =
                    serde_json::from_str(&preflight::render(global, &facts, &findings))
                        .unwrap_or_default();
                line(&json!({"plan": the_plan, "preflight": pre}));
            } else {
                preflight::print_out(&preflight::render(global, &facts, &findings));
                preflight::print_out(&format!("\n{}", plan::render(&the_plan)));
            }
            let failed: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.severity == Severity::Fail)
                .collect();
            if !failed.is_empty() && !args.ignore_preflight {
                let ids: Vec<&str> = failed.iter().map(|f| f.id.as_str()).collect();
                eprintln!(
                    "error: the preflight failed ({}): fix what it reports, or pass --ignore-preflight to upgrade anyway; nothing was changed",
                    ids.join(", ")
                );
                return Ok(Outcome::ChecksFailed);
            }
            if args.dry_run {
                eprintln!("Dry run: nothing was changed.");
                return Ok(Outcome::Done);
            }
            if !args.yes && !confirm(&the_plan)? {
                eprintln!("Upgrade cancelled: nothing was changed.");
                return Ok(Outcome::Declined);
            }
            let token = update::request_token(&facts.cluster.arn, &facts.cluster.version, target);
            match update::start(&aws, &cluster, target, args.force, &token).await? {
                Started::Update(u) => {
                    say(
                        json,
                        &format!(
                            "UpdateClusterVersion {target}: update {} {}",
                            u.id, u.status
                        ),
                        json!({"update": {"id": u.id, "status": u.status}}),
                    );
                    Some(u)
                }
                Started::Blocked(msg) => {
                    blocked(&facts, &msg);
                    return Ok(Outcome::UpdateFailed);
                }
                Started::InUse(msg) => {
                    let fresh = facts::eks::updates(&aws, &cluster).await?;
                    match fresh
                        .ok()
                        .and_then(|us| us.iter().find(|u| in_flight(u)).cloned())
                    {
                        Some(u) => {
                            say(
                                json,
                                &format!(
                                    "An update started meanwhile ({}): attaching to it.",
                                    u.id
                                ),
                                json!({"attach": {"updateId": u.id}}),
                            );
                            Some(u)
                        }
                        None => {
                            return Err(Error::Api {
                                operation: "UpdateClusterVersion".into(),
                                detail: format!("ResourceInUseException: {msg}"),
                            })
                        }
                    }
                }
            }
        }
    };

    // The rotation's watchers start now, so its first moves are seen even if they come before
    // the update is seen to end.
    let early = if args.no_rotation {
        None
    } else {
        Some(watch::start_early(global, target).await?)
    };
    if let Some(u) = update {
        // Local time: what the user lived through (a server's clock may run elsewhere).
        let now = Timestamp::now();
        let started_at = u.created_at.map_or(now, |c| c.min(now));
        let done =
            update::follow(&aws, &cluster, u, !json && std::io::stderr().is_terminal()).await?;
        rep.control_plane = Some(Span {
            start: started_at,
            end: Some(Timestamp::now()),
        });
        if done.status != "Successful" {
            rep.ending = Ending::Failed;
            rep.errors = done.errors.clone();
            eprintln!(
                "error: the control-plane update {} ended {}:",
                done.id, done.status
            );
            for e in &done.errors {
                eprintln!("  {e}");
            }
            print_report(global, args, &rep)?;
            return Ok(Outcome::UpdateFailed);
        }
        update::wait_for_version(&aws, &cluster, target).await?;
        if !json {
            eprintln!("Control plane now runs {target}.");
        }
    }
    let Some(early) = early else {
        rep.ending = Ending::ControlPlaneOnly;
        print_report(global, args, &rep)?;
        return Ok(Outcome::Done);
    };
    let outcome = watch::follow_rotation(global, cx, early, args.stall_after, args.timeout).await?;
    let end = outcome.end;
    let complete = matches!(end, watch::End::Complete { .. });
    report::rotation_part(&mut rep, &outcome.state, outcome.stalled_secs, complete);
    rep.ending = match end {
        watch::End::Complete { .. } => Ending::Done,
        watch::End::TimedOut => Ending::TimedOut,
        watch::End::Quit => Ending::Left,
        watch::End::Interrupted | watch::End::Closed => Ending::Interrupted,
    };
    print_report(global, args, &rep)?;
    Ok(match end {
        watch::End::TimedOut => Outcome::TimedOut,
        watch::End::Quit => {
            eprintln!(
                "Left the live view with {} of {} nodes on {target}: the rotation goes on. {}",
                rep.nodes_on_target,
                rep.nodes_total,
                reattach_hint(global, args)
            );
            Outcome::Left {
                on_target: rep.nodes_on_target,
                total: rep.nodes_total,
            }
        }
        watch::End::Interrupted | watch::End::Closed => {
            eprintln!(
                "Interrupted: the rotation goes on. {}",
                reattach_hint(global, args)
            );
            Outcome::Interrupted
        }
        _ if rep.violated() => Outcome::PdbViolated,
        _ => Outcome::Done,
    })
}

fn in_flight(u: &UpdateFacts) -> bool {
    u.status == "InProgress" && u.kind == "VersionUpdate"
}

/// Attach to what is in flight, or start fresh after validating the version.
fn where_to_start(f: &Facts, to: Option<Minor>) -> Result<Start, Error> {
    if let Some(u) = f
        .updates
        .ok()
        .and_then(|us| us.iter().find(|u| in_flight(u)))
    {
        let v = u.version.as_deref().and_then(Minor::parse);
        if let (Some(asked), Some(v)) = (to, v) {
            if asked != v {
                return Err(Error::Usage(format!(
                    "update {} to {v} is in progress on {}: wait for it, or re-run with --to {v} to follow it",
                    u.id, f.cluster.name
                )));
            }
        }
        return Ok(Start::Attach(u.clone()));
    }
    let current = Minor::parse(&f.cluster.version);
    if current == Some(f.target_version) {
        let old = match &f.kube {
            crate::facts::model::Gathered::Ok(k) => k
                .nodes
                .iter()
                .any(|n| Minor::parse(&n.kubelet_version) != Some(f.target_version)),
            crate::facts::model::Gathered::Unavailable(why) => {
                return Err(Error::Kubeconfig(format!(
                    "the control plane already runs {}; following the node rotation needs the Kubernetes API: {why}",
                    f.target_version
                )))
            }
        };
        return Ok(if old { Start::Rotation } else { Start::Done });
    }
    // The version rules (CLU002) are usage errors here: nothing may start.
    let rules = crate::checks::cluster::clu002(f);
    if let Some(bad) = rules.iter().find(|x| x.severity == Severity::Fail) {
        return Err(Error::Usage(format!(
            "{}. {}",
            bad.message.trim_end_matches('.'),
            bad.remediation
        )));
    }
    Ok(Start::Fresh)
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
fn blocked(f: &Facts, msg: &str) {
    eprintln!("error: EKS refused the upgrade because of upgrade-readiness insights: {msg}");
    if let Some(list) = f.insights.ok() {
        for i in list.iter().filter(|i| i.status == "ERROR") {
            eprintln!(
                "  {} ({}): {} — {}",
                i.name, i.id, i.reason, i.recommendation
            );
        }
    }
    eprintln!(
        "Fix them and re-run (eksauto preflight --refresh-insights shows when they pass), or pass --force to upgrade anyway; nothing was changed."
    );
}

/// A progress sentence on stderr, or a JSON line on stdout.
fn say(json: bool, text: &str, doc: serde_json::Value) {
    if json {
        line(&doc);
    } else {
        eprintln!("{text}");
    }
}

fn line(doc: &serde_json::Value) {
    preflight::print_out(&(serde_json::to_string(doc).unwrap_or_default() + "\n"));
}

fn print_report(global: &GlobalArgs, args: &UpgradeArgs, r: &Report) -> Result<(), Error> {
    let mut r = r.clone();
    r.finished = Timestamp::now();
    let r = &r;
    if global.output == Output::Json {
        line(&json!({ "report": r }));
    } else {
        preflight::print_out(&format!("\n{}", report::render(r)));
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
