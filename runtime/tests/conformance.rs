//! Conformance corpus: runs the Python programs listed in
//! `tests/programs/SUPPORTED` through the `stillpoint` binary and compares
//! each run with CPython's recorded results (`NAME.out`, `NAME.status`; the
//! format is described in `tests/programs/README.md`).
//!
//! A program passes when its stdout is identical, its exit code is equal and
//! the last non-blank line of its stderr (trailing whitespace removed) is
//! equal. Every listed program is run (in parallel, each with a time limit)
//! and every mismatch is reported before the test fails.
//!
//! The modes: normally (tiers 1 and 2 on), `-X nospecialize` (tier 0),
//! `-X gc-stress`, `-X threshold=0` (tier 2 assumes no counted event),
//! `-X threshold=1`, and, for the programs that fire events (`event_*`,
//! `spec_*`, `tier2_*`), `-X threshold=0 -X gc-stress`.
//!
//! `scripts/conformance-status.sh` runs every program of the corpus, listed
//! or not, and is what fills `SUPPORTED`.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// A program still running after this long is killed and counts as a failure
/// (a hang). Generous: the debug binary under `-X gc-stress`, with the
/// corpus runs sharing two cores, takes up to ~45 s on the slowest program.
const PROGRAM_TIMEOUT: Duration = Duration::from_secs(120);

/// How long to wait for a finished program's output pipes to close.
const PIPE_GRACE: Duration = Duration::from_secs(5);

/// How many lines of context a stdout diff shows after the first difference.
const DIFF_CONTEXT_LINES: usize = 3;

/// The folder holding the corpus.
fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("programs")
}

/// The program file names listed in `SUPPORTED`, in file order: one name per
/// line, blank lines and `#` comments ignored.
fn supported_programs() -> Vec<String> {
    let path = programs_dir().join("SUPPORTED");
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Every program of the corpus (`*.py`, except helper modules named `_*.py`).
fn all_programs() -> Vec<String> {
    let dir = programs_dir();
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".py") && !name.starts_with('_'))
        .collect();
    names.sort();
    names
}

/// What CPython did when it ran a program.
struct Expected {
    stdout: Vec<u8>,
    exit_code: i32,
    last_stderr_line: String,
}

/// Loads `NAME.out` and `NAME.status` for the program `NAME.py`.
fn load_expected(program: &str) -> Result<Expected, String> {
    let dir = programs_dir();
    let stem = program.strip_suffix(".py").unwrap_or(program);
    let out_path = dir.join(format!("{stem}.out"));
    let status_path = dir.join(format!("{stem}.status"));
    let stdout =
        fs::read(&out_path).map_err(|err| format!("cannot read {}: {err}", out_path.display()))?;
    let status = fs::read_to_string(&status_path)
        .map_err(|err| format!("cannot read {}: {err}", status_path.display()))?;
    let mut lines = status.lines();
    let exit_line = lines.next().unwrap_or("");
    let exit_code = exit_line
        .strip_prefix("exit ")
        .and_then(|code| code.trim().parse::<i32>().ok())
        .ok_or_else(|| {
            format!(
                "{}: first line must be `exit N`, found {exit_line:?}",
                status_path.display()
            )
        })?;
    let last_stderr_line = lines.next().unwrap_or("").trim_end().to_owned();
    Ok(Expected {
        stdout,
        exit_code,
        last_stderr_line,
    })
}

/// What our binary did when it ran a program.
struct Actual {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// `None` when the process ended by a signal (or was killed at the time limit).
    exit_code: Option<i32>,
    timed_out: bool,
    elapsed: Duration,
}

/// Reads a child's pipe to the end on its own thread, so a program that fills
/// one pipe cannot block while the other is being read. The result arrives on
/// the returned channel.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut buffer = Vec::new();
        if let Some(mut pipe) = pipe {
            // A read error (the child was killed) leaves what was read so far.
            let _ = pipe.read_to_end(&mut buffer);
        }
        let _ = sender.send(buffer);
    });
    receiver
}

/// Collects a drained pipe. Normally the pipe closes when the process exits;
/// should something the program started still hold it open, give up after a
/// moment rather than hang the test.
fn collect(pipe: &mpsc::Receiver<Vec<u8>>) -> Vec<u8> {
    pipe.recv_timeout(PIPE_GRACE).unwrap_or_default()
}

