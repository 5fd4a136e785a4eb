//! The emulator's control endpoints, under `/_sim/` on the AWS port: the request log, the virtual
//! clock and faults. Tests and demos use them; no client of AWS or Kubernetes ever would.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::clock;
use super::faults::Faults;
use super::gate::KubeGate;
use super::world::{lock, rfc3339, Shared};

pub fn router(shared: Shared, gate: KubeGate) -> Router {
    Router::new()
        .route("/_sim/requests", get(requests).delete(clear_requests))
        .route("/_sim/clock", get(clock_now))
        .route("/_sim/clock/advance", post(advance))
        .route(
            "/_sim/faults",
            get(get_faults).post(move |state, body| set_faults(state, gate.clone(), body)),
        )
        .route("/_sim/watches/cut", post(cut_watches))
        .route("/_sim/watches/compact", post(compact))
        .with_state(shared)
}

async fn requests(State(shared): State<Shared>) -> impl IntoResponse {
    let w = lock(&shared);
    Json(json!(w.requests.entries))
}

async fn clear_requests(State(shared): State<Shared>) -> impl IntoResponse {
    lock(&shared).requests.entries.clear();
    StatusCode::NO_CONTENT
}

async fn clock_now(State(shared): State<Shared>) -> impl IntoResponse {
    let w = lock(&shared);
    Json(json!({
        "now": rfc3339(w.now),
        "started": rfc3339(w.started),
        "pace": w.pace,
    }))
}

#[derive(Deserialize)]
struct Advance {
    seconds: f64,
}

async fn advance(State(shared): State<Shared>, Json(body): Json<Advance>) -> impl IntoResponse {
    if !(body.seconds.is_finite() && body.seconds >= 0.0 && body.seconds <= 30.0 * 86400.0) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"message": "seconds must be between 0 and 2592000"})),
        );
    }
    let mut w = lock(&shared);
    clock::advance(&mut w, Duration::from_secs_f64(body.seconds));
    (StatusCode::OK, Json(json!({"now": rfc3339(w.now)})))
}

async fn get_faults(State(shared): State<Shared>) -> impl IntoResponse {
    Json(json!(lock(&shared).faults))
}

/// Replaces the fault settings (a JSON `Faults`); the watch-cut generation is kept.
async fn set_faults(
    State(shared): State<Shared>,
    gate: KubeGate,
    Json(faults): Json<Faults>,
) -> impl IntoResponse {
    gate.set_unreachable(faults.kube_unreachable);
    let mut w = lock(&shared);
    let cuts = w.faults.watch_cuts;
    w.faults = Faults {
        watch_cuts: cuts,
        ..faults
    };
    StatusCode::NO_CONTENT
}

/// Ends every open watch stream now.
async fn cut_watches(State(shared): State<Shared>) -> impl IntoResponse {
    lock(&shared).faults.watch_cuts += 1;
    StatusCode::NO_CONTENT
}

/// Compacts the watch log: any watch resuming from an earlier resourceVersion gets 410 Gone.
async fn compact(State(shared): State<Shared>) -> impl IntoResponse {
    lock(&shared).kube.compact_all();
    StatusCode::NO_CONTENT
}
