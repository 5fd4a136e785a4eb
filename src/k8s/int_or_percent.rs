//! Kubernetes `IntOrString` holding a count or a percentage (`minAvailable`, `maxUnavailable`,
//! NodePool budget `nodes`), scaled as the disruption controller does. Pure.

use serde::{Deserialize, Serialize};

/// A Kubernetes `IntOrString` that holds a count or a percentage (`minAvailable`, budget `nodes`).
/// Serialized as Kubernetes does: `3` or `"80%"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "IntOrPercentRepr", into = "IntOrPercentRepr")]
pub enum IntOrPercent {
    Int(i32),
    Percent(u32),
}

impl IntOrPercent {
    /// `"80%"` → `Percent(80)`, `"3"` → `Int(3)`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some(p) = s.strip_suffix('%') {
            p.trim()
                .parse::<u32>()
                .map(IntOrPercent::Percent)
                .map_err(|_| format!("invalid percentage {s:?}"))
        } else {
            s.parse::<i32>()
                .map(IntOrPercent::Int)
                .map_err(|_| format!("{s:?} is neither an integer nor a percentage"))
        }
    }

    /// Scale against `total`, rounding percentages up (as the disruption controller and Karpenter
    /// do): `Percent(80)` of 10 → 8, `Percent(10)` of 1 → 1, `Int(n)` → n.
    pub fn scaled(&self, total: i64) -> i64 {
        match *self {
            IntOrPercent::Int(n) => n as i64,
            IntOrPercent::Percent(p) => (p as i64 * total.max(0) + 99) / 100,
        }
    }

    pub fn is_zero(&self) -> bool {
        matches!(self, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
    }
}

impl std::fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum IntOrPercentRepr {
    Int(i32),
    Str(String),
}

impl TryFrom<IntOrPercentRepr> for IntOrPercent {
    type Error = String;
    fn try_from(r: IntOrPercentRepr) -> Result<Self, String> {
        match r {
            IntOrPercentRepr::Int(n) => Ok(IntOrPercent::Int(n)),
            IntOrPercentRepr::Str(s) => IntOrPercent::parse(&s),
        }
    }
}

impl From<IntOrPercent> for IntOrPercentRepr {
    fn from(v: IntOrPercent) -> Self {
        match v {
            IntOrPercent::Int(n) => IntOrPercentRepr::Int(n),
            IntOrPercent::Percent(_) => IntOrPercentRepr::Str(v.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_or_percent_parse_and_scale() {
        assert_eq!(IntOrPercent::parse("80%"), Ok(IntOrPercent::Percent(80)));
        assert_eq!(IntOrPercent::parse("3"), Ok(IntOrPercent::Int(3)));
        assert!(IntOrPercent::parse("x%").is_err());
        assert!(IntOrPercent::parse("abc").is_err());
        assert_eq!(IntOrPercent::Percent(80).scaled(10), 8);
        assert_eq!(IntOrPercent::Percent(10).scaled(1), 1);
        assert_eq!(IntOrPercent::Percent(10).scaled(0), 0);
        assert_eq!(IntOrPercent::Percent(25).scaled(5), 2);
        assert_eq!(IntOrPercent::Percent(100).scaled(7), 7);
        assert_eq!(IntOrPercent::Int(2).scaled(100), 2);
        assert!(IntOrPercent::Percent(0).is_zero());
        assert!(!IntOrPercent::Int(1).is_zero());
    }

    #[test]
    fn int_or_percent_serde_is_kubernetes_shaped() {
        assert_eq!(
            serde_json::to_string(&IntOrPercent::Percent(80)).unwrap(),
            "\"80%\""
        );
        assert_eq!(serde_json::to_string(&IntOrPercent::Int(3)).unwrap(), "3");
        let v: IntOrPercent = serde_json::from_str("\"10%\"").unwrap();
        assert_eq!(v, IntOrPercent::Percent(10));
        let v: IntOrPercent = serde_json::from_str("0").unwrap();
        assert_eq!(v, IntOrPercent::Int(0));
    }
}
