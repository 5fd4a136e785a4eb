//! Errors that stop a command. Each one says what was wrong and what to do next, on one line;
//! `main.rs` maps them to an exit code. Problems that only keep one fact from being gathered are not
//! errors: they become `Gathered::Unavailable` and the checks report them.

use std::error::Error as StdError;
use std::fmt::Write as _;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_eks::error::{ProvideErrorMetadata, SdkError};

/// Why a command could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments that clap could not catch (unknown check IDs, ...).
    #[error("{0}")]
    Usage(String),
    #[error("no AWS region: pass --region, set AWS_REGION, or use a kube context named by the cluster ARN")]
    NoRegion,
    #[error("no cluster chosen: pass --cluster NAME ({})", cluster_list(.region, .clusters))]
    NoCluster {
        region: String,
        /// What ListClusters returned, or why it could not be called.
        clusters: Result<Vec<String>, String>,
    },
    #[error("cluster {name:?} not found in {region}: pass --cluster NAME ({})", cluster_list(.region, .clusters))]
    UnknownCluster {
        name: String,
        region: String,
        clusters: Result<Vec<String>, String>,
    },
    /// The kubeconfig cannot be read, parsed or used.
    #[error("{0}")]
    Kubeconfig(String),
    /// The endpoint could not be reached at all.
    #[error("cannot reach the {what} {url}: {detail} — {hint}")]
    Unreachable {
        what: &'static str,
        url: String,
        detail: String,
        hint: &'static str,
    },
    /// The credentials were refused or lack a permission the command cannot do without.
    #[error("{operation} was refused: {detail} — check the AWS credentials (--profile, AWS_PROFILE) and their IAM permissions")]
    Access { operation: String, detail: String },
    /// Any other answer an API gave to a call the command cannot do without.
    #[error("{operation} failed: {detail}")]
    Api { operation: String, detail: String },
    /// The SDK's credential chain found nothing (no keys, no profile, no instance or container
    /// role).
    #[error("no AWS credentials found{}: run aws configure (access keys) or aws sso login --profile NAME (IAM Identity Center), then set AWS_PROFILE or pass --profile; in CloudShell the shell's own credentials work once AWS_PROFILE and AWS_ACCESS_KEY_ID are unset", profile_note(.profile))]
    NoCredentials {
        /// The profile that was looked at, when one was named.
        profile: Option<String>,
    },
    /// `--profile` / `AWS_PROFILE` names a profile no config or credentials file defines.
    #[error("AWS profile {profile:?} is not defined in ~/.aws/config or ~/.aws/credentials (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE): pick one from aws configure list-profiles, or create it with aws configure --profile {profile} or aws configure sso")]
    UnknownProfile { profile: String },
    /// The IAM Identity Center (SSO) session behind the profile has expired or was never started.
    #[error("the AWS SSO session of profile {profile:?} has expired or was never started: run aws sso login --profile {profile}, then re-run")]
    SsoExpired { profile: String },
    /// The credential chain failed for another reason (a broken profile, a failing
    /// credential_process, ...).
    #[error("AWS credentials could not be loaded{}: {detail} — check the profile with aws configure list, or pass --profile", profile_note(.profile))]
    Credentials {
        profile: Option<String>,
        detail: String,
    },
    /// The Kubernetes API server refused the credentials (fresh ones too).
    #[error("{0}")]
    KubeAccess(String),
    /// A bounded wait ran out.
    #[error("{0}")]
    Timeout(String),
    /// The built-in emulator could not start (a bad scenario, a port in use, ...).
    #[error("{0}")]
    Emulator(String),
}

fn profile_note(profile: &Option<String>) -> String {
    match profile {
        Some(p) => format!(" for profile {p:?}"),
        None => String::new(),
    }
}

