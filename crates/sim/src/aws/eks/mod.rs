//! EKS (rest-json): which operation a method and path name, and the answer to it. Each group of
//! operations lives in its own file; this one routes and renders.

mod addons;
mod cluster;
mod insights;
mod nodegroups;
mod updates;
mod versions;
pub mod wire;

pub(super) use cluster::cluster_security_group_id;

use axum::body::Body;
use axum::response::Response;
use http::Method;
use serde_json::Value;

use super::errors::ApiError;
use super::paging::{self, PageError};
use super::request::{AwsRequest, Service};
use crate::world::{Cluster, World};

/// The EKS operations the emulator serves, with their path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    ListClusters,
    DescribeCluster(String),
    UpdateClusterVersion(String),
    ListUpdates(String),
    DescribeUpdate(String, String),
    ListInsights(String),
    DescribeInsight(String, String),
    StartInsightsRefresh(String),
    DescribeInsightsRefresh(String),
    ListAddons(String),
    DescribeAddon(String, String),
    DescribeAddonVersions,
    DescribeClusterVersions,
    ListNodegroups(String),
    DescribeNodegroup(String, String),
    ListFargateProfiles(String),
    DescribeFargateProfile(String, String),
}

impl Route {
    pub fn name(&self) -> &'static str {
        match self {
            Route::ListClusters => "ListClusters",
            Route::DescribeCluster(_) => "DescribeCluster",
            Route::UpdateClusterVersion(_) => "UpdateClusterVersion",
            Route::ListUpdates(_) => "ListUpdates",
            Route::DescribeUpdate(..) => "DescribeUpdate",
            Route::ListInsights(_) => "ListInsights",
            Route::DescribeInsight(..) => "DescribeInsight",
            Route::StartInsightsRefresh(_) => "StartInsightsRefresh",
            Route::DescribeInsightsRefresh(_) => "DescribeInsightsRefresh",
            Route::ListAddons(_) => "ListAddons",
            Route::DescribeAddon(..) => "DescribeAddon",
            Route::DescribeAddonVersions => "DescribeAddonVersions",
            Route::DescribeClusterVersions => "DescribeClusterVersions",
            Route::ListNodegroups(_) => "ListNodegroups",
            Route::DescribeNodegroup(..) => "DescribeNodegroup",
            Route::ListFargateProfiles(_) => "ListFargateProfiles",
            Route::DescribeFargateProfile(..) => "DescribeFargateProfile",
        }
    }

    /// Whether the operation changes anything.
    pub fn mutating(&self) -> bool {
        matches!(
            self,
            Route::UpdateClusterVersion(_) | Route::StartInsightsRefresh(_)
        )
    }
}

/// The operation a request names, if the emulator serves it.
pub fn route(req: &AwsRequest) -> Option<Route> {
    let seg = req.segments();
    let s: Vec<&str> = seg.iter().map(String::as_str).collect();
    let get = req.method == Method::GET;
    let post = req.method == Method::POST;
    let r = match (s.as_slice(), get, post) {
        (["clusters"], true, _) => Route::ListClusters,
        (["clusters", n], true, _) => Route::DescribeCluster(n.to_string()),
        (["clusters", n, "updates"], _, true) => Route::UpdateClusterVersion(n.to_string()),
        (["clusters", n, "updates"], true, _) => Route::ListUpdates(n.to_string()),
        (["clusters", n, "updates", id], true, _) => {
            Route::DescribeUpdate(n.to_string(), id.to_string())
        }
        (["clusters", n, "insights"], _, true) => Route::ListInsights(n.to_string()),
        (["clusters", n, "insights", id], true, _) => {
            Route::DescribeInsight(n.to_string(), id.to_string())
        }
        (["clusters", n, "insights-refresh"], _, true) => {
            Route::StartInsightsRefresh(n.to_string())
        }
        (["clusters", n, "insights-refresh"], true, _) => {
            Route::DescribeInsightsRefresh(n.to_string())
        }
        (["clusters", n, "addons"], true, _) => Route::ListAddons(n.to_string()),
        (["clusters", n, "addons", a], true, _) => {
            Route::DescribeAddon(n.to_string(), a.to_string())
        }
        (["clusters", n, "node-groups"], true, _) => Route::ListNodegroups(n.to_string()),
        (["clusters", n, "node-groups", g], true, _) => {
            Route::DescribeNodegroup(n.to_string(), g.to_string())
        }
        (["clusters", n, "fargate-profiles"], true, _) => Route::ListFargateProfiles(n.to_string()),
        (["clusters", n, "fargate-profiles", p], true, _) => {
            Route::DescribeFargateProfile(n.to_string(), p.to_string())
        }
        (["addons", "supported-versions"], true, _) => Route::DescribeAddonVersions,
        (["cluster-versions"], true, _) => Route::DescribeClusterVersions,
        _ => return None,
    };
    Some(r)
}

