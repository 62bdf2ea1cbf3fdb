//! Imports and the builtin modules (sys, math, time, random).

use std::process::Command;

fn run_args(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .args(args)
        .output()
        .expect("run stillpoint");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn run(code: &str) -> (String, String, i32) {
    run_args(&["-c", code])
}

#[test]
fn py_modules_beside_the_script_import_once() {
    let dir = std::env::temp_dir().join(format!("stillpoint-modules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("helper_mod.py"),
        "loads = 1\ndef twice(x):\n    return 2 * x\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.py"),
        "import helper_mod\nfrom helper_mod import twice as t\nimport helper_mod as h\nprint(helper_mod.twice(4), t(5), h is helper_mod, helper_mod.__name__)\n",
    )
    .unwrap();
    let (out, err, code) = run_args(&[dir.join("main.py").to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("8 10 True helper_mod\n", "", 0)
    );
}

#[test]
fn missing_modules_and_names_raise_import_errors() {
    let (_, err, code) = run("import no_such_module_xyz\n");
    assert_eq!(
        err.lines().last(),
        Some("ModuleNotFoundError: No module named 'no_such_module_xyz'")
    );
    assert_eq!(code, 1);
    let (out, _, _) =
        run("try:\n    from math import nope\nexcept ImportError as e:\n    print(e)\n");
    assert_eq!(
        out,
        "cannot import name 'nope' from 'math' (unknown location)\n"
    );
}

#[test]
fn sys_exit_codes_follow_cpython() {
    assert_eq!(run("import sys\nsys.exit(3)\n").2, 3);
    assert_eq!(run("import sys\nsys.exit()\n").2, 0);
    let (_, err, code) = run("import sys\nsys.exit('bye')\n");
    assert_eq!((err.as_str(), code), ("bye\n", 1));
}

#[test]
fn sys_argv_recursion_limit_and_streams() {
    let (out, err, _) = run_args(&[
        "-c",
        "import sys\nprint(sys.argv)\nsys.setrecursionlimit(50)\nprint(sys.getrecursionlimit())\nn = sys.stdout.write('hi\\n')\nsys.stderr.write('e\\n')\nprint(n, 'sys' in sys.modules)\n",
        "a",
    ]);
    assert_eq!(out, "['-c', 'a']\n50\nhi\n3 True\n");
    assert_eq!(err, "e\n");
}

#[test]
fn math_results_match_cpython() {
    let (out, err, _) = run("import math\nprint(math.sqrt(2), math.floor(-2.5), math.ceil(2.1), math.pi, math.gcd(12, 18), math.factorial(20), math.log(8, 2), math.fsum([0.1] * 10), math.isqrt(99))\n");
    assert_eq!(err, "");
    assert_eq!(
        out,
        "1.4142135623730951 -3 3 3.141592653589793 6 2432902008176640000 3.0 1.0 9\n"
    );
    let (_, err, _) = run("import math\nmath.sqrt(-1)\n");
    assert_eq!(err.lines().last(), Some("ValueError: math domain error"));
}

#[test]
fn seeded_random_matches_cpython() {
    // Expected values from python3 with the same calls.
    let (out, err, _) = run("import random\nrandom.seed(42)\nprint(random.random(), random.randint(1, 100), random.randrange(0, 50, 5), random.getrandbits(70))\nx = [1, 2, 3, 4, 5]\nrandom.shuffle(x)\nprint(x, random.choice('abc'), random.uniform(1, 2))\n");
    assert_eq!(err, "");
    let expected = std::process::Command::new("python3")
        .args(["-c", "import random\nrandom.seed(42)\nprint(random.random(), random.randint(1, 100), random.randrange(0, 50, 5), random.getrandbits(70))\nx = [1, 2, 3, 4, 5]\nrandom.shuffle(x)\nprint(x, random.choice('abc'), random.uniform(1, 2))\n"])
        .output();
    match expected {
        Ok(e) if e.status.success() => assert_eq!(out, String::from_utf8_lossy(&e.stdout)),
        // Without python3, check the first value CPython prints for seed 42.
        _ => assert!(out.starts_with("0.6394267984578837 "), "{out}"),
    }
}

#[test]
fn time_sleep_and_clocks() {
    let (out, _, _) = run("import time\na = time.perf_counter()\ntime.sleep(0.05)\nb = time.perf_counter()\nprint(b - a >= 0.04, time.time() > 1.6e9, time.monotonic() >= 0)\n");
    assert_eq!(out, "True True True\n");
}

#[test]
fn stats_json_has_the_top_level_keys() {
    let path = std::env::temp_dir().join(format!("stillpoint-stats-{}.json", std::process::id()));
    let (_, err, code) = run_args(&[
        "--stats-json",
        path.to_str().unwrap(),
        "-X",
        "stats",
        "-c",
        "x = [i for i in range(1000)]\n",
    ]);
    let json = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::remove_file(&path).ok();
    assert_eq!(code, 0);
    for key in [
        "\"specialization\"",
        "\"executors\"",
        "\"events\"",
        "\"pauses\"",
        "\"gc\"",
    ] {
        assert!(json.contains(key), "{key} missing in {json}");
    }
    assert!(err.contains("stillpoint statistics"), "{err}");
}
