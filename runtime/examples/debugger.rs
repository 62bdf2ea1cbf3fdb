//! A debugger on one host thread changes a local of a function running on
//! another: the worker loops until its `stop` local becomes true.

use std::sync::mpsc;

use stillpoint::{Error, Runtime};

fn main() -> Result<(), Error> {
    let rt = Runtime::new();
    let code = rt.compile(
        "def spin(ready):\n    stop = False\n    n = 0\n    ready()\n    while not stop:\n        n += 1\n    return n\n",
        "spin.py",
    )?;
    let (ident_tx, ident_rx) = mpsc::channel();
    let worker = {
        let rt = rt.clone();
        std::thread::spawn(move || {
            rt.attach(|py| {
                let m = py.module("spin")?;
                py.exec(&code, &m)?;
                let ident = py.thread_ident();
                let ready = py.function("ready", move |_py, ()| {
                    ident_tx.send(ident).expect("debugger listening");
                    Ok(())
                })?;
                let spin: stillpoint::Object = m.get(py, "spin")?;
                spin.call::<i64>(py, (ready,))
            })
        })
    };
    let ident = ident_rx.recv().expect("the worker started");
    rt.attach(|py| {
        let thread = py
            .threads()
            .into_iter()
            .find(|t| t.ident == ident)
            .expect("the worker is listed");
        let depth = thread
            .frames
            .iter()
            .position(|f| f.function == "spin")
            .expect("spin is running");
        println!("worker frames: {:?}", thread.frames);
        let n: i64 = py.get_local(ident, depth, "n")?.extract(py)?;
        println!("n = {n} before the write");
        py.set_local(ident, depth, "stop", true)
    })?;
    let iterations = worker.join().expect("no panic")?;
    println!("the worker stopped after {iterations} iterations");
    Ok(())
}

/// `cargo test -p stillpoint` runs the example (`test = true` in Cargo.toml).
#[test]
fn example_runs() {
    main().expect("the example runs");
}