/// Answers `route` against the world (locked by the caller).
pub fn respond(world: &mut World, route: &Route, req: &AwsRequest, request_id: &str) -> Response {
    match answer(world, route, req) {
        Ok(body) => Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("x-amzn-RequestId", request_id)
            .body(Body::from(body.to_string()))
            .expect("valid response"),
        Err(e) => e.render(Service::Eks, request_id),
    }
}

fn answer(world: &mut World, route: &Route, req: &AwsRequest) -> Result<Value, ApiError> {
    match route {
        Route::ListClusters => cluster::list(world, req),
        Route::DescribeCluster(n) => cluster::describe(world, n),
        Route::UpdateClusterVersion(n) => updates::update_version(world, n, req),
        Route::ListUpdates(n) => updates::list(world, n, req),
        Route::DescribeUpdate(n, id) => updates::describe(world, n, id),
        Route::ListInsights(n) => insights::list(world, n, req),
        Route::DescribeInsight(n, id) => insights::describe(world, n, id),
        Route::StartInsightsRefresh(n) => insights::start_refresh(world, n),
        Route::DescribeInsightsRefresh(n) => insights::describe_refresh(world, n),
        Route::ListAddons(n) => addons::list(world, n, req),
        Route::DescribeAddon(n, a) => addons::describe(world, n, a),
        Route::DescribeAddonVersions => addons::versions(world, req),
        Route::DescribeClusterVersions => versions::describe(world, req),
        Route::ListNodegroups(n) => nodegroups::list_nodegroups(world, n, req),
        Route::DescribeNodegroup(n, g) => nodegroups::describe_nodegroup(world, n, g),
        Route::ListFargateProfiles(n) => nodegroups::list_fargate_profiles(world, n, req),
        Route::DescribeFargateProfile(n, p) => nodegroups::describe_fargate_profile(world, n, p),
    }
}

/// The cluster called `name`, or EKS's 404.
pub(crate) fn find<'a>(world: &'a World, name: &str) -> Result<&'a Cluster, ApiError> {
    world.aws.clusters.get(name).ok_or_else(|| not_found(name))
}

pub(crate) fn find_mut<'a>(world: &'a mut World, name: &str) -> Result<&'a mut Cluster, ApiError> {
    world
        .aws
        .clusters
        .get_mut(name)
        .ok_or_else(|| not_found(name))
}

fn not_found(name: &str) -> ApiError {
    ApiError::new(
        404,
        "ResourceNotFoundException",
        format!("No cluster found for name: {name}."),
    )
    .with("clusterName", name)
}

pub(crate) fn invalid_parameter(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "InvalidParameterException", message)
}

/// A page of `items` per the request's maxResults / nextToken (query string or JSON body).
pub(crate) fn page<T: Clone>(
    items: &[T],
    max: Option<&str>,
    token: Option<&str>,
    default_max: usize,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let requested = paging::parse_max(max).map_err(page_error)?;
    paging::page(items, requested, token, default_max, 100).map_err(page_error)
}

fn page_error(e: PageError) -> ApiError {
    match e {
        PageError::BadToken => invalid_parameter("The nextToken provided is invalid."),
        PageError::BadMax { min, max } => {
            invalid_parameter(format!("maxResults must be between {min} and {max}."))
        }
    }
}

