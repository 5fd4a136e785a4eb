//! Faults on demand: extra latency per operation, N error answers, cut watch streams, forced
//! `410 Gone` and an unreachable Kubernetes API. Set from the scenario or at run time through `POST /_sim/faults`; the AWS and
//! Kubernetes front ends consult them on every request.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What kind of error answer to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum ErrorKind {
    /// HTTP 400 ThrottlingException (EKS) / Throttling (IAM) / RequestLimitExceeded (EC2).
    Throttling,
    /// HTTP 500 ServerException / InternalFailure.
    Internal,
    /// HTTP 403 AccessDeniedException / AccessDenied / UnauthorizedOperation.
    AccessDenied,
}

/// `count` error answers of `kind` to `operation` ("ListInsights", "eks:ListInsights" or "*").
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorFault {
    pub operation: String,
    pub kind: ErrorKind,
    /// How many answers; `null` means every answer from now on.
    #[serde(default)]
    pub count: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Faults {
    /// Latency added to every AWS call, in milliseconds (`--latency`).
    pub latency_ms: u64,
    /// Latency per operation ("ListInsights" or "eks:ListInsights"), in milliseconds; replaces
    /// `latency_ms` for that operation.
    pub operation_latency_ms: BTreeMap<String, u64>,
    pub errors: Vec<ErrorFault>,
    /// Bumped to cut every open watch stream (watchers see the stream end and must re-watch).
    #[serde(skip_deserializing)]
    pub watch_cuts: u64,
    /// The next N watch requests are answered `410 Gone` whatever their resourceVersion.
    pub gone_watches: u32,
    /// The Kubernetes API accepts no connection (reset at once) and open watches end, as for a
    /// client outside a private endpoint's VPC, or an API server restarting.
    pub kube_unreachable: bool,
}

fn matches(pattern: &str, service: &str, operation: &str) -> bool {
    pattern == "*" || pattern == operation || pattern == format!("{service}:{operation}")
}

impl Faults {
    /// Latency to add before answering `service:operation`.
    pub fn latency_for(&self, service: &str, operation: &str) -> Duration {
        let ms = self
            .operation_latency_ms
            .iter()
            .find(|(k, _)| matches(k, service, operation))
            .map(|(_, v)| *v)
            .unwrap_or(self.latency_ms);
        Duration::from_millis(ms)
    }

    /// Consumes one planned error answer for this operation, if any.
    pub fn take_error(&mut self, service: &str, operation: &str) -> Option<ErrorKind> {
        let idx = self
            .errors
            .iter()
            .position(|f| matches(&f.operation, service, operation) && f.count != Some(0))?;
        let fault = &mut self.errors[idx];
        let kind = fault.kind;
        if let Some(c) = fault.count.as_mut() {
            *c -= 1;
            if *c == 0 {
                self.errors.remove(idx);
            }
        }
        Some(kind)
    }

    /// Consumes one forced 410 for a watch request.
    pub fn take_gone(&mut self) -> bool {
        if self.gone_watches > 0 {
            self.gone_watches -= 1;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_counted_down() {
        let mut f = Faults {
            errors: vec![ErrorFault {
                operation: "eks:ListInsights".into(),
                kind: ErrorKind::Throttling,
                count: Some(2),
            }],
            ..Default::default()
        };
        assert_eq!(f.take_error("eks", "DescribeCluster"), None);
        assert_eq!(
            f.take_error("eks", "ListInsights"),
            Some(ErrorKind::Throttling)
        );
        assert_eq!(
            f.take_error("eks", "ListInsights"),
            Some(ErrorKind::Throttling)
        );
        assert_eq!(f.take_error("eks", "ListInsights"), None);
    }

    #[test]
    fn per_operation_latency_overrides_global() {
        let mut f = Faults {
            latency_ms: 100,
            ..Default::default()
        };
        f.operation_latency_ms.insert("GetRole".into(), 5);
        assert_eq!(f.latency_for("iam", "GetRole"), Duration::from_millis(5));
        assert_eq!(
            f.latency_for("eks", "ListAddons"),
            Duration::from_millis(100)
        );
    }
}
