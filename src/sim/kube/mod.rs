//! The emulated Kubernetes API server (in progress).
use axum::Router;

use super::world::Shared;

pub fn router(shared: Shared) -> Router {
    Router::new().with_state(shared)
}
