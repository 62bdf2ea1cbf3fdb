//! `set` and `frozenset`: [`SetTable`], an open-addressed hash table laid
//! out like CPython's (linear probes, then perturbed jumps; dummies for
//! removed entries; resize at 60% fill), so iteration order, `repr` and
//! `pop` match CPython's for ints (whose hashes are CPython's); and the
//! native methods of both types.
//!
//! Element equality is native ([`keys_equal`], as for dict keys): no
//! Python code runs under a set's lock. Operations that combine two sets
//! copy one table out first ([`SetTable::clone`]), so `s |= s` never locks
//! one object twice.

use stillpoint_gc::{Gc, Trace, Tracer};

use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::object::dict::keys_equal;
use crate::object::{ObjectData, PyObject};
use crate::runtime::Types;
use crate::value::Value;

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;
/// The key of a removed entry (its hash is -1, which no key hashes to).
const DUMMY: Value = Value::UNBOUND;
/// The key of a never-used slot.
const EMPTY: Value = Value::NULL;

#[derive(Clone, Copy)]
struct Slot {
    key: Value,
    hash: i64,
}

const EMPTY_SLOT: Slot = Slot {
    key: EMPTY,
    hash: 0,
};

impl Slot {
    fn is_active(self) -> bool {
        self.key != EMPTY && self.key != DUMMY
    }
}

/// A set's hash table (see the module docs).
#[derive(Clone)]
pub struct SetTable {
    /// A power of two long, at least `MIN_SIZE` (`probe` relies on it).
    slots: Vec<Slot>,
    /// Active plus dummy slots.
    fill: usize,
    /// Active slots.
    used: usize,
    /// Where `pop` starts looking.
    finger: usize,
    frozen: bool,
}

// SAFETY: the active keys are the table's only pointers.
unsafe impl Trace for SetTable {
    fn trace(&self, tracer: &mut Tracer) {
        for s in &self.slots {
            if s.is_active() {
                s.key.trace(tracer);
            }
        }
    }
}

impl SetTable {
    /// An empty table; `frozen` for a frozenset.
    pub fn new(frozen: bool) -> SetTable {
        SetTable {
            slots: vec![EMPTY_SLOT; MIN_SIZE],
            fill: 0,
            used: 0,
            finger: 0,
            frozen,
        }
    }

