//! Criterion benchmarks of the `stillpoint-gc` heap.
//!
//! 1. `gc_alloc`: allocation throughput, one thread and two threads:
//!    building linked lists of 10,000 small nodes in the GC heap (then
//!    dropping them: the garbage is freed by the collections the budget
//!    requests, serviced at a safepoint after each list) against the same
//!    lists of `Box`es with the system allocator (then dropped). The
//!    gc/Box ratio is printed afterwards.
//! 2. `gc_pause`: one collection with 10k, 100k and 1M live objects (a
//!    rooted list); the pause percentiles that `stillpoint-sync` recorded
//!    for `PauseCause::Collection` are printed afterwards.
//!
//! Derived figures go to stderr, prefixed `[stillpoint-bench]`.
//! Run: `cargo bench -p stillpoint-benches --bench gc`.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion};
use stillpoint_gc::{trace, Gc, Heap, HeapConfig};
use stillpoint_sync::{PauseCause, World};

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_alloc(&mut c);
    bench_pause(&mut c);
    c.final_summary();
}

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    g
}

/// Nodes per list.
const LIST: usize = 10_000;

/// Allocations between two safepoints while a list is built.
const SAFEPOINT_EVERY: u64 = 256;

struct GcNode {
    next: Option<Gc<GcNode>>,
    value: u64,
}
trace!(GcNode { next, value });

struct BoxNode {
    next: Option<Box<BoxNode>>,
    value: u64,
}

/// The alternative design measured against per-thread blocks: one heap
/// whose allocations all take a global lock (as a single shared free list
/// would). Same allocator underneath, so the difference is the lock.
static GLOBAL_ALLOCATION_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Builds and drops `lists` GC lists on this thread (a new mutator); with
/// `global_lock`, every allocation takes [`GLOBAL_ALLOCATION_LOCK`].
fn gc_lists(world: &World, heap: &Heap, lists: u64, global_lock: bool) {
    let m = world.register();
    m.attach();
    let th = heap.thread(&m);
    for l in 0..lists {
        // The list under construction stays rooted across the safepoints
        // inside the loop (a runtime polls at every back-edge; polling only
        // between lists would make every collection wait for the other
        // thread to finish a whole list).
        let scope = th.scope();
        let mut head = None;
        for i in 0..LIST as u64 {
            let node = GcNode {
                next: head,
                value: i ^ l,
            };
            let gc = if global_lock {
                let _guard = GLOBAL_ALLOCATION_LOCK.lock().unwrap();
                th.alloc(node)
            } else {
                th.alloc(node)
            };
            head = Some(gc);
            if i % SAFEPOINT_EVERY == SAFEPOINT_EVERY - 1 {
                scope.root(gc);
                // SAFETY: the partial list is rooted in `scope` (its head
                // was just rooted); nothing else is held.
                unsafe { th.safepoint() };
            }
        }
        drop(scope);
        black_box(head.map(|h| h.value));
        // SAFETY: the list is dropped: nothing allocated is used again.
        unsafe { th.safepoint() };
    }
}

/// Builds and drops `lists` Box lists.
fn box_lists(lists: u64) {
    for l in 0..lists {
        let mut head: Option<Box<BoxNode>> = None;
        for i in 0..LIST as u64 {
            head = Some(Box::new(BoxNode {
                next: head,
                value: i ^ l,
            }));
        }
        black_box(head.as_ref().map(|h| h.value));
        // Drop iteratively (a recursive drop of 10,000 boxes is deep).
        let mut cur = head;
        while let Some(mut n) = cur {
            cur = n.next.take();
        }
    }
}

/// Runs `f(lists)` on `threads` threads at once; the wall time.
fn on_threads(threads: usize, lists: u64, f: &(dyn Fn(u64) + Sync)) -> Duration {
    let barrier = Barrier::new(threads + 1);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    f(lists);
                })
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        for h in handles {
            h.join().unwrap();
        }
        start.elapsed()
    })
}

