//! Building the API clients: the AWS SDK clients (EKS, EC2, IAM) from aws-config's own loader, and a
//! kube `Client` from the kubeconfig. Flags override; everything else (AWS_PROFILE, AWS_REGION,
//! AWS_ENDPOINT_URL, ~/.aws/config, KUBECONFIG, ~/.kube/config) is the loaders' job. The SDK's own
//! retry and endpoint handling is kept; no call is made here.

use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use kube::config::{KubeConfigOptions, Kubeconfig};

use crate::cli::GlobalArgs;
use crate::error::{one_line, AwsEndpoint, Error};
use crate::target::KubeContext;

/// The AWS clients for one region.
#[derive(Debug, Clone)]
pub struct Aws {
    pub eks: aws_sdk_eks::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub iam: aws_sdk_iam::Client,
    pub region: String,
    pub eks_endpoint: AwsEndpoint,
    pub ec2_endpoint: AwsEndpoint,
    pub iam_endpoint: AwsEndpoint,
}

/// Loads the AWS configuration (flags first, then the SDK's own chain) and builds the clients.
/// `fallback_region` (from the kube context's ARN) is used only when nothing else gives a region.
pub async fn aws(global: &GlobalArgs, fallback_region: Option<&str>) -> Result<Aws, Error> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(3))
            .read_timeout(Duration::from_secs(30))
            .operation_attempt_timeout(Duration::from_secs(30))
            .operation_timeout(Duration::from_secs(90))
            .build(),
    );
    let profile = named_profile(global);
    // Keys in the environment come before AWS_PROFILE in the SDK's chain; --profile always counts.
    let keys_in_env = std::env::var_os("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty());
    if let Some(name) = profile
        .as_ref()
        .filter(|_| global.profile.is_some() || !keys_in_env)
    {
        ensure_profile_exists(name).await?;
    }
    if let Some(profile) = &global.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &global.endpoint_url {
        check_url(url, "--endpoint-url")?;
        loader = loader.endpoint_url(url);
    }
    if let Some(region) = &global.region {
        loader = loader.region(Region::new(region.clone()));
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        if let Some(region) = fallback_region {
            config = config
                .to_builder()
                .region(Region::new(region.to_string()))
                .build();
        }
    }
    let region = match config.region() {
        Some(r) if !r.as_ref().trim().is_empty() => r.to_string(),
        _ => return Err(Error::NoRegion),
    };
    if !region
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(Error::Usage(format!(
            "{region:?} is not an AWS region: use e.g. --region ap-northeast-1"
        )));
    }
    let endpoint = |service: &'static str, host: String| AwsEndpoint {
        service,
        url: endpoint_url(&config, service).unwrap_or_else(|| format!("https://{host}")),
        profile: profile.clone(),
    };
    let eks_endpoint = endpoint("EKS", format!("eks.{region}.amazonaws.com"));
    let ec2_endpoint = endpoint("EC2", format!("ec2.{region}.amazonaws.com"));
    let iam_endpoint = endpoint("IAM", "iam.amazonaws.com".into());
    tracing::debug!(%region, endpoint = %eks_endpoint.url, "AWS configuration loaded");
    Ok(Aws {
        eks: aws_sdk_eks::Client::new(&config),
        ec2: aws_sdk_ec2::Client::new(&config),
        iam: aws_sdk_iam::Client::new(&config),
        region,
        eks_endpoint,
        ec2_endpoint,
        iam_endpoint,
    })
}

fn check_url(url: &str, flag: &str) -> Result<(), Error> {
    match url.parse::<http::Uri>() {
        Ok(u) if u.scheme().is_some() && u.host().is_some() => Ok(()),
        _ => Err(Error::Usage(format!(
            "{url:?} is not a URL for {flag} (one endpoint for EKS, EC2 and IAM): use e.g. http://127.0.0.1:4566, or set AWS_ENDPOINT_URL_EKS / _EC2 / _IAM for one service each"
        ))),
    }
}

