//! Build check: the emulator crate (`eksauto_sim`) is named only by the `sim` and `demo` command
//! wiring. Every other module reaches AWS and Kubernetes through endpoints and a kubeconfig, as it
//! would reach the real services; a second module that names the emulator fails the build.

use std::fs;
use std::path::{Path, PathBuf};

/// The only files that may name the emulator crate.
const ALLOWED: &[&str] = &["src/commands/sim.rs", "src/commands/demo.rs"];

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut offenders = Vec::new();
    let mut files = Vec::new();
    collect(Path::new("src"), &mut files);
    for file in files {
        let shown = file.to_string_lossy().replace('\\', "/");
        if ALLOWED.contains(&shown.as_str()) {
            continue;
        }
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if line.contains("eksauto_sim") {
                offenders.push(format!("{shown}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    if !offenders.is_empty() {
        panic!(
            "only {} may name the emulator crate (eksauto_sim); the client reaches it over HTTP like AWS and a real cluster. Found:\n{}",
            ALLOWED.join(" and "),
            offenders.join("\n")
        );
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}
