//! NodePool disruption budgets: which budgets are active now (schedule + duration), which apply to
//! a reason, and how many nodes may start being disrupted (REFERENCE §3: the most restrictive
//! active budget, percent rounded up, minus nodes already being deleted and nodes NotReady).

use jiff::Timestamp;
use serde_json::Value;

use super::cron::Cron;
use super::util::go_duration;

/// A disruption reason budgets can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Drifted,
    Empty,
    Underutilized,
    /// Expiry is forceful: budgets do not hold it back.
    Expired,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Drifted => "Drifted",
            Reason::Empty => "Empty",
            Reason::Underutilized => "Underutilized",
            Reason::Expired => "Expired",
        }
    }
}

/// `nodes` of one budget against a pool of `total` nodes: "10%" → ceil(total × 0.1), "3" → 3.
pub fn budget_nodes(nodes: &str, total: i64) -> Option<i64> {
    let nodes = nodes.trim();
    if let Some(pct) = nodes.strip_suffix('%') {
        let p: i64 = pct.trim().parse().ok()?;
        Some((total * p + 99) / 100)
    } else {
        nodes.parse().ok()
    }
}

/// Whether a budget is active at `now` (no schedule: always).
pub fn active(budget: &Value, now: Timestamp) -> bool {
    match budget["schedule"].as_str() {
        None => true,
        Some(s) => {
            let duration = budget["duration"]
                .as_str()
                .and_then(go_duration)
                .unwrap_or(0);
            Cron::parse(s).is_ok_and(|c| c.active(now, duration))
        }
    }
}

fn applies(budget: &Value, reason: Reason) -> bool {
    match budget["reasons"].as_array() {
        None => true,
        Some(rs) if rs.is_empty() => true,
        Some(rs) => rs.iter().any(|r| r == reason.as_str()),
    }
}

/// The pool's budgets (the default `[{nodes: "10%"}]` when none are given).
fn budgets(nodepool: &Value) -> Vec<Value> {
    match nodepool["spec"]["disruption"]["budgets"].as_array() {
        Some(b) => b.clone(),
        None => vec![serde_json::json!({"nodes": "10%"})],
    }
}

/// The most restrictive active budget for `reason` over `total` nodes (before subtracting nodes
/// already in flight). `None` means no budget limits it.
pub fn limit(nodepool: &Value, reason: Reason, total: i64, now: Timestamp) -> Option<i64> {
    if reason == Reason::Expired {
        return None;
    }
    budgets(nodepool)
        .iter()
        .filter(|b| applies(b, reason) && active(b, now))
        .filter_map(|b| budget_nodes(b["nodes"].as_str().unwrap_or("10%"), total))
        .min()
}

/// How many more nodes may start being disrupted now.
pub fn allowed(
    nodepool: &Value,
    reason: Reason,
    total: i64,
    disrupting: i64,
    not_ready: i64,
    now: Timestamp,
) -> i64 {
    match limit(nodepool, reason, total, now) {
        None => i64::MAX,
        Some(n) => (n - disrupting - not_ready).max(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn percent_rounds_up_and_int_is_literal() {
        assert_eq!(budget_nodes("10%", 1), Some(1));
        assert_eq!(budget_nodes("10%", 11), Some(2));
        assert_eq!(budget_nodes("0", 50), Some(0));
        assert_eq!(budget_nodes("5", 2), Some(5));
        assert_eq!(budget_nodes("x", 2), None);
    }

    #[test]
    fn default_budget_is_ten_percent() {
        let np = json!({"spec": {}});
        let now = t("2024-12-12T08:00:00Z");
        assert_eq!(allowed(&np, Reason::Drifted, 1, 0, 0, now), 1);
        assert_eq!(allowed(&np, Reason::Drifted, 1, 1, 0, now), 0);
        assert_eq!(allowed(&np, Reason::Drifted, 30, 1, 1, now), 1);
    }

    #[test]
    fn most_restrictive_active_budget_for_the_reason_wins() {
        let np = json!({"spec": {"disruption": {"budgets": [
            {"nodes": "50%"},
            {"nodes": "0", "reasons": ["Empty"]},
            {"nodes": "0", "schedule": "0 9 * * *", "duration": "8h"},
        ]}}});
        let night = t("2024-12-12T02:00:00Z");
        let day = t("2024-12-12T10:00:00Z");
        assert_eq!(allowed(&np, Reason::Drifted, 4, 0, 0, night), 2);
        assert_eq!(allowed(&np, Reason::Empty, 4, 0, 0, night), 0);
        assert_eq!(allowed(&np, Reason::Drifted, 4, 0, 0, day), 0);
        assert_eq!(allowed(&np, Reason::Expired, 4, 0, 0, day), i64::MAX);
    }
}
