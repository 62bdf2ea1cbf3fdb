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
    /// A `__slots__` member descriptor (wins over the instance dict too).
    Member(Value),
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
            ObjectData::Descriptor(Descriptor::Member { .. }) => ClassAttr::Member(v),
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

    /// Where the member descriptor `member` keeps its attribute of `obj`:
    /// the instance's slot, or, for an instance of a subclass that has a
    /// dict instead (a subclass without `__slots__`), its dict under the
    /// name. A TypeError for an object that is not an instance of the
    /// member's class.
    ///
    /// `class` is `obj`'s class as the caller read it (where an attribute
    /// access found `member`): the check is made on it, not on a fresh
    /// read, so that an access racing another thread's `__class__`
    /// assignment reads the slot as if it came first instead of failing
    /// the check halfway. The slot is the same either way: an assignment
    /// keeps the slot layout (`events::class`).
    fn member_place(
        &mut self,
        member: Value,
        obj: Value,
        class: Gc<PyObject>,
    ) -> PyResult<MemberPlace> {
        let Some(ObjectData::Descriptor(Descriptor::Member { owner, index, name })) = member.data()
        else {
            unreachable!("a member descriptor")
        };
        let owner_class = owner.as_object().expect("a member's owner is a class");
        if self.is_subclass(class, owner_class) {
            if let Some(o) = obj.as_ref() {
                let slots = match &o.data {
                    ObjectData::Instance(attrs) => attrs.slots(),
                    _ => None,
                };
                match slots {
                    Some(slots) if (*index as usize) < slots.len() => {
                        return Ok(MemberPlace::Slot(*index as usize))
                    }
                    None if o.attribute_table().is_some() => return Ok(MemberPlace::Dict(*name)),
                    _ => {}
                }
            }
        }
        let n = self.str_of(*name).unwrap_or_default();
        let owner_name = owner_class
            .as_class()
            .map(|c| c.name.to_string())
            .unwrap_or_default();
        let msg = format!(
            "descriptor '{n}' for '{owner_name}' objects doesn't apply to a '{}' object",
            self.type_name(obj)
        );
        self.type_error(&msg)
    }

    /// `obj.name` through the member descriptor `member`, found on `class`
    /// (`obj`'s class, as `member_place` says).
    pub(crate) fn member_get(
        &mut self,
        member: Value,
        obj: Value,
        class: Gc<PyObject>,
        name: Value,
    ) -> PyResult<Value> {
        let found = match self.member_place(member, obj, class)? {
            MemberPlace::Slot(k) => {
                Some(instance_slots(&obj)[k].load()).filter(|v| *v != Value::UNBOUND)
            }
            MemberPlace::Dict(key) => attribute_table(&obj)
                .lock()
                .get(key)
                .expect("str keys hash"),
        };
        match found {
            Some(v) => Ok(v),
            None => {
                let n = self.str_of(name).unwrap_or_default();
                let msg = format!("'{}' object has no attribute '{n}'", self.type_name(obj));
                Err(self.new_exception(self.rt.types.attribute_error, &msg))
            }
        }
    }

    /// `obj.name = value` (`del obj.name` when `value` is None) through the
    /// member descriptor `member`, found on `class` (as `member_place`).
    pub(crate) fn member_store(
        &mut self,
        member: Value,
        obj: Value,
        class: Gc<PyObject>,
        name: Value,
        value: Option<Value>,
    ) -> PyResult<()> {
        let was = match self.member_place(member, obj, class)? {
            MemberPlace::Slot(k) => {
                Some(instance_slots(&obj)[k].swap(value.unwrap_or(Value::UNBOUND)))
                    .filter(|v| *v != Value::UNBOUND)
            }
            MemberPlace::Dict(key) => {
                let mut d = attribute_table(&obj).lock();
                match value {
                    Some(v) => {
                        d.insert(key, v).expect("str keys hash");
                        return Ok(());
                    }
                    None => d.remove(key).expect("str keys hash"),
                }
            }
        };
        if value.is_none() && was.is_none() {
            // CPython's message for an unset slot is the bare name.
            let n = self.str_of(name).unwrap_or_default();
            return Err(self.new_exception(self.rt.types.attribute_error, &n));
        }
        Ok(())
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
    /// a data descriptor of `obj`'s class (a property, or a slot's member),
    /// which wins over the object's own attributes; false when there is
    /// none.
    pub(super) fn data_descriptor_set(
        &mut self,
        obj: Value,
        name: Value,
        value: Option<Value>,
    ) -> PyResult<bool> {
        let class = self.class_of(obj);
        let Some(found) = self.lookup_value(class, name) else {
            return Ok(false);
        };
        match found.data() {
            Some(ObjectData::Descriptor(Descriptor::Property { .. })) => {
                self.property_store(found, obj, name, value)?
            }
            Some(ObjectData::Descriptor(Descriptor::Member { .. })) => {
                self.member_store(found, obj, class, name, value)?
            }
            _ => return Ok(false),
        }
        Ok(true)
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
            t.member_descriptor,
            vec![
                ("__get__", member_get as NativeFn),
                ("__set__", member_set),
                ("__delete__", member_delete),
            ],
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

/// The member descriptor `args[0]` and its name, after checking that
/// `args` has `count` values.
fn member_and_name(
    i: &mut Interp<'_>,
    args: &[Value],
    what: &str,
    count: usize,
) -> PyResult<(Value, Value)> {
    let Some(ObjectData::Descriptor(Descriptor::Member { name, .. })) =
        args.first().and_then(|m| m.data())
    else {
        return i.type_error(&format!(
            "descriptor '{what}' requires a 'member_descriptor' object"
        ));
    };
    if args.len() != count {
        let msg = format!("expected {} arguments, got {}", count - 1, args.len() - 1);
        return i.type_error(&msg);
    }
    Ok((args[0], *name))
}

/// `member.__get__(obj, type=None)`: the attribute of `obj`, or the member
/// itself when `obj` is None.
fn member_get(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let count = args.len().clamp(2, 3);
    let (member, name) = member_and_name(i, args, "__get__", count)?;
    if args[1].is_none() {
        return Ok(member);
    }
    let class = i.class_of(args[1]);
    i.member_get(member, args[1], class, name)
}

/// `member.__set__(obj, value)`.
fn member_set(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let (member, name) = member_and_name(i, args, "__set__", 3)?;
    let class = i.class_of(args[1]);
    i.member_store(member, args[1], class, name, Some(args[2]))?;
    Ok(Value::NONE)
}

/// `member.__delete__(obj)`.
fn member_delete(i: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let (member, name) = member_and_name(i, args, "__delete__", 2)?;
    let class = i.class_of(args[1]);
    i.member_store(member, args[1], class, name, None)?;
    Ok(Value::NONE)
}

/// Where a member descriptor's attribute of an instance lives
/// (`Interp::member_place`).
enum MemberPlace {
    /// In the instance's slot.
    Slot(usize),
    /// In its dict, under this name.
    Dict(Value),
}

/// The attribute table of `obj`, an object that has one.
fn attribute_table(obj: &Value) -> &crate::object::Mutex<crate::object::Dict> {
    obj.as_ref()
        .and_then(|o| o.attribute_table())
        .expect("an object with an attribute table")
}

/// The slots of `obj`, an instance with slots.
fn instance_slots(obj: &Value) -> &[crate::value::AtomicValue] {
    match obj.data() {
        Some(ObjectData::Instance(attrs)) => attrs.slots().expect("an instance with slots"),
        _ => unreachable!("an instance"),
    }
}
