//! The `stillpoint` command line: `-m`, `-c`, `-` and piped stdin, `-i`
//! and the interactive prompt, exit codes and error messages, and the
//! README's example program.
//!
//! Expected results come from CPython: the prompt transcripts in
//! `tests/repl/` and the example's output are stored files written by
//! `scripts/regen-cli-expected.sh`; the other cases run `python3` beside
//! our binary when it is installed and compare, on top of the checks
//! written here (which hold without `python3`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// What a command printed and its exit status.
#[derive(Debug, PartialEq)]
struct Run {
    stdout: String,
    stderr: String,
    status: i32,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Run {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            status: out.status.code().unwrap_or(-1),
        }
    }
}

/// Runs `program args` in `dir` with `stdin` as its input.
fn run_program(program: &str, args: &[&str], dir: &Path, stdin: &str) -> Run {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PYTHONHASHSEED", "0")
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONSTARTUP")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} starts: {e}"));
    let mut input = child.stdin.take().expect("a stdin pipe");
    input
        .write_all(stdin.as_bytes())
        .expect("the input is written");
    drop(input);
    child.wait_with_output().expect("the command ends").into()
}

fn stillpoint(args: &[&str], dir: &Path, stdin: &str) -> Run {
    run_program(env!("CARGO_BIN_EXE_stillpoint"), args, dir, stdin)
}

/// CPython's result for the same command, when `python3` is installed.
fn python3(args: &[&str], dir: &Path, stdin: &str) -> Option<Run> {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    found.then(|| run_program("python3", args, dir, stdin))
}

/// Runs the command on both; checks that stdout and the exit status match
/// CPython's, and stderr too when `same_stderr` (messages naming the
/// program differ: CPython names its executable's path). Returns ours.
fn like_cpython(args: &[&str], dir: &Path, stdin: &str, same_stderr: bool) -> Run {
    let ours = stillpoint(args, dir, stdin);
    if let Some(theirs) = python3(args, dir, stdin) {
        assert_eq!(ours.stdout, theirs.stdout, "stdout of {args:?}");
        assert_eq!(ours.status, theirs.status, "status of {args:?}: {ours:?}");
        if same_stderr {
            assert_eq!(ours.stderr, theirs.stderr, "stderr of {args:?}");
        }
    }
    ours
}

/// A fresh empty folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stillpoint-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

#[test]
fn dash_m_runs_a_module_from_the_current_folder_as_main() {
    let dir = temp_dir("dash-m");
    std::fs::write(
        dir.join("greet.py"),
        "import sys\nimport helper\nprint(__name__, helper.NAME, sys.argv[1:])\n",
    )
    .unwrap();
    std::fs::write(dir.join("helper.py"), "NAME = 'helper'\n").unwrap();
    std::fs::write(
        dir.join("where.py"),
        "import sys\nprint(sys.argv[0].endswith('/where.py'), sys.argv[0].startswith('/'))\n",
    )
    .unwrap();
    let out = like_cpython(&["-m", "greet", "a", "-b"], &dir, "", true);
    assert_eq!(out.stdout, "__main__ helper ['a', '-b']\n");
    assert_eq!(out.status, 0);
    // sys.argv[0] is the module's full path; `-mNAME` is the same option.
    let out = like_cpython(&["-mwhere"], &dir, "", true);
    assert_eq!(out.stdout, "True True\n");
}

#[test]
fn dash_m_with_a_missing_module_says_so_and_exits_1() {
    let dir = temp_dir("dash-m-missing");
    let out = like_cpython(&["-m", "no_such_module"], &dir, "", false);
    assert_eq!(out.status, 1);
    assert_eq!(out.stderr, "stillpoint: No module named no_such_module\n");
    assert_eq!(out.stdout, "");
}

#[test]
fn a_missing_script_exits_2_with_cpythons_message() {
    let dir = temp_dir("missing-script");
    let out = like_cpython(&["nosuch.py", "arg"], &dir, "", false);
    assert_eq!(out.status, 2);
    assert_eq!(
        out.stderr,
        format!(
            "stillpoint: can't open file '{}': [Errno 2] No such file or directory\n",
            dir.join("nosuch.py").display()
        )
    );
    // After `--` a word starting with `-` is the script.
    let out = like_cpython(&["--", "-c"], &dir, "", false);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("can't open file"), "{out:?}");
}

