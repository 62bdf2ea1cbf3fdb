//! More language support: `with` (context managers), the descriptors
//! `property`/`staticmethod`/`classmethod` and their place in attribute
//! lookup, function attributes, the `NotImplemented`/`Ellipsis`
//! singletons, and construction of `set`/`frozenset`.
//!
//! # Descriptors
//!
//! Attribute lookup on an instance first looks the name up on its class:
//! a `property` there wins over the instance dict (a data descriptor);
//! otherwise the instance dict, then the class attribute, bound when it is
//! a function (a method), unwrapped for a `staticmethod`, bound to the
//! class for a `classmethod`. On a class, `staticmethod`/`classmethod`
//! are unwrapped the same way and a `property` is returned as is.

use stillpoint_gc::Gc;

use super::Interp;
use crate::error::PyResult;
use crate::interp::NativeFn;
use crate::object::{Descriptor, ObjectData, PyObject};
use crate::runtime::Types;
use crate::value::{AtomicValue, Value};

/// What a class attribute means for an attribute lookup.
pub(super) enum ClassAttr {
    /// Not found on the class.
    Missing,
    /// A `property` (wins over the instance dict).
    Property { fget: Value },
    /// Anything else: what the lookup yields when the instance dict does
    /// not have the name: `(value, receiver-or-NULL)`.
    Plain(Value, Value),
}

