//! User attribute hooks: `__getattribute__`, `__setattr__` and
//! `__delattr__` defined on a class replace the generic attribute access
//! for its instances; `object.__getattribute__`/`__setattr__`/
//! `__delattr__` are the generic access itself (what the hooks call to
//! get the default behaviour).
//!
//! A hook is a Python function found on the instance's MRO (object's own
//! entries are builtins, so they never count as hooks). Classes, modules
//! and the builtin objects have no hooks.

use std::sync::atomic::Ordering;

use stillpoint_gc::Gc;

use super::Interp;

use crate::error::PyResult;
use crate::interp::NativeFn;
use crate::object::{ObjectData, PyObject};
use crate::value::Value;

/// Which of the special methods the interpreter consults on every access
/// a class defines in Python (bits of [`Interp::class_hooks`]).
pub(crate) mod hook {
    /// `__getattribute__` is a Python function.
    pub const GETATTRIBUTE: u8 = 1;
    /// `__setattr__` is a Python function.
    pub const SETATTR: u8 = 2;
    /// `__delattr__` is a Python function.
    pub const DELATTR: u8 = 4;
    /// `__hash__` is a Python function.
    pub const HASH: u8 = 8;
    /// `__hash__` is None (instances are unhashable).
    pub const HASH_NONE: u8 = 16;
    /// `__eq__` is a Python function.
    pub const EQ: u8 = 32;
    /// Some class of the MRO declares `__slots__`.
    pub const SLOTS: u8 = 64;
}

impl Interp<'_> {
    /// The [`hook`] bits of `class`. They are cached in the class under
    /// its version tag, which every change to the class or a base resets
    /// (crate::events), so the MRO is searched once per class version, not
    /// on every attribute access.
    pub(crate) fn class_hooks(&self, class: Gc<PyObject>) -> u8 {
        let Some(c) = class.as_class() else {
            return 0;
        };
        let cached = c.hooks_cache.load(Ordering::Relaxed);
        let current = c.version.peek();
        if current != 0 && (cached >> 8) as u32 == current {
            return cached as u8;
        }
        // Tag first, then read: a change after this point resets the tag,
        // so what is cached below can only be stale under a dead tag.
        let version = c.version.get();
        let names = &self.rt.hook_names;
        let is_function = |v: Option<Value>| {
            matches!(
                v.and_then(|v| v.as_object())
                    .map(|o| matches!(o.data, ObjectData::Function(_))),
                Some(true)
            )
        };
        let mut bits = 0;
        for (name, bit) in [
            (names.getattribute, hook::GETATTRIBUTE),
            (names.setattr, hook::SETATTR),
            (names.delattr, hook::DELATTR),
            (names.eq, hook::EQ),
        ] {
            if is_function(self.lookup_value(class, name)) {
                bits |= bit;
            }
        }
        if self.lookup_value(class, names.slots).is_some() {
            bits |= hook::SLOTS;
        }
        match self.lookup_value(class, names.hash) {
            Some(v) if v.is_none() => bits |= hook::HASH_NONE,
            found if is_function(found) => bits |= hook::HASH,
            _ => {}
        }
        if version != 0 {
            c.hooks_cache.store(
                (u64::from(version) << 8) | u64::from(bits),
                Ordering::Relaxed,
            );
        }
        bits
    }

    /// The user hook `name` (one of `rt.hook_names`, with its [`hook`]
    /// bit) of an instance's class, if it defines one.
    fn attribute_hook(&self, obj: Value, name: Value, bit: u8) -> Option<Value> {
        let o = obj.as_object()?;
        if !matches!(o.data, ObjectData::Instance(_)) {
            return None;
        }
        if self.class_hooks(o.class()) & bit == 0 {
            return None;
        }
        let hook = self.lookup_value(o.class(), name)?;
        matches!(hook.data(), Some(ObjectData::Function(_))).then_some(hook)
    }

    /// `obj.name` for a call: `(function, obj)` for a method found on the
    /// class (no bound method is allocated), `(attribute, NULL)` otherwise.
    /// A user `__getattribute__` decides instead, with `__getattr__` as
    /// its fallback when it raises AttributeError.
    pub fn load_method(&mut self, obj: Value, name: Value) -> PyResult<(Value, Value)> {
        let Some(hook) =
            self.attribute_hook(obj, self.rt.hook_names.getattribute, hook::GETATTRIBUTE)
        else {
            return self.generic_load_method(obj, name);
        };
        match self.call_value(hook, &[obj, name], &[]) {
            Ok(v) => Ok((v, Value::NULL)),
            Err(e) if self.isinstance(e.0, self.rt.types.attribute_error) => {
                let Some(fallback) = self.lookup(self.class_of(obj), "__getattr__") else {
                    return Err(e);
                };
                let v = self.call_value(fallback, &[obj, name], &[])?;
                Ok((v, Value::NULL))
            }
            Err(e) => Err(e),
        }
    }

    /// `obj.__dict__`: a live view of the object's attribute table (a
    /// read-only `mappingproxy` for a class), if it has one.
    pub(crate) fn attribute_dict_view(&mut self, obj: Value) -> Option<Value> {
        let o = obj.as_object()?;
        o.attribute_table()?;
        if matches!(o.data, ObjectData::Instance(_) | ObjectData::Subclassed(_)) {
            // Anything may be stored through the view.
            self.note_instance_shadowing(o.class());
        }
        let class = if o.as_class().is_some() {
            self.rt.types.mappingproxy
        } else {
            self.rt.types.dict
        };
        Some(Value::object(self.alloc(class, ObjectData::AttrDict(o))))
    }

    /// `obj.name = value`, through a user `__setattr__` if the class has
    /// one. Plain `object()` instances have no attributes at all.
    pub fn set_attr(&mut self, obj: Value, name: Value, value: Value) -> PyResult<()> {
        if let Some(hook) = self.attribute_hook(obj, self.rt.hook_names.setattr, hook::SETATTR) {
            return self.call_value(hook, &[obj, name, value], &[]).map(|_| ());
        }
        if self.class_of(obj) == self.rt.types.object {
            let n = self.str_of(name).unwrap_or_default();
            let msg = format!("'object' object has no attribute '{n}'");
            return Err(self.new_exception(self.rt.types.attribute_error, &msg));
        }
        self.generic_set_attr(obj, name, value)
    }

    /// `del obj.name`, through a user `__delattr__` if the class has one.
    pub(crate) fn del_attr(&mut self, obj: Value, name: Value) -> PyResult<()> {
        if let Some(hook) = self.attribute_hook(obj, self.rt.hook_names.delattr, hook::DELATTR) {
            return self.call_value(hook, &[obj, name], &[]).map(|_| ());
        }
        self.generic_del_attr(obj, name)
    }
}

