//! Scenario files: the fixtures of `tests/scenarios/`, and variants of the emulator's built-in
//! `article` scenario written to a test's own directory.

use std::path::Path;

/// What holds back the rotation of the built-in `blocked` scenario's nodes, each as the live
/// views' stall explanation names it: its PDB, its NodePool budget, its do-not-disrupt pod and the
/// drain's grace period.
pub const BLOCKED_STALL_REASONS: [&str; 5] = [
    "PDB default/payments allows 0 disruptions (3 healthy, 3 required)",
    "NodePool general-purpose: budget nodes \"0\" for Drifted holds back 2 node(s)",
    "pod jobs/batch-runner-",
    "karpenter.sh/do-not-disrupt",
    "terminationGracePeriod 24h",
];

/// Checks the stall line of the `blocked` scenario's rotation: the budget of 0, which keeps every
/// drain from starting, comes first, and every reason is named. Returns the reasons.
pub fn check_blocked_stall(stalled: &str) -> &str {
    let why = stalled.split(" — why: ").nth(1).expect("a why");
    assert!(
        why.starts_with("NodePool general-purpose: budget nodes \"0\" for Drifted"),
        "the root cause comes first:\n{stalled}"
    );
    for needle in BLOCKED_STALL_REASONS {
        assert!(why.contains(needle), "{needle:?} missing in:\n{stalled}");
    }
    why
}

/// A scenario file of this crate's `tests/scenarios/`.
pub fn test_scenario(file: &str) -> String {
    format!("{}/tests/scenarios/{file}", env!("CARGO_MANIFEST_DIR"))
}

/// The text of the emulator's built-in `article` scenario.
fn article_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/sim/scenarios/article.yaml"
    ))
    .expect("article scenario")
}

/// Writes `text` as scenario file `name` in `dir`; its path.
pub fn write_scenario(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(format!("{name}.yaml"));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// The article scenario with the first `from` replaced by `to`, written to `dir`; its path. Fails
/// when `from` is not there, so a test notices the article changing under it.
pub fn article_edited(dir: &Path, name: &str, from: &str, to: &str) -> String {
    let article = article_text();
    let edited = article.replacen(from, to, 1);
    assert_ne!(edited, article, "the article scenario changed shape");
    write_scenario(dir, name, &edited)
}

/// The article scenario named `name`, with `edit` applied to its YAML, written to `dir`; its path.
pub fn scenario_variant(dir: &Path, name: &str, edit: impl Fn(&mut serde_yaml::Value)) -> String {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&article_text()).expect("yaml");
    doc["name"] = serde_yaml::Value::String(name.into());
    edit(&mut doc);
    write_scenario(dir, name, &serde_yaml::to_string(&doc).unwrap())
}