/// Kills the child and, on Unix, every process of its process group (the
/// child leads its own group, see `run_program`).
fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--"])
            .arg(format!("-{}", child.id()))
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
}

/// Waits for the child up to `PROGRAM_TIMEOUT`, killing it past that.
fn wait_with_timeout(child: &mut Child) -> (Option<i32>, bool) {
    let deadline = Instant::now() + PROGRAM_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (status.code(), false),
            Ok(None) if Instant::now() >= deadline => {
                kill(child);
                let status = child.wait().ok();
                return (status.and_then(|s| s.code()), true);
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(err) => panic!("waiting for stillpoint failed: {err}"),
        }
    }
}

/// Runs `stillpoint [extra_args] PROGRAM` the way CPython's results were
/// recorded: in the corpus folder, with the bare file name, stdin empty.
fn run_program(program: &str, extra_args: &[&str]) -> Actual {
    let started = Instant::now();
    let mut command = Command::new(env!("CARGO_BIN_EXE_stillpoint"));
    // Its own process group, so a timeout can kill whatever it started too.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .args(extra_args)
        .arg(program)
        .current_dir(programs_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start stillpoint: {err}"));
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let (exit_code, timed_out) = wait_with_timeout(&mut child);
    Actual {
        stdout: collect(&stdout),
        stderr: collect(&stderr),
        exit_code,
        timed_out,
        elapsed: started.elapsed(),
    }
}

/// The last non-blank line of `stderr`, trailing whitespace removed.
fn last_nonblank_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("")
        .trim_end()
        .to_owned()
}

/// Describes the first difference between two stdouts: its line number, the
/// expected and actual lines there and a few lines after it.
fn stdout_diff(expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    // Lines keep their '\n', so a missing final newline shows in the diff.
    let expected_lines: Vec<&str> = expected.split_inclusive('\n').collect();
    let actual_lines: Vec<&str> = actual.split_inclusive('\n').collect();
    let first = expected_lines
        .iter()
        .zip(&actual_lines)
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected_lines.len().min(actual_lines.len()));
    let mut report = format!(
        "    stdout differs from line {} ({} expected lines, {} actual):\n",
        first + 1,
        expected_lines.len(),
        actual_lines.len()
    );
    let show = |report: &mut String, label: &str, lines: &[&str]| {
        let end = (first + 1 + DIFF_CONTEXT_LINES).min(lines.len());
        if first >= lines.len() {
            let _ = writeln!(report, "      {label} <end of output>");
        }
        for (number, line) in lines.iter().enumerate().take(end).skip(first) {
            let _ = writeln!(report, "      {label} {:>4}| {line:?}", number + 1);
        }
    };
    show(&mut report, "expected", &expected_lines);
    show(&mut report, "actual  ", &actual_lines);
    report
}

/// Compares one run with CPython's; `None` when it passes, else a readable
/// description of every difference.
fn compare(program: &str, expected: &Expected, actual: &Actual) -> Option<String> {
    let mut problems = String::new();
    if actual.timed_out {
        let _ = writeln!(
            problems,
            "    killed after {} s (time limit)",
            PROGRAM_TIMEOUT.as_secs()
        );
    }
    match actual.exit_code {
        Some(code) if code == expected.exit_code => {}
        Some(code) => {
            let _ = writeln!(
                problems,
                "    exit code {code}, expected {}",
                expected.exit_code
            );
        }
        None if !actual.timed_out => {
            let _ = writeln!(
                problems,
                "    ended by a signal, expected exit code {}",
                expected.exit_code
            );
        }
        None => {}
    }
    let last_line = last_nonblank_line(&actual.stderr);
    if last_line != expected.last_stderr_line {
        let _ = writeln!(
            problems,
            "    last stderr line {last_line:?}, expected {:?}",
            expected.last_stderr_line
        );
    }
    if actual.stdout != expected.stdout {
        problems.push_str(&stdout_diff(&expected.stdout, &actual.stdout));
    }
    if problems.is_empty() {
        return None;
    }
    Some(format!(
        "{program} ({:.1} s):\n{problems}",
        actual.elapsed.as_secs_f64()
    ))
}