/// `object.__getattribute__`, `__setattr__` and `__delattr__`.
pub(crate) fn object_attribute_methods() -> Vec<(&'static str, NativeFn)> {
    vec![
        ("__getattribute__", object_getattribute as NativeFn),
        ("__setattr__", object_setattr),
        ("__delattr__", object_delattr),
    ]
}

/// The receiver and the attribute name of a generic attribute method.
fn receiver_and_name(i: &mut Interp<'_>, args: &[Value], count: usize) -> PyResult<(Value, Value)> {
    if args.len() != count {
        let msg = format!(
            "expected {} arguments, got {}",
            count - 1,
            args.len().saturating_sub(1)
        );
        return i.type_error(&msg);
    }
    if i.str_of(args[1]).is_none() {
        let msg = format!(
            "attribute name must be string, not '{}'",
            i.type_name(args[1])
        );
        return i.type_error(&msg);
    }
    Ok((args[0], args[1]))
}

fn object_getattribute(
    i: &mut Interp<'_>,
    args: &[Value],
    _: &[(Value, Value)],
) -> PyResult<Value> {
    let (obj, name) = receiver_and_name(i, args, 2)?;
    let loaded = i.generic_load_method(obj, name)?;
    Ok(i.bind_loaded(loaded))
}

fn object_setattr(i: &mut Interp<'_>, args: &[Value], _: &[(Value, Value)]) -> PyResult<Value> {
    let (obj, name) = receiver_and_name(i, args, 3)?;
    i.generic_set_attr(obj, name, args[2])?;
    Ok(Value::NONE)
}

fn object_delattr(i: &mut Interp<'_>, args: &[Value], _: &[(Value, Value)]) -> PyResult<Value> {
    let (obj, name) = receiver_and_name(i, args, 2)?;
    i.generic_del_attr(obj, name)?;
    Ok(Value::NONE)
}