impl Interp<'_> {
    /// A builtins-module singleton (`Ellipsis`, `NotImplemented`).
    pub(super) fn builtin_singleton(&mut self, name: &str) -> Value {
        let ObjectData::Module(b) = &self.rt.builtins.data else {
            unreachable!("builtins is a module")
        };
        let key = self.new_str(name);
        self.dict_get(b.dict(), key)
            .ok()
            .flatten()
            .unwrap_or(Value::NONE)
    }

    /// Calls of the classes whose instances the interpreter defines:
    /// `set`, `frozenset`, `property`, `staticmethod`, `classmethod`.
    pub(super) fn construct_language_type(
        &mut self,
        class: Gc<PyObject>,
        args_start: usize,
        nargs: usize,
        kwnames: Option<Value>,
    ) -> PyResult<Option<Value>> {
        let t = self.rt.types;
        if ![
            t.set,
            t.frozenset,
            t.property,
            t.staticmethod,
            t.classmethod,
        ]
        .contains(&class)
        {
            return Ok(None);
        }
        let (args, kwargs) = self.collect_args(args_start, nargs, kwnames);
        self.construct_language_type_from(class, &args, &kwargs)
    }

    /// [`Interp::construct_language_type`] with the arguments in hand
    /// (`None` for other classes).
    pub(crate) fn construct_language_type_from(
        &mut self,
        class: Gc<PyObject>,
        args: &[Value],
        kwargs: &[(Value, Value)],
    ) -> PyResult<Option<Value>> {
        let t = self.rt.types;
        if class == t.set || class == t.frozenset {
            return crate::object::set::construct(self, class, args, kwargs).map(Some);
        }
        if ![t.property, t.staticmethod, t.classmethod].contains(&class) {
            return Ok(None);
        }
        let name = class
            .as_class()
            .map(|c| c.name.to_string())
            .unwrap_or_default();
        let descriptor = if class == t.property {
            let mut slots = [Value::NONE; 4];
            if args.len() > 4 {
                let msg = format!(
                    "property() takes at most 4 arguments ({} given)",
                    args.len()
                );
                return self.type_error(&msg);
            }
            slots[..args.len()].copy_from_slice(args);
            for (k, v) in kwargs {
                let key = self.str_of(*k).unwrap_or_default();
                let i = match key.as_str() {
                    "fget" => 0,
                    "fset" => 1,
                    "fdel" => 2,
                    "doc" => 3,
                    _ => {
                        let msg = format!("property() got an unexpected keyword argument '{key}'");
                        return self.type_error(&msg);
                    }
                };
                slots[i] = *v;
            }
            Descriptor::property(slots)
        } else {
            if args.len() != 1 || !kwargs.is_empty() {
                let msg = format!("{name} expected 1 argument, got {}", args.len());
                return self.type_error(&msg);
            }
            if class == t.staticmethod {
                Descriptor::StaticMethod(AtomicValue::new(args[0]))
            } else {
                Descriptor::ClassMethod(AtomicValue::new(args[0]))
            }
        };
        Ok(Some(Value::object(
            self.alloc(class, ObjectData::Descriptor(descriptor)),
        )))
    }

    /// What the class attribute `name` of `class` means for a lookup on an
    /// instance `obj` (see the module docs).
    pub(super) fn class_attr(&mut self, class: Gc<PyObject>, obj: Value, name: Value) -> ClassAttr {
        let Some(v) = self.lookup_value(class, name) else {
            return ClassAttr::Missing;
        };
        let Some(o) = v.as_object() else {
            return ClassAttr::Plain(v, Value::NULL);
        };
        match &o.data {
            ObjectData::Function(_) | ObjectData::Builtin(_) => ClassAttr::Plain(v, obj),
            ObjectData::Descriptor(Descriptor::Property { fget, .. }) => {
                ClassAttr::Property { fget: fget.load() }
            }
            ObjectData::Descriptor(Descriptor::StaticMethod(f)) => {
                ClassAttr::Plain(f.load(), Value::NULL)
            }
            ObjectData::Descriptor(Descriptor::ClassMethod(f)) => {
                ClassAttr::Plain(f.load(), Value::object(class))
            }
            _ => ClassAttr::Plain(v, Value::NULL),
        }
    }

    /// Unwraps a descriptor found on a class by a lookup on the class
    /// itself (`C.name`).
    pub(super) fn unwrap_on_class(&self, class: Value, v: Value) -> (Value, Value) {
        match v.data() {
            Some(ObjectData::Descriptor(Descriptor::StaticMethod(f))) => (f.load(), Value::NULL),
            Some(ObjectData::Descriptor(Descriptor::ClassMethod(f))) => (f.load(), class),
            _ => (v, Value::NULL),
        }
    }

    /// Calls a property's getter on `obj`.
    pub(crate) fn property_get(&mut self, fget: Value, obj: Value, name: Value) -> PyResult<Value> {
        if fget.is_none() {
            let n = self.str_of(name).unwrap_or_default();
            let msg = format!(
                "property '{n}' of '{}' object has no getter",
                self.type_name(obj)
            );
            return Err(self.new_exception(self.rt.types.attribute_error, &msg));
        }
        self.call_value(fget, &[obj], &[])
    }

    /// `obj.name = value` (or `del obj.name` when `value` is None) through
    /// a property of `obj`'s class; false when there is none.
    pub(super) fn property_set(
        &mut self,
        obj: Value,
        name: Value,
        value: Option<Value>,
    ) -> PyResult<bool> {
        let class = self.class_of(obj);
        let Some(p) = self.lookup_value(class, name) else {
            return Ok(false);
        };
        if !matches!(
            p.data(),
            Some(ObjectData::Descriptor(Descriptor::Property { .. }))
        ) {
            return Ok(false);
        }
        self.property_store(p, obj, name, value).map(|()| true)
    }

    /// `obj.name = value` (or `del obj.name` when `value` is None) through
    /// the property `p`: its setter (deleter) called, or an AttributeError
    /// when it has none.
    pub(crate) fn property_store(
        &mut self,
        p: Value,
        obj: Value,
        name: Value,
        value: Option<Value>,
    ) -> PyResult<()> {
        let Some(ObjectData::Descriptor(Descriptor::Property { fset, fdel, .. })) = p.data() else {
            unreachable!("a property")
        };
        let (f, what) = match value {
            Some(_) => (fset.load(), "setter"),
            None => (fdel.load(), "deleter"),
        };
        if f.is_none() {
            let n = self.str_of(name).unwrap_or_default();
            let msg = format!(
                "property '{n}' of '{}' object has no {what}",
                self.type_name(obj)
            );
            return Err(self.new_exception(self.rt.types.attribute_error, &msg));
        }
        let mark = self.push_root(p);
        let r = match value {
            Some(v) => self.call_value(f, &[obj, v], &[]),
            None => self.call_value(f, &[obj], &[]),
        };
        self.truncate_roots(mark);
        r.map(|_| ())
    }

    /// Function attributes computed from the function (`__defaults__`,
    /// `__code__`, `__doc__`, ...).
    pub(super) fn function_attribute(&mut self, o: &Gc<PyObject>, name: &str) -> Option<Value> {
        let ObjectData::Function(f) = &o.data else {
            return None;
        };
        Some(match name {
            "__name__" => f.name,
            "__qualname__" => f.qualname,
            "__defaults__" => f.defaults(),
            "__kwdefaults__" => f.kwdefaults.load(),
            "__code__" => f.code.load(),
            "__closure__" => f.closure,
            "__globals__" => Value::object(f.globals),
            "__module__" => {
                let key = self.new_str("__name__");
                self.dict_get(f.globals, key)
                    .ok()
                    .flatten()
                    .unwrap_or(Value::NONE)
            }
            "__doc__" => match &f.code().data {
                ObjectData::Code(c) if c.has_flag(crate::bytecode::CodeFlags::HAS_DOCSTRING) => {
                    c.constants[0]
                }
                _ => Value::NONE,
            },
            "__dict__" => self.attribute_dict_view(Value::object(*o))?,
            _ => return None,
        })
    }

    /// Sets attribute `name` of exception `exc` in its attribute dict
    /// (no Python code runs: the key is a fresh str).
    pub(super) fn set_exception_attr(&mut self, exc: Value, name: &str, value: Value) {
        let key = self.new_str(name);
        if let Some(ObjectData::Exception(e)) = exc.data() {
            let h = crate::object::dict::hash_value(key).unwrap_or(0);
            e.dict.lock().insert_hashed(h, key, value);
        }
    }

    /// Attribute `name` of exception `exc` if it was set.
    pub(super) fn exception_attr(&mut self, exc: Value, name: &str) -> Option<Value> {
        let key = self.new_str(name);
        let h = crate::object::dict::hash_value(key).ok()?;
        match exc.data() {
            Some(ObjectData::Exception(e)) => e.dict.lock().get_hashed(h, key),
            _ => None,
        }
    }

    /// Implicit chaining at a raise: `exc.__context__` becomes the exception
    /// being handled, if any and not `exc` itself. A chain that already
    /// leads back to `exc` is cut there first, so no cycle forms.
    pub(super) fn chain_context(&mut self, exc: Value) {
        let Some(&handled) = self.st().handled.last() else {
            return;
        };
        if handled == exc {
            return;
        }
        let mut link = handled;
        // Bounded: a chain built some other way could already loop.
        for _ in 0..10_000 {
            match self.exception_attr(link, "__context__") {
                Some(next) if next == exc => {
                    self.set_exception_attr(link, "__context__", Value::NONE);
                    break;
                }
                Some(next) if !next.is_none() => link = next,
                _ => break,
            }
        }
        self.set_exception_attr(exc, "__context__", handled);
    }

    /// The `co_*` attributes of a code object. Allocation is no safepoint,
    /// so the strings built here need no rooting.
    pub(super) fn code_attribute(&mut self, o: &Gc<PyObject>, name: &str) -> Option<Value> {
        let ObjectData::Code(c) = &o.data else {
            return None;
        };
        let names = |i: &mut Self, list: &[Box<str>]| -> Value {
            let items = list.iter().map(|n| i.new_str(n)).collect();
            i.new_tuple(items)
        };
        Some(match name {
            "co_name" => self.new_str(&c.name),
            "co_qualname" => self.new_str(&c.qualname),
            "co_filename" => self.new_str(&c.filename),
            "co_firstlineno" => self.new_int(i64::from(c.first_line)),
            "co_argcount" => self.new_int(i64::from(c.argcount)),
            "co_kwonlyargcount" => self.new_int(i64::from(c.kwonlyargcount)),
            "co_nlocals" => self.new_int(c.varnames.len() as i64),
            "co_varnames" => names(self, &c.varnames),
            "co_cellvars" => names(self, &c.cellvars),
            "co_freevars" => names(self, &c.freevars),
            _ => return None,
        })
    }

    /// `BeforeWith`: `(bound __exit__, manager.__enter__())`.
    pub(super) fn before_with(&mut self, manager: Value) -> PyResult<(Value, Value)> {
        let class = self.class_of(manager);
        if self.lookup(class, "__enter__").is_none() || self.lookup(class, "__exit__").is_none() {
            let msg = format!(
                "'{}' object does not support the context manager protocol",
                self.type_name(manager)
            );
            return self.type_error(&msg);
        }
        let exit_name = self.new_str("__exit__");
        let exit = self.get_attr(manager, exit_name)?;
        let mark = self.push_root(exit);
        let enter_name = self.new_str("__enter__");
        let entered = self
            .get_attr(manager, enter_name)
            .and_then(|enter| self.call_value(enter, &[], &[]));
        self.truncate_roots(mark);
        Ok((exit, entered?))
    }
}

