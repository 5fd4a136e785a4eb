//! The result type of every check: [`Finding`] with its [`Severity`] and [`Family`], and their
//! stable JSON form. Data only; the checks that produce findings live next to this file and the
//! renderers in `ui`.

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Pass < Info < Warn < Fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Pass,
    Info,
    Warn,
    Fail,
}

impl Severity {
    /// `PASS`, `INFO`, `WARN`, `FAIL`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Pass => "PASS",
            Severity::Info => "INFO",
            Severity::Warn => "WARN",
            Severity::Fail => "FAIL",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// The group a check belongs to; the table groups findings by family, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Cluster,
    Insights,
    Network,
    Iam,
    Addons,
    Kubernetes,
}

impl Family {
    pub const ALL: [Family; 6] = [
        Family::Cluster,
        Family::Insights,
        Family::Network,
        Family::Iam,
        Family::Addons,
        Family::Kubernetes,
    ];

    /// Lowercase name, as in JSON and in `--only`/`--skip`: `cluster`, `iam`, ...
    pub fn name(self) -> &'static str {
        match self {
            Family::Cluster => "cluster",
            Family::Insights => "insights",
            Family::Network => "network",
            Family::Iam => "iam",
            Family::Addons => "addons",
            Family::Kubernetes => "kubernetes",
        }
    }

    /// Heading for tables: `Cluster`, `IAM`, ...
    pub fn title(self) -> &'static str {
        match self {
            Family::Cluster => "Cluster",
            Family::Insights => "Insights",
            Family::Network => "Network",
            Family::Iam => "IAM",
            Family::Addons => "Add-ons",
            Family::Kubernetes => "Kubernetes",
        }
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One result of one check about one subject.
///
/// JSON form (stable): `{"id":"PDB001","family":"kubernetes","severity":"fail","subject":"pdb
/// default/myapp","message":"...","remediation":"...","details":["..."]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Check ID, `PDB001`.
    pub id: String,
    pub family: Family,
    pub severity: Severity,
    /// The resource the finding is about: `pdb default/myapp`, `cluster NAME`, `subnet ID`.
    pub subject: String,
    /// One line.
    pub message: String,
    /// What to do about it (empty for PASS).
    pub remediation: String,
    /// Extra lines: deprecations, client user agents, pod lists, subnet lines.
    pub details: Vec<String>,
    /// The check could not look at what it judges (its facts were not gathered): the result says
    /// nothing about the cluster. Only present in JSON when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unchecked: bool,
}

impl Finding {
    /// A finding of check `id` (the family follows from the ID).
    pub fn new(
        id: &str,
        severity: Severity,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            id: id.to_string(),
            family: family_of(id).unwrap_or(Family::Kubernetes),
            severity,
            subject: subject.into(),
            message: message.into(),
            remediation: String::new(),
            details: Vec::new(),
            unchecked: false,
        }
    }

    pub fn pass(id: &str, subject: impl Into<String>, message: impl Into<String>) -> Self {
        Finding::new(id, Severity::Pass, subject, message)
    }

    pub fn fix(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = remediation.into();
        self
    }

    pub fn details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }

    /// The WARN a check reports when the facts it needs could not be gathered.
    pub fn unavailable(id: &str, subject: impl Into<String>, what: &str, why: &str) -> Self {
        let mut f = Finding::new(
            id,
            Severity::Warn,
            subject,
            format!("not checked: {what} unavailable ({why})"),
        )
        .fix(
            "Grant read access to it (or retry if the API was unavailable), then re-run preflight.",
        );
        f.unchecked = true;
        f
    }
}

/// The family of a check ID (`PDB001` → Kubernetes), from its prefix.
pub fn family_of(id: &str) -> Option<Family> {
    let prefix: String = id
        .chars()
        .take_while(|c| c.is_ascii_alphabetic() || *c == '8')
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase();
    Some(match prefix.as_str() {
        "CLU" => Family::Cluster,
        "INS" => Family::Insights,
        "NET" => Family::Network,
        "IAM" => Family::Iam,
        "ADD" => Family::Addons,
        "K8S" | "PDB" | "NPL" | "POD" | "WRK" => Family::Kubernetes,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_is_stable_and_lowercase() {
        let f = Finding::new("PDB002", Severity::Fail, "pdb default/x", "m")
            .fix("r")
            .details(vec!["d".into()]);
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(
            json,
            r#"{"id":"PDB002","family":"kubernetes","severity":"fail","subject":"pdb default/x","message":"m","remediation":"r","details":["d"]}"#
        );
        let back: Finding = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn families_from_ids() {
        assert_eq!(family_of("CLU002"), Some(Family::Cluster));
        assert_eq!(family_of("k8s001"), Some(Family::Kubernetes));
        assert_eq!(family_of("IAM003"), Some(Family::Iam));
        assert_eq!(family_of("WRK002"), Some(Family::Kubernetes));
        assert_eq!(family_of("XYZ001"), None);
        assert_eq!(
            Finding::new("ADD001", Severity::Warn, "s", "m").family,
            Family::Addons
        );
    }

    #[test]
    fn severity_order_and_labels() {
        assert!(Severity::Pass < Severity::Info);
        assert!(Severity::Info < Severity::Warn);
        assert!(Severity::Warn < Severity::Fail);
        assert_eq!(Severity::Warn.to_string(), "WARN");
        assert_eq!(Family::Iam.title(), "IAM");
        assert_eq!(Family::Kubernetes.to_string(), "kubernetes");
    }
}
