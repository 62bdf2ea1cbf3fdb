//! Host threads sharing one runtime and one Python object: eight threads
//! append to the same list in parallel, then one reads it.

use stillpoint::{Error, Object, Runtime};

fn main() -> Result<(), Error> {
    let rt = Runtime::new();
    let code = rt.compile(
        "def fill(items, start, n):\n    for i in range(start, start + n):\n        items.append(i * i)\n",
        "fill.py",
    )?;
    let shared: Object = rt.attach(|py| py.eval("[]"))?;
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (rt, code, shared) = (rt.clone(), code.clone(), shared.clone());
            std::thread::spawn(move || {
                rt.attach(|py| {
                    let m = py.module(&format!("worker{t}"))?;
                    py.exec(&code, &m)?;
                    let fill: Object = m.get(py, "fill")?;
                    fill.call::<()>(py, (&shared, t * 1000, 1000))
                })
            })
        })
        .collect();
    for t in threads {
        t.join().expect("no panic")?;
    }
    let (len, total): (usize, i64) = rt.attach(|py| {
        let items: Vec<i64> = shared.extract(py)?;
        Ok::<_, Error>((items.len(), items.iter().sum()))
    })?;
    println!("{len} items, sum {total}");
    assert_eq!(len, 8000);
    assert_eq!(total, (0..8000i64).map(|i| i * i).sum::<i64>());
    Ok(())
}

/// `cargo test -p stillpoint` runs the example (`test = true` in Cargo.toml).
#[test]
fn example_runs() {
    main().expect("the example runs");
}
