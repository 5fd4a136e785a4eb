//! The commands under test and the clients beside them (`eksauto`, `aws`, `kubectl`), wired to the
//! emulator through nothing but their environment, as a user's shell would wire them, and run off
//! the async runtime's worker threads.

use std::ffi::OsStr;
use std::process::Command;

use eksauto_sim::SimHandle;

/// Puts the emulator's variables (and nothing of the developer's own AWS or kube set-up) into a
/// command's environment. Only the child's environment: the test process's own stays untouched,
/// as tests share it.
pub fn with_sim_env(cmd: &mut Command, sim: &SimHandle) {
    for var in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_DEFAULT_PROFILE",
        "KUBECONFIG",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in sim.env() {
        cmd.env(k, v);
    }
}

fn wired<I, S>(program: &str, sim: &SimHandle, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(program);
    with_sim_env(&mut cmd, sim);
    cmd.args(args);
    cmd
}

/// `eksauto ARGS` (the binary under test) wired to the emulator.
pub fn eksauto<I, S>(sim: &SimHandle, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    wired(env!("CARGO_BIN_EXE_eksauto"), sim, args)
}

/// The real `aws ARGS` wired to the emulator. The emulator's AWS config asks CLI v1 for ISO 8601
/// timestamps (what the article, made with v2, shows); TZ=UTC keeps them in UTC.
pub fn aws<I, S>(sim: &SimHandle, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = wired("aws", sim, args);
    cmd.env("TZ", "UTC");
    cmd
}

/// The real `kubectl ARGS` wired to the emulator.
pub fn kubectl<I, S>(sim: &SimHandle, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    wired("kubectl", sim, args)
}

/// Runs a blocking command without stalling the emulator's runtime; returns (status, stdout, stderr).
pub async fn run(mut cmd: Command) -> (i32, String, String) {
    let out = tokio::task::spawn_blocking(move || cmd.output().expect("command runs"))
        .await
        .expect("join");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs a command that must succeed; its stdout.
pub async fn run_ok(cmd: Command) -> String {
    let what = format!(
        "{} {:?}",
        cmd.get_program().to_string_lossy(),
        cmd.get_args().collect::<Vec<_>>()
    );
    let (code, out, err) = run(cmd).await;
    assert_eq!(code, 0, "{what} failed:\n{out}\n{err}");
    out
}

/// `kubectl ARGS`, which must succeed; its stdout.
pub async fn kubectl_ok(sim: &SimHandle, args: &[&str]) -> String {
    run_ok(kubectl(sim, args)).await
}
