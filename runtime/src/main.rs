//! The `stillpoint` command, with CPython's command line where it applies:
//! `stillpoint [option] ... [-c cmd | -m mod | file | -] [arg] ...`.
//! Without a program it runs the interactive prompt when stdin is a
//! terminal and reads the program from stdin otherwise. Options: `-i`
//! (the prompt after the program, or on a non-terminal stdin), `-q` (no
//! banner), `-X gc-stress` (collect at every safepoint after an
//! allocation), `-X nospecialize`, `-X notier2`, `-X threshold=N|never`
//! (the event thresholds), `-X stats` (a summary on stderr at exit),
//! `--stats-json PATH`, `-h`, `-V`. Exit codes as CPython's: 1 for an uncaught exception
//! (and a missing `-m` module), the `SystemExit` code, 2 for a bad command
//! line or a missing file.

use std::io::IsTerminal;
use std::process::ExitCode;

use stillpoint::{EventKind, Outcome, Runtime, Threshold};
use stillpoint_gc::HeapConfig;
use stillpoint_sync::WorldConfig;

/// mimalloc, as free-threaded CPython uses: objects' buffers (tuples,
/// lists, dict tables, frames) are allocated and freed at a high rate from
/// many threads, where glibc's malloc was a fifth of the run time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_e`, in
/// the v3 `mimalloc.h` that `libmimalloc-sys` builds; the crate names only
/// some options). A test checks it against the option's default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays committed before mimalloc returns it to the
/// OS. With mimalloc's default, one second, a program that allocates and
/// collects steadily has its freed pages decommitted between two bursts and
/// faults them back in (each a transparent huge page that the kernel zeroes):
/// `float_points` took 2,000-4,500 page faults in a 2 s run, against 220
/// with ten seconds.
/// A program that has shrunk still returns its memory, ten seconds later.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

fn tune_allocator() {
    // SAFETY: `mi_option_set` only stores the option's value (options are
    // plain globals mimalloc reads when it purges); any value is valid for
    // this option.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    disable_huge_pages();
}

/// Turns transparent huge pages off for the process. mimalloc asks for
/// them on its arenas (before `main`, so its own option comes too late),
/// and the heap's blocks are then faulted in 2 MiB at a time, each zeroed
/// by the kernel, sometimes after compacting memory to find one: with them
/// `float_points` ran 1.02-1.04 s against 0.92-0.95 s without, alternating
/// with CPython (ARCHITECTURE.md, decisions), and peaked at 67 MB resident
/// against 55 MB. The setting is the process's (and its children's); an
/// embedder's program keeps its own.
fn disable_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `PR_SET_THP_DISABLE` takes plain integer arguments and only
    // sets a flag of the calling process; a failure (an old kernel) leaves
    // huge pages on, which is only slower.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// The interpreter runs on its own thread with a large stack: Python calls
/// do not recurse natively, but Rust code calling back into Python does
/// (bounded by the runtime's native stack budget, set to match), and debug
/// builds use big frames.
const INTERPRETER_STACK: usize = 256 << 20;

const USAGE: &str = "usage: stillpoint [option] ... [-c cmd | -m mod | file | -] [arg] ...";

const HELP: &str = "\
Options:
-c cmd : program passed in as string (terminates option list)
-h     : print this help message and exit (also -? or --help)
-i     : inspect interactively after running script; forces a prompt even
         if stdin does not appear to be a terminal
-m mod : run library module as a script (terminates option list)
-q     : don't print version and copyright messages on interactive startup
-V     : print the version number and exit (also --version)
-X opt : set implementation-specific option:
         -X gc-stress: collect garbage at every safepoint after an allocation
         -X nospecialize: run tier 0 only (no specializing interpreter)
         -X notier2: run no tier-2 executors (tiers 0 and 1 only)
         -X threshold=N: every event with a threshold stops invalidating
             executors after N fires (N=never: it always invalidates); the
             debugger's set-local and instrumentation always invalidate
         -X stats: print the runtime's statistics on stderr at exit
--stats-json PATH : write the runtime's statistics as JSON to PATH at exit
file   : program read from script file
-      : program read from stdin (default; interactive mode if a tty)
arg ...: arguments passed to program in sys.argv[1:]";

/// What the command runs.
#[derive(Debug, PartialEq)]
enum Program {
    /// `FILE.py`, as given.
    Script(String),
    /// `-c CODE`.
    Command(String),
    /// `-m MODULE`.
    Module(String),
    /// The program text from stdin: `-` (`dash`), or no program while
    /// stdin is not a terminal.
    Stdin { dash: bool },
    /// No program: the interactive prompt.
    Prompt,
}

/// The parsed command line.
#[derive(Debug)]
struct Options {
    gc_stress: bool,
    stats: bool,
    stats_json: Option<String>,
    nospecialize: bool,
    notier2: bool,
    /// `-X threshold=N|never`: the threshold of every counted event kind.
    threshold: Option<Threshold>,
    /// `-i`: the prompt after the program (or instead of reading stdin).
    inspect: bool,
    /// `-q`: no banner.
    quiet: bool,
    /// None: no program named (the prompt or stdin, decided later).
    program: Option<Program>,
    /// `sys.argv[1:]`.
    args: Vec<String>,
}

