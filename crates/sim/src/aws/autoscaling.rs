//! Auto Scaling (the `autoscaling` query protocol, API version 2011-01-01, XML answers). An Auto
//! Mode cluster has no Auto Scaling groups (its instances are launched by EKS with CreateFleet),
//! so DescribeAutoScalingGroups and DescribeAutoScalingInstances answer with empty lists, in the
//! real shape and with the real validation of their paging parameters.

use axum::response::Response;
use http::StatusCode;

use super::errors::{autoscaling_xmlns, unknown_operation, xml_response, ApiError};
use super::paging::{self, PageError};
use super::request::{param, Service};
use super::xml::Xml;
use crate::world::World;

/// The actions served; every other one gets `InvalidAction`.
pub const ACTIONS: &[&str] = &["DescribeAutoScalingGroups", "DescribeAutoScalingInstances"];

/// Whether an Auto Scaling action changes anything (by AWS's naming convention).
pub fn mutating(action: &str) -> bool {
    !action.starts_with("Describe")
}

/// Answers `action` (one of `ACTIONS`, or `InvalidAction`).
pub fn respond(
    _world: &mut World,
    action: &str,
    form: &[(String, String)],
    request_id: &str,
) -> Response {
    let result = match action {
        "DescribeAutoScalingGroups" => empty_listing(
            action,
            "AutoScalingGroups",
            form,
            "MaxRecords",
            100,
            request_id,
        ),
        "DescribeAutoScalingInstances" => empty_listing(
            action,
            "AutoScalingInstances",
            form,
            "MaxRecords",
            50,
            request_id,
        ),
        other => Err(unknown_operation(Service::Autoscaling, Some(other))),
    };
    match result {
        Ok(xml) => xml_response(StatusCode::OK, xml, request_id),
        Err(e) => e.render(Service::Autoscaling, request_id),
    }
}

/// `<ActionResponse><ActionResult>` ... `<ResponseMetadata>`.
fn envelope(action: &str, request_id: &str, body: impl FnOnce(&mut Xml)) -> String {
    let mut x = Xml::document(&format!("{action}Response"), &autoscaling_xmlns());
    x.open(&format!("{action}Result"));
    body(&mut x);
    x.close()
        .open("ResponseMetadata")
        .leaf("RequestId", request_id)
        .close();
    x.finish()
}

/// An empty list under `key`, after checking `MaxRecords` (at most `limit`) and `NextToken`.
fn empty_listing(
    action: &str,
    key: &str,
    form: &[(String, String)],
    max_param: &str,
    limit: i64,
    request_id: &str,
) -> Result<String, ApiError> {
    let max = match param(form, max_param) {
        None => None,
        Some(m) => {
            let n = m.parse::<i64>().map_err(|_| {
                ApiError::new(
                    400,
                    "ValidationError",
                    format!("Invalid value '{m}' for parameter {max_param}"),
                )
            })?;
            if n > limit {
                return Err(ApiError::new(
                    400,
                    "ValidationError",
                    format!(
                        "1 validation error detected: Value '{n}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to {limit}"
                    ),
                ));
            }
            Some(n.max(1))
        }
    };
    let token = param(form, "NextToken");
    let (_, next) =
        paging::page::<String>(&[], max, token, limit as usize, limit).map_err(|e| match e {
            PageError::BadToken => ApiError::new(
                400,
                "InvalidNextToken",
                format!("The token '{}' is invalid.", token.unwrap_or_default()),
            ),
            PageError::BadMax { .. } => ApiError::new(400, "ValidationError", "Invalid MaxRecords"),
        })?;
    Ok(envelope(action, request_id, |x| {
        x.empty(key);
        if let Some(t) = next {
            x.leaf("NextToken", t);
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn answers_empty_lists_and_checks_paging() {
        let x = empty_listing(
            "DescribeAutoScalingGroups",
            "AutoScalingGroups",
            &form(&[("AutoScalingGroupNames.member.1", "eks-ng-1")]),
            "MaxRecords",
            100,
            "rid",
        )
        .unwrap();
        assert!(x.contains("<DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>rid</RequestId>"), "{x}");
        let e = empty_listing(
            "DescribeAutoScalingGroups",
            "AutoScalingGroups",
            &form(&[("MaxRecords", "101")]),
            "MaxRecords",
            100,
            "rid",
        )
        .unwrap_err();
        assert_eq!(e.code, "ValidationError");
        let e = empty_listing(
            "DescribeAutoScalingGroups",
            "AutoScalingGroups",
            &form(&[("NextToken", "nope")]),
            "MaxRecords",
            100,
            "rid",
        )
        .unwrap_err();
        assert_eq!(e.code, "InvalidNextToken");
        assert!(mutating("CreateAutoScalingGroup"));
        assert!(!mutating("DescribeAutoScalingGroups"));
    }
}