fn bench_alloc(c: &mut Criterion) {
    let world = World::new();
    let heap = Heap::new(&world, HeapConfig::default());
    // SAFETY: no `Gc` of this heap is used after it is gone.
    unsafe { heap.free_objects_on_drop() };
    let mut g = group(c, "gc_alloc");
    g.throughput(criterion::Throughput::Elements(LIST as u64));
    for threads in [1usize, 2] {
        g.bench_function(BenchmarkId::new("gc_list_10k", threads), |b| {
            b.iter_custom(|iters| {
                on_threads(threads, iters, &|n| gc_lists(&world, &heap, n, false))
            })
        });
        g.bench_function(BenchmarkId::new("gc_global_lock_list_10k", threads), |b| {
            b.iter_custom(|iters| on_threads(threads, iters, &|n| gc_lists(&world, &heap, n, true)))
        });
        g.bench_function(BenchmarkId::new("box_list_10k", threads), |b| {
            b.iter_custom(|iters| on_threads(threads, iters, &box_lists))
        });
    }
    g.finish();
    // The ratio, measured side by side (median of 7 runs of 100 lists per
    // thread), in ns per object per thread. `cargo test --benches` (no
    // `--bench` argument) runs it once, small.
    let full = std::env::args().any(|a| a == "--bench");
    let (runs, lists) = if full { (7, 100) } else { (1, 2) };
    for threads in [1usize, 2] {
        let per_object = |f: &(dyn Fn(u64) + Sync)| {
            let mut times: Vec<f64> = (0..runs)
                .map(|_| {
                    on_threads(threads, lists, f).as_nanos() as f64 / (lists as usize * LIST) as f64
                })
                .collect();
            times.sort_by(f64::total_cmp);
            times[times.len() / 2]
        };
        let gc = per_object(&|n| gc_lists(&world, &heap, n, false));
        let locked = per_object(&|n| gc_lists(&world, &heap, n, true));
        let boxed = per_object(&box_lists);
        eprintln!(
            "[stillpoint-bench] alloc {threads} thread(s): gc {gc:.2} ns/object, gc with a global lock {locked:.2}, Box {boxed:.2} ns/object; gc/Box = {:.2}x, locked/gc = {:.2}x (time per object, per thread; gc includes its collections)",
            gc / boxed,
            locked / gc
        );
    }
    let s = heap.stats();
    eprintln!(
        "[stillpoint-bench] alloc heap: {} collections, heap size {} KiB, pauses p50 {} us p99 {} us max {} us",
        s.collections,
        s.heap_size / 1024,
        s.pauses.length.p50 / 1000,
        s.pauses.length.p99 / 1000,
        s.pauses.length.max / 1000
    );
}

fn bench_pause(c: &mut Criterion) {
    let mut g = group(c, "gc_pause");
    g.sample_size(10);
    let mut figures = Vec::new();
    for live in [10_000usize, 100_000, 1_000_000] {
        let world = World::new();
        let heap = Heap::new(&world, HeapConfig::default());
        // SAFETY: no `Gc` of this heap is used after it is gone.
        unsafe { heap.free_objects_on_drop() };
        let m = world.register();
        m.attach();
        let th = heap.thread(&m);
        let mut head = None;
        for value in 0..live as u64 {
            head = Some(th.alloc(GcNode { next: head, value }));
        }
        let root = th.root(head.expect("live > 0"));
        g.bench_function(BenchmarkId::new("collect_live", live), |b| {
            // SAFETY: the only objects are the rooted list.
            b.iter(|| unsafe { th.collect() })
        });
        let s = heap.stats();
        assert_eq!(s.last.objects_marked, live as u64);
        let p = world.stats().pauses_for(PauseCause::Collection);
        figures.push((live, s.collections, p, s.last.mark_ns, s.last.sweep_ns));
        drop(root);
    }
    g.finish();
    for (live, n, p, mark, sweep) in figures {
        eprintln!(
            "[stillpoint-bench] pause with {live} live objects ({n} collections): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (last: mark {:.3} ms, sweep {:.3} ms)",
            p.length.p50 as f64 / 1e6,
            p.length.p99 as f64 / 1e6,
            p.length.max as f64 / 1e6,
            mark as f64 / 1e6,
            sweep as f64 / 1e6
        );
    }
}
