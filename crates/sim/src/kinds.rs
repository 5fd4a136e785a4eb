//! The kinds of object the emulated API server serves: every built-in resource a Kubernetes 1.30
//! API server lists in discovery (with its group, version, kind, plural, scope, short names,
//! categories, verbs and subresources, as the real discovery documents give them), and the custom
//! resources of an EKS Auto Mode cluster (Karpenter's NodePool and NodeClaim, EKS's NodeClass).
//!
//! The list is one table; `Res` is generated from it, so a kind is added in one place. New kinds go
//! at the end: the store indexes its tables by the variant's position.

/// A subresource: `status`, `scale`, `eviction`, `log`.
#[derive(Debug)]
pub struct Sub {
    pub name: &'static str,
    /// Group, version and kind of the subresource's body when it is not the parent's own.
    pub gvk: Option<(&'static str, &'static str, &'static str)>,
    pub verbs: &'static [&'static str],
}

/// Static facts about a resource kind (what discovery advertises).
#[derive(Debug)]
pub struct ResInfo {
    /// "" for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    pub verbs: &'static [&'static str],
    pub subresources: &'static [Sub],
}

impl ResInfo {
    /// "v1" or "apps/v1".
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether the kind answers `verb` ("get", "list", "watch", "create", ...).
    pub fn allows(&self, verb: &str) -> bool {
        self.verbs.contains(&verb)
    }

    /// The subresource called `name`, if the kind has it.
    pub fn sub(&self, name: &str) -> Option<&'static Sub> {
        self.subresources.iter().find(|s| s.name == name)
    }

    /// Whether `status` is written only through the `/status` subresource.
    pub fn has_status(&self) -> bool {
        self.sub("status").is_some()
    }

    /// Why `name` cannot name an object of this kind, if it cannot: RBAC objects take any path
    /// segment (`system:discovery`), every other kind a lowercase RFC 1123 subdomain.
    pub fn invalid_name(&self, name: &str) -> Option<&'static str> {
        if self.group == "rbac.authorization.k8s.io" {
            let bad = name.is_empty()
                || name == "."
                || name == ".."
                || name.contains('/')
                || name.contains('%');
            return bad.then_some("may not contain '/' or '%' and may not be '.' or '..'");
        }
        // APIServices are named VERSION.GROUP, and the core group's is `v1.`
        let name = if self.kind == "APIService" {
            name.strip_suffix('.').unwrap_or(name)
        } else {
            name
        };
        (!crate::store::is_dns_name(name)).then_some(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        )
    }

    /// Kinds that are only ever created and answered, never stored (the access and token reviews).
    pub fn is_virtual(&self) -> bool {
        self.verbs == CREATE
    }
}

/// What most kinds answer to.
pub const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const NO_COLLECTION_DELETE: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const CREATE: &[&str] = &["create"];
const READ_ONLY: &[&str] = &["get", "list"];

const STATUS: Sub = Sub {
    name: "status",
    gvk: None,
    verbs: &["get", "patch", "update"],
};
const SCALE: Sub = Sub {
    name: "scale",
    gvk: Some(("autoscaling", "v1", "Scale")),
    verbs: &["get", "patch", "update"],
};
const EVICTION: Sub = Sub {
    name: "eviction",
    gvk: Some(("policy", "v1", "Eviction")),
    verbs: &["create"],
};
const LOG: Sub = Sub {
    name: "log",
    gvk: None,
    verbs: &["get"],
};

macro_rules! kinds {
    ($( $variant:ident = ($group:expr, $version:expr, $kind:expr, $plural:expr, $singular:expr,
        $namespaced:expr, [$($short:expr),*], [$($cat:expr),*], $verbs:expr, [$($sub:expr),*]) ),* $(,)?) => {
        /// The kinds of object the emulated API server holds.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
        pub enum Res { $($variant),* }

        const ALL: &[Res] = &[$(Res::$variant),*];

        static INFOS: &[ResInfo] = &[$(ResInfo {
            group: $group,
            version: $version,
            kind: $kind,
            plural: $plural,
            singular: $singular,
            namespaced: $namespaced,
            short_names: &[$($short),*],
            categories: &[$($cat),*],
            verbs: $verbs,
            subresources: &[$($sub),*],
        }),*];
    };
}

