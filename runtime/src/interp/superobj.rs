//! `super` as a builtin type: `super(C, obj)` objects (zero-argument
//! `super()` compiles to `super(__class__, first_argument)`), and the
//! class-creation hook `__init_subclass__` that `super()` chains up to.

use stillpoint_gc::Gc;

use super::Interp;
use crate::error::PyResult;
use crate::object::{Descriptor, ObjectData, PyObject};
use crate::value::Value;

impl Interp<'_> {
    /// `super(this_class, receiver)`: checks that the receiver is an
    /// instance or a subclass of `this_class`.
    pub(crate) fn construct_super(&mut self, args: &[Value]) -> PyResult<Value> {
        let [class, receiver] = *args else {
            if args.is_empty() {
                let err = self.new_exception(self.rt.types.runtime_error, "super(): no arguments");
                return Err(err);
            }
            let msg = format!("super() takes 2 arguments here ({} given)", args.len());
            return self.type_error(&msg);
        };
        let Some(this_class) = class.as_object().filter(|c| c.as_class().is_some()) else {
            let msg = format!(
                "super() argument 1 must be a type, not {}",
                self.type_name(class)
            );
            return self.type_error(&msg);
        };
        let fits = match receiver.as_object().filter(|o| o.as_class().is_some()) {
            Some(c) => self.is_subclass(c, this_class),
            None => self.isinstance(receiver, this_class),
        };
        if !fits {
            return self.type_error("super(type, obj): obj must be an instance or subtype of type");
        }
        Ok(Value::object(self.alloc(
            self.rt.types.super_,
            ObjectData::Super {
                this_class,
                receiver,
            },
        )))
    }

    /// What an attribute `found` on a class after `this_class` in the MRO
    /// means for `super(this_class, receiver).name`, where `start` is the
    /// class whose MRO is searched: `(value, receiver-or-NULL)` as
    /// `load_method` returns it.
    pub(super) fn bind_super_attribute(
        &mut self,
        found: Value,
        receiver: Value,
        start: Gc<PyObject>,
        name: Value,
    ) -> PyResult<(Value, Value)> {
        let receiver_is_start = receiver.as_object() == Some(start);
        Ok(match found.data() {
            Some(ObjectData::Function(_) | ObjectData::Builtin(_)) => {
                // Through `super(C, C)` (in a classmethod) functions come
                // back unbound, as from the class itself.
                if receiver_is_start {
                    (found, Value::NULL)
                } else {
                    (found, receiver)
                }
            }
            Some(ObjectData::Descriptor(Descriptor::ClassMethod(f))) => {
                (f.load(), Value::object(start))
            }
            Some(ObjectData::Descriptor(Descriptor::StaticMethod(f))) => (f.load(), Value::NULL),
            Some(ObjectData::Descriptor(Descriptor::Property { fget, .. }))
                if !receiver_is_start =>
            {
                let fget = fget.load();
                (self.property_get(fget, receiver, name)?, Value::NULL)
            }
            _ => (found, Value::NULL),
        })
    }

    /// A class body's `__init_subclass__` function becomes a classmethod
    /// (as CPython makes it); other namespace entries stay as they are.
    pub(super) fn implicit_classmethod(&mut self, key: Value, v: Value) -> Value {
        let is_hook = self.str_of(key).as_deref() == Some("__init_subclass__");
        if !is_hook || !matches!(v.data(), Some(ObjectData::Function(_))) {
            return v;
        }
        Value::object(self.alloc(
            self.rt.types.classmethod,
            ObjectData::Descriptor(Descriptor::ClassMethod(crate::value::AtomicValue::new(v))),
        ))
    }

    /// After a class is created: `__init_subclass__` of the first base
    /// class that defines one (an implicit classmethod), called on the
    /// new class.
    pub(super) fn init_subclass(&mut self, class: Gc<PyObject>) -> PyResult<()> {
        let Some(c) = class.as_class() else {
            return Ok(());
        };
        let parents: Vec<Gc<PyObject>> = c.mro_tail().to_vec();
        let key = self.new_str("__init_subclass__");
        let hash = self.hash(key)?;
        for parent in parents {
            let found = parent
                .as_class()
                .and_then(|pc| pc.dict.lock().get_hashed(hash, key));
            let Some(found) = found else { continue };
            let hook = match found.data() {
                Some(ObjectData::Descriptor(Descriptor::ClassMethod(f))) => f.load(),
                Some(ObjectData::Function(_)) => found,
                // `object.__init_subclass__` does nothing.
                _ => return Ok(()),
            };
            self.call_value(hook, &[Value::object(class)], &[])?;
            return Ok(());
        }
        Ok(())
    }
}