#[test]
fn dash_reads_the_program_from_stdin() {
    let dir = temp_dir("dash");
    let program = "import sys\nprint(sys.argv)\ndef fail():\n    1 / 0\nfail()\n";
    let out = like_cpython(&["-", "a", "b"], &dir, program, true);
    assert_eq!(out.stdout, "['-', 'a', 'b']\n");
    assert_eq!(out.status, 1);
    // `<stdin>` in the traceback, and no source lines: there is no file.
    assert_eq!(
        out.stderr,
        "Traceback (most recent call last):\n  File \"<stdin>\", line 5, in <module>\n  \
         File \"<stdin>\", line 4, in fail\nZeroDivisionError: division by zero\n"
    );
}

#[test]
fn an_error_in_an_inlined_comprehension_shows_its_frame_as_cpython_3_11() {
    // The comprehensions are compiled into `f` and `total` (PEP 709), but
    // the traceback names their frames as CPython 3.11 does, each called
    // from the comprehension's position.
    let dir = temp_dir("comprehension-traceback");
    let program = "def f(xs):\n    return {x: 10 // x\n            for x in xs}\n\n\n\
                   class C:\n    def total(self, xs):\n        \
                   return sum([v for v in f(xs).values()])\n\n\n\
                   print(C().total([1, 2]))\nC().total([5, 0])\n";
    std::fs::write(dir.join("comp.py"), program).expect("the program is written");
    let out = like_cpython(&["comp.py"], &dir, "", true);
    assert_eq!(out.stdout, "15\n");
    let file = dir.join("comp.py").display().to_string();
    let expected = format!(
        "Traceback (most recent call last):\n  \
         File \"{file}\", line 12, in <module>\n    C().total([5, 0])\n  \
         File \"{file}\", line 8, in total\n    return sum([v for v in f(xs).values()])\n{}\n  \
         File \"{file}\", line 2, in f\n    return {{x: 10 // x\n           ^^^^^^^^^^^\n  \
         File \"{file}\", line 2, in <dictcomp>\n    return {{x: 10 // x\n               ~~~^^~~\n\
         ZeroDivisionError: integer division or modulo by zero\n",
        " ".repeat(27) + "^^^^^"
    );
    assert_eq!(out.stderr, expected);
}

#[test]
fn no_arguments_and_a_piped_stdin_runs_stdin_as_the_program() {
    let dir = temp_dir("piped");
    std::fs::write(dir.join("local_mod.py"), "VALUE = 42\n").unwrap();
    let program = "import sys\nimport local_mod\nprint(sys.argv, local_mod.VALUE)\n";
    let out = like_cpython(&[], &dir, program, true);
    assert_eq!(out.stdout, "[''] 42\n");
    assert_eq!(out.status, 0);
}

#[test]
fn dash_c_takes_the_rest_of_the_line_as_arguments() {
    let dir = temp_dir("dash-c");
    let code = "import sys; print(sys.argv)";
    for (args, expected) in [
        (vec!["-c", code, "--", "a"], "['-c', '--', 'a']\n"),
        (
            vec!["-c", code, "-X", "gc-stress"],
            "['-c', '-X', 'gc-stress']\n",
        ),
        (vec!["-c", code, "-c", "x"], "['-c', '-c', 'x']\n"),
    ] {
        let out = like_cpython(&args, &dir, "", true);
        assert_eq!(out.stdout, expected, "{args:?}");
    }
    // Options before the program, grouped or not; `-X` only there.
    let out = stillpoint(&["-X", "gc-stress", "-q", "-c", "print(6 * 7)"], &dir, "");
    assert_eq!((out.stdout.as_str(), out.status), ("42\n", 0), "{out:?}");
    let out = stillpoint(&["-Xgc-stress", "-qc", "print(6 * 7)"], &dir, "");
    assert_eq!((out.stdout.as_str(), out.status), ("42\n", 0), "{out:?}");
    // A `-c` error prints no source line (`<string>` is not a file).
    let out = like_cpython(&["-c", "1 / 0"], &dir, "", true);
    assert_eq!(out.status, 1);
    assert!(!out.stderr.contains("    1 / 0"), "{out:?}");
}

