//! The kinds that are created and answered but never stored: SelfSubjectReview (`kubectl auth
//! whoami`), SelfSubjectAccessReview and SelfSubjectRulesReview (`kubectl auth can-i`),
//! SubjectAccessReview, LocalSubjectAccessReview and TokenReview. The emulator accepts any bearer
//! token as the cluster creator's IAM identity, which EKS maps to cluster-admin through its
//! access entry; everyone else is allowed nothing.

use axum::response::Response;
use serde_json::{json, Value};

use super::list::value_response;
use super::paths::Target;
use super::status::{self, ApiError};
use crate::store::Res;
use crate::world::{lock, Shared};

/// The IAM identity the emulator's kubeconfig stands for (the one the AWS side names too).
fn admin_user(account: &str) -> String {
    format!("arn:aws:iam::{account}:user/eksauto")
}

fn user_info(account: &str) -> Value {
    let arn = admin_user(account);
    json!({
        "username": arn,
        "uid": format!("aws-iam-authenticator:{account}:AIDAEKSAUTOEMULATOR01"),
        "groups": ["system:authenticated"],
        "extra": {
            "accessKeyId": ["AKIAEKSAUTOEMULATOR0"],
            "arn": [arn],
            "canonicalArn": [arn],
            "principalId": ["AIDAEKSAUTOEMULATOR01"],
            "sessionName": [""],
        },
    })
}

fn allowed_reason(account: &str) -> String {
    let arn = admin_user(account);
    format!(
        "EKS Access Policy: allowed by ClusterRoleBinding \"{arn}\" of ClusterRole \"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\" to User \"{arn}\""
    )
}

/// POST of a review kind: the request echoed with its `status` filled in, 201 Created.
pub fn create(shared: &Shared, t: &Target, body: &[u8]) -> Result<Response, ApiError> {
    let mut obj: Value = serde_json::from_slice(body).map_err(|e| {
        status::bad_request(format!("the body of the request could not be decoded: {e}"))
    })?;
    if !obj.is_object() {
        return Err(status::bad_request(
            "the body of the request must be a JSON object",
        ));
    }
    let info = t.res.info();
    if let Some(kind) = obj["kind"].as_str() {
        if kind != info.kind {
            return Err(status::bad_request(format!(
                "the kind in the data ({kind}) does not match the expected kind ({})",
                info.kind
            )));
        }
    }
    let account = lock(shared).aws.account.clone();
    obj["apiVersion"] = json!(info.api_version());
    obj["kind"] = json!(info.kind);
    obj["metadata"] = json!({"creationTimestamp": null});
    let me = admin_user(&account);
    obj["status"] = match t.res {
        Res::SelfSubjectReviews => json!({"userInfo": user_info(&account)}),
        Res::SelfSubjectAccessReviews => {
            json!({"allowed": true, "reason": allowed_reason(&account)})
        }
        Res::SelfSubjectRulesReviews => json!({
            "resourceRules": [
                {"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]},
                {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
                 "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]},
                {"verbs": ["create"], "apiGroups": ["authentication.k8s.io"], "resources": ["selfsubjectreviews"]},
            ],
            "nonResourceRules": [
                {"verbs": ["*"], "nonResourceURLs": ["*"]},
                {"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez",
                    "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]},
            ],
            "incomplete": false,
        }),
        Res::SubjectAccessReviews | Res::LocalSubjectAccessReviews => {
            if t.res == Res::LocalSubjectAccessReviews {
                let ns = t.namespace.as_deref().unwrap_or("");
                let spec_ns = obj["spec"]["resourceAttributes"]["namespace"]
                    .as_str()
                    .unwrap_or("");
                if spec_ns != ns {
                    return Err(ApiError::new(
                        400,
                        "BadRequest",
                        format!("spec.resourceAttributes.namespace must match namespace: {ns}"),
                    ));
                }
            }
            let user = obj["spec"]["user"].as_str().unwrap_or("");
            let masters = obj["spec"]["groups"]
                .as_array()
                .is_some_and(|g| g.iter().any(|g| g == "system:masters"));
            if user == me || masters {
                json!({"allowed": true, "reason": allowed_reason(&account)})
            } else {
                json!({"allowed": false})
            }
        }
        Res::TokenReviews => {
            let token = obj["spec"]["token"].as_str().unwrap_or("");
            if token.is_empty() {
                json!({"authenticated": false, "user": {}, "error": "token is empty"})
            } else {
                json!({"authenticated": true, "user": user_info(&account), "audiences": ["https://kubernetes.default.svc"]})
            }
        }
        _ => return Err(status::method_not_allowed()),
    };
    Ok(value_response(201, &obj))
}