/// The profile the credentials come from when one is named: `--profile`, else `AWS_PROFILE`.
fn named_profile(global: &GlobalArgs) -> Option<String> {
    global
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
}

/// A named profile must be defined in the config or credentials file; otherwise the SDK's chain
/// silently moves on and ends with a misleading "no credentials" or instance-metadata error.
async fn ensure_profile_exists(name: &str) -> Result<(), Error> {
    use aws_runtime::env_config::file::EnvConfigFiles;
    use aws_types::os_shim_internal::{Env, Fs};
    let set = aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &EnvConfigFiles::default(),
        Some(name.to_string().into()),
    )
    .await;
    match set {
        Ok(set) if set.get_profile(name).is_some() => Ok(()),
        Ok(_) => Err(Error::UnknownProfile {
            profile: name.to_string(),
        }),
        // An unreadable file is the SDK's to report, with its own words.
        Err(e) => {
            tracing::debug!(error = %e, "profile files could not be read");
            Ok(())
        }
    }
}

/// The endpoint URL the SDK will use for `service`, decided as the SDK decides it: an explicit
/// `--endpoint-url` first, then the service's own setting (`AWS_ENDPOINT_URL_EKS`, or
/// `endpoint_url` in the profile's `services` section), then `AWS_ENDPOINT_URL`. `None`: the
/// service's public regional endpoint.
fn endpoint_url(config: &aws_config::SdkConfig, service: &str) -> Option<String> {
    use aws_types::service_config::ServiceConfigKey;
    if config.get_origin("endpoint_url").is_client_config() {
        return config.endpoint_url().map(str::to_string);
    }
    config
        .service_config()
        .and_then(|c| {
            c.load_config(
                ServiceConfigKey::builder()
                    .service_id(service)
                    .env("AWS_ENDPOINT_URL")
                    .profile("endpoint_url")
                    .build()
                    .ok()?,
            )
        })
        .or_else(|| config.endpoint_url().map(str::to_string))
}

/// A kubeconfig that was read, and the context chosen in it.
#[derive(Debug, Clone)]
pub struct KubeSource {
    pub kubeconfig: Kubeconfig,
    pub context: KubeContext,
    /// Where it came from, for messages.
    pub origin: String,
}

/// Reads the kubeconfig (`--kubeconfig`, else KUBECONFIG, else ~/.kube/config) and picks the
/// context (`--context`, else the current one). `Ok(None)` when no kubeconfig exists and none was
/// asked for: the Kubernetes facts are then reported as unavailable. A kubeconfig that exists but
/// cannot be used is an error.
pub fn read_kubeconfig(global: &GlobalArgs) -> Result<Option<KubeSource>, Error> {
    let from_env = std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty());
    let (kubeconfig, origin) = if let Some(path) = &global.kubeconfig {
        guard_file(path)?;
        (
            Kubeconfig::read_from(path).map_err(|e| kubeconfig_error(path, &e))?,
            path.display().to_string(),
        )
    } else if let Some(value) = from_env {
        let paths: Vec<PathBuf> = std::env::split_paths(&value).collect();
        for p in &paths {
            guard_file(p)?;
        }
        let origin = format!("KUBECONFIG={}", value.to_string_lossy());
        match Kubeconfig::from_env() {
            Ok(Some(k)) => (k, origin),
            Ok(None) => return Ok(None),
            Err(e) => return Err(kubeconfig_error(Path::new(&origin), &e)),
        }
    } else {
        let Some(path) = std::env::home_dir().map(|h| h.join(".kube").join("config")) else {
            return Ok(None);
        };
        if !path.exists() {
            return Ok(None);
        }
        guard_file(&path)?;
        (
            Kubeconfig::read_from(&path).map_err(|e| kubeconfig_error(&path, &e))?,
            path.display().to_string(),
        )
    };
    let names: Vec<&str> = kubeconfig
        .contexts
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let wanted = global
        .context
        .clone()
        .or_else(|| kubeconfig.current_context.clone());
    let Some(name) = wanted else {
        return Err(Error::Kubeconfig(format!(
            "kubeconfig {origin} has no current context: pass --context NAME (contexts: {})",
            list(&names)
        )));
    };
    let Some(named) = kubeconfig.contexts.iter().find(|c| c.name == name) else {
        return Err(Error::Kubeconfig(format!(
            "no context {name:?} in kubeconfig {origin}: pass --context NAME (contexts: {})",
            list(&names)
        )));
    };
    let context = KubeContext {
        name: name.clone(),
        cluster: named.context.as_ref().map(|c| c.cluster.clone()),
    };
    Ok(Some(KubeSource {
        kubeconfig,
        context,
        origin,
    }))
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Rejects files the kube loader cannot read safely (missing, a directory, odd-length UTF-16).
fn guard_file(path: &Path) -> Result<(), Error> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::Kubeconfig(format!(
            "cannot read kubeconfig {}: {} — check --kubeconfig / KUBECONFIG",
            path.display(),
            one_line(&e.to_string())
        ))
    })?;
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if utf16 && bytes.len() % 2 != 0 {
        return Err(Error::Kubeconfig(format!(
            "kubeconfig {} is not valid UTF-16 — check --kubeconfig / KUBECONFIG",
            path.display()
        )));
    }
    Ok(())
}