#[test]
fn exit_statuses_follow_system_exit() {
    let dir = temp_dir("exit");
    for (code, status) in [
        ("raise SystemExit(4)", 4),
        ("import sys; sys.exit()", 0),
        ("import sys; sys.exit(None)", 0),
        ("import sys; sys.exit(258)", 2),
        ("exit(7)", 7),
        ("quit()", 0),
        ("raise KeyError('k')", 1),
    ] {
        let out = like_cpython(&["-c", code], &dir, "", true);
        assert_eq!(out.status, status, "{code}: {out:?}");
    }
    // A non-int code is printed and gives 1.
    let out = like_cpython(&["-c", "import sys; sys.exit('bad input')"], &dir, "", true);
    assert_eq!((out.stderr.as_str(), out.status), ("bad input\n", 1));
}

#[test]
fn bad_command_lines_exit_2() {
    let dir = temp_dir("usage");
    for args in [&["-Z"][..], &["-c"][..], &["-m"][..], &["-X"][..]] {
        let out = stillpoint(args, &dir, "");
        assert_eq!(out.status, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains("usage: stillpoint"), "{out:?}");
    }
    let out = stillpoint(&["-c"], &dir, "");
    assert!(out
        .stderr
        .starts_with("Argument expected for the -c option\n"));
    let out = stillpoint(&["-Z"], &dir, "");
    assert!(out.stderr.starts_with("Unknown option: -Z\n"));
}

#[test]
fn dash_i_runs_the_prompt_after_the_script() {
    let dir = temp_dir("dash-i");
    std::fs::write(dir.join("setup.py"), "answer = 6 * 7\nprint('set up')\n").unwrap();
    let out = like_cpython(&["-i", "setup.py"], &dir, "answer\nanswer + 1\n", true);
    assert_eq!(out.stdout, "set up\n42\n43\n");
    assert_eq!(out.stderr, ">>> >>> >>> \n");
}

/// Every transcript in `tests/repl/`: the prompt (`-i -q`) reading
/// NAME.input prints exactly python3's stdout and stderr (prompts,
/// tracebacks) and exits with its status, normally and under gc stress.
#[test]
fn prompt_transcripts_match_cpython() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/repl");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the repl folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "input"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 5, "the transcripts are there");
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input.file_stem().unwrap().to_string_lossy().to_string();
        let read = |ext: &str| {
            std::fs::read_to_string(input.with_extension(ext))
                .unwrap_or_else(|e| panic!("{name}.{ext}: {e}"))
        };
        let text = std::fs::read_to_string(input).unwrap();
        let expected = Run {
            stdout: read("out"),
            stderr: read("stderr"),
            status: read("status")
                .trim()
                .strip_prefix("exit ")
                .and_then(|n| n.parse().ok())
                .expect("exit N"),
        };
        // Also under gc stress: values the prompt prints must stay rooted.
        for args in [&["-i", "-q"][..], &["-X", "gc-stress", "-i", "-q"][..]] {
            let out = stillpoint(args, &dir, &text);
            if out != expected {
                failures.push(format!(
                    "{name} {args:?}:\n--- ours\n{out:#?}\n--- python3\n{expected:#?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_prompt_prints_a_banner_unless_quiet() {
    let dir = temp_dir("banner");
    let out = stillpoint(&["-i"], &dir, "1 + 1\n");
    assert_eq!(out.stdout, "2\n");
    let first = out.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("Stillpoint "), "{out:?}");
    assert!(out.stderr.ends_with(">>> >>> \n"), "{out:?}");
    let out = stillpoint(&["-i", "-q"], &dir, "1 + 1\n");
    assert_eq!(out.stderr, ">>> >>> \n");
}

/// The README's main command runs this program: its output must be
/// CPython's (`examples/NAME.out`, from `scripts/regen-cli-expected.sh`).
#[test]
fn the_readme_example_prints_cpythons_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let examples = root.join("examples");
    let out = stillpoint(&["parallel_primes.py"], &examples, "");
    let expected =
        std::fs::read_to_string(examples.join("parallel_primes.out")).expect("the expected output");
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.stdout, expected);
    assert_eq!(out.stderr, "");
}
