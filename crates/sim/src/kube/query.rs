//! Query parameters of Kubernetes API requests (selectors, paging, watch options, delete options),
//! and what the `Accept` header asks for (JSON objects or `meta.k8s.io` Tables).

use axum::http::HeaderMap;

/// The query parameters this server understands; others are ignored as the API server ignores
/// unknown ones it does not validate.
#[derive(Debug, Default, Clone)]
pub struct Query {
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    pub limit: Option<usize>,
    pub continue_token: Option<String>,
    pub resource_version: Option<String>,
    /// `resourceVersionMatch`: `NotOlderThan`, `Exact` (anything else is refused).
    pub resource_version_match: Option<String>,
    pub watch: bool,
    pub allow_bookmarks: bool,
    pub timeout_seconds: Option<u64>,
    pub grace_period_seconds: Option<i64>,
    /// `None`, `Metadata` (default) or `Object`: what Table rows carry.
    pub include_object: Option<String>,
    pub dry_run: bool,
    pub send_initial_events: bool,
    /// `sendInitialEvents` as given (`None` when absent): its mere presence is validated.
    pub send_initial_events_given: Option<bool>,
}

/// One violated rule of the API server's list-options validation: the field, the cause type
/// (`FieldValueForbidden`, `FieldValueNotSupported`) and the error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub field: &'static str,
    pub cause: &'static str,
    pub detail: String,
}

fn forbidden(field: &'static str, detail: &str) -> OptionError {
    OptionError {
        field,
        cause: "FieldValueForbidden",
        detail: format!("Forbidden: {detail}"),
    }
}

fn not_supported(field: &'static str, value: &str, supported: &[&str]) -> OptionError {
    let list: Vec<String> = supported.iter().map(|v| format!("\"{v}\"")).collect();
    OptionError {
        field,
        cause: "FieldValueNotSupported",
        detail: format!(
            "Unsupported value: \"{value}\": supported values: {}",
            list.join(", ")
        ),
    }
}

fn truthy(v: &str) -> bool {
    matches!(v, "1" | "true" | "True" | "TRUE")
}

impl Query {
    pub fn parse(raw: Option<&str>) -> Result<Query, String> {
        let mut q = Query::default();
        let Some(raw) = raw else { return Ok(q) };
        for (k, v) in form_urlencoded::parse(raw.as_bytes()) {
            let v = v.into_owned();
            match k.as_ref() {
                "labelSelector" if !v.is_empty() => q.label_selector = Some(v),
                "fieldSelector" if !v.is_empty() => q.field_selector = Some(v),
                "limit" => {
                    let n: i64 = v.parse().map_err(|_| format!("invalid limit: {v:?}"))?;
                    q.limit = (n > 0).then_some(n as usize);
                }
                "continue" if !v.is_empty() => q.continue_token = Some(v),
                "resourceVersion" if !v.is_empty() => q.resource_version = Some(v),
                "resourceVersionMatch" if !v.is_empty() => q.resource_version_match = Some(v),
                "watch" => q.watch = truthy(&v),
                "allowWatchBookmarks" => q.allow_bookmarks = truthy(&v),
                "timeoutSeconds" => {
                    q.timeout_seconds = Some(
                        v.parse()
                            .map_err(|_| format!("invalid timeoutSeconds: {v:?}"))?,
                    )
                }
                "gracePeriodSeconds" => {
                    q.grace_period_seconds = Some(
                        v.parse()
                            .map_err(|_| format!("invalid gracePeriodSeconds: {v:?}"))?,
                    )
                }
                "includeObject" => q.include_object = Some(v),
                "dryRun" => q.dry_run |= dry_run_value(&v)?,
                "sendInitialEvents" => {
                    q.send_initial_events = truthy(&v);
                    q.send_initial_events_given = Some(truthy(&v));
                }
                _ => {}
            }
        }
        Ok(q)
    }

