//! The events on classes and instances: a class attribute set or deleted
//! (local, per class, and so on every subclass: what a lookup on a
//! subclass finds may change), `obj.__class__ = C` and `C.__bases__ = ...`
//! (global).
//!
//! The class hierarchy (bases, MROs, subclass lists) changes only under
//! the runtime's hierarchy lock, which counts the changes and is never
//! held across a safepoint. A `__bases__` assignment plans every new MRO
//! first (it allocates, which a pause requester may not do), then stores
//! them inside its event's `apply` only if no other change came between;
//! otherwise it plans again.

use stillpoint_gc::{Gc, Weak};
use stillpoint_sync::EventKind;

use crate::error::{PyErr, PyResult};
use crate::interp::Interp;
use crate::object::{Layout, ObjectData, PyObject};
use crate::value::Value;

impl Interp<'_> {
    /// A tuple of classes (for bases and MROs).
    pub(crate) fn class_tuple(&self, classes: &[Gc<PyObject>]) -> Value {
        self.new_tuple(classes.iter().map(|c| Value::object(*c)).collect())
    }

    /// The TypeError for bases whose MROs cannot be merged.
    pub(crate) fn mro_conflict(&mut self, bases: &[Gc<PyObject>]) -> PyErr {
        let names: Vec<String> = bases
            .iter()
            .filter_map(|b| b.as_class().map(|c| c.name.to_string()))
            .collect();
        let msg = format!(
            "Cannot create a consistent method resolution\norder (MRO) for bases {}",
            names.join(", ")
        );
        self.new_exception(self.rt.types.type_error, &msg)
    }

    /// Records `sub` as a direct subclass of `base`.
    pub(crate) fn add_subclass(&self, base: Gc<PyObject>, sub: Gc<PyObject>) {
        let Some(b) = base.as_class() else { return };
        let weak = Weak::new(self.rt.heap(), sub);
        let mut generation = self.rt.class_hierarchy.lock();
        *generation += 1;
        let mut subs = b.subclasses.lock();
        subs.retain(|w| !w.is_cleared());
        subs.push(weak);
        b.has_subclasses
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// `class` and every class that inherits from it, each once.
    fn class_and_subclasses(&self, class: Gc<PyObject>) -> Vec<Gc<PyObject>> {
        let _hierarchy = self.rt.class_hierarchy.lock();
        let mut all = vec![class];
        if class
            .as_class()
            .is_none_or(|c| c.subclasses.lock().is_empty())
        {
            return all;
        }
        let mut seen = std::collections::HashSet::from([class.into_raw()]);
        let mut i = 0;
        while i < all.len() {
            let subs: Vec<Gc<PyObject>> = match all[i].as_class() {
                Some(c) => c.subclasses.lock().iter().filter_map(Weak::get).collect(),
                None => Vec::new(),
            };
            for sub in subs {
                if seen.insert(sub.into_raw()) {
                    all.push(sub);
                }
            }
            i += 1;
        }
        all
    }

    /// After a change to `class` (an attribute, its bases): every class
    /// whose lookups may now find something else — `class` and its
    /// subclasses — gets a new version, and its attribute event fires.
    #[inline(always)]
    pub(crate) fn class_modified(&mut self, class: Gc<PyObject>) {
        // Without subclasses, no hierarchy walk: a subclass made after this
        // check looks the class up after the change that called us (the
        // flag's field docs say why a relaxed load is enough).
        if let Some(c) = class.as_class() {
            if !c.has_subclasses.load(std::sync::atomic::Ordering::Relaxed) {
                c.version.invalidate();
                self.mutator()
                    .fire(EventKind::ClassAttrSet, Some(&c.watch), || ());
                return;
            }
        }
        self.hierarchy_modified(class);
    }

    /// [`Interp::class_modified`] for a class with subclasses.
    #[cold]
    #[inline(never)]
    fn hierarchy_modified(&mut self, class: Gc<PyObject>) {
        let m = self.mutator();
        // No safepoint below: the classes stay alive without rooting.
        for k in self.class_and_subclasses(class) {
            if let Some(c) = k.as_class() {
                c.version.invalidate();
                m.fire(EventKind::ClassAttrSet, Some(&c.watch), || ());
            }
        }
    }

    /// An instance of `class` may now hold an attribute named like one of
    /// the class's: method lookups on its instances must look in the
    /// instance first from now on. Resets the class's version (what was
    /// specialized assuming otherwise fails its guard) and fires its
    /// attribute event (executors that dropped the guard, relying on the
    /// class, are thrown away).
    pub(crate) fn note_instance_shadowing(&self, class: Gc<PyObject>) {
        let Some(c) = class.as_class() else { return };
        if !c
            .instances_shadow
            .swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            c.version.invalidate();
            self.mutator()
                .fire(EventKind::ClassAttrSet, Some(&c.watch), || ());
        }
    }

    /// `class.name = value`, or `del class.name` when `value` is None
    /// (returning what was removed). The class attribute event.
    pub(crate) fn set_class_attr(
        &mut self,
        class: Gc<PyObject>,
        name: Value,
        value: Option<Value>,
    ) -> PyResult<Option<Value>> {
        let Some(c) = class.as_class() else {
            return Ok(None);
        };
        if c.is_builtin() {
            let n = self.str_of(name).unwrap_or_default();
            let msg = format!("cannot set '{n}' attribute of immutable type '{}'", c.name);
            return Err(self.new_exception(self.rt.types.type_error, &msg));
        }
        let h = match name.as_ref().and_then(|n| n.as_str()) {
            Some(s) => s.hash(),
            None => self.hash(name)?,
        };
        let old = {
            let mut dict = c.dict.lock();
            match value {
                Some(v) => dict.insert_hashed(h, name, v),
                None => dict.remove_hashed(h, name),
            }
        };
        if value.is_some() || old.is_some() {
            self.class_modified(class);
        }
        Ok(old)
    }

    /// `class.name = value` (tier 2's `StoreClassAttr`), looking first at
    /// position `hint` of the class dict, where the name was when the
    /// executor was built: `set_class_attr` without the search when the
    /// name is still there.
    pub(crate) fn store_class_attr_at(
        &mut self,
        class: Gc<PyObject>,
        name: Value,
        value: Value,
        hint: usize,
    ) -> PyResult<()> {
        let replaced = match (class.as_class(), name.as_ref().and_then(|n| n.as_str())) {
            (Some(c), Some(text)) if !c.is_builtin() => {
                c.dict.lock().replace_at_str(hint, name, text, value)
            }
            _ => false,
        };
        if replaced {
            self.class_modified(class);
        } else {
            self.set_class_attr(class, name, Some(value))?;
        }
        Ok(())
    }

    /// `obj.__class__ = new_class`: the "object's class set" event.
    pub(crate) fn set_object_class(&mut self, obj: Value, new_class: Value) -> PyResult<()> {
        let Some(new) = new_class.as_object().filter(|c| c.as_class().is_some()) else {
            let msg = format!(
                "__class__ must be set to a class, not '{}' object",
                self.type_name(new_class)
            );
            return Err(self.new_exception(self.rt.types.type_error, &msg));
        };
        let old = self.class_of(obj);
        let (old_c, new_c) = (
            old.as_class().expect("a class"),
            new.as_class().expect("checked"),
        );
        let mutable = |c: &crate::object::Class| !c.is_builtin();
        let Some(o) = obj.as_object().filter(|_| mutable(old_c) && mutable(new_c)) else {
            return Err(self.new_exception(
                self.rt.types.type_error,
                "__class__ assignment only supported for mutable types or ModuleType subclasses",
            ));
        };
        if old_c.layout != new_c.layout
            || old_c.slot_names.is_some() != new_c.slot_names.is_some()
            || self.slots_of(old) != self.slots_of(new)
        {
            let msg = format!(
                "__class__ assignment: '{}' object layout differs from '{}'",
                new_c.name, old_c.name
            );
            return Err(self.new_exception(self.rt.types.type_error, &msg));
        }
        // Whether the instance's attributes shadow the new class's is read
        // inside the event, where no attribute store can race with it;
        // stores after it see the new class and note shadowing themselves.
        let m = self.mutator();
        let this = &*self;
        let shadows = m.fire(EventKind::ClassSet, None, || {
            o.set_class(new);
            match &o.data {
                // Slots hold only the class's members: nothing to shadow.
                ObjectData::Instance(attrs) => attrs.dict().is_some_and(|d| {
                    d.lock()
                        .items()
                        .any(|(k, _)| this.lookup_value(new, k).is_some())
                }),
                _ => true,
            }
        });
        if shadows {
            self.note_instance_shadowing(new);
        }
        Ok(())
    }

    /// `class.__bases__ = value`: the "class bases set" event. Every
    /// subclass's MRO is recomputed too; nothing changes if any of them
    /// fails.
    pub(crate) fn set_class_bases(&mut self, class: Gc<PyObject>, value: Value) -> PyResult<()> {
        let c = class.as_class().expect("a class");
        let type_error = |i: &mut Self, msg: String| -> PyResult<()> {
            Err(i.new_exception(i.rt.types.type_error, &msg))
        };
        if c.is_builtin() {
            let msg = format!(
                "cannot set '__bases__' attribute of immutable type '{}'",
                c.name
            );
            return type_error(self, msg);
        }
        let Some(items) = value.as_tuple() else {
            let msg = format!(
                "can only assign tuple to {}.__bases__, not {}",
                c.name,
                self.type_name(value)
            );
            return type_error(self, msg);
        };
        if items.is_empty() {
            let msg = format!(
                "can only assign non-empty tuple to {}.__bases__, not ()",
                c.name
            );
            return type_error(self, msg);
        }
        let mut bases = Vec::new();
        for item in items {
            let Some(b) = item.as_object().filter(|b| b.as_class().is_some()) else {
                let msg = format!(
                    "{}.__bases__ must be tuple of classes, not '{}'",
                    c.name,
                    self.type_name(*item)
                );
                return type_error(self, msg);
            };
            let bc = b.as_class().expect("checked");
            if b.into_raw() == class.into_raw() || bc.mro_tail().contains(class) {
                return type_error(
                    self,
                    "a __bases__ item causes an inheritance cycle".to_string(),
                );
            }
            if bases
                .iter()
                .any(|x: &Gc<PyObject>| x.into_raw() == b.into_raw())
            {
                return type_error(self, format!("duplicate base class {}", bc.name));
            }
            bases.push(b);
        }
        let layout_of = |bases: &[Gc<PyObject>]| {
            bases
                .iter()
                .filter_map(|b| b.as_class().map(|c| (c.layout, c.name.clone())))
                .find(|(l, _)| *l != Layout::Instance)
        };
        let new_solid = layout_of(&bases);
        if new_solid.as_ref().map_or(Layout::Instance, |(l, _)| *l) != c.layout {
            let old_solid =
                layout_of(&c.mro_tail().to_vec()).map_or_else(|| "object".into(), |(_, name)| name);
            let new_name = new_solid.map_or_else(|| "object".into(), |(_, name)| name);
            let msg = format!(
                "__bases__ assignment: '{new_name}' deallocator differs from '{old_solid}'"
            );
            return type_error(self, msg);
        }
        // Instances with slots keep the layout their class's bases gave.
        if c.slot_names.is_some() {
            let old_slots = self.inherited_slots(&c.bases().to_vec())?;
            if self.inherited_slots(&bases)? != old_slots {
                let msg = format!("__bases__ assignment: '{}' object layout differs", c.name);
                return type_error(self, msg);
            }
        }
        let old_bases = c.bases().to_vec();
        let mark = self.root_mark();
        loop {
            // Plan outside the pause (a requester may not allocate while
            // the world is stopped), store inside it unless the hierarchy
            // changed meanwhile.
            let (generation, plan) = match self.plan_hierarchy(class, &bases) {
                Ok(planned) => planned,
                Err(conflict) => {
                    self.truncate_roots(mark);
                    return Err(self.mro_conflict(&conflict));
                }
            };
            for (_, b, mro) in &plan {
                self.push_root(*b);
                self.push_root(*mro);
            }
            let m = self.mutator();
            let stored = m.fire(EventKind::BasesSet, None, || {
                let mut current = self.rt.class_hierarchy.lock();
                if *current != generation {
                    return false;
                }
                *current += 1;
                for (k, b, mro) in &plan {
                    if let Some(kc) = k.as_class() {
                        kc.set_hierarchy(*b, *mro);
                    }
                }
                true
            });
            self.truncate_roots(mark);
            if stored {
                break;
            }
        }
        for old in old_bases {
            if let Some(oc) = old.as_class() {
                let _hierarchy = self.rt.class_hierarchy.lock();
                oc.subclasses
                    .lock()
                    .retain(|w| w.get().is_some_and(|s| s.into_raw() != class.into_raw()));
            }
        }
        for base in &bases {
            self.add_subclass(*base, class);
        }
        self.class_modified(class);
        Ok(())
    }

    /// The new bases and MRO tuples of `class` (given `bases`) and of every
    /// subclass, with the hierarchy generation they were computed at; or
    /// the bases that conflict if some MRO cannot be built.
    #[allow(clippy::type_complexity)]
    fn plan_hierarchy(
        &self,
        class: Gc<PyObject>,
        bases: &[Gc<PyObject>],
    ) -> Result<(u64, Vec<(Gc<PyObject>, Value, Value)>), Vec<Gc<PyObject>>> {
        let generation = *self.rt.class_hierarchy.lock();
        let affected = self.class_and_subclasses(class);
        let same = |a: Gc<PyObject>, b: Gc<PyObject>| a.into_raw() == b.into_raw();
        let index_of = |k: Gc<PyObject>| affected.iter().position(|a| same(*a, k));
        let mut new_bases: Vec<Vec<Gc<PyObject>>> = affected
            .iter()
            .map(|k| k.as_class().map(|c| c.bases().to_vec()).unwrap_or_default())
            .collect();
        new_bases[0] = bases.to_vec();
        let mut new_mros: Vec<Option<Vec<Gc<PyObject>>>> = vec![None; affected.len()];
        // A subclass's MRO needs its bases' new MROs first.
        while new_mros.iter().any(Option::is_none) {
            let mut progressed = false;
            for i in 0..affected.len() {
                if new_mros[i].is_some() {
                    continue;
                }
                let ready = new_bases[i]
                    .iter()
                    .all(|b| index_of(*b).is_none_or(|j| new_mros[j].is_some()));
                if !ready {
                    continue;
                }
                let mro_of = |b: Gc<PyObject>| -> Vec<Gc<PyObject>> {
                    match index_of(b) {
                        Some(j) => new_mros[j].clone().expect("ready"),
                        None => b
                            .as_class()
                            .map(|c| c.mro_tail().to_vec())
                            .unwrap_or_default(),
                    }
                };
                let mro = crate::interp::c3_merge_with(&new_bases[i], mro_of)
                    .ok_or_else(|| new_bases[i].clone())?;
                new_mros[i] = Some(mro);
                progressed = true;
            }
            if !progressed {
                // Only a cycle could stop progress, and cycles were refused.
                return Err(bases.to_vec());
            }
        }
        // No safepoint while the tuples are made: the caller roots them.
        let plan = affected
            .iter()
            .zip(new_bases.iter().zip(&new_mros))
            .map(|(k, (b, mro))| {
                let mro = mro.as_deref().expect("computed");
                (*k, self.class_tuple(b), self.class_tuple(mro))
            })
            .collect();
        Ok((generation, plan))
    }

    /// The `__slots__` names a class's instances are limited to (for the
    /// layout check of `__class__` assignment), nearest class first.
    fn slots_of(&self, class: Gc<PyObject>) -> Vec<String> {
        let mut names = Vec::new();
        let Some(c) = class.as_class() else {
            return names;
        };
        let tail = c.mro_tail();
        for k in std::iter::once(class).chain(tail.iter()) {
            let Some(kc) = k.as_class() else { continue };
            let slots = kc.dict.lock().items().find_map(|(key, v)| {
                (key.as_ref()?.as_str()?.as_str() == "__slots__").then_some(v)
            });
            let Some(slots) = slots else { continue };
            let items: Vec<Value> = match slots.data() {
                Some(ObjectData::Tuple(t)) => t.to_vec(),
                Some(ObjectData::List(l)) => l.lock().to_vec(),
                _ => vec![slots],
            };
            names.extend(items.iter().filter_map(|n| self.str_of(*n)));
        }
        names
    }
}
