//! Labels and label selectors as Kubernetes matches them (`matchLabels`, `matchExpressions` with
//! In, NotIn, Exists, DoesNotExist), and a compact label set for 100,000 pods. Pure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Anything a label selector can be matched against.
pub trait LabelLookup {
    fn label(&self, key: &str) -> Option<&str>;
}

impl LabelLookup for BTreeMap<String, String> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

/// A pod's labels, compact: a boxed slice sorted by key (a `BTreeMap` node costs ~600 bytes
/// whatever it holds, and preflight keeps 100,000 pods). Serialized as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels(Box<[(String, String)]>);

impl Labels {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl LabelLookup for Labels {
    fn label(&self, key: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| self.0[i].1.as_str())
    }
}

impl From<BTreeMap<String, String>> for Labels {
    fn from(m: BTreeMap<String, String>) -> Self {
        Labels(m.into_iter().collect())
    }
}

impl Serialize for Labels {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<String, String>::deserialize(d).map(Labels::from)
    }
}

/// A Kubernetes `LabelSelector`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelSelectorRequirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub operator: String,
    pub values: Vec<String>,
}

impl LabelSelector {
    /// Selector with only `matchLabels`.
    pub fn labels<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        LabelSelector {
            match_labels: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            match_expressions: Vec::new(),
        }
    }

    /// No `matchLabels` and no `matchExpressions` (matches every object).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Whether `labels` satisfy every `matchLabels` pair and every expression. An empty selector
    /// matches everything; an expression with an unknown operator matches nothing (the API server
    /// rejects such a selector).
    pub fn matches(&self, labels: &(impl LabelLookup + ?Sized)) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.label(k) == Some(v.as_str()))
            && self.match_expressions.iter().all(|e| e.matches(labels))
    }

    /// `app=myapp,tier in (a,b)`: the kubectl rendering, for messages.
    pub fn display(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for e in &self.match_expressions {
            parts.push(match e.operator.as_str() {
                "Exists" => e.key.clone(),
                "DoesNotExist" => format!("!{}", e.key),
                op => format!("{} {} ({})", e.key, op.to_lowercase(), e.values.join(",")),
            });
        }
        if parts.is_empty() {
            "<everything>".into()
        } else {
            parts.join(",")
        }
    }
}

impl LabelSelectorRequirement {
    pub fn matches(&self, labels: &(impl LabelLookup + ?Sized)) -> bool {
        let value = labels.label(&self.key);
        match self.operator.as_str() {
            "In" => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            "NotIn" => value.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn expr(key: &str, op: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn selector_match_labels() {
        let sel = LabelSelector::labels([("app", "myapp")]);
        assert!(sel.matches(&labels(&[("app", "myapp"), ("x", "y")])));
        assert!(!sel.matches(&labels(&[("app", "other")])));
        assert!(!sel.matches(&labels(&[])));
        assert!(LabelSelector::default().matches(&labels(&[("a", "b")])));
        assert!(LabelSelector::default().is_empty());
    }

    #[test]
    fn compact_labels_match_like_a_map() {
        let map = labels(&[("tier", "web"), ("app", "myapp")]);
        let compact = Labels::from(map.clone());
        assert_eq!(compact.label("app"), Some("myapp"));
        assert_eq!(compact.label("tier"), Some("web"));
        assert_eq!(compact.label("nope"), None);
        let sel = LabelSelector {
            match_labels: labels(&[("app", "myapp")]),
            match_expressions: vec![expr("tier", "In", &["web", "api"])],
        };
        assert!(sel.matches(&compact) && sel.matches(&map));
        let json = serde_json::to_string(&compact).unwrap();
        assert_eq!(json, r#"{"app":"myapp","tier":"web"}"#);
        assert_eq!(serde_json::from_str::<Labels>(&json).unwrap(), compact);
        assert!(Labels::default().is_empty());
    }

    #[test]
    fn selector_expressions() {
        let l = labels(&[("tier", "web"), ("env", "prod")]);
        let mut sel = LabelSelector {
            match_expressions: vec![expr("tier", "In", &["web", "api"])],
            ..Default::default()
        };
        assert!(sel.matches(&l));
        sel.match_expressions = vec![expr("tier", "NotIn", &["web"])];
        assert!(!sel.matches(&l));
        sel.match_expressions = vec![expr("missing", "NotIn", &["web"])];
        assert!(sel.matches(&l));
        sel.match_expressions = vec![expr("env", "Exists", &[])];
        assert!(sel.matches(&l));
        sel.match_expressions = vec![expr("env", "DoesNotExist", &[])];
        assert!(!sel.matches(&l));
        sel.match_expressions = vec![expr("env", "Bogus", &[])];
        assert!(!sel.matches(&l));
        sel.match_expressions = vec![expr("tier", "In", &["web"]), expr("gone", "Exists", &[])];
        assert!(!sel.matches(&l));
        assert_eq!(sel.display(), "tier in (web),gone");
    }
}
