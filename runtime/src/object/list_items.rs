//! [`ListItems`]: a list's items, in an [`AtomicBuffer`], so a thread may
//! read an item without the list's lock ([`ListItems::get_unlocked`]).
//!
//! Under the lock the items read as a plain `[Value]` slice; every change
//! goes through a method here, which stores slot by slot and grows the
//! buffer by retiring the old one (invariant 31). Operations that move
//! many items (insert, remove, reverse, retain) rewrite the items in
//! place, as `Vec`'s would.

use std::ops::Deref;
use std::sync::atomic::Ordering;

use stillpoint_gc::{Trace, Tracer};

use crate::object::atomic_buffer::{AtomicBuffer, AtomicSlot, WordSlot};
use crate::object::lock::{read_optimistically, Mutex};
use crate::value::Value;

/// Slots reserved by the first push.
const FIRST_CAPACITY: usize = 4;

/// A list's items (module docs).
#[derive(Default)]
pub struct ListItems(AtomicBuffer<WordSlot>);

impl From<&[Value]> for ListItems {
    /// A copy of `items`, in a buffer of exactly their number.
    fn from(items: &[Value]) -> Self {
        let mut list = ListItems::with_capacity(items.len());
        list.extend_from_slice(items);
        list
    }
}

impl From<Vec<Value>> for ListItems {
    fn from(items: Vec<Value>) -> Self {
        ListItems::from(&items[..])
    }
}

impl Deref for ListItems {
    type Target = [Value];

    #[inline]
    fn deref(&self) -> &[Value] {
        let slots = self.0.slots();
        // SAFETY: `WordSlot` is a transparent `AtomicU64`, which has the
        // size and alignment of `u64`, and `Value` is a transparent `u64`.
        // While the slice lives nobody stores to these slots: stores need
        // `&mut self` (the lock's holder), which this borrow excludes, and
        // readers without the lock only load.
        unsafe { std::slice::from_raw_parts(slots.as_ptr().cast::<Value>(), slots.len()) }
    }
}

impl ListItems {
    /// An empty list.
    pub fn new() -> ListItems {
        ListItems::default()
    }

    /// An empty list with room for `capacity` items.
    pub fn with_capacity(capacity: usize) -> ListItems {
        let mut list = ListItems::default();
        list.0.reserve_exact(capacity);
        list
    }

    #[inline]
    fn store(slot: &WordSlot, v: Value) {
        slot.0.store(v.to_bits(), Ordering::Relaxed);
    }

    /// Item `i` becomes `v` (`i` below the length).
    #[inline]
    pub fn set(&mut self, i: usize, v: Value) {
        Self::store(&self.0.slots()[i], v);
    }

    /// Appends `v`.
    #[inline]
    pub fn push(&mut self, v: Value) {
        let len = self.len();
        self.0.reserve(1, FIRST_CAPACITY);
        Self::store(&self.0.allocated()[len], v);
        self.0.set_len(len + 1);
    }

    /// Removes and returns the last item.
    pub fn pop(&mut self) -> Option<Value> {
        let last = *self.last()?;
        self.truncate(self.len() - 1);
        Some(last)
    }

    /// Keeps the first `len` items (all of them if there are fewer).
    pub fn truncate(&mut self, len: usize) {
        if len < self.len() {
            self.0.set_len(len);
        }
    }

    /// Removes every item (the buffer stays).
    pub fn clear(&mut self) {
        self.truncate(0);
    }

    /// Appends every item of `items`.
    pub fn extend_from_slice(&mut self, items: &[Value]) {
        self.0.reserve(items.len(), FIRST_CAPACITY);
        let len = self.len();
        for (slot, v) in self.0.allocated()[len..].iter().zip(items) {
            Self::store(slot, *v);
        }
        self.0.set_len(len + items.len());
    }

    /// Appends the items `items` yields (room for as many as it says it
    /// has made at once).
    pub fn extend(&mut self, items: impl IntoIterator<Item = Value>) {
        let items = items.into_iter();
        self.0.reserve(items.size_hint().0, FIRST_CAPACITY);
        for v in items {
            self.push(v);
        }
    }

    /// The items become `items`.
    pub fn replace(&mut self, items: &[Value]) {
        self.clear();
        self.extend_from_slice(items);
    }

    /// Inserts `v` before item `i` (`i` at most the length).
    pub fn insert(&mut self, i: usize, v: Value) {
        let len = self.len();
        assert!(i <= len, "insertion at {i} past the end ({len})");
        self.push(v);
        let slots = self.0.slots();
        for k in (i..len).rev() {
            slots[k + 1].copy_from(&slots[k]);
        }
        Self::store(&slots[i], v);
    }

    /// Removes and returns item `i` (below the length).
    pub fn remove(&mut self, i: usize) -> Value {
        let v = self[i];
        let slots = self.0.slots();
        for k in i + 1..slots.len() {
            slots[k - 1].copy_from(&slots[k]);
        }
        self.0.set_len(slots.len() - 1);
        v
    }

