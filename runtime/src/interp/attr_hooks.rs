//! User attribute hooks: `__getattribute__`, `__setattr__` and
//! `__delattr__` defined on a class replace the generic attribute access
//! for its instances; `object.__getattribute__`/`__setattr__`/
//! `__delattr__` are the generic access itself (what the hooks call to
//! get the default behaviour).
//!
//! A hook is a Python function found on the instance's MRO (object's own
//! entries are builtins, so they never count as hooks). Classes, modules
//! and the builtin objects have no hooks.

use super::Interp;

use crate::error::PyResult;
use crate::interp::NativeFn;
use crate::object::ObjectData;
use crate::value::Value;

impl Interp<'_> {
    /// The user hook `name` (one of `rt.hook_names`) of an instance's
    /// class, if it defines one.
    fn attribute_hook(&self, obj: Value, name: Value) -> Option<Value> {
        let o = obj.as_object()?;
        if !matches!(o.data, ObjectData::Instance(_)) {
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
        let Some(hook) = self.attribute_hook(obj, self.rt.hook_names.getattribute) else {
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
        if let Some(hook) = self.attribute_hook(obj, self.rt.hook_names.setattr) {
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
        if let Some(hook) = self.attribute_hook(obj, self.rt.hook_names.delattr) {
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
