//! `__slots__`: which classes' instances keep their attributes in fixed
//! slots instead of a dict, and the member descriptors that name them.
//!
//! A class whose body sets `__slots__` (without `"__dict__"`), and whose
//! bases are `object` or such classes, has instances with slots only
//! (`InstanceAttrs::Slots`): its layout is its base's slot names then its
//! own (`Class::slot_names`). Each of its own names gets a member
//! descriptor in the class dict, as in CPython; attribute lookups find it
//! there like a property, so a subclass's class attribute or property of
//! the same name still wins. A class with `__slots__` whose instances
//! need a dict anyway (a base with one, `"__dict__"` among the names) keeps
//! a dict layout; its member descriptors then read and write the dict.

use super::Interp;
use crate::error::PyResult;
use crate::object::{Descriptor, Dict, Mutex, ObjectData, PyObject, MAX_SLOTS};
use crate::value::Value;
use stillpoint_gc::Gc;

/// What a class body's `__slots__` asks for.
pub(super) struct SlotsRequest {
    /// The names that get member descriptors (without `__dict__` and
    /// `__weakref__`), in order.
    pub own: Vec<Value>,
    /// The instances' slot names (the bases' then `own`), when the
    /// instances have slots and no dict (`Class::slot_names`).
    pub layout: Option<Box<[Value]>>,
}

impl Interp<'_> {
    /// The slot names that instances of a class with `bases` inherit:
    /// those of its one base with slots, none when every base is `object`
    /// or has empty slots, `None` when a base's instances have a dict.
    /// A TypeError when two bases have slots (both would have to come
    /// first), as in CPython.
    pub(crate) fn inherited_slots(
        &mut self,
        bases: &[Gc<PyObject>],
    ) -> PyResult<Option<Vec<Value>>> {
        let object = self.rt.types.object;
        let mut inherited: Vec<Value> = Vec::new();
        let mut has_dict = false;
        for base in bases.iter().filter(|b| **b != object) {
            match base.as_class().and_then(|c| c.slot_names.as_deref()) {
                None => has_dict = true,
                Some([]) => {}
                Some(_) if !inherited.is_empty() => {
                    return Err(self.new_exception(
                        self.rt.types.type_error,
                        "multiple bases have instance lay-out conflict",
                    ))
                }
                Some(names) => inherited = names.to_vec(),
            }
        }
        Ok((!has_dict).then_some(inherited))
    }

    /// Reads the `__slots__` of a class body (`namespace`, a dict):
    /// `None` without one. `inherited` is what the bases
    /// give ([`Interp::inherited_slots`]), `None` also where the class's
    /// instances are not plain (an exception, a list). Raises as CPython
    /// does for names that are not identifiers or that a class variable of
    /// the body also binds.
    pub(super) fn slots_request(
        &mut self,
        namespace: &Mutex<Dict>,
        inherited: Option<Vec<Value>>,
    ) -> PyResult<Option<SlotsRequest>> {
        let key = self.rt.hook_names.slots;
        let Some(spec) = namespace.lock().get(key).expect("str keys hash") else {
            return Ok(None);
        };
        // Iterating may run Python code: the namespace (rooted by the
        // caller) keeps `spec` alive, and no lock is held.
        let items = if self.str_of(spec).is_some() {
            vec![spec]
        } else {
            self.collect_iterable(spec)?
        };
        let mut own = Vec::with_capacity(items.len());
        let mut wants_dict = false;
        for item in items {
            let Some(text) = self.str_of(item) else {
                let msg = format!(
                    "__slots__ items must be strings, not '{}'",
                    self.type_name(item)
                );
                return self.type_error(&msg);
            };
            if !crate::builtins::str::is_identifier(&text) {
                return self.type_error("__slots__ must be identifiers");
            }
            match text.as_str() {
                "__dict__" => wants_dict = true,
                "__weakref__" => {}
                _ => {
                    let name = self.intern(&text);
                    if namespace.lock().get(name).expect("str keys hash").is_some() {
                        let msg = format!("'{text}' in __slots__ conflicts with class variable");
                        return Err(self.new_exception(self.rt.types.value_error, &msg));
                    }
                    own.push(name);
                }
            }
        }
        let layout = inherited
            .filter(|_| !wants_dict)
            .map(|mut names| {
                names.extend(&own);
                names
            })
            // A repeated name would need two slots that one lookup cannot
            // tell apart, and a layout has room for `MAX_SLOTS`: other
            // classes keep a dict.
            .filter(|names| {
                names.len() <= MAX_SLOTS
                    && names
                        .iter()
                        .enumerate()
                        .all(|(k, n)| !names[..k].contains(n))
            })
            .map(Vec::into_boxed_slice);
        Ok(Some(SlotsRequest { own, layout }))
    }

    /// Gives `class`, just made from a body whose `__slots__` named `own`
    /// (with its layout already set), its member descriptors. Nothing else
    /// can see the class yet, so its dict changes without an event.
    pub(super) fn install_members(&mut self, class: Gc<PyObject>, own: &[Value]) {
        let c = class.as_class().expect("a class");
        // The own names come last in the layout; without one, the index is
        // not used (the members read the instances' dicts).
        let first = c
            .slot_names
            .as_ref()
            .map_or(0, |names| names.len() - own.len());
        for (k, name) in own.iter().enumerate() {
            let member = Descriptor::Member {
                owner: Value::object(class),
                index: (first + k) as u32,
                name: *name,
            };
            let member = Value::object(self.alloc(
                self.rt.types.member_descriptor,
                ObjectData::Descriptor(member),
            ));
            c.dict.lock().insert(*name, member).expect("str keys hash");
        }
    }
}
