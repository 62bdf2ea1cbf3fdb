//! Runs the stress binary briefly: a clean run must pass, and a run with a
//! deliberately broken harness must fail (the checks have teeth).

use std::process::Command;

fn run(extra: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_stillpoint-stress"))
        .args([
            "--seconds",
            "1",
            "--threads",
            "3",
            "--slots",
            "16",
            "--objects",
            "8",
        ])
        .args(extra)
        .output()
        .expect("run stillpoint-stress");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code().unwrap_or(-1), stdout)
}

#[test]
fn a_clean_run_passes() {
    let (code, stdout) = run(&[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("violations: 0"), "{stdout}");
}

#[test]
fn a_published_fire_that_never_happened_is_caught() {
    let (code, stdout) = run(&["--inject-bug", "fake-fire"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("used-after-invalidating-fire"), "{stdout}");
}

#[test]
fn executors_that_ignore_validity_are_caught() {
    let (code, stdout) = run(&["--inject-bug", "ignore-validity"]);
    assert_eq!(code, 1, "{stdout}");
}
