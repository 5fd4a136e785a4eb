//! Cluster checks: CLU001 (status and in-progress updates), CLU002 (target version: next minor,
//! offered, support dates), CLU003 (Auto Mode switches).
//!
//! CLU002 severities: a skip, a downgrade, the current version, a version EKS does not offer or one
//! that is UNSUPPORTED → FAIL; DescribeClusterVersions unavailable → WARN; a target in extended
//! support → INFO (the upgrade works, it only costs more; the message says when support ends
//! within 90 days); standard support → PASS.

use super::{date, subject_cluster, Finding, Severity};
use crate::facts::model::{ClusterVersionFacts, Facts, Gathered};
use crate::version::Minor;

/// Extended support ending within this many days is called out in the CLU002 message.
const SUPPORT_ENDING_SOON_DAYS: i64 = 90;

/// CLU001: the cluster is ACTIVE and no update is in progress.
pub fn clu001(f: &Facts) -> Vec<Finding> {
    let subject = subject_cluster(f);
    let mut out = Vec::new();
    if f.cluster.status != "ACTIVE" {
        out.push(
            Finding::new(
                "CLU001",
                Severity::Fail,
                &subject,
                format!("cluster status is {}, not ACTIVE", f.cluster.status),
            )
            .fix("Wait until the cluster is ACTIVE (aws eks describe-cluster), then re-run preflight."),
        );
    }
    match &f.updates {
        Gathered::Unavailable(why) => out.push(Finding::unavailable(
            "CLU001",
            &subject,
            "cluster updates",
            why,
        )),
        Gathered::Ok(updates) => {
            for u in updates.iter().filter(|u| u.status == "InProgress") {
                out.push(
                    Finding::new(
                        "CLU001",
                        Severity::Fail,
                        format!("update {}", u.id),
                        format!("{} {} is in progress", u.kind, u.id),
                    )
                    .fix(format!(
                        "Wait for it to finish: aws eks describe-update --name {} --update-id {}",
                        f.cluster.name, u.id
                    )),
                );
            }
        }
    }
    if out.is_empty() {
        out.push(Finding::pass(
            "CLU001",
            subject,
            "cluster is ACTIVE, no update in progress",
        ));
    }
    out
}

