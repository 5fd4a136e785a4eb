//! The built-in EKS Auto Mode emulator (`eksauto sim`, `eksauto demo`, and the tests).
//!
//! It serves, on loopback, an AWS endpoint speaking the real wire protocols of EKS (rest-json),
//! EC2 and IAM (query/XML), and a Kubernetes API server, and runs Auto Mode's behaviour (scheduling,
//! provisioning, drift replacement after an upgrade, ...) on a virtual clock. Nothing outside this
//! module knows it exists: clients reach it only through endpoints and a kubeconfig, exactly as they
//! reach AWS and a real cluster.

pub mod aws;
pub mod clock;
pub mod control;
pub mod engine;
pub mod faults;
pub mod gate;
pub mod kinds;
pub mod kube;
pub mod pins;
pub mod podindex;
pub mod scenario;
pub mod store;
pub mod tls;
pub mod world;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use clock::ClockMode;
use world::{lock, Shared};

/// How to start the emulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// A built-in scenario name (`article`, `blocked`, `large`) or a path to a YAML file.
    pub scenario: Option<String>,
    /// 0 picks a free port.
    pub aws_port: u16,
    /// 0 picks a free port.
    pub kube_port: u16,
    pub clock: ClockMode,
    /// Latency added to every AWS call.
    pub latency_ms: u64,
    /// Where to write the kubeconfig; default: a file in a fresh temporary directory.
    pub kubeconfig_out: Option<PathBuf>,
    /// Overrides the scenario's `apiServer.bookmarkIntervalS`.
    pub bookmark_interval_s: Option<u64>,
    /// Overrides the scenario's `apiServer.minRequestTimeoutS`.
    pub min_request_timeout_s: Option<u64>,
    /// Overrides the scenario's `apiServer.tokenLifetimeS`.
    pub token_lifetime_s: Option<u64>,
    /// Refuse every credential but `aws eks get-token` tokens (also `apiServer.requireAwsTokens`).
    pub require_aws_tokens: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            scenario: None,
            aws_port: 0,
            kube_port: 0,
            clock: ClockMode::Speed(1.0),
            latency_ms: 0,
            kubeconfig_out: None,
            bookmark_interval_s: None,
            min_request_timeout_s: None,
            token_lifetime_s: None,
            require_aws_tokens: false,
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Scenario(#[from] scenario::ScenarioError),
    #[error(
        "cannot listen on 127.0.0.1:{port}: {source} (choose another port, or 0 for a free one)"
    )]
    Bind { port: u16, source: std::io::Error },
    #[error("cannot write the kubeconfig to {path}: {source}")]
    Kubeconfig {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A running emulator. Dropping it stops the servers and the clock.
pub struct SimHandle {
    pub aws_url: String,
    /// The Kubernetes API over plain HTTP (the static-token kubeconfig, raw requests).
    pub kube_url: String,
    /// The same port over HTTPS, as DescribeCluster's endpoint (trusting `tls::CA_PEM`).
    pub kube_https_url: String,
    pub kubeconfig: PathBuf,
    /// AWS config file (region, ISO timestamps for the aws CLI).
    pub aws_config: PathBuf,
    pub region: String,
    pub cluster_name: String,
    pub cluster_arn: String,
    pub world: Shared,
    gate: gate::KubeGate,
    tasks: Vec<JoinHandle<()>>,
    _tempdir: Option<TempDir>,
}

impl SimHandle {
    /// `(NAME, value)` for every variable a client needs.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("AWS_ENDPOINT_URL".into(), self.aws_url.clone()),
            ("AWS_REGION".into(), self.region.clone()),
            ("AWS_DEFAULT_REGION".into(), self.region.clone()),
            ("AWS_ACCESS_KEY_ID".into(), ACCESS_KEY_ID.into()),
            ("AWS_SECRET_ACCESS_KEY".into(), SECRET_ACCESS_KEY.into()),
            (
                "AWS_CONFIG_FILE".into(),
                self.aws_config.display().to_string(),
            ),
            ("KUBECONFIG".into(), self.kubeconfig.display().to_string()),
        ]
    }

    /// The `export NAME=value` lines `eksauto sim` prints.
    pub fn export_lines(&self) -> String {
        self.env()
            .iter()
            .map(|(k, v)| format!("export {k}={}\n", shell_quote(v)))
            .collect()
    }

    /// Makes the Kubernetes API unreachable (connections reset, watches end) or reachable again,
    /// as `POST /_sim/faults` with `kubeUnreachable` does.
    pub fn set_kube_unreachable(&self, unreachable: bool) {
        lock(&self.world).faults.kube_unreachable = unreachable;
        self.gate.set_unreachable(unreachable);
    }

    /// Moves virtual time forward (tests with the manual clock).
    pub fn advance(&self, by: Duration) {
        let mut w = lock(&self.world);
        clock::advance(&mut w, by);
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// How often freed memory is handed back to the system while the clock runs.
const TRIM_EVERY: Duration = Duration::from_secs(10);

/// Credentials the emulator hands out (it accepts any).
pub const ACCESS_KEY_ID: &str = "AKIAEKSAUTOSIM000001";
pub const SECRET_ACCESS_KEY: &str = "eksautoSimSecretKey0000000000000000000000";

fn shell_quote(v: &str) -> String {
    if v.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/:._-=,@+".contains(&b))
    {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', "'\\''"))
    }
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn bind(port: u16) -> Result<TcpListener, SimError> {
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
    TcpListener::bind(addr)
        .await
        .map_err(|source| SimError::Bind { port, source })
}

/// Loads the scenario, settles the world, starts both servers (and the clock in speed mode).
pub async fn start(opts: SimOptions) -> Result<SimHandle, SimError> {
    limit_heaps();
    let scenario = scenario::load(opts.scenario.as_deref().unwrap_or(scenario::DEFAULT))?;
    let mut world = scenario::build_world(&scenario)?;
    release_free_memory();
    if opts.latency_ms > 0 {
        world.faults.latency_ms = opts.latency_ms;
    }
    let api = &mut world.api.settings;
    api.bookmark_interval_s = opts.bookmark_interval_s.unwrap_or(api.bookmark_interval_s);
    api.min_request_timeout_s = opts
        .min_request_timeout_s
        .unwrap_or(api.min_request_timeout_s);
    api.token_lifetime_s = opts.token_lifetime_s.unwrap_or(api.token_lifetime_s);
    api.require_aws_tokens |= opts.require_aws_tokens;
    let region = world.aws.region.clone();
    let cluster_name = world.aws.kube_cluster.clone();
    let cluster_arn = world
        .kube_cluster()
        .map(|c| c.arn.clone())
        .unwrap_or_default();
    let shared: Shared = Arc::new(Mutex::new(world));

    let aws_listener = bind(opts.aws_port).await?;
    let kube_listener = bind(opts.kube_port).await?;
    let aws_addr = aws_listener.local_addr().map_err(|source| SimError::Bind {
        port: opts.aws_port,
        source,
    })?;
    let kube_addr = kube_listener
        .local_addr()
        .map_err(|source| SimError::Bind {
            port: opts.kube_port,
            source,
        })?;
    let aws_url = format!("http://{aws_addr}");
    let kube_url = format!("http://{kube_addr}");
    let kube_https_url = format!("https://{kube_addr}");

    let (kubeconfig, tempdir) = match &opts.kubeconfig_out {
        Some(p) => (p.clone(), None),
        None => {
            let dir = std::env::temp_dir().join(format!(
                "eksauto-sim-{}-{}",
                std::process::id(),
                kube_addr.port()
            ));
            std::fs::create_dir_all(&dir).map_err(|source| SimError::Kubeconfig {
                path: dir.clone(),
                source,
            })?;
            (dir.join("kubeconfig"), Some(TempDir(dir)))
        }
    };
    let config = {
        let mut w = lock(&shared);
        // DescribeCluster's endpoint is where the Kubernetes API really is (HTTPS, as on EKS; the
        // same port answers plain HTTP), so `aws eks update-kubeconfig` against the emulator
        // writes a usable kubeconfig.
        if let Some(cluster) = w.kube_cluster_mut() {
            cluster.endpoint = kube_https_url.clone();
        }
        let rate = match opts.clock {
            ClockMode::Speed(factor) => factor,
            ClockMode::Manual => 0.0,
        };
        let now = w.now;
        w.api.wall.start(rate, jiff::Timestamp::now(), now);
        w.api.aws_host = aws_addr.to_string();
        if w.api.settings.require_aws_tokens {
            // exec plugins get credentials sent over HTTPS only
            let user = KubeUser::GetToken {
                region: &region,
                cluster: &cluster_name,
            };
            kubeconfig_yaml(&cluster_arn, &kube_https_url, Some(tls::CA_DATA), &user)
        } else {
            w.api.static_token = w.rng.hex(40);
            let user = KubeUser::Token(&w.api.static_token);
            kubeconfig_yaml(&cluster_arn, &kube_url, None, &user)
        }
    };
    std::fs::write(&kubeconfig, config).map_err(|source| SimError::Kubeconfig {
        path: kubeconfig.clone(),
        source,
    })?;
    // An AWS config beside the kubeconfig: the region, and ISO timestamps from the aws CLI v1 (the
    // format AWS's own documentation and CLI v2 show).
    let aws_config = kubeconfig.with_file_name(match kubeconfig.file_name() {
        Some(name) => format!("{}.aws-config", name.to_string_lossy()),
        None => "aws-config".into(),
    });
    std::fs::write(
        &aws_config,
        format!("[default]\nregion = {region}\ncli_timestamp_format = iso8601\n"),
    )
    .map_err(|source| SimError::Kubeconfig {
        path: aws_config.clone(),
        source,
    })?;

    let gate = gate::KubeGate::default();
    gate.set_unreachable(lock(&shared).faults.kube_unreachable);
    let aws_app = control::router(shared.clone(), gate.clone()).merge(aws::router(shared.clone()));
    let kube_app = kube::router(shared.clone());
    // Answers go out at once (no Nagle delay waiting for the client's delayed ACK), as a
    // loopback server's should: paged lists make many small round trips.
    let no_delay = |tcp: &mut tokio::net::TcpStream| {
        let _ = tcp.set_nodelay(true);
    };
    let aws_listener = aws_listener.tap_io(no_delay);
    let kube_listener =
        gate::GatedListener::new(kube_listener, gate.clone(), Some(tls::acceptor())).map_err(
            |source| SimError::Bind {
                port: opts.kube_port,
                source,
            },
        )?;
    let mut tasks = vec![
        tokio::spawn(async move {
            let _ = axum::serve(aws_listener, aws_app).await;
        }),
        tokio::spawn(async move {
            let _ = axum::serve(kube_listener, kube_app).await;
        }),
    ];
    if let ClockMode::Speed(factor) = opts.clock {
        tasks.push(tokio::spawn(clock::run(shared.clone(), factor)));
        tasks.push(tokio::spawn(release_free_memory_often()));
    }
    Ok(SimHandle {
        aws_url,
        kube_url,
        kube_https_url,
        kubeconfig,
        aws_config,
        region,
        cluster_name,
        cluster_arn,
        world: shared,
        gate,
        tasks,
        _tempdir: tempdir,
    })
}

/// Hands the memory freed by the warm-up's churn (every pod passes through several versions) back
/// to the operating system; glibc's allocator would otherwise keep it as part of the process.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's heaps to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Two allocator heaps at most: glibc's default (8 per core) lets every thread that frees an old
/// object keep its pages in its own heap, and a rotation, which replaces every pod, grew the
/// process by 40 % in six minutes; with two it stays near its loaded size.
fn limit_heaps() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tuning parameter of the allocator.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// While the clock runs, objects are replaced all the time (a rotation recreates every pod):
/// freed memory goes back to the system every [`TRIM_EVERY`], as a garbage-collected API server's
/// does, instead of staying in the allocator's per-thread heaps.
async fn release_free_memory_often() {
    let mut every = tokio::time::interval(TRIM_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let _ = tokio::task::spawn_blocking(release_free_memory).await;
    }
}

/// `eksauto sim`: start, print the `export` lines, serve until interrupted.
pub async fn run(opts: SimOptions) -> Result<(), SimError> {
    let handle = start(opts).await?;
    print!("{}", handle.export_lines());
    use std::io::Write;
    let _ = std::io::stdout().flush();
    eprintln!(
        "# EKS Auto Mode emulator: cluster {} ({}), AWS at {}, Kubernetes at {}. Ctrl-C stops it.",
        handle.cluster_name, handle.region, handle.aws_url, handle.kube_url
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

/// The credentials of the emulator's kubeconfig.
enum KubeUser<'a> {
    /// A static bearer token the API server accepts as long as it runs.
    Token(&'a str),
    /// The `aws eks get-token` exec plugin, exactly as `aws eks update-kubeconfig` writes it.
    GetToken { region: &'a str, cluster: &'a str },
}

/// A kubeconfig like `aws eks update-kubeconfig` writes (context named by the cluster ARN), with a
/// static bearer token unless the API server requires `aws eks get-token` tokens.
fn kubeconfig_yaml(arn: &str, server: &str, ca_data: Option<&str>, user: &KubeUser) -> String {
    let ca = ca_data
        .map(|d| format!("    certificate-authority-data: {d}\n"))
        .unwrap_or_default();
    let user = match user {
        KubeUser::Token(token) => format!("    token: {token}\n"),
        KubeUser::GetToken { region, cluster } => format!(
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      args:\n      - --region\n      - {region}\n      - eks\n      - get-token\n      - --cluster-name\n      - {cluster}\n      - --output\n      - json\n      command: aws\n"
        ),
    };
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {arn}\n  cluster:\n{ca}    server: {server}\ncontexts:\n- name: {arn}\n  context:\n    cluster: {arn}\n    user: {arn}\ncurrent-context: {arn}\npreferences: {{}}\nusers:\n- name: {arn}\n  user:\n{user}"
    )
}
