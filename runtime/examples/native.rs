//! A native function and a native class: Rust closures and host data used
//! from Python.

use std::sync::Mutex;

use stillpoint::{Error, ErrorKind, Runtime};

/// Host data: a bank account whose balance Python can change.
struct Account {
    owner: String,
    balance: Mutex<i64>,
}

fn main() -> Result<(), Error> {
    let rt = Runtime::new();
    let report = rt.attach(|py| {
        let checksum = py.function("checksum", |_py, (text,): (String,)| {
            Ok(text.bytes().map(u64::from).sum::<u64>())
        })?;
        let account = py
            .class::<Account>("Account")
            .constructor(|_py, (owner, start): (String, i64)| {
                Ok(Account {
                    owner,
                    balance: Mutex::new(start),
                })
            })
            .method("withdraw", |_py, this, (amount,): (i64,)| {
                let mut balance = this.balance.lock().expect("not poisoned");
                if amount > *balance {
                    return Err(Error::new(ErrorKind::ValueError, "insufficient funds"));
                }
                *balance -= amount;
                Ok(*balance)
            })
            .getter("owner", |_py, this| Ok(this.owner.clone()))
            .getter("balance", |_py, this| {
                Ok(*this.balance.lock().expect("not poisoned"))
            })
            .build()?;
        let bank = py.module("bank")?;
        bank.set(py, "checksum", checksum)?;
        bank.set(py, "Account", account)?;
        py.run(concat!(
            "from bank import Account, checksum\n",
            "a = Account('ada', 100)\n",
            "a.withdraw(30)\n",
            "try:\n",
            "    a.withdraw(500)\n",
            "except ValueError as e:\n",
            "    refused = str(e)\n",
            "report = f'{a.owner}: {a.balance} ({refused}), checksum {checksum(a.owner)}'\n",
        ))?;
        py.eval::<String>("report")
    })?;
    println!("{report}");
    assert_eq!(report, "ada: 70 (insufficient funds), checksum 294");
    Ok(())
}

/// `cargo test -p stillpoint` runs the example (`test = true` in Cargo.toml).
#[test]
fn example_runs() {
    main().expect("the example runs");
}