kinds! {
    Namespaces = ("", "v1", "Namespace", "namespaces", "namespace", false, ["ns"], [], NO_COLLECTION_DELETE, [STATUS]),
    Nodes = ("", "v1", "Node", "nodes", "node", false, ["no"], [], ALL_VERBS, [STATUS]),
    Pods = ("", "v1", "Pod", "pods", "pod", true, ["po"], ["all"], ALL_VERBS, [EVICTION, LOG, STATUS]),
    Events = ("", "v1", "Event", "events", "event", true, ["ev"], [], ALL_VERBS, []),
    Leases = ("coordination.k8s.io", "v1", "Lease", "leases", "lease", true, [], [], ALL_VERBS, []),
    Deployments = ("apps", "v1", "Deployment", "deployments", "deployment", true, ["deploy"], ["all"], ALL_VERBS, [SCALE, STATUS]),
    ReplicaSets = ("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true, ["rs"], ["all"], ALL_VERBS, [SCALE, STATUS]),
    PodDisruptionBudgets = ("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget", true, ["pdb"], [], ALL_VERBS, [STATUS]),
    NodePools = ("karpenter.sh", "v1", "NodePool", "nodepools", "nodepool", false, [], ["karpenter"], ALL_VERBS, [STATUS]),
    NodeClaims = ("karpenter.sh", "v1", "NodeClaim", "nodeclaims", "nodeclaim", false, [], ["karpenter"], ALL_VERBS, [STATUS]),
    NodeClasses = ("eks.amazonaws.com", "v1", "NodeClass", "nodeclasses", "nodeclass", false, [], [], ALL_VERBS, [STATUS]),
    // core/v1
    ComponentStatuses = ("", "v1", "ComponentStatus", "componentstatuses", "componentstatus", false, ["cs"], [], READ_ONLY, []),
    ConfigMaps = ("", "v1", "ConfigMap", "configmaps", "configmap", true, ["cm"], [], ALL_VERBS, []),
    Endpoints = ("", "v1", "Endpoints", "endpoints", "endpoints", true, ["ep"], [], ALL_VERBS, []),
    LimitRanges = ("", "v1", "LimitRange", "limitranges", "limitrange", true, ["limits"], [], ALL_VERBS, []),
    PersistentVolumeClaims = ("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", true, ["pvc"], [], ALL_VERBS, [STATUS]),
    PersistentVolumes = ("", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", false, ["pv"], [], ALL_VERBS, [STATUS]),
    PodTemplates = ("", "v1", "PodTemplate", "podtemplates", "podtemplate", true, [], [], ALL_VERBS, []),
    ReplicationControllers = ("", "v1", "ReplicationController", "replicationcontrollers", "replicationcontroller", true, ["rc"], ["all"], ALL_VERBS, [STATUS]),
    ResourceQuotas = ("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", true, ["quota"], [], ALL_VERBS, [STATUS]),
    Secrets = ("", "v1", "Secret", "secrets", "secret", true, [], [], ALL_VERBS, []),
    ServiceAccounts = ("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true, ["sa"], [], ALL_VERBS, []),
    Services = ("", "v1", "Service", "services", "service", true, ["svc"], ["all"], ALL_VERBS, [STATUS]),
    // admissionregistration.k8s.io/v1
    MutatingWebhookConfigurations = ("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", false, [], ["api-extensions"], ALL_VERBS, []),
    ValidatingAdmissionPolicies = ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", "validatingadmissionpolicy", false, [], ["api-extensions"], ALL_VERBS, [STATUS]),
    ValidatingAdmissionPolicyBindings = ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", "validatingadmissionpolicybinding", false, [], ["api-extensions"], ALL_VERBS, []),
    ValidatingWebhookConfigurations = ("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", "validatingwebhookconfiguration", false, [], ["api-extensions"], ALL_VERBS, []),
    // apiextensions.k8s.io/v1, apiregistration.k8s.io/v1
    CustomResourceDefinitions = ("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "customresourcedefinition", false, ["crd", "crds"], ["api-extensions"], ALL_VERBS, [STATUS]),
    ApiServices = ("apiregistration.k8s.io", "v1", "APIService", "apiservices", "apiservice", false, [], ["api-extensions"], ALL_VERBS, [STATUS]),
    // apps/v1
    ControllerRevisions = ("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision", true, [], [], ALL_VERBS, []),
    DaemonSets = ("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true, ["ds"], ["all"], ALL_VERBS, [STATUS]),
    StatefulSets = ("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true, ["sts"], ["all"], ALL_VERBS, [STATUS]),
    // authentication.k8s.io/v1, authorization.k8s.io/v1: answered, never stored
    SelfSubjectReviews = ("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", "selfsubjectreview", false, [], [], CREATE, []),
    TokenReviews = ("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", "tokenreview", false, [], [], CREATE, []),
    LocalSubjectAccessReviews = ("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", "localsubjectaccessreview", true, [], [], CREATE, []),
    SelfSubjectAccessReviews = ("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", "selfsubjectaccessreview", false, [], [], CREATE, []),
    SelfSubjectRulesReviews = ("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", "selfsubjectrulesreview", false, [], [], CREATE, []),
    SubjectAccessReviews = ("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", "subjectaccessreview", false, [], [], CREATE, []),
    // autoscaling/v2, batch/v1, certificates.k8s.io/v1
    HorizontalPodAutoscalers = ("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", true, ["hpa"], ["all"], ALL_VERBS, [STATUS]),
    CronJobs = ("batch", "v1", "CronJob", "cronjobs", "cronjob", true, ["cj"], ["all"], ALL_VERBS, [STATUS]),
    Jobs = ("batch", "v1", "Job", "jobs", "job", true, [], ["all"], ALL_VERBS, [STATUS]),
    CertificateSigningRequests = ("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", "certificatesigningrequest", false, ["csr"], [], ALL_VERBS, [STATUS]),
    // discovery.k8s.io/v1, flowcontrol.apiserver.k8s.io/v1
    EndpointSlices = ("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true, [], [], ALL_VERBS, []),
    FlowSchemas = ("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", "flowschemas", "flowschema", false, [], [], ALL_VERBS, [STATUS]),
    PriorityLevelConfigurations = ("flowcontrol.apiserver.k8s.io", "v1", "PriorityLevelConfiguration", "prioritylevelconfigurations", "prioritylevelconfiguration", false, [], [], ALL_VERBS, [STATUS]),
    // networking.k8s.io/v1, node.k8s.io/v1
    IngressClasses = ("networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", false, [], [], ALL_VERBS, []),
    Ingresses = ("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", true, ["ing"], [], ALL_VERBS, [STATUS]),
    NetworkPolicies = ("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", true, ["netpol"], [], ALL_VERBS, []),
    RuntimeClasses = ("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", "runtimeclass", false, [], [], ALL_VERBS, []),
    // rbac.authorization.k8s.io/v1
    ClusterRoleBindings = ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", false, [], [], ALL_VERBS, []),
    ClusterRoles = ("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole", false, [], [], ALL_VERBS, []),
    RoleBindings = ("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding", true, [], [], ALL_VERBS, []),
    Roles = ("rbac.authorization.k8s.io", "v1", "Role", "roles", "role", true, [], [], ALL_VERBS, []),
    // scheduling.k8s.io/v1, storage.k8s.io/v1
    PriorityClasses = ("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", false, ["pc"], [], ALL_VERBS, []),
    CsiDrivers = ("storage.k8s.io", "v1", "CSIDriver", "csidrivers", "csidriver", false, [], [], ALL_VERBS, []),
    CsiNodes = ("storage.k8s.io", "v1", "CSINode", "csinodes", "csinode", false, [], [], ALL_VERBS, []),
    CsiStorageCapacities = ("storage.k8s.io", "v1", "CSIStorageCapacity", "csistoragecapacities", "csistoragecapacity", true, [], [], ALL_VERBS, []),
    StorageClasses = ("storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", false, ["sc"], [], ALL_VERBS, []),
    VolumeAttachments = ("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", "volumeattachment", false, [], [], ALL_VERBS, [STATUS]),
}

/// The API groups in the order a 1.30 API server lists them under `/apis` (then the custom
/// resources' groups).
pub const GROUP_ORDER: &[&str] = &[
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "eks.amazonaws.com",
    "karpenter.sh",
];

impl Res {
    pub fn all() -> &'static [Res] {
        ALL
    }

    /// The position of the kind in `all()` (the store's table index).
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn info(self) -> &'static ResInfo {
        &INFOS[self.index()]
    }

    /// Finds the kind served at `/api/v1/{plural}` (group "") or `/apis/{group}/{version}/{plural}`.
    pub fn from_path(group: &str, version: &str, plural: &str) -> Option<Res> {
        ALL.iter().copied().find(|r| {
            let i = r.info();
            i.group == group && i.version == version && i.plural == plural
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_consistent() {
        assert_eq!(ALL.len(), INFOS.len());
        for (i, r) in ALL.iter().enumerate() {
            assert_eq!(r.index(), i);
            let info = r.info();
            assert_eq!(info.singular, info.kind.to_lowercase(), "{r:?}");
            assert!(
                info.group.is_empty() || GROUP_ORDER.contains(&info.group),
                "{}",
                info.group
            );
            for other in &ALL[..i] {
                let o = other.info();
                assert!(
                    !(o.group == info.group && o.plural == info.plural),
                    "{} twice",
                    info.plural
                );
            }
        }
        assert_eq!(
            Res::from_path("apps", "v1", "statefulsets"),
            Some(Res::StatefulSets)
        );
        assert!(Res::SelfSubjectAccessReviews.info().is_virtual());
        assert!(!Res::ConfigMaps.info().has_status());
        assert!(Res::Services.info().has_status());
    }
}
