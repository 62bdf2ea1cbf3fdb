//! Interrupting a thread that runs an endless loop, from another thread;
//! Python code catches the KeyboardInterrupt and cleans up.

use std::sync::mpsc;

use stillpoint::{Error, Runtime};

fn main() -> Result<(), Error> {
    let rt = Runtime::new();
    let (handle_tx, handle_rx) = mpsc::channel();
    let worker = {
        let rt = rt.clone();
        std::thread::spawn(move || {
            rt.attach(|py| {
                handle_tx
                    .send(py.interrupt_handle())
                    .expect("main listening");
                py.run(concat!(
                    "n = 0\n",
                    "try:\n",
                    "    while True:\n",
                    "        n += 1\n",
                    "except KeyboardInterrupt:\n",
                    "    outcome = 'interrupted'\n",
                ))?;
                py.eval::<String>("outcome")
            })
        })
    };
    let handle = handle_rx.recv().expect("the worker started");
    std::thread::sleep(std::time::Duration::from_millis(20));
    handle.interrupt();
    let outcome = worker.join().expect("no panic")?;
    println!("worker: {outcome}");
    assert_eq!(outcome, "interrupted");
    Ok(())
}

/// `cargo test -p stillpoint` runs the example (`test = true` in Cargo.toml).
#[test]
fn example_runs() {
    main().expect("the example runs");
}
