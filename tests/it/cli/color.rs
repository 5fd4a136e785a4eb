//! Colour only on a terminal, and never with NO_COLOR or --no-color. The terminal is a pseudo-tty
//! from util-linux `script`; the test is skipped where `script` is missing.

use crate::common;

use std::process::Command;

fn has_script() -> bool {
    Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `eksauto ARGS` on a pseudo-terminal; returns what it printed there.
async fn on_tty(sim: &eksauto_sim::SimHandle, args: &str, no_color_env: bool) -> String {
    let mut cmd = Command::new("script");
    common::with_sim_env(&mut cmd, sim);
    if no_color_env {
        cmd.env("NO_COLOR", "1");
    }
    cmd.args([
        "-q",
        "-e",
        "-c",
        &format!("{} {args}", env!("CARGO_BIN_EXE_eksauto")),
        "/dev/null",
    ]);
    let (_, out, err) = common::run(cmd).await;
    format!("{out}{err}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colour_follows_the_terminal_and_the_opt_outs() {
    if !has_script() {
        eprintln!("skipped: util-linux script is not installed");
        return;
    }
    let sim = common::start_sim("article", true).await;
    let tty = on_tty(&sim, "preflight", false).await;
    assert!(tty.contains("WRK002"), "{tty}");
    assert!(tty.contains('\x1b'), "no colour on a terminal:\n{tty}");
    let flag = on_tty(&sim, "preflight --no-color", false).await;
    assert!(flag.contains("WRK002") && !flag.contains('\x1b'), "{flag}");
    let env = on_tty(&sim, "preflight", true).await;
    assert!(env.contains("WRK002") && !env.contains('\x1b'), "{env}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_command_prints_the_checked_in_script() {
    let sim = common::start_sim("article", true).await;
    let (code, out, _) = common::run(common::eksauto(&sim, ["completions", "bash"])).await;
    assert_eq!(code, 0);
    let checked_in = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/completions/eksauto.bash"
    ))
    .unwrap();
    assert_eq!(out, checked_in);
}