    /// Reverses the items in place.
    pub fn reverse(&mut self) {
        let slots = self.0.slots();
        let n = slots.len();
        for k in 0..n / 2 {
            let (a, b) = (
                slots[k].0.load(Ordering::Relaxed),
                slots[n - 1 - k].0.load(Ordering::Relaxed),
            );
            slots[k].0.store(b, Ordering::Relaxed);
            slots[n - 1 - k].0.store(a, Ordering::Relaxed);
        }
    }

    /// Keeps only the items `keep` accepts, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Value) -> bool) {
        let slots = self.0.slots();
        let mut kept = 0;
        for k in 0..slots.len() {
            let v = Value::from_bits(slots[k].0.load(Ordering::Relaxed));
            if keep(&v) {
                Self::store(&slots[kept], v);
                kept += 1;
            }
        }
        self.0.set_len(kept);
    }

    /// Replaces the items in `range` by those `with` yields.
    pub fn splice(&mut self, range: std::ops::Range<usize>, with: impl IntoIterator<Item = Value>) {
        let mut items = self.to_vec();
        items.splice(range, with);
        self.replace(&items);
    }

    /// Exchanges items `a` and `b` (both below the length).
    pub fn swap(&mut self, a: usize, b: usize) {
        let (x, y) = (self[a], self[b]);
        self.set(a, y);
        self.set(b, x);
    }

    /// Item `i` of `list` (below its length), read without taking its lock
    /// ([`read_optimistically`]): `None` when `i` is out of range or a
    /// writer was busy, and the caller takes the lock.
    #[inline]
    pub fn get_unlocked(list: &Mutex<ListItems>, i: usize) -> Option<Value> {
        read_optimistically(list, |items| {
            // SAFETY: `addr_of!` makes no reference to the items; they are
            // not dropped while the caller borrows their mutex, nor
            // overwritten while their list is reachable (invariant 31).
            let slots = unsafe { AtomicBuffer::racing_slots(std::ptr::addr_of!((*items).0)) };
            slots
                .get(i)
                .map(|s| Value::from_bits(s.0.load(Ordering::Relaxed)))
        })
    }

    /// The length of `list` without its lock: one atomic load (of the
    /// buffer in place when it is read, whose length is the list's at a
    /// moment between the two loads, so a racing append or pop is seen
    /// entirely or not at all).
    #[inline]
    pub fn len_unlocked(list: &Mutex<ListItems>) -> usize {
        // SAFETY: as in `get_unlocked`.
        unsafe { AtomicBuffer::racing_slots(std::ptr::addr_of!((*list.data_ptr()).0)) }.len()
    }

    /// `read` on the items of `list` without its lock
    /// ([`read_optimistically`]): its answer if no writer came between,
    /// `None` otherwise (or if `read` gave up), and the caller takes the
    /// lock. Lists built from the items this way are new (unshared), so
    /// their stores need no lock.
    #[inline]
    pub fn read_unlocked<R>(
        list: &Mutex<ListItems>,
        read: impl FnOnce(RacingItems<'_>) -> Option<R>,
    ) -> Option<R> {
        read_optimistically(list, |items| {
            // SAFETY: as in `get_unlocked`.
            read(RacingItems(unsafe {
                AtomicBuffer::racing_slots(std::ptr::addr_of!((*items).0))
            }))
        })
    }

    /// How many buffers are retired and not yet freed.
    #[cfg(test)]
    pub fn retired(&self) -> usize {
        self.0.retired()
    }
}

/// A list's items as a reader without the lock sees them
/// ([`ListItems::read_unlocked`]): possibly halfway through a writer's
/// change, which the lock's sequence then rejects, but every load in
/// bounds.
#[derive(Clone, Copy)]
pub struct RacingItems<'a>(&'a [WordSlot]);

impl RacingItems<'_> {
    /// The number of items.
    #[inline]
    pub fn len(self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    /// Item `i` (below the length).
    #[inline]
    pub fn get(self, i: usize) -> Value {
        Value::from_bits(self.0[i].0.load(Ordering::Relaxed))
    }

    /// The items, in a new list of exactly their number.
    pub fn to_list(self) -> ListItems {
        let mut list = ListItems::with_capacity(self.len());
        self.copy_to(0..self.len(), &mut list);
        list
    }

    /// The items, in a vector.
    pub fn to_vec(self) -> Vec<Value> {
        self.0
            .iter()
            .map(|s| Value::from_bits(s.0.load(Ordering::Relaxed)))
            .collect()
    }

    /// Appends items `range` to `to`.
    #[inline]
    pub fn copy_to(self, range: std::ops::Range<usize>, to: &mut ListItems) {
        let slots = &self.0[range];
        to.0.reserve(slots.len(), FIRST_CAPACITY);
        let len = to.len();
        for (slot, from) in to.0.allocated()[len..].iter().zip(slots) {
            slot.copy_from(from);
        }
        to.0.set_len(len + slots.len());
    }
}