/// A command-line error: the message, then CPython-style usage lines.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("{message}\n{USAGE}\nTry `stillpoint -h' for more information.");
    ExitCode::from(2)
}

/// Parses the command line CPython's way: options (single-letter ones may
/// be grouped, `-c`/`-m`/`-X` take the rest of their word or the next
/// word) up to the program; everything after the program is its arguments.
/// `Err` carries the exit code after a message, or 0 after `-h`/`-V`.
fn parse_args(args: &[String]) -> Result<Options, ExitCode> {
    let mut options = Options {
        gc_stress: false,
        stats: false,
        stats_json: None,
        nospecialize: false,
        notier2: false,
        threshold: None,
        inspect: false,
        quiet: false,
        program: None,
        args: Vec::new(),
    };
    let mut next = 0;
    'words: while next < args.len() {
        let word = args[next].as_str();
        next += 1;
        match word {
            "--" => {
                options.program = args.get(next).map(|s| Program::Script(s.clone()));
                next += 1;
                break;
            }
            "-" => {
                options.program = Some(Program::Stdin { dash: true });
                break;
            }
            "--help" => {
                println!("{USAGE}\n{HELP}");
                return Err(ExitCode::SUCCESS);
            }
            "--version" => {
                println!("Stillpoint {}", env!("CARGO_PKG_VERSION"));
                return Err(ExitCode::SUCCESS);
            }
            "--stats-json" => {
                let Some(path) = args.get(next) else {
                    return Err(usage_error("Argument expected for the --stats-json option"));
                };
                options.stats_json = Some(path.clone());
                next += 1;
                continue;
            }
            _ if word.starts_with("--") => {
                return Err(usage_error(&format!("unknown option {word}")));
            }
            _ if word.starts_with('-') => {}
            _ => {
                options.program = Some(Program::Script(word.to_string()));
                break;
            }
        }
        // A group of single-letter options.
        for (at, letter) in word.char_indices().skip(1) {
            let rest = &word[at + letter.len_utf8()..];
            match letter {
                'c' | 'm' | 'X' => {
                    let value = if !rest.is_empty() {
                        rest.to_string()
                    } else if let Some(value) = args.get(next) {
                        next += 1;
                        value.clone()
                    } else {
                        return Err(usage_error(&format!(
                            "Argument expected for the -{letter} option"
                        )));
                    };
                    match letter {
                        'c' => options.program = Some(Program::Command(value)),
                        'm' => options.program = Some(Program::Module(value)),
                        _ => match value.as_str() {
                            "gc-stress" => options.gc_stress = true,
                            "stats" => options.stats = true,
                            "nospecialize" => options.nospecialize = true,
                            "notier2" => options.notier2 = true,
                            other if other.starts_with("threshold=") => {
                                let Some(threshold) = parse_threshold(&other["threshold=".len()..])
                                else {
                                    return Err(usage_error(&format!(
                                        "-X {other}: expected a count or 'never'"
                                    )));
                                };
                                options.threshold = Some(threshold);
                            }
                            other => {
                                return Err(usage_error(&format!("unknown -X option: {other}")))
                            }
                        },
                    }
                    if letter == 'X' {
                        continue 'words;
                    }
                    break 'words;
                }
                'i' => options.inspect = true,
                'q' => options.quiet = true,
                'h' | '?' => {
                    println!("{USAGE}\n{HELP}");
                    return Err(ExitCode::SUCCESS);
                }
                'V' => {
                    println!("Stillpoint {}", env!("CARGO_PKG_VERSION"));
                    return Err(ExitCode::SUCCESS);
                }
                other => return Err(usage_error(&format!("Unknown option: -{other}"))),
            }
        }
    }
    options.args = args.get(next..).unwrap_or_default().to_vec();
    Ok(options)
}

/// The value of `-X threshold=`: a count of invalidating fires, or
/// `never` (every fire invalidates).
fn parse_threshold(value: &str) -> Option<Threshold> {
    match value {
        "never" => Some(Threshold::Never),
        count => count.parse().ok().map(Threshold::After),
    }
}

/// The world configuration for `-X threshold=`: the given threshold for
/// every event kind whose default is a count. The debugger's set-local and
/// instrumentation keep theirs (they always invalidate: every executor
/// depends on instrumentation staying off, so a count there would only turn
/// tier 2 off).
fn world_config(threshold: Option<Threshold>) -> WorldConfig {
    let Some(threshold) = threshold else {
        return WorldConfig::new();
    };
    EventKind::ALL
        .into_iter()
        .filter(|kind| kind.default_threshold() != Threshold::Never)
        .fold(WorldConfig::new(), |config, kind| {
            config.threshold(kind, threshold)
        })
}

/// A path as CPython shows the main script: absolute.
fn shown_path(path: &str) -> String {
    std::path::absolute(path).map_or_else(|_| path.to_string(), |p| p.display().to_string())
}