    /// The API server's checks of list and watch options (`ValidateListOptions`, with the
    /// WatchList feature on, as kube-rs and client-go streaming lists expect).
    pub fn validate(&self, watch: bool) -> Vec<OptionError> {
        const RVM: &str = "resourceVersionMatch";
        let rvm = self.resource_version_match.as_deref();
        let mut errs = Vec::new();
        if watch {
            if self.send_initial_events_given.is_some() && rvm != Some("NotOlderThan") {
                errs.push(forbidden(
                    RVM,
                    "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                ));
            }
            if let Some(m) = rvm {
                if self.send_initial_events_given.is_none() {
                    errs.push(forbidden(
                        RVM,
                        "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
                    ));
                }
                if m != "NotOlderThan" {
                    errs.push(not_supported(RVM, m, &["NotOlderThan"]));
                }
                if self.continue_token.is_some() {
                    errs.push(forbidden(
                        RVM,
                        "resourceVersionMatch is forbidden when continue is provided",
                    ));
                }
            }
            return errs;
        }
        if let Some(m) = rvm {
            if self.resource_version.is_none() {
                errs.push(forbidden(
                    RVM,
                    "resourceVersionMatch is forbidden unless resourceVersion is provided",
                ));
            }
            if self.continue_token.is_some() {
                errs.push(forbidden(
                    RVM,
                    "resourceVersionMatch is forbidden when continue is provided",
                ));
            }
            if m != "Exact" && m != "NotOlderThan" {
                errs.push(not_supported(RVM, m, &["Exact", "NotOlderThan", ""]));
            }
            if m == "Exact" && self.resource_version.as_deref() == Some("0") {
                errs.push(forbidden(
                    RVM,
                    "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
                ));
            }
        }
        if self.send_initial_events_given.is_some() {
            errs.push(forbidden(
                "sendInitialEvents",
                "sendInitialEvents is forbidden for list",
            ));
        }
        errs
    }

    /// The resourceVersion as a number; unset, empty and "0" give `None` ("any").
    pub fn rv_number(&self) -> Result<Option<u64>, String> {
        match self.resource_version.as_deref() {
            None | Some("0") | Some("") => Ok(None),
            Some(s) => s
                .parse::<u64>()
                .map(Some)
                .map_err(|_| format!("invalid resource version: {s:?}")),
        }
    }
}

/// One `dryRun` value: `All` (the only one the API server knows) or empty.
fn dry_run_value(v: &str) -> Result<bool, String> {
    match v {
        "" => Ok(false),
        "All" => Ok(true),
        other => Err(format!(
            "Invalid dry run value: dryRun: Unsupported value: \"{other}\": supported values: \"All\""
        )),
    }
}

/// The `dryRun` list of a DeleteOptions body (absent: no dry run).
pub fn dry_run_values(v: &serde_json::Value) -> Result<bool, String> {
    let mut dry = false;
    for item in v.as_array().into_iter().flatten() {
        dry |= dry_run_value(item.as_str().unwrap_or("?"))?;
    }
    Ok(dry)
}

/// The representation a client asked for in `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr {
    /// The objects themselves.
    Object,
    /// A `meta.k8s.io/v1` Table (server-side printing, as kubectl asks).
    Table,
    /// `PartialObjectMetadata` (metadata-only lists and watches).
    Metadata,
}

impl Repr {
    /// The Content-Type of an answer in this representation.
    pub fn content_type(self, list: bool) -> &'static str {
        match (self, list) {
            (Repr::Object, _) => "application/json",
            (Repr::Table, _) => "application/json;as=Table;v=v1;g=meta.k8s.io",
            (Repr::Metadata, true) => {
                "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"
            }
            (Repr::Metadata, false) => {
                "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"
            }
        }
    }
}

/// The first representation in `Accept` that this server offers.
pub fn representation(headers: &HeaderMap) -> Repr {
    for value in headers
        .get_all(axum::http::header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for part in value.split(',') {
            let p = part.replace(' ', "");
            let meta_group = p.contains("g=meta.k8s.io") || !p.contains("g=");
            if p.contains("as=Table") && meta_group {
                return Repr::Table;
            }
            if p.contains("as=PartialObjectMetadata") && meta_group {
                return Repr::Metadata;
            }
            if !p.contains("as=") && (p.starts_with("application/json") || p.starts_with("*/*")) {
                return Repr::Object;
            }
        }
    }
    Repr::Object
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_query() {
        let q = Query::parse(Some(
            "labelSelector=app%3Dmyapp&limit=500&watch=1&allowWatchBookmarks=true&resourceVersion=0&timeoutSeconds=290",
        ))
        .unwrap();
        assert_eq!(q.label_selector.as_deref(), Some("app=myapp"));
        assert_eq!(q.limit, Some(500));
        assert!(q.watch && q.allow_bookmarks);
        assert_eq!(q.rv_number().unwrap(), None);
        assert_eq!(q.timeout_seconds, Some(290));
        assert!(Query::parse(Some("limit=x")).is_err());
    }

    fn errs(raw: &str, watch: bool) -> Vec<String> {
        Query::parse(Some(raw))
            .unwrap()
            .validate(watch)
            .into_iter()
            .map(|e| format!("{}: {}", e.field, e.detail))
            .collect()
    }

    #[test]
    fn validates_list_options_as_the_api_server() {
        assert!(errs("resourceVersion=5&resourceVersionMatch=Exact", false).is_empty());
        assert!(errs("resourceVersion=0&resourceVersionMatch=NotOlderThan", false).is_empty());
        assert_eq!(
            errs("resourceVersionMatch=NotOlderThan", false),
            ["resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"]
        );
        assert_eq!(
            errs("resourceVersion=0&resourceVersionMatch=Exact", false),
            [
                r#"resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0""#
            ]
        );
        assert_eq!(
            errs("resourceVersion=1&resourceVersionMatch=Newest", false),
            [
                r#"resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", """#
            ]
        );
        assert_eq!(
            errs("sendInitialEvents=true", false),
            ["sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list"]
        );
        assert!(errs(
            "sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
            true
        )
        .is_empty());
        assert_eq!(
            errs("sendInitialEvents=true", true),
            ["resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"]
        );
        assert_eq!(
            errs("resourceVersionMatch=NotOlderThan", true),
            ["resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"]
        );
        assert_eq!(
            errs("sendInitialEvents=false&resourceVersionMatch=Exact", true),
            [
                "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                r#"resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan""#,
            ]
        );
    }

    #[test]
    fn picks_the_representation() {
        let mut h = HeaderMap::new();
        h.insert(
            "accept",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
                .parse()
                .unwrap(),
        );
        assert_eq!(representation(&h), Repr::Table);
        h.insert("accept", "application/json".parse().unwrap());
        assert_eq!(representation(&h), Repr::Object);
        h.insert(
            "accept",
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
                .parse()
                .unwrap(),
        );
        assert_eq!(representation(&h), Repr::Metadata);
        assert_eq!(representation(&HeaderMap::new()), Repr::Object);
    }
}
