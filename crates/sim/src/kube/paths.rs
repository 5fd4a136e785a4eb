//! Request paths of the Kubernetes API: which resource, namespace, name and subresource a URL
//! addresses (`/api/v1/namespaces/default/pods/web/eviction`, `/apis/apps/v1/deployments`, the
//! legacy `/api/v1/watch/...` form). Discovery and other non-resource paths are not parsed here.

use crate::store::Res;

/// One resource URL, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub res: Res,
    /// The namespace in the URL (`None` for cluster-wide requests and cluster-scoped kinds).
    pub namespace: Option<String>,
    pub name: Option<String>,
    /// `eviction`, `status`, `scale`, ...
    pub sub: Option<String>,
    /// The path used the legacy `/watch/` prefix.
    pub legacy_watch: bool,
}

/// Parses a resource path; `None` when the path does not address a served resource.
pub fn parse(path: &str) -> Option<Target> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    let (legacy_watch, rest) = match rest {
        ["watch", rest @ ..] => (true, rest),
        _ => (false, rest),
    };
    let find = |plural: &str| Res::from_path(group, version, plural);
    let target = |res: Res, namespace: Option<&str>, name: Option<&str>, sub: Option<&str>| {
        Some(Target {
            res,
            namespace: namespace.map(str::to_string),
            name: name.map(str::to_string),
            sub: sub.map(str::to_string),
            legacy_watch,
        })
    };
    match rest {
        // namespaced kinds under a namespace
        ["namespaces", ns, plural, tail @ ..]
            if find(plural).is_some_and(|r| r.info().namespaced) =>
        {
            let res = find(plural)?;
            match tail {
                [] => target(res, Some(ns), None, None),
                [name] => target(res, Some(ns), Some(name), None),
                [name, sub] => target(res, Some(ns), Some(name), Some(sub)),
                _ => None,
            }
        }
        [plural, tail @ ..] => {
            let res = find(plural)?;
            if res.info().namespaced {
                // a cluster-wide list or watch of a namespaced kind
                return match tail {
                    [] => target(res, None, None, None),
                    _ => None,
                };
            }
            match tail {
                [] => target(res, None, None, None),
                [name] => target(res, None, Some(name), None),
                [name, sub] => target(res, None, Some(name), Some(sub)),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resource_paths() {
        let t = parse("/api/v1/namespaces/default/pods/web/eviction").unwrap();
        assert_eq!(t.res, Res::Pods);
        assert_eq!(t.namespace.as_deref(), Some("default"));
        assert_eq!(t.name.as_deref(), Some("web"));
        assert_eq!(t.sub.as_deref(), Some("eviction"));

        let t = parse("/api/v1/pods").unwrap();
        assert_eq!((t.res, t.namespace, t.name), (Res::Pods, None, None));

        let t = parse("/api/v1/namespaces/kube-system").unwrap();
        assert_eq!(t.res, Res::Namespaces);
        assert_eq!(t.name.as_deref(), Some("kube-system"));

        let t = parse("/api/v1/namespaces/kube-system/status").unwrap();
        assert_eq!(t.sub.as_deref(), Some("status"));

        let t = parse("/apis/apps/v1/namespaces/default/deployments/myapp/scale").unwrap();
        assert_eq!(t.res, Res::Deployments);

        let t = parse("/api/v1/watch/nodes").unwrap();
        assert!(t.legacy_watch);
        assert_eq!(t.res, Res::Nodes);

        let t = parse("/apis/karpenter.sh/v1/nodepools/general-purpose").unwrap();
        assert_eq!(t.res, Res::NodePools);

        assert!(parse("/api/v1/pods/x").is_none());
        assert!(parse("/apis/apps/v1/widgets").is_none());
        assert!(parse("/version").is_none());
    }
}
