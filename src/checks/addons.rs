//! Add-on checks: ADD001 (status and health) and ADD002 (installed version offered for the
//! target). Severities for ADD001: DEGRADED and *_FAILED → FAIL (the add-on is broken and EKS
//! refuses or mis-handles updates of it); CREATING/UPDATING/DELETING or ACTIVE with health issues
//! → WARN (transient or degraded but working).

use std::cmp::Ordering;

use super::version::cmp_addon_versions;
use super::{subject_cluster, Finding, Severity};
use crate::facts::model::{AddonFacts, Facts, Gathered};

/// The note for a cluster without add-ons in Auto Mode.
pub const AUTO_MODE_NOTE: &str = "Auto Mode manages VPC CNI, CoreDNS, kube-proxy, EBS CSI";

fn addons<'a>(f: &'a Facts, id: &str) -> Result<&'a [AddonFacts], Vec<Finding>> {
    match &f.addons {
        Gathered::Ok(a) => Ok(a),
        Gathered::Unavailable(why) => Err(vec![Finding::unavailable(
            id,
            subject_cluster(f),
            "EKS add-ons",
            why,
        )]),
    }
}

fn none_installed(f: &Facts, id: &str) -> Vec<Finding> {
    if f.cluster.auto_mode.compute {
        vec![Finding::pass(
            id,
            subject_cluster(f),
            format!("no add-ons installed ({AUTO_MODE_NOTE})"),
        )]
    } else {
        vec![Finding::new(
            id,
            Severity::Info,
            subject_cluster(f),
            "no EKS add-ons installed: networking, DNS and kube-proxy are self-managed",
        )
        .fix("Upgrade self-managed VPC CNI, CoreDNS and kube-proxy yourself after the control plane.")]
    }
}

/// ADD001: every add-on is ACTIVE and has no health issues.
pub fn add001(f: &Facts) -> Vec<Finding> {
    let list = match addons(f, "ADD001") {
        Ok(l) => l,
        Err(e) => return e,
    };
    if list.is_empty() {
        return none_installed(f, "ADD001");
    }
    let mut out = Vec::new();
    for a in list {
        let subject = format!("addon {}", a.name);
        let severity = match a.status.as_str() {
            "ACTIVE" if a.health_issues.is_empty() => continue,
            "DEGRADED" | "CREATE_FAILED" | "UPDATE_FAILED" | "DELETE_FAILED" => Severity::Fail,
            _ => Severity::Warn,
        };
        let issues = if a.health_issues.is_empty() {
            String::new()
        } else {
            format!(" with {} health issue(s)", a.health_issues.len())
        };
        out.push(
            Finding::new(
                "ADD001",
                severity,
                subject,
                format!("{} {} is {}{issues}", a.name, a.version, a.status),
            )
            .fix(format!(
                "Inspect and repair it first: aws eks describe-addon --cluster-name {} --addon-name {}",
                f.cluster.name, a.name
            ))
            .details(a.health_issues.clone()),
        );
    }
    if out.is_empty() {
        out.push(Finding::pass(
            "ADD001",
            subject_cluster(f),
            format!("{} add-on(s) ACTIVE and healthy", list.len()),
        ));
    }
    out
}