fn cluster_list(region: &str, clusters: &Result<Vec<String>, String>) -> String {
    match clusters {
        Ok(c) if c.is_empty() => format!("no clusters in {region}"),
        Ok(c) => format!("clusters in {region}: {}", c.join(", ")),
        Err(why) => format!("the clusters in {region} cannot be listed: {why}"),
    }
}

/// The innermost cause of an error chain, as text (e.g. "Connection refused (os error 111)").
pub fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    one_line(&cur.to_string())
}

/// Every message in an error chain, joined with ": " (duplicates dropped).
pub fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut out = String::new();
    let mut cur = Some(err);
    while let Some(e) = cur {
        let msg = one_line(&e.to_string());
        if !msg.is_empty() && !out.contains(&msg) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            let _ = write!(out, "{msg}");
        }
        cur = e.source();
    }
    out
}

/// Collapses whitespace so a message fits on one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How an AWS call failed, before the caller decides whether it is fatal.
#[derive(Debug)]
pub enum AwsFailure {
    /// No answer at all (connection refused, DNS, timeout) or no credentials: every other call
    /// would fail the same way, so the command stops.
    Fatal(Error),
    /// The service answered with an error code.
    Service {
        code: String,
        message: String,
        operation: String,
    },
}

impl AwsFailure {
    /// Whether the service said the resource does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, AwsFailure::Service { code, .. }
            if code == "ResourceNotFoundException" || code == "NoSuchEntity" || code.ends_with(".NotFound"))
    }

    /// Whether the caller lacks permission or valid credentials.
    pub fn is_access(&self) -> bool {
        matches!(self, AwsFailure::Service { code, .. } if is_access_code(code))
    }

    /// A short reason, for `Gathered::Unavailable`.
    pub fn reason(&self) -> String {
        match self {
            AwsFailure::Fatal(e) => e.to_string(),
            AwsFailure::Service {
                code,
                message,
                operation,
            } => {
                if message.is_empty() {
                    format!("{operation}: {code}")
                } else {
                    format!("{operation}: {code}: {message}")
                }
            }
        }
    }

    /// The failure as a fatal error.
    pub fn into_error(self) -> Error {
        match self {
            AwsFailure::Fatal(e) => e,
            AwsFailure::Service {
                code,
                message,
                operation,
            } => {
                let detail = if message.is_empty() {
                    code.clone()
                } else {
                    format!("{code}: {message}")
                };
                if is_access_code(&code) {
                    Error::Access { operation, detail }
                } else {
                    Error::Api { operation, detail }
                }
            }
        }
    }
}

fn is_access_code(code: &str) -> bool {
    matches!(
        code,
        "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "InvalidSignatureException"
            | "SignatureDoesNotMatch"
            | "AuthFailure"
            | "ExpiredToken"
            | "ExpiredTokenException"
            | "NotAuthorizedException"
    )
}

/// Where and as whom an AWS service is reached, for messages.
#[derive(Debug, Clone)]
pub struct AwsEndpoint {
    /// "EKS", "EC2", "IAM".
    pub service: &'static str,
    /// The endpoint the SDK sends this service's calls to.
    pub url: String,
    /// The named profile the credentials come from (`--profile`, else `AWS_PROFILE`).
    pub profile: Option<String>,
}

/// What to check when a service's endpoint does not answer: the options that set it.
fn endpoint_hint(service: &str) -> &'static str {
    match service {
        "EC2" => "check --endpoint-url / AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2, --region and your network",
        "IAM" => "check --endpoint-url / AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_IAM and your network",
        _ => "check --endpoint-url / AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EKS, --region and your network",
    }
}

/// The credential chain's error, when that is why a call could not be sent: the SDK resolves the
/// identity before sending and reports its failure as a dispatch failure whose source chain holds
/// the [`CredentialsError`].
fn credentials_error<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a CredentialsError> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(c) = e.downcast_ref::<CredentialsError>() {
            return Some(c);
        }
        cur = e.source();
    }
    None
}

