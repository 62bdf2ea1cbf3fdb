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

/// Runs the Python mode briefly (`extra` appended to the arguments).
fn run_python(extra: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_stillpoint-stress"))
        .args(["--python", "--seconds", "2", "--threads", "2"])
        .args(extra)
        .output()
        .expect("run stillpoint-stress --python");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

#[test]
fn a_clean_python_run_passes_and_runs_executors() {
    let (code, out) = run_python(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("wrong results: 0 "), "{out}");
    assert!(out.contains("crashes: 0"), "{out}");
    let entries = out
        .split("entries ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .map(|n| n.replace('_', ""))
        .and_then(|n| n.parse::<u64>().ok())
        .expect("tier-2 entries in the report");
    assert!(entries > 0, "{out}");
}

#[test]
fn python_generations_published_before_the_change_are_caught() {
    let (code, out) = run_python(&["--inject-bug", "publish-early"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("stale"), "{out}");
}

#[test]
fn a_python_injector_that_sleeps_attached_is_a_hang() {
    let (code, out) = run_python(&["--inject-bug", "sleep-attached", "--hang-seconds", "1"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("HANG"), "{out}");
}
