//! Whole-stderr comparisons with CPython for uncaught exceptions, chained
//! ones included (`raise ... from ...`, an exception raised while handling
//! another). The conformance corpus compares only stderr's last line; here
//! every program in `tests/tracebacks/` must print exactly what python3
//! printed (`NAME.stderr`, with the folder written as `<DIR>`), the same
//! stdout (`NAME.out`) and exit status (`NAME.status`). The expected files
//! come from `scripts/regen-cli-expected.sh`. The `carets_*` programs check
//! the position lines (PEP 657) under the source lines: `^` under the
//! failing expression, `~^~` for binary operations and subscripts.

use std::path::Path;
use std::process::Command;

#[test]
fn tracebacks_match_cpython_exactly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tracebacks");
    let mut programs: Vec<_> = std::fs::read_dir(&dir)
        .expect("the tracebacks folder")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "py"))
        .collect();
    programs.sort();
    assert!(programs.len() >= 5, "the traceback programs are there");
    let mut failures = Vec::new();
    for program in &programs {
        let name = program.file_stem().unwrap().to_string_lossy().to_string();
        let expected = |ext: &str| {
            std::fs::read_to_string(program.with_extension(ext))
                .unwrap_or_else(|e| panic!("{name}.{ext}: {e}"))
        };
        let output = Command::new(env!("CARGO_BIN_EXE_stillpoint"))
            .arg(program.file_name().unwrap())
            .current_dir(&dir)
            .output()
            .expect("the binary runs");
        let folder = format!("{}/", dir.display());
        let stderr = String::from_utf8_lossy(&output.stderr).replace(&folder, "<DIR>/");
        let status = format!("exit {}\n", output.status.code().unwrap_or(-1));
        if stderr != expected("stderr") {
            failures.push(format!(
                "{name}: stderr\n--- ours\n{stderr}--- python3\n{}",
                expected("stderr")
            ));
        }
        if String::from_utf8_lossy(&output.stdout) != expected("out") {
            failures.push(format!("{name}: stdout differs"));
        }
        if status != expected("status") {
            failures.push(format!(
                "{name}: {status} but python3 had {}",
                expected("status")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