/// The listing of a GET list operation: the page of `items` its query string's maxResults /
/// nextToken ask for, under `key`.
pub(crate) fn query_listing(
    req: &AwsRequest,
    key: &str,
    items: &[Value],
    default_max: usize,
) -> Result<Value, ApiError> {
    let (items, next) = page(
        items,
        req.query_param("maxResults"),
        req.query_param("nextToken"),
        default_max,
    )?;
    Ok(listing(key, items, next))
}

/// `{"key": [...], "nextToken": ...}`.
pub(crate) fn listing(key: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(key.to_string(), Value::Array(items));
    if let Some(t) = next {
        m.insert("nextToken".into(), Value::String(t));
    }
    Value::Object(m)
}

/// The request's JSON body, or EKS's answer to a malformed one.
pub(crate) fn body(req: &AwsRequest) -> Result<Value, ApiError> {
    req.json().map_err(|e| {
        ApiError::new(
            400,
            "SerializationException",
            format!("Could not read the request body: {e}"),
        )
    })
}

/// A JSON member that may be a number or a numeric string, as text (for `page`).
pub(crate) fn json_max(v: &Value) -> Option<String> {
    match v.get("maxResults")? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::HeaderMap;

    fn r(method: Method, uri: &str) -> Option<Route> {
        route(&AwsRequest::new(
            method,
            &uri.parse().unwrap(),
            HeaderMap::new(),
            Bytes::new(),
        ))
    }

    #[test]
    fn routes_every_operation() {
        use Route::*;
        let c = || "c".to_string();
        assert_eq!(r(Method::GET, "/clusters"), Some(ListClusters));
        assert_eq!(r(Method::GET, "/clusters/c"), Some(DescribeCluster(c())));
        assert_eq!(
            r(Method::POST, "/clusters/c/updates"),
            Some(UpdateClusterVersion(c()))
        );
        assert_eq!(
            r(Method::GET, "/clusters/c/updates?maxResults=2"),
            Some(ListUpdates(c()))
        );
        assert_eq!(
            r(Method::GET, "/clusters/c/updates/u"),
            Some(DescribeUpdate(c(), "u".into()))
        );
        assert_eq!(
            r(Method::POST, "/clusters/c/insights"),
            Some(ListInsights(c()))
        );
        assert_eq!(
            r(Method::GET, "/clusters/c/insights/i"),
            Some(DescribeInsight(c(), "i".into()))
        );
        assert_eq!(
            r(Method::POST, "/clusters/c/insights-refresh"),
            Some(StartInsightsRefresh(c()))
        );
        assert_eq!(
            r(Method::GET, "/clusters/c/insights-refresh"),
            Some(DescribeInsightsRefresh(c()))
        );
        assert_eq!(r(Method::GET, "/clusters/c/addons"), Some(ListAddons(c())));
        assert_eq!(
            r(Method::GET, "/clusters/c/addons/vpc-cni"),
            Some(DescribeAddon(c(), "vpc-cni".into()))
        );
        assert_eq!(
            r(Method::GET, "/addons/supported-versions"),
            Some(DescribeAddonVersions)
        );
        assert_eq!(
            r(Method::GET, "/cluster-versions"),
            Some(DescribeClusterVersions)
        );
        assert_eq!(
            r(Method::GET, "/clusters/c/node-groups?maxResults=5"),
            Some(ListNodegroups(c()))
        );
        assert_eq!(
            r(Method::GET, "/clusters/c/node-groups/ng"),
            Some(DescribeNodegroup(c(), "ng".into()))
        );
        assert_eq!(
            r(Method::GET, "/clusters/c/fargate-profiles"),
            Some(ListFargateProfiles(c()))
        );
        assert_eq!(
            r(Method::GET, "/clusters/c/fargate-profiles/fp"),
            Some(DescribeFargateProfile(c(), "fp".into()))
        );
        assert_eq!(r(Method::DELETE, "/clusters/c"), None);
        assert_eq!(r(Method::GET, "/clusters/c/widgets"), None);
    }
}