/// CLU002: the target is exactly the next minor and EKS offers it; shows support status and dates.
pub fn clu002(f: &Facts) -> Vec<Finding> {
    let subject = format!("version {} → {}", f.cluster.version, f.target_version);
    let fail = |msg: String, fix: String| {
        vec![Finding::new("CLU002", Severity::Fail, &subject, msg).fix(fix)]
    };
    let target = f.target_version;
    let Some(current) = Minor::parse(&f.cluster.version) else {
        return vec![Finding::new(
            "CLU002",
            Severity::Warn,
            &subject,
            format!("cannot read the cluster version {:?}", f.cluster.version),
        )
        .fix("Check the cluster with aws eks describe-cluster.")];
    };
    let step = target.minus(current);
    if step < 0 {
        return fail(
            format!("{current} → {target} is a downgrade; EKS cannot downgrade a cluster"),
            format!("Choose a newer version, e.g. --to {}.", current.next()),
        );
    }
    if step == 0 {
        return fail(
            format!("the cluster already runs {current}"),
            format!(
                "Nothing to upgrade; the next version would be --to {}.",
                current.next()
            ),
        );
    }
    if step > 1 {
        let skipped = if target.major == current.major {
            format!("skips {} minor version(s)", step - 1)
        } else {
            "changes the major version".into()
        };
        return fail(
            format!("{current} → {target} {skipped}; EKS upgrades one minor at a time"),
            format!(
                "Upgrade to {} first, then one minor at a time up to {target}.",
                current.next()
            ),
        );
    }
    let versions = match &f.versions {
        Gathered::Ok(v) => v,
        Gathered::Unavailable(why) => {
            return vec![Finding::unavailable(
                "CLU002",
                subject,
                "DescribeClusterVersions",
                why,
            )]
        }
    };
    let find = |m: Minor| {
        versions
            .iter()
            .find(|v| Minor::parse(&v.version) == Some(m))
    };
    let mut details = Vec::new();
    for (label, m) in [("current", current), ("target", target)] {
        if let Some(v) = find(m) {
            details.push(format!("{label} {}", support_line(v)));
        }
    }
    let Some(tv) = find(target) else {
        let mut offered: Vec<&str> = versions.iter().map(|v| v.version.as_str()).collect();
        offered.sort();
        details.push(format!("offered: {}", offered.join(", ")));
        return vec![Finding::new(
            "CLU002",
            Severity::Fail,
            subject,
            format!("EKS does not offer {target} for this cluster"),
        )
        .fix("Choose a version EKS offers (aws eks describe-cluster-versions).")
        .details(details)];
    };
    let (severity, message, fix) = match tv.status.as_str() {
        "STANDARD_SUPPORT" => (
            Severity::Pass,
            format!(
                "{current} → {target}: offered, standard support until {}",
                date(tv.end_of_standard_support)
            ),
            String::new(),
        ),
        "EXTENDED_SUPPORT" => {
            let end = tv.end_of_extended_support;
            let days_left = end.map(|e| e.duration_since(f.now).as_hours() / 24);
            let soon = match days_left {
                Some(d) if d < SUPPORT_ENDING_SOON_DAYS => {
                    format!(
                        " (in {d} days: plan the upgrade to {} right after this one)",
                        target.next()
                    )
                }
                _ => String::new(),
            };
            (
                Severity::Info,
                format!(
                    "{current} → {target}: offered; {target} is in extended support (extra cost) until {}{soon}",
                    date(end)
                ),
                "Plan the following upgrades; extended support is billed per cluster hour.".into(),
            )
        }
        other => (
            Severity::Fail,
            format!("{target} has support status {other}"),
            "Choose a supported version (aws eks describe-cluster-versions).".into(),
        ),
    };
    vec![Finding::new("CLU002", severity, subject, message)
        .fix(fix)
        .details(details)]
}

fn support_line(v: &ClusterVersionFacts) -> String {
    format!(
        "{}: {}, standard support ends {}, extended support ends {}",
        v.version,
        v.status,
        date(v.end_of_standard_support),
        date(v.end_of_extended_support)
    )
}