/// One clear error for a credential chain that produced nothing: no credentials at all (nothing
/// configured; the instance metadata service refusing or absent counts as nothing), an expired
/// or missing SSO session, or a broken configuration.
pub fn credentials_failure(err: &CredentialsError, profile: Option<&str>) -> Error {
    let detail = chain(err);
    let lower = detail.to_ascii_lowercase();
    tracing::debug!(%detail, "credential chain failed");
    let profile_name = || profile.unwrap_or("default").to_string();
    if lower.contains("sso") && (lower.contains("expired") || lower.contains("token")) {
        return Error::SsoExpired {
            profile: profile_name(),
        };
    }
    if matches!(err, CredentialsError::ProviderTimedOut(_)) {
        // A configured source (SSO, STS, credential_process) that did not answer in time: the
        // network, not the set-up.
        return Error::Credentials {
            profile: profile.map(str::to_string),
            detail: format!("{detail} — check the network to the credential source (SSO, STS)"),
        };
    }
    let nothing_configured = matches!(err, CredentialsError::CredentialsNotLoaded(_))
        || lower.contains("imds")
        || lower.contains("instance metadata");
    if nothing_configured {
        Error::NoCredentials {
            profile: profile.map(str::to_string),
        }
    } else {
        Error::Credentials {
            profile: profile.map(str::to_string),
            detail,
        }
    }
}

/// Sorts an SDK error into "no answer", "no credentials" and "the service said no".
pub fn classify<E, R>(operation: &str, endpoint: &AwsEndpoint, err: SdkError<E, R>) -> AwsFailure
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let unreachable = |detail: String| {
        AwsFailure::Fatal(Error::Unreachable {
            what: match endpoint.service {
                "EC2" => "EC2 endpoint",
                "IAM" => "IAM endpoint",
                _ => "EKS endpoint",
            },
            url: endpoint.url.clone(),
            detail,
            hint: endpoint_hint(endpoint.service),
        })
    };
    if let Some(cred) = credentials_error(&err) {
        return AwsFailure::Fatal(credentials_failure(cred, endpoint.profile.as_deref()));
    }
    match &err {
        SdkError::DispatchFailure(d) => {
            let detail = match d.as_connector_error() {
                Some(c) => root_cause(c),
                None => root_cause(&err),
            };
            unreachable(detail)
        }
        SdkError::TimeoutError(_) => unreachable("no answer in time".into()),
        SdkError::ResponseError(_) => AwsFailure::Service {
            code: "UnreadableResponse".into(),
            message: chain(&err),
            operation: operation.into(),
        },
        SdkError::ConstructionFailure(_) => AwsFailure::Service {
            code: "InvalidRequest".into(),
            message: chain(&err),
            operation: operation.into(),
        },
        _ => {
            let code = err.code().unwrap_or("UnknownError").to_string();
            let message = one_line(err.message().unwrap_or_default());
            AwsFailure::Service {
                code,
                message,
                operation: operation.into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_lists_read_well() {
        let e = Error::NoCluster {
            region: "ap-northeast-1".into(),
            clusters: Ok(vec!["a".into(), "b".into()]),
        };
        assert_eq!(
            e.to_string(),
            "no cluster chosen: pass --cluster NAME (clusters in ap-northeast-1: a, b)"
        );
        let e = Error::UnknownCluster {
            name: "x".into(),
            region: "r".into(),
            clusters: Ok(vec![]),
        };
        assert!(e.to_string().contains("no clusters in r"));
        let e = Error::NoCluster {
            region: "r".into(),
            clusters: Err("ListClusters: AccessDeniedException".into()),
        };
        assert!(e
            .to_string()
            .contains("cannot be listed: ListClusters: AccessDenied"));
    }

    #[test]
    fn access_codes_become_access_errors() {
        let f = AwsFailure::Service {
            code: "AccessDeniedException".into(),
            message: "nope".into(),
            operation: "ListInsights".into(),
        };
        assert!(f.is_access());
        assert!(matches!(f.into_error(), Error::Access { .. }));
    }
}
