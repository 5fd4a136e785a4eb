//! The emulated AWS endpoint: one HTTP endpoint for EKS, EC2, IAM and Auto Scaling, as the real clients (the
//! `aws` CLI, the Rust SDK) reach it with `AWS_ENDPOINT_URL`.
//!
//! A request is routed by the service in its SigV4 credential scope (signatures are not verified;
//! an unsigned request is refused as AWS refuses it), or failing that by its shape. Every request
//! is logged, gets the configured latency, and may be answered by a planned fault instead. The
//! world lock is held only while reading or changing state, never across an `.await`.

mod autoscaling;
mod ec2;
mod eks;
mod errors;
mod iam;
mod instances;
mod paging;
mod request;
mod sigv4;
mod xml;

#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::Response;
use axum::Router;

use super::world::{lock, Rng, Shared};
use request::{param, AwsRequest, Service};
use sigv4::Auth;

/// Largest request body accepted.
const MAX_BODY: usize = 16 * 1024 * 1024;

#[derive(Clone)]
struct Endpoint {
    shared: Shared,
    /// Request counter, for request ids (kept apart from the world's random stream so that the
    /// number of requests never changes what the scenario generates).
    seq: Arc<AtomicU64>,
}

/// The AWS endpoint. `sim::start` merges it after the `/_sim/` control routes, so it answers
/// every other path.
pub fn router(shared: Shared) -> Router {
    Router::new().fallback(handle).with_state(Endpoint {
        shared,
        seq: Arc::new(AtomicU64::new(0)),
    })
}

/// What a request asks for, once routed.
enum Call {
    Eks(eks::Route),
    Query { action: String },
    Unknown { action: Option<String> },
}

impl Call {
    fn operation(&self) -> String {
        match self {
            Call::Eks(r) => r.name().to_string(),
            Call::Query { action } => action.clone(),
            Call::Unknown { action } => action.clone().unwrap_or_else(|| "UnknownOperation".into()),
        }
    }

    fn mutating(&self, service: Service, req: &AwsRequest) -> bool {
        match (self, service) {
            (Call::Eks(r), _) => r.mutating(),
            (
                Call::Query { action }
                | Call::Unknown {
                    action: Some(action),
                },
                Service::Ec2,
            ) => ec2::mutating(action),
            (
                Call::Query { action }
                | Call::Unknown {
                    action: Some(action),
                },
                Service::Iam,
            ) => iam::mutating(action),
            (
                Call::Query { action }
                | Call::Unknown {
                    action: Some(action),
                },
                Service::Autoscaling,
            ) => autoscaling::mutating(action),
            _ => req.method != http::Method::GET,
        }
    }
}

fn route(service: Service, req: &AwsRequest) -> Call {
    match service {
        Service::Eks => match eks::route(req) {
            Some(r) => Call::Eks(r),
            None => Call::Unknown { action: None },
        },
        Service::Ec2 | Service::Iam | Service::Autoscaling => {
            let form = req.form();
            let known = match service {
                Service::Ec2 => ec2::ACTIONS,
                Service::Iam => iam::ACTIONS,
                _ => autoscaling::ACTIONS,
            };
            match param(&form, "Action") {
                Some(a) if known.contains(&a) => Call::Query {
                    action: a.to_string(),
                },
                other => Call::Unknown {
                    action: other.map(str::to_string),
                },
            }
        }
    }
}

async fn handle(State(ep): State<Endpoint>, request: Request) -> Response {
    let n = ep.seq.fetch_add(1, Ordering::Relaxed);
    let request_id = Rng::new(n ^ 0x5157_4157_5345_4e44).uuid();
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return errors::ApiError::new(413, "RequestEntityTooLarge", "Request body too large")
                .render(Service::Eks, &request_id)
        }
    };
    let req = AwsRequest::new(parts.method, &parts.uri, parts.headers, body);
    let auth = sigv4::auth(&req.headers, &req.query);
    let service = request::identify(&req, &auth);
    if auth == Auth::Missing {
        return errors::missing_auth(service).render(service, &request_id);
    }
    let call = route(service, &req);
    let operation = call.operation();

    let (latency, fault, account) = {
        let mut w = lock(&ep.shared);
        let now = w.now;
        w.requests.record(
            service.name(),
            &operation,
            call.mutating(service, &req),
            now,
        );
        (
            w.faults.latency_for(service.name(), &operation),
            w.faults.take_error(service.name(), &operation),
            w.aws.account.clone(),
        )
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(kind) = fault {
        return errors::fault(service, kind, &operation, &account).render(service, &request_id);
    }

    let mut w = lock(&ep.shared);
    match (&call, service) {
        (Call::Eks(r), _) => eks::respond(&mut w, r, &req, &request_id),
        (Call::Query { action }, Service::Ec2) => {
            ec2::respond(&mut w, action, &req.form(), &request_id)
        }
        (Call::Query { action }, Service::Autoscaling) => {
            autoscaling::respond(&mut w, action, &req.form(), &request_id)
        }
        (Call::Query { action }, _) => iam::respond(&mut w, action, &req.form(), &request_id),
        (Call::Unknown { action }, _) => {
            errors::unknown_operation(service, action.as_deref()).render(service, &request_id)
        }
    }
}