/// The program's source text, the file name its tracebacks show and
/// `sys.argv[0]`; None for the prompt. `Err` after printing CPython's
/// message for a missing file (status 2) or module (status 1).
fn load(program: &Program) -> Result<Option<(String, String, String)>, ExitCode> {
    Ok(Some(match program {
        Program::Script(path) => match std::fs::read_to_string(path) {
            Ok(text) => (text, shown_path(path), path.clone()),
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(2);
                let reason = match e.kind() {
                    std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
                    _ => e.to_string(),
                };
                eprintln!(
                    "stillpoint: can't open file '{}': [Errno {errno}] {reason}",
                    shown_path(path)
                );
                return Err(ExitCode::from(2));
            }
        },
        Program::Command(code) => (code.clone(), "<string>".into(), "-c".into()),
        Program::Module(name) => {
            // `-m` looks in the current directory first, as CPython does;
            // the module runs as `__main__` under its full path.
            let relative = format!("{}.py", name.replace('.', "/"));
            let path = shown_path(&relative);
            match std::fs::read_to_string(&path) {
                Ok(text) if !name.is_empty() => (text, path.clone(), path),
                _ => {
                    eprintln!("stillpoint: No module named {name}");
                    return Err(ExitCode::from(1));
                }
            }
        }
        Program::Stdin { dash } => {
            let mut text = String::new();
            if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                eprintln!("stillpoint: can't read stdin: {e}");
                return Err(ExitCode::from(2));
            }
            let argv0 = if *dash { "-" } else { "" };
            (text, "<stdin>".into(), argv0.into())
        }
        Program::Prompt => return Ok(None),
    }))
}

/// The line the prompt starts with (CPython prints its version there).
fn banner() -> String {
    format!(
        "Stillpoint {} (a free-threaded runtime for a subset of Python 3.11) on {}\n\
         Type \"exit()\" or Ctrl-D (i.e. EOF) to exit.",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    )
}

fn main() -> ExitCode {
    tune_allocator();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut options = match parse_args(&args) {
        Ok(options) => options,
        Err(code) => return code,
    };
    let program = match options.program.take() {
        Some(program) => program,
        None if options.inspect || std::io::stdin().is_terminal() => Program::Prompt,
        None => Program::Stdin { dash: false },
    };
    let loaded = match load(&program) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let prompt = options.inspect || program == Program::Prompt;
    let worker = std::thread::Builder::new()
        .name("stillpoint-main".into())
        .stack_size(INTERPRETER_STACK)
        .spawn(move || {
            let rt = Runtime::with_configs(
                HeapConfig::default().gc_stress(options.gc_stress),
                world_config(options.threshold),
            );
            // This thread (and every Python thread) has a 256 MiB stack.
            rt.set_native_stack_budget(INTERPRETER_STACK - (16 << 20));
            rt.set_specializing(!options.nospecialize);
            rt.set_tier2(!options.notier2);
            rt.set_collect_stats(options.stats || options.stats_json.is_some());
            // A script's folder is importable (`run_source` adds it);
            // otherwise the current directory is, as in CPython.
            if !matches!(program, Program::Script(_)) {
                if let Ok(dir) = std::env::current_dir() {
                    rt.add_search_path(dir);
                }
            }
            let argv0 = loaded.as_ref().map_or(String::new(), |l| l.2.clone());
            rt.set_argv(std::iter::once(argv0).chain(options.args).collect());
            let mut outcome = match &loaded {
                Some((source, filename, _)) => rt.run_source(source, filename),
                None => Outcome::Completed,
            };
            if prompt && !matches!(outcome, Outcome::Exit(_)) {
                if loaded.is_none() && !options.quiet {
                    eprintln!("{}", banner());
                }
                outcome = rt.run_repl(&mut std::io::stdin().lock());
            }
            if options.stats {
                eprint!("{}", rt.stats_summary());
            }
            if let Some(path) = &options.stats_json {
                if let Err(e) = std::fs::write(path, rt.stats_json()) {
                    eprintln!("stillpoint: can't write {path}: {e}");
                }
            }
            outcome
        });
    match worker.map(|h| h.join()) {
        Ok(Ok(Outcome::Completed)) => ExitCode::SUCCESS,
        Ok(Ok(Outcome::UncaughtException)) => ExitCode::from(1),
        // Exit statuses are taken modulo 256, as the OS does.
        Ok(Ok(Outcome::Exit(code))) => ExitCode::from(code as u8),
        _ => {
            eprintln!("stillpoint: internal error");
            ExitCode::from(70)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_tuned() {
        use libmimalloc_sys::mi_option_get;
        // SAFETY: reading an option has no precondition.
        let read = || unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(read(), 1000, "mimalloc's documented default purge delay");
        }
        tune_allocator();
        assert_eq!(read(), PURGE_DELAY_MS);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_turned_off() {
        // SAFETY: `PR_GET_THP_DISABLE` reads a flag of the calling process.
        let disabled = || unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        disable_huge_pages();
        assert_eq!(disabled(), 1);
    }
}
