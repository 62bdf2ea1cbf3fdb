//! The `stillpoint` command: `stillpoint FILE.py [args]` or
//! `stillpoint -c CODE`; `-X gc-stress` collects at every safepoint after
//! an allocation.

use std::process::ExitCode;

use stillpoint::{Outcome, Runtime};
use stillpoint_gc::HeapConfig;

/// The interpreter runs on its own thread with a large stack: Python calls
/// do not recurse natively, but Rust code calling back into Python does
/// (bounded by the runtime's native stack budget, set to match), and debug
/// builds use big frames.
const INTERPRETER_STACK: usize = 256 << 20;

fn usage() -> ExitCode {
    eprintln!("usage: stillpoint [-X gc-stress] [-X stats] [--stats-json PATH] FILE.py [args...] | stillpoint [options] -c CODE [args...]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut gc_stress = false;
    let mut stats = false;
    let mut stats_json: Option<String> = None;
    loop {
        match args.first().map(String::as_str) {
            Some("-X") => match args.get(1).map(String::as_str) {
                Some("gc-stress") => gc_stress = true,
                Some("stats") => stats = true,
                Some(other) => {
                    eprintln!("stillpoint: unknown -X option {other}");
                    return usage();
                }
                None => return usage(),
            },
            Some("--stats-json") => match args.get(1) {
                Some(path) => stats_json = Some(path.clone()),
                None => return usage(),
            },
            _ => break,
        }
        args.drain(..2);
    }
    let (source, filename) = match args.first().map(String::as_str) {
        None => return usage(),
        Some("-c") => match args.get(1) {
            Some(code) => (code.clone(), "<string>".to_string()),
            None => {
                eprintln!("Argument expected for the -c option");
                return usage();
            }
        },
        Some(flag) if flag.starts_with('-') && flag != "-" => {
            eprintln!("stillpoint: unknown option {flag}");
            return usage();
        }
        Some(path) => match std::fs::read_to_string(path) {
            // CPython shows the main script's absolute path.
            Ok(text) => (
                text,
                std::path::absolute(path)
                    .map_or_else(|_| path.to_string(), |p| p.display().to_string()),
            ),
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(2);
                let reason = match e.kind() {
                    std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
                    _ => e.to_string(),
                };
                let shown = std::path::absolute(path)
                    .map_or_else(|_| path.to_string(), |p| p.display().to_string());
                eprintln!("stillpoint: can't open file '{shown}': [Errno {errno}] {reason}");
                return ExitCode::from(2);
            }
        },
    };
    let worker = std::thread::Builder::new()
        .name("stillpoint-main".into())
        .stack_size(INTERPRETER_STACK)
        .spawn(move || {
            let rt = Runtime::with_heap_config(HeapConfig::default().gc_stress(gc_stress));
            // This thread (and every Python thread) has a 256 MiB stack.
            rt.set_native_stack_budget(INTERPRETER_STACK - (16 << 20));
            // sys.argv: the script as given (or "-c") and its arguments.
            let argv: Vec<String> = if args[0] == "-c" {
                std::iter::once("-c".to_string())
                    .chain(args[2..].iter().cloned())
                    .collect()
            } else {
                args.clone()
            };
            rt.set_argv(argv);
            let outcome = rt.run_source(&source, &filename);
            if stats {
                eprint!("{}", rt.stats_summary());
            }
            if let Some(path) = &stats_json {
                if let Err(e) = std::fs::write(path, rt.stats_json()) {
                    eprintln!("stillpoint: can't write {path}: {e}");
                }
            }
            outcome
        });
    match worker.map(|h| h.join()) {
        Ok(Ok(Outcome::Completed)) => ExitCode::SUCCESS,
        Ok(Ok(Outcome::UncaughtException)) => ExitCode::from(1),
        Ok(Ok(Outcome::Exit(code))) => ExitCode::from(code as u8),
        _ => {
            eprintln!("stillpoint: internal error");
            ExitCode::from(70)
        }
    }
}