/// CLU003: Auto Mode compute, block storage and load balancing are enabled together.
pub fn clu003(f: &Facts) -> Vec<Finding> {
    let a = &f.cluster.auto_mode;
    let subject = subject_cluster(f);
    let onoff = |b: bool| if b { "on" } else { "off" };
    let state = format!(
        "compute {}, block storage {}, load balancing {}",
        onoff(a.compute),
        onoff(a.storage),
        onoff(a.elb)
    );
    if a.fully_enabled() {
        return vec![Finding::pass(
            "CLU003",
            subject,
            format!("Auto Mode enabled ({state})"),
        )];
    }
    if !a.compute && !a.storage && !a.elb {
        return vec![Finding::new(
            "CLU003",
            Severity::Warn,
            subject,
            "Auto Mode is not enabled: nodes will not be replaced automatically after the upgrade",
        )
        .fix("Upgrade node groups and add-ons yourself after the control plane, or enable Auto Mode.")];
    }
    vec![Finding::new(
        "CLU003",
        Severity::Fail,
        subject,
        format!("Auto Mode is only partly enabled ({state})"),
    )
    .fix(format!(
        "Enable all three together: aws eks update-cluster-config --name {} \
         --compute-config enabled=true --storage-config blockStorage={{enabled=true}} \
         --kubernetes-network-config elasticLoadBalancing={{enabled=true}}",
        f.cluster.name
    ))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::article;
    use crate::facts::model::UpdateFacts;

    fn one(v: Vec<Finding>) -> Finding {
        assert_eq!(v.len(), 1, "{v:#?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn clu001_passes_on_active_cluster() {
        let f = one(clu001(&article()));
        assert_eq!((f.id.as_str(), f.severity), ("CLU001", Severity::Pass));
    }

    #[test]
    fn clu001_fails_when_updating_or_update_in_progress() {
        let mut facts = article();
        facts.cluster.status = "UPDATING".into();
        facts.updates = Gathered::Ok(vec![UpdateFacts {
            id: "u-1".into(),
            kind: "VersionUpdate".into(),
            status: "InProgress".into(),
            ..Default::default()
        }]);
        let out = clu001(&facts);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|f| f.severity == Severity::Fail));
        assert!(out.iter().any(|f| f.subject == "update u-1"));
    }

    #[test]
    fn clu001_warns_when_updates_unavailable() {
        let mut facts = article();
        facts.updates = Gathered::Unavailable("AccessDenied".into());
        let f = one(clu001(&facts));
        assert_eq!(f.severity, Severity::Warn);
        assert!(f.message.contains("AccessDenied"));
    }

    #[test]
    fn clu002_passes_for_next_offered_minor() {
        let f = one(clu002(&article()));
        assert_eq!(f.severity, Severity::Pass, "{f:#?}");
        assert!(f.message.contains("1.30 → 1.31"));
        assert!(f
            .details
            .iter()
            .any(|d| d.starts_with("target 1.31: STANDARD_SUPPORT")));
    }

    #[test]
    fn clu002_fails_on_skip_downgrade_and_same() {
        for (to, needle) in [
            ("1.32", "skips 1 minor"),
            ("1.29", "downgrade"),
            ("1.30", "already runs"),
        ] {
            let mut facts = article();
            facts.target_version = to.parse().unwrap();
            let f = one(clu002(&facts));
            assert_eq!(f.severity, Severity::Fail, "{to}");
            assert!(f.message.contains(needle), "{to}: {}", f.message);
        }
    }

    #[test]
    fn clu002_not_offered_fails_extended_support_info_or_warn() {
        let mut facts = article();
        if let Gathered::Ok(vs) = &mut facts.versions {
            vs.retain(|v| v.version != "1.31");
        }
        let f = one(clu002(&facts));
        assert_eq!(f.severity, Severity::Fail);
        assert!(f.message.contains("does not offer 1.31"));

        let mut facts = article();
        if let Gathered::Ok(vs) = &mut facts.versions {
            for v in vs.iter_mut().filter(|v| v.version == "1.31") {
                v.status = "EXTENDED_SUPPORT".into();
            }
        }
        let f = one(clu002(&facts));
        assert_eq!(f.severity, Severity::Info);
        assert!(f
            .message
            .contains("extended support (extra cost) until 2026-11-26"));
        facts.now = crate::checks::fixtures::ts("2026-10-01T00:00:00Z");
        let f = one(clu002(&facts));
        assert_eq!(f.severity, Severity::Info);
        assert!(
            f.message.contains("(in 56 days: plan the upgrade to 1.32"),
            "{}",
            f.message
        );
        if let Gathered::Ok(vs) = &mut facts.versions {
            for v in vs.iter_mut().filter(|v| v.version == "1.31") {
                v.status = "UNSUPPORTED".into();
            }
        }
        assert_eq!(one(clu002(&facts)).severity, Severity::Fail);

        let mut facts = article();
        facts.versions = Gathered::Unavailable("throttled".into());
        assert_eq!(one(clu002(&facts)).severity, Severity::Warn);
    }

    #[test]
    fn clu003_pass_mixed_and_off() {
        assert_eq!(one(clu003(&article())).severity, Severity::Pass);
        let mut facts = article();
        facts.cluster.auto_mode.storage = false;
        let f = one(clu003(&facts));
        assert_eq!(f.severity, Severity::Fail);
        assert!(f.message.contains("block storage off"));
        facts.cluster.auto_mode.compute = false;
        facts.cluster.auto_mode.elb = false;
        assert_eq!(one(clu003(&facts)).severity, Severity::Warn);
    }
}
