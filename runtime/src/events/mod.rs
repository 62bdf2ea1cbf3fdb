//! The rare events of DESIGN §2, as the runtime performs them.
//!
//! Each event is a real operation that mutates something the faster tiers
//! would like to assume constant, and each goes through `stillpoint-sync`
//! with its threshold: the mutation is the `apply` of a fire, global kinds
//! stop the world below their threshold, local kinds invalidate the
//! dependents of one [`stillpoint_sync::Watchable`]. Every event
//! also invalidates the version tags that specialized instructions guard
//! on. Where each one happens:
//!
//! | event | operation | where |
//! |---|---|---|
//! | object's class set | `obj.__class__ = C` | [`class`] |
//! | class bases set | `C.__bases__ = (...)` | [`class`] |
//! | class attribute set | `C.x = v`, `del C.x` (and so on every subclass) | [`class`] |
//! | function modified | `f.__code__`, `f.__defaults__`, `f.__kwdefaults__` | [`function`] |
//! | descriptor mutated | `property`/`staticmethod`/`classmethod` `__init__` again | [`function`] |
//! | global set, builtin modified | any change to a watched module dict | [`DictWatcher`] |
//! | frame-evaluation hook set, module dict replaced, debugger sets a local | the embedding API | [`hooks`] |
//! | instrumentation | `sys.settrace`, `sys.setprofile` | [`hooks`] |
//!
//! # Version tags
//!
//! A [`VersionTag`] is CPython's `tp_version_tag` / `func_version` /
//! `dk_version` idea: a number that is unique while the object is
//! unchanged, assigned lazily when a specializer asks, and reset to "none"
//! by every change. A guard compares the tag it cached with the current
//! one; since tags are never reused, equal tags mean the same object in the
//! same state.

pub mod class;
pub mod function;
pub mod hooks;

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use stillpoint_sync::{EventKind, Watchable, World};

use crate::object::ObjectData;
use crate::value::Value;

/// The next version tag to hand out (0 means "none").
static NEXT_VERSION: AtomicU32 = AtomicU32::new(1);

/// A lazily assigned, never reused version number (see the module docs).
#[derive(Debug, Default)]
pub struct VersionTag(AtomicU32);

impl VersionTag {
    /// A tag with no version assigned yet.
    pub const fn new() -> VersionTag {
        VersionTag(AtomicU32::new(0))
    }

    /// The current version, assigning a fresh one if there is none. `0`
    /// once the process has used up every version: the object can no
    /// longer be specialized on (as in CPython).
    pub fn get(&self) -> u32 {
        let current = self.0.load(Ordering::Acquire);
        if current != 0 {
            return current;
        }
        let fresh = NEXT_VERSION
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
            .unwrap_or(0);
        if fresh == 0 {
            return 0;
        }
        // A racing assignment may have won: everyone uses the winner's.
        match self
            .0
            .compare_exchange(0, fresh, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => fresh,
            Err(winner) => winner,
        }
    }

    /// The current version without assigning one (0: none).
    #[inline]
    pub fn peek(&self) -> u32 {
        self.0.load(Ordering::Acquire)
    }

    /// Forgets the version: every guard that cached it fails from now on.
    #[inline]
    pub fn invalidate(&self) {
        self.0.store(0, Ordering::Release);
    }
}

/// What makes a dict "watched": a module's globals dict (the "global set"
/// event) or the builtins module's dict ("builtin modified"). Once the
/// watcher is active, every change to the dict fires its event after the
/// change, whichever code path makes it (`x = 1` at module level,
/// `global x`, `globals()['x'] = 1`, `setattr(module, 'x', 1)`, `del`...).
///
/// # Watching on demand
///
/// A module's body binds every name it defines; counting those stores
/// would use up the threshold before any code could assume the module
/// stable. So, as CPython's dict watchers, a watcher fires only once it is
/// active: the builtins from the start, an imported module once its body
/// has run, and any module dict when an optimizer first depends on it.
/// That is sound because the flag is read under the dict's lock, after the
/// change: an optimizer activates the watcher *before* it locks the dict
/// to read the value it will assume, so a store either comes before that
/// read (the optimizer sees the new value) or takes the lock after it and
/// then sees the flag (and fires).
pub struct DictWatcher {
    world: World,
    watch: Watchable,
    active: AtomicBool,
    /// Counts every change (keys or values), active or not: the version a
    /// specialized global load caches its value under. Written under the
    /// dict's lock, read without it.
    values_version: AtomicU64,
}