/// The programs of `GC_STRESS_EXCLUDED`, with the reason given for each
/// (`NAME.py  reason`): programs too slow to collect at every safepoint in
/// a debug build. They still run in the normal mode.
fn gc_stress_excluded() -> Vec<(String, String)> {
    let path = programs_dir().join("GC_STRESS_EXCLUDED");
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (name, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            assert!(
                !reason.trim().is_empty(),
                "GC_STRESS_EXCLUDED: {name} needs a reason"
            );
            (name.to_owned(), reason.trim().to_owned())
        })
        .collect()
}

/// Runs every listed program (but `excluded`) with `extra_args`, several at
/// a time, and fails with a report of all mismatches. `label` names the
/// mode in the summary.
fn check_supported(label: &str, extra_args: &[&str], excluded: &[(String, String)]) {
    for (name, reason) in excluded {
        println!("conformance{label}: not run: {name} ({reason})");
    }
    let programs: Vec<String> = supported_programs()
        .into_iter()
        .filter(|p| !excluded.iter().any(|(name, _)| name == p))
        .collect();
    check_programs(label, extra_args, &programs);
}

/// The areas of the corpus that fire the rare events of DESIGN §2 against
/// hot loops: what changing the event thresholds changes.
const EVENT_AREAS: [&str; 3] = ["event_", "spec_", "tier2_"];

/// Runs the listed programs of [`EVENT_AREAS`] with `extra_args` (see
/// [`check_supported`]).
fn check_event_programs(label: &str, extra_args: &[&str]) {
    let programs: Vec<String> = supported_programs()
        .into_iter()
        .filter(|p| EVENT_AREAS.iter().any(|area| p.starts_with(area)))
        .collect();
    assert!(
        programs.len() >= 40,
        "the event programs are listed in SUPPORTED ({} found)",
        programs.len()
    );
    check_programs(label, extra_args, &programs);
}

/// Runs `programs` with `extra_args`, several at a time, and fails with a
/// report of all mismatches.
fn check_programs(label: &str, extra_args: &[&str], programs: &[String]) {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8));
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(program) = programs.get(index) else {
                    break;
                };
                let failure = match load_expected(program) {
                    Err(err) => Some(format!("{program}:\n    {err}\n")),
                    Ok(expected) => compare(program, &expected, &run_program(program, extra_args)),
                };
                if let Some(failure) = failure {
                    failures
                        .lock()
                        .expect("failure list")
                        .push((index, failure));
                }
            });
        }
    });
    let mut failures = failures.into_inner().expect("failure list");
    failures.sort_by_key(|(index, _)| *index);
    println!(
        "conformance{label}: {} programs listed, {} passed",
        programs.len(),
        programs.len() - failures.len()
    );
    if !failures.is_empty() {
        let report: String = failures.into_iter().map(|(_, text)| text).collect();
        panic!(
            "conformance{label}: mismatches with CPython's results:\n{report}\
             (rerun one program with: cd runtime/tests/programs && stillpoint NAME.py)"
        );
    }
}

/// Every program in `SUPPORTED` gives CPython's stdout, exit code and last
/// stderr line.
#[test]
fn supported_programs_match_cpython() {
    check_supported("", &[], &[]);
}

/// The same programs give the same results on tier 0 alone
/// (`-X nospecialize`: no thread specializes its bytecode).
#[test]
fn supported_programs_match_cpython_without_specialization() {
    check_supported(" (-X nospecialize)", &["-X", "nospecialize"], &[]);
}

/// The same programs give the same results when the collector runs at every
/// opportunity (`-X gc-stress`).
#[test]
fn supported_programs_match_cpython_under_gc_stress() {
    check_supported(
        " (-X gc-stress)",
        &["-X", "gc-stress"],
        &gc_stress_excluded(),
    );
}

/// Every program with every event threshold at 0: tier 2 assumes no event
/// that is counted (it keeps the guards and takes no dependency on them).
/// `-X threshold=` leaves the debugger's set-local and instrumentation at
/// "always invalidate".
#[test]
fn supported_programs_match_cpython_at_threshold_0() {
    check_supported(" (-X threshold=0)", &["-X", "threshold=0"], &[]);
}

/// Every program with every event threshold at 1: the first fire of each
/// event invalidates what assumed it, every later one is not assumed.
#[test]
fn supported_programs_match_cpython_at_threshold_1() {
    check_supported(" (-X threshold=1)", &["-X", "threshold=1"], &[]);
}

