//! The embedding API under concurrency: many host threads attaching and
//! detaching at once while events fire and collections run, and what a
//! thread that blocks while attached does to pauses.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use stillpoint::{Error, ErrorKind, EventKind, Object, Runtime, Threshold};

/// Fails the test (aborting the process, so a deadlock cannot hang CI)
/// unless dropped within `limit`.
struct Watchdog(Arc<AtomicBool>);

impl Watchdog {
    fn new(what: &'static str, limit: Duration) -> Watchdog {
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            while !flag.load(Ordering::Relaxed) {
                if start.elapsed() > limit {
                    eprintln!("watchdog: {what} did not finish within {limit:?} (deadlock?)");
                    std::process::abort();
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Watchdog(done)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

const WORKLOAD: &str = "\
class Shape:
    sides = 0

def churn(n):
    junk = []
    for i in range(n):
        junk.append([i, str(i), (i, i)])
        if len(junk) > 50:
            junk = []
    return n
";

/// 16 host threads attach and detach at once for about 3 seconds; while
/// they do, Python code allocates (with a small heap budget: collections
/// run constantly), class attribute sets and debugger walks stop the
/// world, threads nest attachments and block detached. Nothing may
/// deadlock, and every thread's results must be right.
#[test]
fn sixteen_threads_attach_and_detach_while_events_fire_and_collections_run() {
    const THREADS: u64 = 16;
    let _watchdog = Watchdog::new("the 16-thread test", Duration::from_secs(120));
    let rt = Runtime::builder()
        .gc_initial_budget(256 << 10)
        // Every class attribute set stops the world.
        .threshold(EventKind::ClassAttrSet, Threshold::Never)
        .build();
    let code = rt.compile(WORKLOAD, "workload.py").unwrap();
    let shared: Object = rt.attach(|py| py.eval("[]")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    let attaches = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (rt, code, shared, attaches) =
                (rt.clone(), code.clone(), shared.clone(), attaches.clone());
            std::thread::spawn(move || -> Result<u64, Error> {
                let mut rounds = 0u64;
                while Instant::now() < deadline {
                    rounds += 1;
                    rt.attach(|py| -> Result<(), Error> {
                        attaches.fetch_add(1, Ordering::Relaxed);
                        let m = py.module(&format!("w{t}"))?;
                        py.exec(&code, &m)?;
                        let churn: Object = m.get(py, "churn")?;
                        assert_eq!(churn.call::<i64>(py, (200,))?, 200);
                        let shape: Object = m.get(py, "Shape")?;
                        shape.set(py, "sides", rounds as i64)?;
                        shared.call_method::<()>(py, "append", (t,))?;
                        match rounds % 4 {
                            0 => {
                                let me = py.thread_ident();
                                assert!(py.threads().iter().any(|th| th.ident == me));
                            }
                            1 => py.detach(|| std::thread::sleep(Duration::from_micros(200))),
                            2 => {
                                let four: i64 = rt.attach(|inner| inner.eval("2 + 2"))?;
                                assert_eq!(four, 4);
                            }
                            _ => {}
                        }
                        assert_eq!(shape.get::<i64>(py, "sides")?, rounds as i64);
                        Ok(())
                    })?;
                }
                Ok(rounds)
            })
        })
        .collect();
    let mut total = 0;
    for t in threads {
        total += t.join().expect("no panic").expect("no Python error");
    }
    let appended: usize = rt
        .attach(|py| shared.call_method::<usize>(py, "__len__", ()))
        .unwrap();
    assert_eq!(appended as u64, total, "every round appended once");
    let stats = rt.heap().stats();
    println!(
        "{total} rounds, {} attaches, {} collections, {} pauses",
        attaches.load(Ordering::Relaxed),
        stats.collections,
        rt.world().stats().pauses.count
    );
    assert!(stats.collections > 0, "collections ran during the test");
    assert!(total >= THREADS, "every thread made progress");
}

/// A thread that blocks while attached (here: a native function that
/// sleeps without detaching) holds every pause until it returns; the
/// pause then completes. This is the documented rule of
/// `Runtime::attach`: no deadlock as long as the blocking ends.
#[test]
fn a_thread_blocked_while_attached_holds_pauses_until_it_returns() {
    let _watchdog = Watchdog::new("the blocked-thread test", Duration::from_secs(60));
    let rt = Runtime::new();
    let blocked_until_done = Arc::new(AtomicBool::new(false));
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let blocker = {
        let (rt, done) = (rt.clone(), blocked_until_done.clone());
        std::thread::spawn(move || {
            rt.attach(|py| {
                let block = py.function("block", move |_py, ()| {
                    started_tx.send(()).unwrap();
                    // Blocking while attached: the mistake being shown.
                    std::thread::sleep(Duration::from_millis(300));
                    done.store(true, Ordering::SeqCst);
                    Ok(())
                })?;
                block.call::<()>(py, ())
            })
        })
    };
    started_rx.recv().unwrap();
    let start = Instant::now();
    let finished_after_block = rt.attach(|py| {
        py.threads(); // stops the world
        blocked_until_done.load(Ordering::SeqCst)
    });
    println!(
        "the pause waited {:?} for the blocked attached thread",
        start.elapsed()
    );
    assert!(
        finished_after_block,
        "the pause completed only after the blocked thread returned"
    );
    blocker.join().unwrap().unwrap();

    // Detached, the same blocking does not hold the pause.
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let released = Arc::new(AtomicBool::new(false));
    let sleeper = {
        let (rt, released) = (rt.clone(), released.clone());
        std::thread::spawn(move || {
            rt.attach(|py| {
                py.detach(|| {
                    started_tx.send(()).unwrap();
                    while !released.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                })
            })
        })
    };
    started_rx.recv().unwrap();
    rt.attach(|py| py.threads());
    released.store(true, Ordering::SeqCst);
    sleeper.join().unwrap();
}

#[test]
fn an_object_of_another_runtime_is_an_error() {
    let (a, b) = (Runtime::new(), Runtime::new());
    let list: Object = a.attach(|py| py.eval("[1]")).unwrap();
    let err = b.attach(|py| list.repr(py)).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::RuntimeError);
    assert_eq!(err.message(), "the object belongs to another runtime");
    // Inline values belong to no heap.
    let seven: Object = a.attach(|py| py.eval("7")).unwrap();
    assert_eq!(b.attach(|py| seven.extract::<i64>(py)).unwrap(), 7);
}

#[test]
fn an_attachment_nested_in_another_runtimes_does_not_block_its_pauses() {
    let _watchdog = Watchdog::new("the nested-runtimes test", Duration::from_secs(60));
    let (a, b) = (Runtime::new(), Runtime::new());
    let other = {
        let a = a.clone();
        std::thread::spawn(move || {
            // Pauses of `a` while the main thread is inside `b`.
            for _ in 0..20 {
                a.attach(|py| py.threads());
            }
        })
    };
    a.attach(|_| {
        b.attach(|py| {
            py.run("for i in range(100000):\n    pass\n").unwrap();
        });
    });
    other.join().unwrap();
}

#[test]
fn errors_carry_type_message_traceback_and_cpython_rendering() {
    let rt = Runtime::new();
    let code = rt
        .compile("def f(x):\n    return 1 / x\n\nf(0)\n", "div.py")
        .unwrap();
    let err = rt
        .attach(|py| {
            let m = py.module("div")?;
            py.exec(&code, &m)
        })
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::ZeroDivisionError);
    assert_eq!(err.message(), "division by zero");
    let frames: Vec<(&str, u32)> = err
        .traceback()
        .iter()
        .map(|f| (f.function.as_str(), f.line))
        .collect();
    assert_eq!(frames, [("<module>", 4), ("f", 2)]);
    assert_eq!(
        err.to_string(),
        "Traceback (most recent call last):\n  File \"div.py\", line 4, in <module>\n    f(0)\n  File \"div.py\", line 2, in f\n    return 1 / x\n           ~~^~~\nZeroDivisionError: division by zero\n"
    );
    // A Python exception passing through a native function keeps its
    // identity.
    let kept = rt
        .attach(|py| {
            let relay = py.function("relay", |py, (f,): (Object,)| f.call::<Object>(py, ()))?;
            let m = py.module("relay_mod")?;
            m.set(py, "relay", relay)?;
            py.run("class Custom(Exception):\n    pass\ndef boom():\n    raise Custom('x')\n")?;
            py.run("from relay_mod import relay\ntry:\n    relay(boom)\nexcept Custom as e:\n    caught = type(e).__name__\n")?;
            py.eval::<String>("caught")
        })
        .unwrap();
    assert_eq!(kept, "Custom");
}

#[test]
fn big_ints_and_overflow_convert_as_python_does() {
    let rt = Runtime::new();
    rt.attach(|py| {
        let big: num_bigint::BigInt = py.eval("2 ** 100")?;
        assert_eq!(big.to_string(), "1267650600228229401496703205376");
        let back: String = py.eval::<Object>("str")?.call(py, (big * 2,))?;
        assert_eq!(back, "2535301200456458802993406410752");
        assert_eq!(py.eval::<u128>("2 ** 127")?, 1u128 << 127);
        assert_eq!(
            py.eval::<i64>("2 ** 70").unwrap_err().kind(),
            &ErrorKind::OverflowError
        );
        assert_eq!(
            py.eval::<u32>("-1").unwrap_err().kind(),
            &ErrorKind::OverflowError
        );
        let t: (bool, Option<f64>, Vec<(i32, String)>) = py.eval("(True, None, [(1, 'a')])")?;
        assert_eq!(t, (true, None, vec![(1, "a".to_string())]));
        Ok::<(), Error>(())
    })
    .unwrap();
}

/// A native function that attaches again (instead of using the token it
/// was given) from code `run_source` runs: the outer attachment is
/// detached meanwhile, so the pause the inner one makes completes.
#[test]
fn attaching_inside_run_source_code_does_not_deadlock() {
    let _watchdog = Watchdog::new("the run_source nesting test", Duration::from_secs(60));
    let rt = Runtime::new();
    let inner_rt = rt.clone();
    rt.attach(|py| {
        let pause = py.function("pause", move |_py, ()| {
            Ok(inner_rt.attach(|inner| inner.threads().len()))
        })?;
        py.module("hostmod")?.set(py, "pause", pause)
    })
    .unwrap();
    let outcome = rt.run_source("import hostmod\nassert hostmod.pause() >= 1\n", "<nested>");
    assert_eq!(outcome, stillpoint::Outcome::Completed);
}

#[test]
fn python_threads_start_from_code_run_in_attach_and_outlive_it() {
    let rt = Runtime::new();
    let total: i64 = rt
        .attach(|py| {
            py.run(
                "import threading\n\
                 results = [0] * 4\n\
                 def work(k):\n    results[k] = sum(range(k * 1000))\n\
                 ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]\n\
                 for t in ts:\n    t.start()\n\
                 for t in ts:\n    t.join()\n",
            )?;
            py.eval("sum(results)")
        })
        .expect("threads ran");
    assert_eq!(total, (0..4).map(|k: i64| (0..k * 1000).sum::<i64>()).sum());
    // A thread still running when the attachment ends keeps the runtime
    // alive (it holds a handle) and finishes after the embedder dropped
    // its last handle: the native function it calls at the end runs.
    let finished = Arc::new(AtomicBool::new(false));
    let flag = finished.clone();
    rt.attach(|py| -> Result<(), Error> {
        let m = py.module("late")?;
        let done = py.function("done", move |_py, (): ()| -> Result<(), Error> {
            flag.store(true, Ordering::SeqCst);
            Ok(())
        })?;
        m.set(py, "done", done)?;
        let code = rt.compile(
            concat!(
                "import threading, time\n",
                "def late():\n",
                "    time.sleep(0.2)\n",
                "    done()\n",
                "threading.Thread(target=late).start()\n",
            ),
            "late.py",
        )?;
        py.exec(&code, &m)
    })
    .expect("started");
    drop(rt);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !finished.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "the thread finished");
        std::thread::sleep(Duration::from_millis(10));
    }
}