impl DictWatcher {
    /// An inactive watcher that fires `kind` (a local kind) in `world`.
    pub fn new(world: &World, kind: EventKind) -> DictWatcher {
        DictWatcher {
            world: world.clone(),
            watch: Watchable::new(kind),
            active: AtomicBool::new(false),
            values_version: AtomicU64::new(0),
        }
    }

    /// The counter block of the dict's event (what an optimizer depends
    /// on).
    pub fn watch(&self) -> &Watchable {
        &self.watch
    }

    /// Starts firing on every change. Call it before reading the dict
    /// under its lock for anything that will be assumed (module docs).
    pub fn activate(&self) {
        // Relaxed: the dict's lock orders it (module docs).
        self.active.store(true, Ordering::Relaxed);
    }

    /// How many times the dict has changed (lock-free; see the field).
    #[inline]
    pub fn values_version(&self) -> u64 {
        self.values_version.load(Ordering::Acquire)
    }

    /// Whether changes fire.
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// Fires the event for a change already made, if active. Called with
    /// the dict's lock held, which is allowed: a local fire only takes the
    /// watch's own lock and executor locks, never an object lock, and
    /// cannot pause.
    pub(crate) fn changed(&self) {
        // Release: a reader that sees the new version sees the change.
        let v = self.values_version.load(Ordering::Relaxed);
        self.values_version.store(v + 1, Ordering::Release);
        if self.active.load(Ordering::Relaxed) {
            self.world.fire(self.watch.kind(), Some(&self.watch), || ());
        }
    }
}

impl crate::interp::Interp<'_> {
    /// A new globals dict for a module: watched for the "global set"
    /// event, inactive until the module's body has run (see
    /// [`DictWatcher`]).
    pub fn new_module_dict(&self) -> stillpoint_gc::Gc<crate::object::PyObject> {
        let watcher = DictWatcher::new(self.rt.world(), EventKind::GlobalSet);
        self.alloc(
            self.rt.types.dict,
            crate::object::ObjectData::Dict(crate::object::Mutex::new(
                crate::object::Dict::watched(std::sync::Arc::new(watcher)),
            )),
        )
    }
}

impl crate::interp::Interp<'_> {
    /// The attribute assignments that are events of their own:
    /// `obj.__class__`, `C.__bases__`, a function's `__code__`,
    /// `__defaults__` and `__kwdefaults__`. `Ok(false)`: `name` is not one.
    pub(crate) fn set_event_attr(
        &mut self,
        obj: Value,
        name: Value,
        value: Value,
    ) -> crate::error::PyResult<bool> {
        let Some(text) = name.as_ref().and_then(|n| n.as_str()).map(|s| s.as_str()) else {
            return Ok(false);
        };
        if !text.starts_with("__") {
            return Ok(false);
        }
        let Some(o) = obj.as_object() else {
            return Ok(false);
        };
        match (text, &o.data) {
            ("__class__", _) => self.set_object_class(obj, value).map(|()| true),
            ("__bases__", ObjectData::Class(_)) => self.set_class_bases(o, value).map(|()| true),
            (_, ObjectData::Function(_)) => self.set_function_attr(o, text, value),
            _ => Ok(false),
        }
    }
}

/// Activates the watcher of a module's globals dict (its body has run).
pub(crate) fn activate_module_watch(module: &crate::object::PyObject) {
    if let crate::object::ObjectData::Module(m) = &module.data {
        if let crate::object::ObjectData::Dict(d) = &m.dict().data {
            if let Some(w) = d.lock().watcher() {
                w.activate();
            }
        }
    }
}

impl std::fmt::Debug for DictWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DictWatcher")
            .field("watch", &self.watch)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_assigned_once_and_never_reused() {
        let a = VersionTag::new();
        let b = VersionTag::new();
        assert_eq!(a.peek(), 0);
        let first = a.get();
        assert_ne!(first, 0);
        assert_eq!(a.get(), first, "stable while unchanged");
        let other = b.get();
        assert_ne!(other, first);
        a.invalidate();
        assert_eq!(a.peek(), 0);
        let second = a.get();
        assert_ne!(second, first, "a changed object gets a new tag");
        assert_ne!(second, other);
    }

    #[test]
    fn racing_assignments_agree() {
        let tag = std::sync::Arc::new(VersionTag::new());
        let seen: Vec<u32> = (0..4)
            .map(|_| {
                let tag = tag.clone();
                std::thread::spawn(move || tag.get())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        assert!(seen.iter().all(|&v| v == seen[0] && v != 0));
    }
}