/// The methods of the types this module defines (`property.setter`...).
pub fn lang_type_methods(t: &Types) -> Vec<(Gc<PyObject>, crate::builtins::NativeTable)> {
    vec![
        (
            t.property,
            vec![
                ("getter", property_getter as NativeFn),
                ("setter", property_setter),
                ("deleter", property_deleter),
                ("__init__", descriptor_init),
            ],
        ),
        (
            t.staticmethod,
            vec![("__init__", descriptor_init as NativeFn)],
        ),
        (
            t.classmethod,
            vec![("__init__", descriptor_init as NativeFn)],
        ),
    ]
}

/// `descriptor.__init__(...)` called again on an existing descriptor (the
/// "descriptor mutated" event; construction does not call it).
fn descriptor_init(i: &mut Interp<'_>, args: &[Value], kw: &[(Value, Value)]) -> PyResult<Value> {
    let Some(descriptor) = args.first().and_then(|d| d.as_object()) else {
        return i.type_error("descriptor '__init__' needs an argument");
    };
    i.reinit_descriptor(descriptor, &args[1..], kw)?;
    Ok(Value::NONE)
}

/// A copy of property `args[0]` with slot `which` replaced by `args[1]`.
fn property_with(i: &mut Interp<'_>, args: &[Value], which: usize) -> PyResult<Value> {
    let Some(ObjectData::Descriptor(Descriptor::Property {
        fget,
        fset,
        fdel,
        doc,
    })) = args.first().and_then(|p| p.data())
    else {
        return i.type_error("descriptor requires a 'property' object");
    };
    if args.len() != 2 {
        return i.type_error("property methods take exactly one argument");
    }
    let mut slots = [fget.load(), fset.load(), fdel.load(), doc.load()];
    slots[which] = args[1];
    let p = Descriptor::property(slots);
    Ok(Value::object(
        i.alloc(i.rt.types.property, ObjectData::Descriptor(p)),
    ))
}

fn property_getter(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    property_with(i, args, 0)
}

fn property_setter(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    property_with(i, args, 1)
}

fn property_deleter(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    property_with(i, args, 2)
}