    /// Whether this is a frozenset's table.
    pub fn is_frozen(&self) -> bool {
        self.frozen
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.used
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The slot holding `key`: `Ok(index)` for an active equal key, else
    /// `Err(index)` of the first reusable slot on its probe sequence when
    /// `FREE` (an insertion's), or of an unused one otherwise (a lookup
    /// skips that bookkeeping).
    #[inline(always)]
    fn probe<const FREE: bool>(&self, hash: i64, key: Value) -> Result<usize, usize> {
        let mask = self.mask();
        let mut i = hash as u64 as usize & mask;
        let mut perturb = hash as u64;
        let mut free = None;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            let mut j = i;
            let end = i + probes;
            loop {
                // SAFETY: `j <= mask`, and `mask` is the table's length less
                // one: `i` is masked, and `end` is past it only when
                // `i + LINEAR_PROBES <= mask`.
                let s = unsafe { *self.slots.get_unchecked(j) };
                // The same word first: no call for the common hit.
                if s.key == key {
                    return Ok(j);
                }
                if s.key == EMPTY {
                    return Err(free.unwrap_or(j));
                }
                // A dummy's hash (-1) is no key's, so an equal hash is an
                // active slot's.
                if s.hash == hash && keys_equal(s.key, key) {
                    return Ok(j);
                }
                if FREE && s.key == DUMMY && free.is_none() {
                    free = Some(j);
                }
                // A plain loop: an inclusive range's iterator costs more.
                if j == end {
                    break;
                }
                j += 1;
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    /// The keys stored with hash `hash` (see `Dict::keys_with_hash`).
    pub fn keys_with_hash(&self, hash: i64) -> Vec<Value> {
        self.slots
            .iter()
            .filter(|s| s.hash == hash && s.key != EMPTY && s.key != DUMMY)
            .map(|s| s.key)
            .collect()
    }

    /// Whether `key` (hashing to `hash`) is in the set.
    pub fn contains_hashed(&self, hash: i64, key: Value) -> bool {
        self.probe::<false>(hash, key).is_ok()
    }

    /// Adds `key` (hashing to `hash`); false if it was already there.
    pub fn add_hashed(&mut self, hash: i64, key: Value) -> bool {
        match self.probe::<true>(hash, key) {
            Ok(_) => false,
            Err(i) => {
                let reused = self.slots[i].key == DUMMY;
                self.slots[i] = Slot { key, hash };
                self.used += 1;
                if !reused {
                    self.fill += 1;
                    if self.fill * 5 >= self.mask() * 3 {
                        let target = if self.used > 50000 {
                            self.used * 2
                        } else {
                            self.used * 4
                        };
                        self.resize(target);
                    }
                }
                true
            }
        }
    }

    /// Removes `key`; false if it was not there.
    pub fn discard_hashed(&mut self, hash: i64, key: Value) -> bool {
        match self.probe::<false>(hash, key) {
            Ok(i) => {
                self.slots[i] = Slot {
                    key: DUMMY,
                    hash: -1,
                };
                self.used -= 1;
                true
            }
            Err(_) => false,
        }
    }

    /// Removes and returns an arbitrary element (CPython's choice).
    pub fn pop(&mut self) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut i = self.finger & mask;
        while !self.slots[i].is_active() {
            i = (i + 1) & mask;
        }
        let key = self.slots[i].key;
        self.slots[i] = Slot {
            key: DUMMY,
            hash: -1,
        };
        self.used -= 1;
        self.finger = i + 1;
        Some(key)
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        self.slots = vec![EMPTY_SLOT; MIN_SIZE];
        self.fill = 0;
        self.used = 0;
    }

    fn resize(&mut self, min_used: usize) {
        let mut size = MIN_SIZE;
        while size <= min_used {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; size]);
        let mask = size - 1;
        for s in old {
            if s.is_active() {
                Self::insert_clean(&mut self.slots, mask, s);
            }
        }
        self.fill = self.used;
    }

    /// Inserts into a table known to hold no dummies and not `s.key`.
    fn insert_clean(slots: &mut [Slot], mask: usize, s: Slot) {
        let mut i = s.hash as u64 as usize & mask;
        let mut perturb = s.hash as u64;
        loop {
            if slots[i].key == EMPTY {
                slots[i] = s;
                return;
            }
            if i + LINEAR_PROBES <= mask {
                if let Some(slot) = slots[i + 1..=i + LINEAR_PROBES]
                    .iter_mut()
                    .find(|slot| slot.key == EMPTY)
                {
                    *slot = s;
                    return;
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    /// Adds every element of `other` (CPython's `set_merge`: one resize up
    /// front, and a plain copy into an empty table of the same size).
    pub fn merge(&mut self, other: &SetTable) {
        if other.used == 0 {
            return;
        }
        if (self.fill + other.used) * 5 >= self.mask() * 3 {
            self.resize((self.used + other.used) * 2);
        }
        if self.fill == 0 && self.mask() == other.mask() && other.fill == other.used {
            self.slots.copy_from_slice(&other.slots);
            self.fill = other.fill;
            self.used = other.used;
            return;
        }
        if self.fill == 0 {
            let mask = self.mask();
            for s in other.slots.iter().filter(|s| s.is_active()) {
                Self::insert_clean(&mut self.slots, mask, *s);
            }
            self.fill = other.used;
            self.used = other.used;
            return;
        }
        for s in other.slots.iter().filter(|s| s.is_active()) {
            self.add_hashed(s.hash, s.key);
        }
    }

    /// Adds the entries of a dict (hash, key), after one resize up front
    /// (CPython's `set_update_internal` for a dict).
    pub fn merge_dict_keys(&mut self, keys: &[(i64, Value)]) {
        if (self.fill + keys.len()) * 5 >= self.mask() * 3 {
            self.resize((self.used + keys.len()) * 2);
        }
        for (h, k) in keys {
            self.add_hashed(*h, *k);
        }
    }

    /// The elements with their hashes, in table order.
    pub fn entries(&self) -> impl Iterator<Item = (i64, Value)> + '_ {
        self.slots
            .iter()
            .filter(|s| s.is_active())
            .map(|s| (s.hash, s.key))
    }

    /// The first element at or after slot `index` and the slot after it
    /// (iteration without holding the lock).
    pub fn entry_from(&self, index: usize) -> Option<(usize, Value)> {
        (index..self.slots.len())
            .find(|i| self.slots[*i].is_active())
            .map(|i| (i + 1, self.slots[i].key))
    }

    /// `hash(frozenset)`: CPython's order-independent combination.
    pub fn hash(&self) -> i64 {
        fn shuffle(h: u64) -> u64 {
            ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
        }
        let mut hash: u64 = 0;
        for (h, _) in self.entries() {
            hash ^= shuffle(h as u64);
        }
        hash ^= (self.used as u64 + 1).wrapping_mul(1927868237);
        hash ^= (hash >> 11) ^ (hash >> 25);
        hash = hash.wrapping_mul(69069).wrapping_add(907133923);
        if hash as i64 == -1 {
            590923713
        } else {
            hash as i64
        }
    }
}

// ---------------------------------------------------------------- helpers for the interpreter

/// A copy of the table of a set or frozenset value.
pub fn snapshot(v: Value) -> Option<SetTable> {
    match v.data()? {
        ObjectData::Set(t) => Some(t.lock().clone()),
        _ => None,
    }
}

/// Runs `f` on the live table of a set value, under its lock (`f` must
/// not call into Python: the lock rule).
pub fn with_table<R>(v: Value, f: impl FnOnce(&mut SetTable) -> R) -> Option<R> {
    match v.data()? {
        ObjectData::Set(t) => Some(f(&mut t.lock())),
        _ => None,
    }
}

impl Interp<'_> {
    /// A new set (or frozenset) object holding `table`.
    pub fn new_set(&self, table: SetTable) -> Value {
        let class = if table.is_frozen() {
            self.rt.types.frozenset
        } else {
            self.rt.types.set
        };
        Value::object(self.alloc(class, ObjectData::Set(crate::object::Mutex::new(table))))
    }

    /// A table holding the elements of any iterable (`set(iterable)`).
    pub fn set_table_from(&mut self, source: Value, frozen: bool) -> PyResult<SetTable> {
        let mut table = SetTable::new(frozen);
        if let Some(other) = snapshot(source) {
            table.merge(&other);
            return Ok(table);
        }
        if let Some(ObjectData::Dict(d)) = source.data() {
            let keys: Vec<(i64, Value)> = d
                .lock()
                .items()
                .map(|(k, _)| (crate::object::dict::hash_value(k).unwrap_or(0), k))
                .collect();
            table.merge_dict_keys(&keys);
            return Ok(table);
        }
        // Collected items stay referenced from `source` or were rooted by
        // `collect_iterable`; no safepoint until the caller allocates.
        for item in self.collect_iterable(source)? {
            let h = self.hash(item)?;
            let item = self.table_key(item, || table.keys_with_hash(h))?;
            table.add_hashed(h, item);
        }
        Ok(table)
    }

    /// Whether `item` is in the set `table` (TypeError if unhashable).
    pub fn set_contains(&mut self, set: Value, item: Value) -> PyResult<bool> {
        let h = self.hash(item)?;
        let item = self.table_key(item, || {
            with_table(set, |t| t.keys_with_hash(h)).unwrap_or_default()
        })?;
        Ok(with_table(set, |t| t.contains_hashed(h, item)).unwrap_or(false))
    }
}

/// `a | b`, `a & b`, `a - b`, `a ^ b` on two set snapshots, CPython's
/// algorithms (the result's table order follows from them).
pub fn combine(a: &SetTable, b: &SetTable, op: SetOp, frozen: bool) -> SetTable {
    match op {
        SetOp::Union => {
            let mut r = SetTable::new(frozen);
            r.merge(a);
            r.merge(b);
            r
        }
        SetOp::Intersection => {
            let (small, big) = if b.len() > a.len() { (a, b) } else { (b, a) };
            let mut r = SetTable::new(frozen);
            for (h, k) in small.entries() {
                if big.contains_hashed(h, k) {
                    r.add_hashed(h, k);
                }
            }
            r
        }
        SetOp::Difference => {
            if a.len() >> 2 > b.len() {
                let mut r = SetTable::new(frozen);
                r.merge(a);
                for (h, k) in b.entries() {
                    r.discard_hashed(h, k);
                }
                return r;
            }
            let mut r = SetTable::new(frozen);
            for (h, k) in a.entries() {
                if !b.contains_hashed(h, k) {
                    r.add_hashed(h, k);
                }
            }
            r
        }
        SetOp::SymmetricDifference => {
            let mut r = SetTable::new(frozen);
            r.merge(b);
            for (h, k) in a.entries() {
                if !r.discard_hashed(h, k) {
                    r.add_hashed(h, k);
                }
            }
            r
        }
    }
}

/// The four set-algebra operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    /// `|`
    Union,
    /// `&`
    Intersection,
    /// `-`
    Difference,
    /// `^`
    SymmetricDifference,
}

/// `t op= o` in place, as CPython does it (which decides the resulting
/// table order).
pub fn update_in_place(t: &mut SetTable, o: &SetTable, op: SetOp) {
    match op {
        SetOp::Union => t.merge(o),
        SetOp::Difference => {
            for (h, k) in o.entries() {
                t.discard_hashed(h, k);
            }
        }
        SetOp::SymmetricDifference => {
            for (h, k) in o.entries() {
                if !t.discard_hashed(h, k) {
                    t.add_hashed(h, k);
                }
            }
        }
        SetOp::Intersection => {
            let frozen = t.is_frozen();
            *t = combine(t, o, op, frozen);
        }
    }
}

/// Whether every element of `a` is in `b`.
pub fn is_subset(a: &SetTable, b: &SetTable) -> bool {
    a.len() <= b.len() && a.entries().all(|(h, k)| b.contains_hashed(h, k))
}

// ---------------------------------------------------------------- construction

/// `set(iterable)` / `frozenset(iterable)`.
pub fn construct(
    i: &mut Interp<'_>,
    class: Gc<PyObject>,
    args: &[Value],
    kwargs: &[(Value, Value)],
) -> PyResult<Value> {
    let frozen = class == i.rt.types.frozenset;
    let name = if frozen { "frozenset" } else { "set" };
    if !kwargs.is_empty() {
        return i.type_error(&format!("{name}() takes no keyword arguments"));
    }
    if args.len() > 1 {
        return i.type_error(&format!(
            "{name} expected at most 1 argument, got {}",
            args.len()
        ));
    }
    if frozen {
        // frozenset(f) is f itself.
        if let Some(true) = args.first().and_then(|a| with_table(*a, |t| t.is_frozen())) {
            return Ok(args[0]);
        }
    }
    let table = match args.first() {
        Some(src) => i.set_table_from(*src, frozen)?,
        None => SetTable::new(frozen),
    };
    Ok(i.new_set(table))
}

// ---------------------------------------------------------------- methods

/// The methods of `set` and of `frozenset`.
pub fn type_methods(t: &Types) -> Vec<(Gc<PyObject>, crate::builtins::NativeTable)> {
    let shared: Vec<(&'static str, NativeFn)> = vec![
        ("copy", set_copy as NativeFn),
        ("union", set_union),
        ("intersection", set_intersection),
        ("difference", set_difference),
        ("symmetric_difference", set_symmetric_difference),
        ("issubset", set_issubset),
        ("issuperset", set_issuperset),
        ("isdisjoint", set_isdisjoint),
    ];
    let mut mutating = shared.clone();
    mutating.extend([
        ("add", set_add as NativeFn),
        ("discard", set_discard),
        ("remove", set_remove),
        ("pop", set_pop),
        ("clear", set_clear),
        ("update", set_update),
        ("intersection_update", set_intersection_update),
        ("difference_update", set_difference_update),
        (
            "symmetric_difference_update",
            set_symmetric_difference_update,
        ),
    ]);
    vec![(t.set, mutating), (t.frozenset, shared)]
}

/// The receiver's table snapshot, checking the arity.
fn receiver(
    i: &mut Interp<'_>,
    name: &str,
    args: &[Value],
    nargs: std::ops::RangeInclusive<usize>,
) -> PyResult<SetTable> {
    check_receiver(i, name, args, nargs)?;
    Ok(snapshot(args[0]).expect("checked: a set"))
}

/// Checks the arity and that the receiver is a set or frozenset, copying
/// nothing.
fn check_receiver(
    i: &mut Interp<'_>,
    name: &str,
    args: &[Value],
    nargs: std::ops::RangeInclusive<usize>,
) -> PyResult<()> {
    let given = args.len().saturating_sub(1);
    if !nargs.contains(&given) {
        let msg = if nargs.start() == nargs.end() {
            match nargs.start() {
                0 => format!("set.{name}() takes no arguments ({given} given)"),
                1 => format!("set.{name}() takes exactly one argument ({given} given)"),
                n => format!("set.{name}() takes exactly {n} arguments ({given} given)"),
            }
        } else {
            format!("set.{name}() takes at most 1 argument ({given} given)")
        };
        return i.type_error(&msg);
    }
    match args.first().and_then(|a| a.data()) {
        Some(ObjectData::Set(_)) => Ok(()),
        _ => i.type_error(&format!("descriptor '{name}' requires a 'set' object")),
    }
}

/// Checks the arity and that the receiver is a set, not a frozenset, for a
/// method that changes it (then [`live`] runs on its table).
fn check_mutable_receiver(
    i: &mut Interp<'_>,
    name: &str,
    args: &[Value],
    nargs: std::ops::RangeInclusive<usize>,
) -> PyResult<()> {
    let frozen = match args.first().and_then(|a| a.data()) {
        Some(ObjectData::Set(t)) => t.lock().is_frozen(),
        _ => true,
    };
    if frozen && !args.is_empty() {
        let msg = format!(
            "descriptor '{name}' for 'set' objects doesn't apply to a '{}' object",
            i.type_name(args[0])
        );
        return i.type_error(&msg);
    }
    check_receiver(i, name, args, nargs)
}

/// Runs `f` on the receiver's live table (mutating methods;
/// `check_mutable_receiver` checked that it is a set).
fn live<R>(v: Value, f: impl FnOnce(&mut SetTable) -> R) -> R {
    with_table(v, f).expect("set methods are called on sets")
}

fn other_table(i: &mut Interp<'_>, v: Value) -> PyResult<SetTable> {
    match snapshot(v) {
        Some(t) => Ok(t),
        None => i.set_table_from(v, false),
    }
}

fn set_copy(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let t = receiver(i, "copy", args, 0..=0)?;
    if t.is_frozen() {
        return Ok(args[0]);
    }
    let mut r = SetTable::new(false);
    r.merge(&t);
    Ok(i.new_set(r))
}

fn algebra(i: &mut Interp<'_>, args: &[Value], name: &str, op: SetOp) -> PyResult<Value> {
    let mut acc = receiver(i, name, args, 0..=usize::MAX)?;
    let frozen = acc.is_frozen();
    if args.len() == 1 {
        let mut r = SetTable::new(frozen);
        r.merge(&acc);
        return Ok(i.new_set(r));
    }
    for other in &args[1..] {
        let o = other_table(i, *other)?;
        acc = combine(&acc, &o, op, frozen);
    }
    Ok(i.new_set(acc))
}

fn set_union(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    algebra(i, args, "union", SetOp::Union)
}

fn set_intersection(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    algebra(i, args, "intersection", SetOp::Intersection)
}

fn set_difference(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    algebra(i, args, "difference", SetOp::Difference)
}

fn set_symmetric_difference(
    i: &mut Interp<'_>,
    args: &[Value],
    _kw: &[(Value, Value)],
) -> PyResult<Value> {
    let t = receiver(i, "symmetric_difference", args, 1..=1)?;
    let o = other_table(i, args[1])?;
    let frozen = t.is_frozen();
    Ok(i.new_set(combine(&t, &o, SetOp::SymmetricDifference, frozen)))
}

fn set_issubset(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let t = receiver(i, "issubset", args, 1..=1)?;
    let o = other_table(i, args[1])?;
    Ok(Value::bool(is_subset(&t, &o)))
}

fn set_issuperset(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let t = receiver(i, "issuperset", args, 1..=1)?;
    let o = other_table(i, args[1])?;
    Ok(Value::bool(is_subset(&o, &t)))
}

fn set_isdisjoint(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let t = receiver(i, "isdisjoint", args, 1..=1)?;
    let o = other_table(i, args[1])?;
    let disjoint = !t.entries().any(|(h, k)| o.contains_hashed(h, k));
    Ok(Value::bool(disjoint))
}

pub(crate) fn set_add(
    i: &mut Interp<'_>,
    args: &[Value],
    _kw: &[(Value, Value)],
) -> PyResult<Value> {
    if let [set, key] = *args {
        if crate::object::native::set_add(set, key) {
            return Ok(Value::NONE);
        }
    }
    check_mutable_receiver(i, "add", args, 1..=1)?;
    let h = i.hash(args[1])?;
    let key = i.table_key(args[1], || live(args[0], |t| t.keys_with_hash(h)))?;
    live(args[0], |t| t.add_hashed(h, key));
    Ok(Value::NONE)
}

pub(crate) fn set_discard(
    i: &mut Interp<'_>,
    args: &[Value],
    _kw: &[(Value, Value)],
) -> PyResult<Value> {
    if let [set, key] = *args {
        if crate::object::native::set_discard(set, key) {
            return Ok(Value::NONE);
        }
    }
    check_mutable_receiver(i, "discard", args, 1..=1)?;
    let h = i.hash(args[1])?;
    let key = i.table_key(args[1], || live(args[0], |t| t.keys_with_hash(h)))?;
    live(args[0], |t| t.discard_hashed(h, key));
    Ok(Value::NONE)
}

fn set_remove(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    check_mutable_receiver(i, "remove", args, 1..=1)?;
    let h = i.hash(args[1])?;
    let key = i.table_key(args[1], || live(args[0], |t| t.keys_with_hash(h)))?;
    let removed = live(args[0], |t| t.discard_hashed(h, key));
    if removed {
        return Ok(Value::NONE);
    }
    let exc_args = i.new_tuple(vec![args[1]]);
    Err(crate::error::PyErr(
        i.new_exception_object(i.rt.types.key_error, exc_args),
    ))
}

fn set_pop(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    check_mutable_receiver(i, "pop", args, 0..=0)?;
    let popped = live(args[0], |t| t.pop());
    match popped {
        Some(v) => Ok(v),
        None => Err(i.new_exception(i.rt.types.key_error, "pop from an empty set")),
    }
}

fn set_clear(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    check_mutable_receiver(i, "clear", args, 0..=0)?;
    live(args[0], |t| t.clear());
    Ok(Value::NONE)
}

fn set_update(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    check_mutable_receiver(i, "update", args, 0..=usize::MAX)?;
    for other in &args[1..] {
        let o = other_table(i, *other)?;
        live(args[0], |t| t.merge(&o));
    }
    Ok(Value::NONE)
}

/// Replaces the receiver's contents with `op(receiver, other)` for each
/// argument.
fn update_with(i: &mut Interp<'_>, args: &[Value], name: &str, op: SetOp) -> PyResult<Value> {
    check_mutable_receiver(i, name, args, 0..=usize::MAX)?;
    for other in &args[1..] {
        let o = other_table(i, *other)?;
        live(args[0], |t| update_in_place(t, &o, op));
    }
    Ok(Value::NONE)
}

fn set_intersection_update(
    i: &mut Interp<'_>,
    args: &[Value],
    _kw: &[(Value, Value)],
) -> PyResult<Value> {
    update_with(i, args, "intersection_update", SetOp::Intersection)
}

fn set_difference_update(
    i: &mut Interp<'_>,
    args: &[Value],
    _kw: &[(Value, Value)],
) -> PyResult<Value> {
    update_with(i, args, "difference_update", SetOp::Difference)
}

fn set_symmetric_difference_update(
    i: &mut Interp<'_>,
    args: &[Value],
    _kw: &[(Value, Value)],
) -> PyResult<Value> {
    update_with(
        i,
        args,
        "symmetric_difference_update",
        SetOp::SymmetricDifference,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(t: &SetTable) -> Vec<i64> {
        t.entries().map(|(h, _)| h).collect()
    }

    fn table(xs: &[i64]) -> SetTable {
        let mut t = SetTable::new(false);
        for x in xs {
            t.add_hashed(*x, Value::try_int(*x).unwrap());
        }
        t
    }

    #[test]
    fn small_ints_iterate_in_cpython_order() {
        // {3, 1, 2} and {x, 5, 37} with x = 100 in CPython 3.11.
        assert_eq!(ints(&table(&[3, 1, 2])), vec![1, 2, 3]);
        assert_eq!(ints(&table(&[100, 5, 37])), vec![37, 100, 5]);
        // After a resize: list(set(range(20, 0, -3))).
        assert_eq!(
            ints(&table(&[20, 17, 14, 11, 8, 5, 2])),
            vec![2, 5, 8, 11, 14, 17, 20]
        );
    }

    #[test]
    fn add_discard_pop() {
        let mut t = table(&[1, 2, 3]);
        assert!(!t.add_hashed(2, Value::try_int(2).unwrap()));
        assert!(t.discard_hashed(2, Value::try_int(2).unwrap()));
        assert!(!t.contains_hashed(2, Value::try_int(2).unwrap()));
        assert_eq!(t.len(), 2);
        assert_eq!(t.pop(), Value::try_int(1));
        assert_eq!(t.pop(), Value::try_int(3));
        assert_eq!(t.pop(), None);
    }

    #[test]
    fn frozenset_hash_is_order_independent() {
        let a = table(&[1, 2, 3]);
        let b = table(&[3, 2, 1, 9]);
        let mut b2 = b.clone();
        b2.discard_hashed(9, Value::try_int(9).unwrap());
        assert_eq!(a.hash(), b2.hash());
        // hash(frozenset()) and hash(frozenset({1, 2, 3})) in CPython 3.11.
        assert_eq!(SetTable::new(true).hash(), 133146708735736);
        assert_eq!(a.hash(), -272375401224217160);
    }
}