// SAFETY: traces every item (and frees the retired buffers: only a
// collection has a `Tracer`).
unsafe impl Trace for ListItems {
    fn trace(&self, tracer: &mut Tracer) {
        self.0.free_retired(tracer);
        for v in self.iter() {
            v.trace(tracer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn int(i: i64) -> Value {
        Value::try_int(i).unwrap()
    }

    #[test]
    fn every_change_matches_a_vec() {
        let (mut list, mut model) = (ListItems::new(), Vec::new());
        let mut seed = 12345u64;
        let mut next = |bound: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % bound.max(1)
        };
        for step in 0..4000 {
            let v = int(step);
            let n = model.len();
            match next(12) {
                0..=2 => {
                    list.push(v);
                    model.push(v);
                }
                3 => assert_eq!(list.pop(), model.pop()),
                4 => {
                    let i = next(n + 1);
                    list.insert(i, v);
                    model.insert(i, v);
                }
                5 if n > 0 => {
                    let i = next(n);
                    assert_eq!(list.remove(i), model.remove(i));
                }
                6 if n > 0 => {
                    let i = next(n);
                    list.set(i, v);
                    model[i] = v;
                }
                7 => {
                    let extra = [v, int(-step), v];
                    list.extend_from_slice(&extra);
                    model.extend_from_slice(&extra);
                }
                8 => {
                    list.reverse();
                    model.reverse();
                }
                9 => {
                    let odd = |x: &Value| x.as_inline_int().unwrap() % 2 != 0;
                    list.retain(odd);
                    model.retain(odd);
                }
                10 => {
                    let (a, b) = (next(n + 1), next(n + 1));
                    let range = a.min(b)..a.max(b);
                    list.splice(range.clone(), [v, v]);
                    model.splice(range, [v, v]);
                }
                11 if n > 1 => {
                    let (a, b) = (next(n), next(n));
                    list.swap(a, b);
                    model.swap(a, b);
                }
                _ => {
                    list.truncate(n / 2);
                    model.truncate(n / 2);
                }
            }
            assert_eq!(&*list, &model[..], "after step {step}");
        }
        assert!(list.retired() > 0, "growth retired buffers");
        list.replace(&[int(1)]);
        assert_eq!(&*list, &[int(1)]);
        list.clear();
        assert!(list.is_empty());
    }

    #[test]
    fn unlocked_reads_see_items_while_another_thread_grows_the_list() {
        // Locks taken for real: solo mode would elide them.
        stillpoint_sync::end_solo();
        let list = Arc::new(Mutex::new(ListItems::from(vec![int(0)])));
        let writes = 20_000;
        let reader = {
            let list = list.clone();
            std::thread::spawn(move || {
                let (mut last, mut kept) = (0, 0u64);
                while last < writes {
                    if let Some(v) = ListItems::get_unlocked(&list, 0) {
                        let v = v.as_inline_int().expect("only ints are stored");
                        assert!(v >= last, "went back from {last} to {v}");
                        (last, kept) = (v, kept + 1);
                    }
                    if let Some(v) = ListItems::get_unlocked(&list, 100) {
                        assert_eq!(v, int(100), "item 100 is always 100");
                    }
                }
                kept
            })
        };
        for n in 1..=writes {
            let mut items = list.lock();
            items.set(0, int(n));
            items.push(int(n));
        }
        assert!(reader.join().unwrap() > 0);
        assert_eq!(ListItems::get_unlocked(&list, 0), Some(int(writes)));
        assert_eq!(ListItems::get_unlocked(&list, writes as usize + 1), None);
        assert!(list.lock().retired() > 5);
    }

    #[test]
    fn unlocked_copies_are_never_torn() {
        // Locks taken for real: solo mode would elide them.
        stillpoint_sync::end_solo();
        // The writer keeps every item equal to the length, rewriting them
        // all at each change (growing, shrinking, refilling): a copy that
        // mixed two states would hold two different numbers, or a number
        // that is not its length.
        let list = Arc::new(Mutex::new(ListItems::new()));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (list, done) = (list.clone(), done.clone());
            std::thread::spawn(move || {
                let mut kept = 0u64;
                while !done.load(Ordering::Relaxed) || kept == 0 {
                    let copy = ListItems::read_unlocked(&list, |items| {
                        Some((items.to_vec(), items.to_list()))
                    });
                    if let Some((items, copied)) = copy {
                        let len = int(items.len() as i64);
                        assert!(items.iter().all(|&v| v == len), "torn: {items:?}");
                        assert_eq!(&*copied, &items[..]);
                        kept += 1;
                    }
                }
                kept
            })
        };
        for step in 0..20_000i64 {
            let mut items = list.lock();
            let n = [step % 37, (step * 7) % 5, 64][step as usize % 3];
            items.clear();
            items.extend((0..n).map(|_| int(n)));
        }
        done.store(true, Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
        let left = list.lock().len();
        assert_eq!(ListItems::len_unlocked(&list), left);
    }
}