/// The programs that fire events, with every threshold at 0 and the
/// collector running at every opportunity, so that the guarded forms meet
/// the collector too (the whole corpus runs under gc-stress with the
/// default thresholds).
#[test]
fn event_programs_match_cpython_at_threshold_0_under_gc_stress() {
    check_event_programs(
        " (-X threshold=0 -X gc-stress)",
        &["-X", "threshold=0", "-X", "gc-stress"],
    );
}

/// `SUPPORTED` names only existing programs, each once, each with its
/// expected-result files.
#[test]
fn supported_programs_have_expected_files() {
    let dir = programs_dir();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for program in supported_programs() {
        if !seen.insert(program.clone()) {
            problems.push(format!("{program}: listed twice"));
        }
        if !program.ends_with(".py") || program.starts_with('_') {
            problems.push(format!("{program}: not a program name (NAME.py)"));
        }
        if !dir.join(&program).is_file() {
            problems.push(format!("{program}: no such file"));
        }
        if let Err(err) = load_expected(&program) {
            problems.push(format!("{program}: {err}"));
        }
    }
    assert!(problems.is_empty(), "SUPPORTED:\n{}", problems.join("\n"));
}

/// The corpus is consistent: every program has expected-result files (run
/// `scripts/regen-expected.sh` after adding one) and no result file is left
/// without its program.
#[test]
fn every_program_has_expected_files() {
    let programs = all_programs();
    assert!(
        programs.len() >= 150,
        "the corpus should hold at least 150 programs, found {}",
        programs.len()
    );
    let mut problems = Vec::new();
    for program in &programs {
        if let Err(err) = load_expected(program) {
            problems.push(format!("{program}: {err}"));
        }
    }
    let known: HashSet<&str> = programs
        .iter()
        .map(|p| p.strip_suffix(".py").unwrap_or(p))
        .collect();
    for entry in fs::read_dir(programs_dir()).expect("corpus folder") {
        let name = entry.expect("directory entry").file_name();
        let name = name.to_string_lossy();
        if let Some(stem) = name
            .strip_suffix(".out")
            .or_else(|| name.strip_suffix(".status"))
        {
            if !known.contains(stem) {
                problems.push(format!("{name}: no program {stem}.py"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "corpus (run scripts/regen-expected.sh):\n{}",
        problems.join("\n")
    );
}

/// The comparison itself: a wrong stdout, exit code or stderr line is
/// reported, a matching run is not.
#[test]
fn comparison_detects_each_kind_of_mismatch() {
    let expected = Expected {
        stdout: b"a\nb\nc\n".to_vec(),
        exit_code: 1,
        last_stderr_line: "ValueError: x".to_owned(),
    };
    let run = |stdout: &[u8], exit_code, stderr: &[u8]| Actual {
        stdout: stdout.to_vec(),
        stderr: stderr.to_vec(),
        exit_code,
        timed_out: false,
        elapsed: Duration::ZERO,
    };
    let good = run(
        b"a\nb\nc\n",
        Some(1),
        b"Traceback (most recent call last):\nValueError: x  \n\n",
    );
    assert!(compare("p.py", &expected, &good).is_none());

    let wrong_stdout = compare(
        "p.py",
        &expected,
        &run(b"a\nB\nc\n", Some(1), b"ValueError: x\n"),
    )
    .expect("stdout mismatch");
    assert!(
        wrong_stdout.contains("from line 2") && wrong_stdout.contains("\"B\\n\""),
        "{wrong_stdout}"
    );
    let short_stdout = compare("p.py", &expected, &run(b"a\n", Some(1), b"ValueError: x\n"))
        .expect("missing lines");
    assert!(short_stdout.contains("from line 2"), "{short_stdout}");

    let wrong_exit = compare(
        "p.py",
        &expected,
        &run(b"a\nb\nc\n", Some(0), b"ValueError: x\n"),
    )
    .expect("exit mismatch");
    assert!(
        wrong_exit.contains("exit code 0, expected 1"),
        "{wrong_exit}"
    );

    let wrong_stderr = compare(
        "p.py",
        &expected,
        &run(b"a\nb\nc\n", Some(1), b"ValueError: y\n"),
    )
    .expect("stderr mismatch");
    assert!(wrong_stderr.contains("ValueError: y"), "{wrong_stderr}");

    let killed = compare(
        "p.py",
        &expected,
        &Actual {
            timed_out: true,
            ..run(b"a\nb\nc\n", None, b"ValueError: x\n")
        },
    )
    .expect("timeout");
    assert!(killed.contains("time limit"), "{killed}");
}
