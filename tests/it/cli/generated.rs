//! The checked-in completion scripts (`completions/`) and man pages (`man/`) are renderings of the
//! clap tree; this test fails when they are stale. `UPDATE_GENERATED=1 cargo test --test it
//! cli::generated` rewrites them.

use std::path::Path;

use eksauto::cli::generate;

#[test]
fn checked_in_completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var("UPDATE_GENERATED").is_ok_and(|v| v == "1");
    let files = generate::checked_in_files();
    let mut stale = Vec::new();
    for (rel, content) in &files {
        let path = root.join(rel);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, content).unwrap();
        } else if std::fs::read(&path).ok().as_ref() != Some(content) {
            stale.push(rel.clone());
        }
    }
    // Pages of subcommands that no longer exist.
    for entry in std::fs::read_dir(root.join("man")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let rel = format!("man/{name}");
        if name.ends_with(".1") && !files.iter().any(|(f, _)| *f == rel) {
            if update {
                std::fs::remove_file(root.join(&rel)).unwrap();
            } else {
                stale.push(rel);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run UPDATE_GENERATED=1 cargo test --test it cli::generated"
    );
}

#[test]
fn every_shell_gets_a_script_and_every_command_a_page() {
    use clap_complete::Shell;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let script = String::from_utf8(generate::completion(shell)).unwrap();
        assert!(script.contains("preflight"), "{shell}");
        assert!(script.contains("refresh-insights"), "{shell}");
    }
    let pages: Vec<String> = generate::man_pages().into_iter().map(|(n, _)| n).collect();
    for want in [
        "eksauto.1",
        "eksauto-preflight.1",
        "eksauto-upgrade.1",
        "eksauto-watch.1",
        "eksauto-watch-rotation.1",
        "eksauto-sim.1",
        "eksauto-demo.1",
        "eksauto-completions.1",
    ] {
        assert!(
            pages.iter().any(|p| p == want),
            "{want} missing from {pages:?}"
        );
    }
}
