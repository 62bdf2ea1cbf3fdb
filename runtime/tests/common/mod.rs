//! Helpers shared by the runtime's end-to-end tests: programs run through
//! the `stillpoint` binary.

use std::io::Write;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes `source` to a fresh file and runs it with `args`.
pub fn run(args: &[&str], source: &str) -> Output {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("stillpoint-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(format!("p{}.py", NEXT.fetch_add(1, Ordering::Relaxed)));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(source.as_bytes()))
        .expect("the program file is written");
    Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .args(args)
        .arg(&path)
        .output()
        .expect("the binary runs")
}

/// Checks that `source` exits 0 and prints `expected`, normally and under
/// `-X gc-stress` (where a rooting bug shows up).
pub fn check(name: &str, source: &str, expected: &str) {
    for args in [&[][..], &["-X", "gc-stress"][..]] {
        let out = run(args, source);
        assert!(
            out.status.success(),
            "{name} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            expected,
            "{name} {args:?}"
        );
    }
}