/// ADD002: the installed version is offered for the target (else FAIL); a newer default for the
/// target → WARN.
pub fn add002(f: &Facts) -> Vec<Finding> {
    let list = match addons(f, "ADD002") {
        Ok(l) => l,
        Err(e) => return e,
    };
    if list.is_empty() {
        return none_installed(f, "ADD002");
    }
    let target = &f.target_version;
    let mut out = Vec::new();
    for a in list {
        let subject = format!("addon {}", a.name);
        let update = |v: &str| {
            format!(
                "aws eks update-addon --cluster-name {} --addon-name {} --addon-version {v}",
                f.cluster.name, a.name
            )
        };
        if !a.versions_for_target.iter().any(|v| v == &a.version) {
            let mut offered = a.versions_for_target.clone();
            offered.sort_by(|x, y| cmp_addon_versions(y, x));
            let fix = match a.default_for_target.as_deref().or(offered.first().map(String::as_str)) {
                Some(v) => format!("Update it to a version offered for {target} first: {}", update(v)),
                None => format!("No version of {} is offered for {target}; remove it or check aws eks describe-addon-versions.", a.name),
            };
            out.push(
                Finding::new(
                    "ADD002",
                    Severity::Fail,
                    subject,
                    format!("{} {} is not offered for {target}", a.name, a.version),
                )
                .fix(fix)
                .details(super::capped(
                    offered
                        .into_iter()
                        .map(|v| format!("offered for {target}: {v}")),
                    5,
                )),
            );
            continue;
        }
        if let Some(default) = &a.default_for_target {
            if cmp_addon_versions(default, &a.version) == Ordering::Greater {
                out.push(
                    Finding::new(
                        "ADD002",
                        Severity::Warn,
                        subject,
                        format!(
                            "{} {} is offered for {target}, but the default there is {default}",
                            a.name, a.version
                        ),
                    )
                    .fix(format!(
                        "Consider updating after the upgrade: {}",
                        update(default)
                    )),
                );
            }
        }
    }
    if out.is_empty() {
        out.push(Finding::pass(
            "ADD002",
            subject_cluster(f),
            format!("{} add-on version(s) offered for {target}", list.len()),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{article, blocked};

    fn addon(status: &str, version: &str, offered: &[&str], default: Option<&str>) -> AddonFacts {
        AddonFacts {
            name: "coredns".into(),
            version: version.into(),
            status: status.into(),
            health_issues: Vec::new(),
            versions_for_target: offered.iter().map(|s| s.to_string()).collect(),
            default_for_target: default.map(str::to_string),
        }
    }

    #[test]
    fn empty_in_auto_mode_passes_with_note() {
        for out in [add001(&article()), add002(&article())] {
            assert_eq!(out.len(), 1);
            assert_eq!(out[0].severity, Severity::Pass);
            assert!(out[0].message.contains(AUTO_MODE_NOTE));
        }
        let mut facts = article();
        facts.cluster.auto_mode.compute = false;
        assert_eq!(add001(&facts)[0].severity, Severity::Info);
    }

    #[test]
    fn add001_degraded_fails_updating_warns_active_passes() {
        let out = add001(&blocked());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Fail);
        assert_eq!(out[0].subject, "addon vpc-cni");
        assert_eq!(out[0].details.len(), 1);

        let mut facts = article();
        facts.addons = Gathered::Ok(vec![addon("UPDATING", "v1", &["v1"], None)]);
        assert_eq!(add001(&facts)[0].severity, Severity::Warn);
        let mut a = addon("ACTIVE", "v1", &["v1"], None);
        facts.addons = Gathered::Ok(vec![a.clone()]);
        assert_eq!(add001(&facts)[0].severity, Severity::Pass);
        a.health_issues.push("AccessDenied: x".into());
        facts.addons = Gathered::Ok(vec![a]);
        assert_eq!(add001(&facts)[0].severity, Severity::Warn);
        facts.addons = Gathered::Unavailable("denied".into());
        assert_eq!(add001(&facts)[0].severity, Severity::Warn);
    }

    #[test]
    fn add002_versions() {
        let mut facts = article();
        facts.addons = Gathered::Ok(vec![addon(
            "ACTIVE",
            "v1.11.1-eksbuild.1",
            &["v1.11.3-eksbuild.1", "v1.11.4-eksbuild.2"],
            Some("v1.11.3-eksbuild.1"),
        )]);
        let out = add002(&facts);
        assert_eq!(out[0].severity, Severity::Fail);
        assert!(out[0]
            .remediation
            .contains("--addon-version v1.11.3-eksbuild.1"));
        assert_eq!(out[0].details[0], "offered for 1.31: v1.11.4-eksbuild.2");

        facts.addons = Gathered::Ok(vec![addon(
            "ACTIVE",
            "v1.11.1-eksbuild.1",
            &["v1.11.1-eksbuild.1", "v1.11.3-eksbuild.1"],
            Some("v1.11.3-eksbuild.1"),
        )]);
        assert_eq!(add002(&facts)[0].severity, Severity::Warn);

        facts.addons = Gathered::Ok(vec![addon(
            "ACTIVE",
            "v1.11.3-eksbuild.1",
            &["v1.11.1-eksbuild.1", "v1.11.3-eksbuild.1"],
            Some("v1.11.3-eksbuild.1"),
        )]);
        assert_eq!(add002(&facts)[0].severity, Severity::Pass);
    }
}