/// A kubeconfig error on one line, without echoing the file's content (it may hold tokens).
fn kubeconfig_error(path: &Path, e: &kube::config::KubeconfigError) -> Error {
    use kube::config::KubeconfigError as K;
    let what = match e {
        K::Parse(p) => match p.location() {
            Some(at) => format!(
                "is not a valid kubeconfig (YAML error at line {})",
                at.line()
            ),
            None => "is not a valid kubeconfig (YAML error)".to_string(),
        },
        K::ReadConfig(io, _) => format!("cannot be read: {}", one_line(&io.to_string())),
        other => one_line(&other.to_string()),
    };
    Error::Kubeconfig(format!(
        "kubeconfig {} {what} — check --kubeconfig / KUBECONFIG",
        path.display()
    ))
}

/// A kube client and where it points.
#[derive(Clone)]
pub struct Kube {
    pub client: kube::Client,
    /// The API server URL, for messages.
    pub url: String,
    pub context: String,
}

/// Read timeout for requests that answer at once (lists, gets).
pub const KUBE_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds the kube client for the chosen context, with connect and read timeouts.
pub async fn kube(source: &KubeSource) -> Result<Kube, Error> {
    kube_with_read_timeout(source, KUBE_READ_TIMEOUT).await
}

/// The same with another read timeout (long-lived watches need one longer than the server's
/// watch timeout).
pub async fn kube_with_read_timeout(source: &KubeSource, read: Duration) -> Result<Kube, Error> {
    let options = KubeConfigOptions {
        context: Some(source.context.name.clone()),
        cluster: None,
        user: None,
    };
    let mut config = kube::Config::from_custom_kubeconfig(source.kubeconfig.clone(), &options)
        .await
        .map_err(|e| {
            Error::Kubeconfig(format!(
                "kube context {} in {} cannot be used: {} — check --kubeconfig / --context",
                source.context.name,
                source.origin,
                one_line(&e.to_string())
            ))
        })?;
    config.connect_timeout = Some(Duration::from_secs(5));
    config.read_timeout = Some(read);
    let url = config.cluster_url.to_string();
    let client = kube::Client::try_from(config).map_err(|e| {
        Error::Kubeconfig(format!(
            "cannot build a Kubernetes client for context {}: {} — check --kubeconfig / --context",
            source.context.name,
            one_line(&e.to_string())
        ))
    })?;
    tracing::debug!(context = %source.context.name, server = %url, "kube client ready");
    Ok(Kube {
        client,
        url: url.trim_end_matches('/').to_string(),
        context: source.context.name.clone(),
    })
}
