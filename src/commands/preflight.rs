//! `eksauto preflight`: connect (cluster and clients) → gather the facts → run the checks → filter →
//! render → exit code. The orchestration only; each step lives in its own module.

use crate::checks;
use crate::cli::{GlobalArgs, Output, PreflightArgs};
use crate::connect;
use crate::error::Error;
use crate::facts;
use crate::outcome::Outcome;
use crate::output::Printer;
use crate::ui::{self, style::Style, Report};

/// Runs the preflight and prints the report to stdout.
pub async fn run(global: &GlobalArgs, args: &PreflightArgs) -> Result<Outcome, Error> {
    validate_selectors(&args.only, "--only")?;
    validate_selectors(&args.skip, "--skip")?;

    let connect::Connection { cluster, aws, kube } = connect::connect(global).await?;
    tracing::info!(%cluster, region = %aws.region, "preflight");
    let facts = facts::gather(
        &aws,
        kube,
        &facts::Request {
            cluster: &cluster,
            to: args.to,
            refresh_insights: args.refresh_insights,
        },
    )
    .await?;

    let findings = evaluate(&facts, &args.only, &args.skip);
    let printer = Printer::new(global.output);
    printer.out(&render(global, &facts, &findings));
    let outcome = checks::verdict(&findings);
    if outcome == Outcome::Incomplete {
        // The report is out; say on stderr, in one line, why the exit code says "incomplete".
        let why = findings
            .iter()
            .find(|f| f.unchecked && f.id == "K8S002")
            .or_else(|| findings.iter().find(|f| f.unchecked))
            .map(|f| format!("{} ({})", f.message, f.id))
            .unwrap_or_default();
        printer.note(&format!("error: preflight is incomplete: {why}"));
    }
    Ok(outcome)
}

/// Runs every check, keeps those selected, folds an unreachable Kubernetes API into K8S002.
pub fn evaluate(
    facts: &facts::model::Facts,
    only: &[String],
    skip: &[String],
) -> Vec<checks::Finding> {
    checks::fold_unreachable(
        facts,
        checks::filter(checks::run_all(facts), only, skip),
        only,
        skip,
    )
}

/// What a preflight found, ready to render.
pub fn report<'a>(facts: &'a facts::model::Facts, findings: &'a [checks::Finding]) -> Report<'a> {
    Report {
        cluster: &facts.cluster.name,
        region: &facts.cluster.region,
        current_version: &facts.cluster.version,
        target_version: facts.target_version,
        findings,
    }
}

/// The report as a table, or one JSON document with `-o json`.
pub fn render(
    global: &GlobalArgs,
    facts: &facts::model::Facts,
    findings: &[checks::Finding],
) -> String {
    let report = report(facts, findings);
    match global.output {
        Output::Json => ui::json::render(&report),
        Output::Table => ui::table::render(&report, Style::detect(global.no_color)),
    }
}

/// Every `--only` / `--skip` token must name a check ID, an ID prefix or a family.
pub fn validate_selectors(tokens: &[String], flag: &str) -> Result<(), Error> {
    let unknown: Vec<&str> = tokens
        .iter()
        .map(|t| t.trim())
        .filter(|t| t.is_empty() || !checks::is_known_selector(t))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = checks::CATALOGUE.iter().map(|(id, _)| *id).collect();
    let families: Vec<&str> = checks::Family::ALL.iter().map(|f| f.name()).collect();
    Err(Error::Usage(format!(
        "unknown check {} in {flag}: use check IDs ({}) or families ({})",
        unknown
            .iter()
            .map(|t| format!("{t:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        ids.join(", "),
        families.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_validated() {
        assert!(validate_selectors(&["PDB001".into(), "iam".into()], "--only").is_ok());
        let err = validate_selectors(&["BOGUS".into()], "--only").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("\"BOGUS\""), "{msg}");
        assert!(msg.contains("PDB001"), "{msg}");
        assert!(validate_selectors(&["".into()], "--skip").is_err());
    }
}
