//! The object protocol of tier 0: attribute access, arithmetic,
//! comparison, truth, str/repr, subscripts, iteration, hashing.
//!
//! Builtin types are handled natively; instances of user classes go
//! through their dunder methods (found on the class's MRO).

use crate::object::{ListItems, Mutex};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};
use stillpoint_gc::Gc;

use super::Interp;
use crate::bytecode::{BinaryOp, CompareOp, UnaryOp};
use crate::error::{PyErr, PyResult};
use crate::object::dict::{hash_value, Unhashable};
use crate::object::repr::{float_repr, str_repr};
use crate::object::{
    hash_str, Class, Dict, IterState, IteratorData, ObjectData, PyObject, PyStr, Range,
};
use crate::value::{Unpacked, Value};

/// A numeric operand, widened.
enum Num {
    Int(BigInt),
    Float(f64),
}

impl Interp<'_> {
    // ------------------------------------------------------------ constructors

    /// A new str.
    pub fn new_str(&self, s: &str) -> Value {
        Value::object(self.alloc(self.rt.types.str, ObjectData::Str(PyStr::new(s))))
    }

    /// A new instance of the user class `class`, without attributes: its
    /// slots unset, or an empty dict (`InstanceAttrs::for_class`).
    #[inline]
    pub(crate) fn new_instance(&self, class: Gc<PyObject>) -> Value {
        let attrs = match class.as_class() {
            Some(c) => crate::object::InstanceAttrs::for_class(c),
            None => crate::object::InstanceAttrs::Dict(Mutex::new(Dict::new())),
        };
        Value::object(self.alloc(class, ObjectData::Instance(attrs)))
    }

    /// The interned str spelled `s` (made on first use; see
    /// `RuntimeInner::interned`).
    pub(crate) fn intern(&self, s: &str) -> Value {
        let mut table = self.rt.interned.lock();
        if let Some(o) = table.get(s) {
            return Value::object(*o);
        }
        // Allocation never collects, so the new string needs no root
        // before it is in the table.
        let o = self.alloc(self.rt.types.str, ObjectData::Str(PyStr::new(s)));
        table.insert(s.into(), o);
        Value::object(o)
    }

    /// A new tuple.
    pub fn new_tuple(&self, items: Vec<Value>) -> Value {
        self.new_tuple_of(items.into())
    }

    /// A new tuple of `items` (a copy of a slice: `<[Value]>::into`).
    pub fn new_tuple_of(&self, items: Box<[Value]>) -> Value {
        Value::object(self.alloc(self.rt.types.tuple, ObjectData::Tuple(items)))
    }

    /// A new list.
    pub fn new_list(&self, items: Vec<Value>) -> Value {
        self.new_list_of(items.into())
    }

    /// A new list of `items` (built without an intermediate `Vec`: a copy
    /// of a slice, `ListItems::from`).
    pub fn new_list_of(&self, items: ListItems) -> Value {
        Value::object(self.alloc(self.rt.types.list, ObjectData::List(Mutex::new(items))))
    }

    /// A new dict.
    pub fn new_dict(&self, dict: Dict) -> Value {
        Value::object(self.alloc(self.rt.types.dict, ObjectData::Dict(Mutex::new(dict))))
    }

    /// An int from an `i64` (inline when it fits).
    pub fn new_int(&self, i: i64) -> Value {
        match Value::try_int(i) {
            Some(v) => v,
            None => Value::object(self.alloc(self.rt.types.int, ObjectData::Int(BigInt::from(i)))),
        }
    }

    /// An int from a big int (inline when it fits: ints are normalized).
    pub fn new_bigint(&self, b: BigInt) -> Value {
        match b.to_i64().and_then(Value::try_int) {
            Some(v) => v,
            None => Value::object(self.alloc(self.rt.types.int, ObjectData::Int(b))),
        }
    }

    // ------------------------------------------------------------ classes

    /// The class of a value.
    pub fn class_of(&self, v: Value) -> Gc<PyObject> {
        let t = &self.rt.types;
        match v.unpack() {
            Unpacked::Float(_) => t.float,
            Unpacked::Int(_) => t.int,
            Unpacked::Bool(_) => t.bool,
            Unpacked::None | Unpacked::Null | Unpacked::Unbound => t.none,
            Unpacked::Object(o) => o.class(),
        }
    }

    /// The name of a value's class.
    pub fn type_name(&self, v: Value) -> String {
        self.class_of(v)
            .as_class()
            .map(|c| c.name.to_string())
            .unwrap_or_default()
    }

    /// Looks `name` up along `class`'s MRO.
    pub fn lookup(&self, class: Gc<PyObject>, name: &str) -> Option<Value> {
        let c = class.as_class()?;
        let hash = hash_str(name);
        if let Some(v) = c.dict.lock().get_str(hash, name) {
            return Some(v);
        }
        c.mro_tail()
            .iter()
            .find_map(|base| base.as_class()?.dict.lock().get_str(hash, name))
    }

    /// Looks a str-valued name up along the MRO of the class `c` (through
    /// the dicts' hash index; `lookup_value` caches it).
    pub(super) fn lookup_uncached(&self, c: &Class, name: Value) -> Option<Value> {
        let hash = name.as_object()?.as_str()?.hash();
        if let Some(v) = c.dict.lock().get_hashed(hash, name) {
            return Some(v);
        }
        c.mro_tail()
            .iter()
            .find_map(|base| base.as_class()?.dict.lock().get_hashed(hash, name))
    }

    /// The Python override of `dunder` that `v`'s class defines, when `v`
    /// is an instance of a user subclass of `list` or `dict`: found along
    /// the MRO before the builtin base itself. Operators call it instead
    /// of the builtin behaviour; for any other value (the hot path) this is
    /// one payload check.
    #[inline]
    pub(crate) fn subclass_override(&self, v: Value, dunder: &str) -> Option<Value> {
        match v.as_ref() {
            Some(o) if matches!(o.data, ObjectData::Subclassed(_)) => {
                self.lookup_before_builtin(o.class(), dunder)
            }
            _ => None,
        }
    }

    /// `lookup`, stopping at `list` and `dict`: what a subclass of them
    /// defines (or inherits from other Python classes) itself.
    fn lookup_before_builtin(&self, class: Gc<PyObject>, name: &str) -> Option<Value> {
        let c = class.as_class()?;
        let t = &self.rt.types;
        let hash = hash_str(name);
        let tail = c.mro_tail();
        let found = std::iter::once(class)
            .chain(tail.iter())
            .take_while(|k| *k != t.list && *k != t.dict)
            .find_map(|k| k.as_class()?.dict.lock().get_str(hash, name));
        found
    }

    /// Whether `sub` is `sup` or inherits from it.
    pub fn is_subclass(&self, sub: Gc<PyObject>, sup: Gc<PyObject>) -> bool {
        if sub == sup {
            return true;
        }
        sub.as_class().is_some_and(|c| c.mro_tail().contains(sup))
    }

    /// `isinstance(v, class)`.
    pub fn isinstance(&self, v: Value, class: Gc<PyObject>) -> bool {
        self.is_subclass(self.class_of(v), class)
    }

    /// The text of a str value.
    pub fn str_of(&self, v: Value) -> Option<String> {
        v.as_object()?.as_str().map(|s| s.as_str().to_string())
    }

    // ------------------------------------------------------------ errors

    /// Raises `TypeError(msg)`.
    pub fn type_error<T>(&mut self, msg: &str) -> PyResult<T> {
        Err(self.new_exception(self.rt.types.type_error, msg))
    }

    /// Raises `ValueError(msg)`.
    pub fn value_error<T>(&mut self, msg: &str) -> PyResult<T> {
        Err(self.new_exception(self.rt.types.value_error, msg))
    }

    fn zero_division<T>(&mut self, msg: &str) -> PyResult<T> {
        Err(self.new_exception(self.rt.types.zero_division_error, msg))
    }

    fn unhashable(&mut self, u: Unhashable) -> PyErr {
        let msg = format!("unhashable type: '{}'", u.0);
        self.new_exception(self.rt.types.type_error, &msg)
    }

    /// `hash(v)`.
    pub fn hash(&mut self, v: Value) -> PyResult<i64> {
        if let Some(h) = self.user_hash(v)? {
            return Ok(h);
        }
        hash_value(v).map_err(|u| self.unhashable(u))
    }

    /// Turns the operand of `raise` into an exception instance.
    pub(super) fn make_raisable(&mut self, v: Value) -> PyResult<Value> {
        let base = self.rt.types.base_exception;
        if let Some(o) = v.as_object() {
            if o.as_class().is_some() && self.is_subclass(o, base) {
                return self.call_value(v, &[], &[]);
            }
        }
        if self.isinstance(v, base) {
            return Ok(v);
        }
        self.type_error("exceptions must derive from BaseException")
    }

    /// `isinstance(exc, ty)` for `except ty:` (a class or a tuple of them).
    pub(super) fn exception_matches(&mut self, exc: Value, ty: Value) -> PyResult<bool> {
        let Some(o) = ty.as_object() else {
            return self.type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            );
        };
        match &o.data {
            ObjectData::Class(_) if self.is_subclass(o, self.rt.types.base_exception) => {
                Ok(self.isinstance(exc, o))
            }
            ObjectData::Tuple(items) => {
                for item in items.iter() {
                    if self.exception_matches(exc, *item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => self.type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            ),
        }
    }

    // ------------------------------------------------------------ dicts and globals

    /// `dict[key]` on a dict object, natively.
    pub fn dict_get(&mut self, dict: Gc<PyObject>, key: Value) -> PyResult<Option<Value>> {
        let ObjectData::Dict(d) = &dict.data else {
            return Ok(None);
        };
        // A str key (a name, the commonest) has its hash and no `__eq__`.
        if let Some(text) = key.as_ref().and_then(PyObject::as_str) {
            return Ok(d.lock().get_hashed(text.hash(), key));
        }
        let h = self.hash(key)?;
        let key = self.table_key(key, || d.lock().keys_with_hash(h))?;
        Ok(d.lock().get_hashed(h, key))
    }

    /// `dict[key] = value` on a dict object, natively.
    pub fn dict_set(&mut self, dict: Gc<PyObject>, key: Value, value: Value) -> PyResult<()> {
        if let (ObjectData::Dict(d), Some(text)) =
            (&dict.data, key.as_ref().and_then(PyObject::as_str))
        {
            d.lock().insert_hashed(text.hash(), key, value);
            return Ok(());
        }
        let h = self.hash(key)?;
        if let ObjectData::Dict(d) = &dict.data {
            let key = self.table_key(key, || d.lock().keys_with_hash(h))?;
            d.lock().insert_hashed(h, key, value);
        }
        Ok(())
    }

    pub(crate) fn load_global(&mut self, globals: Gc<PyObject>, name: Value) -> PyResult<Value> {
        if let Some(v) = self.dict_get(globals, name)? {
            return Ok(v);
        }
        let ObjectData::Module(b) = &self.rt.builtins.data else {
            unreachable!("builtins is a module")
        };
        if let Some(v) = self.dict_get(b.dict(), name)? {
            return Ok(v);
        }
        Err(self.undefined_name_error(name))
    }

    // ------------------------------------------------------------ attributes

    fn attribute_error<T>(&mut self, obj: Value, name: Value) -> PyResult<T> {
        let name = self.str_of(name).unwrap_or_default();
        let msg = match obj.data() {
            Some(ObjectData::Class(c)) => {
                format!("type object '{}' has no attribute '{name}'", c.name)
            }
            Some(ObjectData::Module(m)) => format!("module '{}' has no attribute '{name}'", m.name),
            _ => format!("'{}' object has no attribute '{name}'", self.type_name(obj)),
        };
        Err(self.new_exception(self.rt.types.attribute_error, &msg))
    }

    /// The attributes dict of an object that has one.
    fn instance_dict(obj: &PyObject) -> Option<&Mutex<Dict>> {
        match &obj.data {
            ObjectData::Instance(attrs) => attrs.dict(),
            ObjectData::Exception(e) => Some(&e.dict),
            ObjectData::Function(f) => Some(&f.attrs),
            ObjectData::Subclassed(s) => Some(&s.attrs),
            _ => None,
        }
    }

    /// `obj.name`.
    pub fn get_attr(&mut self, obj: Value, name: Value) -> PyResult<Value> {
        let loaded = self.load_method(obj, name)?;
        Ok(self.bind_loaded(loaded))
    }

    /// The attribute value of a `load_method` result: the method bound to
    /// its receiver, if it has one.
    pub(super) fn bind_loaded(&mut self, (method, receiver): (Value, Value)) -> Value {
        if receiver.is_null() {
            return method;
        }
        // Bind the method.
        if let Some(ObjectData::Builtin(b)) = method.data() {
            return Value::object(self.alloc(
                self.rt.types.builtin_function,
                ObjectData::Builtin(crate::object::BuiltinFunction {
                    name: b.name,
                    func: b.func.clone(),
                    bound: Some(receiver),
                }),
            ));
        }
        Value::object(self.alloc(
            self.rt.types.method,
            ObjectData::BoundMethod {
                func: method,
                receiver,
            },
        ))
    }

    /// `load_method` without a user `__getattribute__`
    /// (`object.__getattribute__`).
    pub(crate) fn generic_load_method(
        &mut self,
        obj: Value,
        name: Value,
    ) -> PyResult<(Value, Value)> {
        if let Some(o) = obj.as_object() {
            match &o.data {
                ObjectData::Module(m) => {
                    return match self.dict_get(m.dict(), name)? {
                        Some(v) => Ok((v, Value::NULL)),
                        None => self.attribute_error(obj, name),
                    };
                }
                ObjectData::Super {
                    this_class,
                    receiver,
                } => return self.super_lookup(Value::object(*this_class), *receiver, name),
                ObjectData::Class(c) => {
                    if let Some(v) = self.lookup_value(o, name) {
                        return Ok(self.unwrap_on_class(obj, v));
                    }
                    let text = self.str_of(name).unwrap_or_default();
                    match text.as_str() {
                        "__name__" => return Ok((self.new_str(&c.name), Value::NULL)),
                        "__bases__" => return Ok((c.bases().as_value(), Value::NULL)),
                        "__dict__" => {
                            let view = self.attribute_dict_view(obj).expect("classes have one");
                            return Ok((view, Value::NULL));
                        }
                        "__mro__" => {
                            let mut mro = vec![obj];
                            mro.extend(c.mro_tail().iter().map(Value::object));
                            return Ok((self.new_tuple(mro), Value::NULL));
                        }
                        _ => {}
                    }
                    // Methods of `type` itself.
                    if let Some(v) = self.lookup_value(o.class(), name) {
                        return Ok((v, obj));
                    }
                    return self.attribute_error(obj, name);
                }
                _ => {}
            }
        }
        let class = self.class_of(obj);
        let class_attr = self.class_attr(class, obj, name);
        match class_attr {
            super::lang2::ClassAttr::Property { fget } => {
                return Ok((self.property_get(fget, obj, name)?, Value::NULL));
            }
            super::lang2::ClassAttr::Member(member) => {
                return Ok((self.member_get(member, obj, class, name)?, Value::NULL));
            }
            _ => {}
        }
        if let Some(o) = obj.as_object() {
            if let Some(d) = Self::instance_dict(&o) {
                let h = self.hash(name)?;
                let found = d.lock().get_hashed(h, name);
                if let Some(v) = found {
                    return Ok((v, Value::NULL));
                }
            }
            if let ObjectData::Exception(e) = &o.data {
                let attr = self.str_of(name);
                if attr.as_deref() == Some("args") {
                    return Ok((*e.args.lock(), Value::NULL));
                }
                // Chaining attributes not set yet (they live in the dict once set).
                match attr.as_deref() {
                    Some("__cause__" | "__context__") => return Ok((Value::NONE, Value::NULL)),
                    Some("__suppress_context__") => return Ok((Value::FALSE, Value::NULL)),
                    _ => {}
                }
                if attr.as_deref() == Some("code")
                    && self.isinstance(obj, self.rt.types.system_exit)
                {
                    // SystemExit.code: None, the single argument, or all of them.
                    let args = *e.args.lock();
                    let code = match args.data() {
                        Some(ObjectData::Tuple(t)) if t.is_empty() => Value::NONE,
                        Some(ObjectData::Tuple(t)) if t.len() == 1 => t[0],
                        _ => args,
                    };
                    return Ok((code, Value::NULL));
                }
            }
            if let Some(found) = self.lang_attribute(&o, obj, name)? {
                return Ok(found);
            }
            if matches!(o.data, ObjectData::Function(_)) {
                let text = self.str_of(name).unwrap_or_default();
                if let Some(v) = self.function_attribute(&o, &text) {
                    return Ok((v, Value::NULL));
                }
            }
            if matches!(o.data, ObjectData::Code(_)) {
                let text = self.str_of(name).unwrap_or_default();
                if let Some(v) = self.code_attribute(&o, &text) {
                    return Ok((v, Value::NULL));
                }
            }
            if let ObjectData::Builtin(b) = &o.data {
                let text = self.str_of(name).unwrap_or_default();
                let v = match text.as_str() {
                    "__name__" => Some(self.new_str(b.name)),
                    "__qualname__" => Some(match b.bound {
                        Some(receiver) => {
                            let owner = self.type_name(receiver);
                            self.new_str(&format!("{owner}.{}", b.name))
                        }
                        None => self.new_str(b.name),
                    }),
                    _ => None,
                };
                if let Some(v) = v {
                    return Ok((v, Value::NULL));
                }
            }
            if matches!(o.data, ObjectData::Frame(_)) {
                let text = self.str_of(name).unwrap_or_default();
                if let Some(v) = self.frame_attribute(&o, &text) {
                    return Ok((v, Value::NULL));
                }
            }
        }
        match class_attr {
            super::lang2::ClassAttr::Plain(v, receiver) => Ok((v, receiver)),
            _ => {
                match self.str_of(name).as_deref() {
                    Some("__class__") => return Ok((Value::object(class), Value::NULL)),
                    Some("__dict__") if !self.slots_forbid(class, name) => {
                        if let Some(view) = self.attribute_dict_view(obj) {
                            return Ok((view, Value::NULL));
                        }
                    }
                    _ => {}
                }
                if let Some(v) = self.number_attribute(obj, name) {
                    return Ok((v, Value::NULL));
                }
                if matches!(
                    obj.data(),
                    Some(ObjectData::Instance(_) | ObjectData::Subclassed(_))
                ) {
                    // The fallback for attributes normal lookup did not find.
                    if let Some(f) = self.lookup(class, "__getattr__") {
                        let v = self.call_value(f, &[obj, name], &[])?;
                        return Ok((v, Value::NULL));
                    }
                }
                self.attribute_error(obj, name)
            }
        }
    }

    /// Whether `__slots__` keep instances of `class` from having attribute
    /// `name`: every class of the MRO below `object` declares `__slots__`
    /// and none of them lists `name` or `__dict__`.
    pub(crate) fn slots_forbid(&self, class: Gc<PyObject>, name: Value) -> bool {
        if self.class_hooks(class) & super::attr_hooks::hook::SLOTS == 0 {
            return false;
        }
        let Some(text) = self.str_of(name) else {
            return false;
        };
        let Some(c) = class.as_class() else {
            return false;
        };
        let object = self.rt.types.object;
        let own_slots = |k: &Class| -> Option<Value> {
            k.dict.lock().items().find_map(|(key, v)| {
                (key.as_object()?.as_str()?.as_str() == "__slots__").then_some(v)
            })
        };
        let tail = c.mro_tail();
        let mro = std::iter::once(class).chain(tail.iter());
        for k in mro.filter(|k| *k != object) {
            let Some(slots) = k.as_class().and_then(own_slots) else {
                return false;
            };
            let names: Vec<Value> = match slots.data() {
                Some(ObjectData::Tuple(t)) => t.to_vec(),
                Some(ObjectData::List(l)) => l.lock().to_vec(),
                _ => vec![slots],
            };
            if names.iter().any(|n| {
                let s = self.str_of(*n);
                s.as_deref() == Some(text.as_str()) || s.as_deref() == Some("__dict__")
            }) {
                return false;
            }
        }
        true
    }

    /// The data attributes of ints and floats (`real`, `imag`,
    /// `numerator`, `denominator`); a bool's are those of its int.
    fn number_attribute(&mut self, obj: Value, name: Value) -> Option<Value> {
        let text = self.str_of(name)?;
        if let Some(f) = obj.as_float() {
            return match text.as_str() {
                "real" => Some(Value::float(f)),
                "imag" => Some(Value::float(0.0)),
                _ => None,
            };
        }
        let n = match obj.unpack() {
            Unpacked::Int(n) => self.new_int(n),
            Unpacked::Bool(b) => self.new_int(i64::from(b)),
            Unpacked::Object(o) => match &o.data {
                ObjectData::Int(b) => self.new_bigint(b.clone()),
                _ => return None,
            },
            _ => return None,
        };
        match text.as_str() {
            "real" | "numerator" => Some(n),
            "imag" => Some(self.new_int(0)),
            "denominator" => Some(self.new_int(1)),
            _ => None,
        }
    }

    /// `obj.name = value` without a user `__setattr__`
    /// (`object.__setattr__`).
    pub(crate) fn generic_set_attr(
        &mut self,
        obj: Value,
        name: Value,
        value: Value,
    ) -> PyResult<()> {
        if self.set_event_attr(obj, name, value)? {
            return Ok(());
        }
        let h = self.hash(name)?;
        if let Some(o) = obj.as_object() {
            if matches!(
                o.data,
                ObjectData::Instance(_) | ObjectData::Exception(_) | ObjectData::Subclassed(_)
            ) && self.data_descriptor_set(obj, name, Some(value))?
            {
                return Ok(());
            }
            if let Some(d) = Self::instance_dict(&o) {
                if matches!(o.data, ObjectData::Instance(_) | ObjectData::Subclassed(_))
                    && self.slots_forbid(o.class(), name)
                {
                    return self.attribute_error(obj, name);
                }
                if matches!(o.data, ObjectData::Instance(_) | ObjectData::Subclassed(_))
                    && self.lookup_value(o.class(), name).is_some()
                {
                    self.note_instance_shadowing(o.class());
                }
                d.lock().insert_hashed(h, name, value);
                return Ok(());
            }
            match &o.data {
                ObjectData::Class(_) => {
                    self.set_class_attr(o, name, Some(value))?;
                    return Ok(());
                }
                ObjectData::Module(m) => {
                    if let ObjectData::Dict(d) = &m.dict().data {
                        d.lock().insert_hashed(h, name, value);
                    }
                    return Ok(());
                }
                ObjectData::Frame(_) if self.set_frame_attr(o, name, value)? => return Ok(()),
                _ => {}
            }
        }
        let n = self.str_of(name).unwrap_or_default();
        let msg = format!("'{}' object has no attribute '{n}'", self.type_name(obj));
        Err(self.new_exception(self.rt.types.attribute_error, &msg))
    }

    // ------------------------------------------------------------ truth, str, repr

    /// `bool(v)`.
    pub fn is_true(&mut self, v: Value) -> PyResult<bool> {
        Ok(match v.unpack() {
            Unpacked::Bool(b) => b,
            Unpacked::None | Unpacked::Null | Unpacked::Unbound => false,
            Unpacked::Int(i) => i != 0,
            Unpacked::Float(f) => f != 0.0,
            Unpacked::Object(o) => match &o.data {
                ObjectData::Int(b) => !b.is_zero(),
                ObjectData::Str(s) => !s.as_str().is_empty(),
                ObjectData::Tuple(t) => !t.is_empty(),
                ObjectData::List(l) => !l.lock().is_empty(),
                ObjectData::Dict(_) | ObjectData::AttrDict(_) => {
                    !o.dict_table().expect("a dict").lock().is_empty()
                }
                ObjectData::Set(t) => !t.lock().is_empty(),
                ObjectData::Range(r) => !r.is_empty(),
                ObjectData::Subclassed(sub)
                    if self.subclass_override(v, "__bool__").is_none()
                        && self.subclass_override(v, "__len__").is_none() =>
                {
                    match &sub.base {
                        ObjectData::List(l) => !l.lock().is_empty(),
                        ObjectData::Dict(d) => !d.lock().is_empty(),
                        _ => true,
                    }
                }
                ObjectData::Instance(_) | ObjectData::Exception(_) | ObjectData::Subclassed(_) => {
                    let class = o.class();
                    if let Some(f) = self.lookup(class, "__bool__") {
                        let r = self.call_value(f, &[v], &[])?;
                        match r.as_bool() {
                            Some(b) => b,
                            None => {
                                let msg = format!(
                                    "__bool__ should return bool, returned {}",
                                    self.type_name(r)
                                );
                                return self.type_error(&msg);
                            }
                        }
                    } else if let Some(f) = self.lookup(class, "__len__") {
                        let r = self.call_value(f, &[v], &[])?;
                        self.is_true(r)?
                    } else {
                        true
                    }
                }
                _ => true,
            },
        })
    }

    /// Builds the repr of container `o` with `build`, unless `o`'s repr is
    /// already in progress on this thread (a cycle: then `cycle`, as CPython
    /// prints `[...]`). Nesting deeper than the recursion limit raises
    /// RecursionError instead of exhausting the native stack.
    fn repr_guarded(
        &mut self,
        o: Gc<PyObject>,
        cycle: &str,
        build: impl FnOnce(&mut Self) -> PyResult<String>,
    ) -> PyResult<String> {
        let key = o.into_raw() as usize;
        if self.repr_active.contains(&key) {
            return Ok(cycle.to_string());
        }
        if self.repr_active.len() as u32 >= self.rt.recursion_limit()
            || self.native_stack_exhausted()
        {
            return Err(self.new_exception(
                self.rt.types.recursion_error,
                "maximum recursion depth exceeded while getting the repr of an object",
            ));
        }
        self.repr_active.push(key);
        let result = build(self);
        self.repr_active.pop();
        result
    }

    /// `repr(v)`.
    pub fn repr(&mut self, v: Value) -> PyResult<String> {
        if let Some(f) = self.subclass_override(v, "__repr__") {
            return self.call_for_str(f, v, "__repr__");
        }
        self.builtin_repr(v)
    }

    /// `repr(v)` without the Python `__repr__` of a list or dict subclass
    /// (`list.__repr__`, `dict.__repr__`).
    pub(crate) fn builtin_repr(&mut self, v: Value) -> PyResult<String> {
        Ok(match v.unpack() {
            Unpacked::Int(i) => i.to_string(),
            Unpacked::Float(f) => float_repr(f),
            Unpacked::Bool(true) => "True".into(),
            Unpacked::Bool(false) => "False".into(),
            Unpacked::None | Unpacked::Null | Unpacked::Unbound => "None".into(),
            Unpacked::Object(o) => match o.builtin_data() {
                ObjectData::Int(b) => b.to_string(),
                ObjectData::Str(s) => str_repr(s.as_str()),
                ObjectData::Tuple(items) => {
                    let items = items.clone();
                    self.repr_guarded(o, "(...)", |i| {
                        let mut parts = Vec::with_capacity(items.len());
                        for item in items.iter() {
                            parts.push(i.repr(*item)?);
                        }
                        Ok(if parts.len() == 1 {
                            format!("({},)", parts[0])
                        } else {
                            format!("({})", parts.join(", "))
                        })
                    })?
                }
                ObjectData::List(items) => {
                    // Copies are rooted: a __repr__ may mutate the list.
                    let items = items.lock().to_vec();
                    self.repr_guarded(o, "[...]", |i| {
                        let mark = i.root_all(&items);
                        let parts: PyResult<Vec<String>> =
                            items.iter().map(|item| i.repr(*item)).collect();
                        i.truncate_roots(mark);
                        Ok(format!("[{}]", parts?.join(", ")))
                    })?
                }
                ObjectData::Dict(_) | ObjectData::AttrDict(_) => {
                    let d = o.dict_table().expect("a dict");
                    let items: Vec<(Value, Value)> = d.lock().items().collect();
                    let proxy = o.dict_table_mut().is_none();
                    self.repr_guarded(o, "{...}", |i| {
                        let flat: Vec<Value> = items.iter().flat_map(|(k, v)| [*k, *v]).collect();
                        let mark = i.root_all(&flat);
                        let parts: PyResult<Vec<String>> = items
                            .iter()
                            .map(|(k, val)| Ok(format!("{}: {}", i.repr(*k)?, i.repr(*val)?)))
                            .collect();
                        i.truncate_roots(mark);
                        let body = parts?.join(", ");
                        Ok(if proxy {
                            format!("mappingproxy({{{body}}})")
                        } else {
                            format!("{{{body}}}")
                        })
                    })?
                }
                ObjectData::Set(t) => {
                    let t = t.lock().clone();
                    let frozen = t.is_frozen();
                    if t.is_empty() {
                        return Ok(if frozen { "frozenset()" } else { "set()" }.into());
                    }
                    let items: Vec<Value> = t.entries().map(|(_, k)| k).collect();
                    let inner = self.repr_guarded(o, "...", |i| {
                        let mark = i.root_all(&items);
                        let parts: PyResult<Vec<String>> =
                            items.iter().map(|item| i.repr(*item)).collect();
                        i.truncate_roots(mark);
                        Ok(parts?.join(", "))
                    })?;
                    if inner == "..." {
                        format!("{}(...)", self.type_name(v))
                    } else if frozen {
                        format!("frozenset({{{inner}}})")
                    } else {
                        format!("{{{inner}}}")
                    }
                }
                ObjectData::Range(r) => {
                    let (start, stop, step) = r.bounds();
                    if step.is_one() {
                        format!("range({start}, {stop})")
                    } else {
                        format!("range({start}, {stop}, {step})")
                    }
                }
                ObjectData::Function(f) => {
                    format!(
                        "<function {} at {:#x}>",
                        f.qualname(),
                        o.into_raw() as usize
                    )
                }
                ObjectData::Builtin(b) => match b.bound {
                    Some(r) => format!(
                        "<built-in method {} of {} object at {:#x}>",
                        b.name,
                        self.type_name(r),
                        r.to_bits() & 0xFFFF_FFFF_FFFF
                    ),
                    None => format!("<built-in function {}>", b.name),
                },
                ObjectData::BoundMethod { func, receiver } => {
                    let (func, receiver) = (*func, *receiver);
                    let name = match func.data() {
                        Some(ObjectData::Function(f)) => f.qualname().to_string(),
                        _ => "?".into(),
                    };
                    format!("<bound method {name} of {}>", self.repr(receiver)?)
                }
                ObjectData::Class(c) => match c.module.as_deref() {
                    Some(m) if m != "builtins" => format!("<class '{m}.{}'>", c.name),
                    _ => format!("<class '{}'>", c.name),
                },
                ObjectData::Module(m) => format!("<module '{}'>", m.name),
                ObjectData::Code(c) => {
                    format!("<code object {} at {:#x}>", c.name, o.into_raw() as usize)
                }
                ObjectData::Iterator(_) => {
                    // Builtins hook: `<zip object at ...>` names the class.
                    format!(
                        "<{} object at {:#x}>",
                        self.type_name(v),
                        o.into_raw() as usize
                    )
                }
                ObjectData::Cell(_) => format!("<cell at {:#x}>", o.into_raw() as usize),
                ObjectData::Frame(f) => {
                    let (file, name) = match &f.code.data {
                        ObjectData::Code(c) => (c.filename.to_string(), c.name.to_string()),
                        _ => Default::default(),
                    };
                    let line = f.line.load(std::sync::atomic::Ordering::Relaxed);
                    format!(
                        "<frame at {:#x}, file '{file}', line {line}, code {name}>",
                        o.into_raw() as usize
                    )
                }
                ObjectData::Generator(g) => {
                    format!(
                        "<generator object {} at {:#x}>",
                        crate::object::str_text(&g.name),
                        o.into_raw() as usize
                    )
                }
                ObjectData::Slice(parts) => {
                    let parts = *parts;
                    format!(
                        "slice({}, {}, {})",
                        self.repr(parts[0])?,
                        self.repr(parts[1])?,
                        self.repr(parts[2])?
                    )
                }
                ObjectData::Exception(e) => {
                    let args = *e.args.lock();
                    let class = o.class();
                    if let Some(r) = self.user_dunder_str(class, v, "__repr__")? {
                        return Ok(r);
                    }
                    let name = class
                        .as_class()
                        .map(|c| c.name.to_string())
                        .unwrap_or_default();
                    let args_repr = self.repr(args)?;
                    let inner = match args.data() {
                        Some(ObjectData::Tuple(t)) if t.len() == 1 => {
                            args_repr[1..args_repr.len() - 2].to_string()
                        }
                        _ => args_repr[1..args_repr.len() - 1].to_string(),
                    };
                    format!("{name}({inner})")
                }
                ObjectData::Super {
                    this_class,
                    receiver,
                } => {
                    let name = this_class
                        .as_class()
                        .map(|c| c.name.to_string())
                        .unwrap_or_default();
                    format!(
                        "<super: <class '{name}'>, <{} object>>",
                        self.type_name(*receiver)
                    )
                }
                ObjectData::Descriptor(crate::object::Descriptor::Member {
                    owner, name, ..
                }) => {
                    let owner = owner
                        .as_object()
                        .and_then(|c| c.as_class().map(|c| c.name.to_string()));
                    let name = self.str_of(*name).unwrap_or_default();
                    format!(
                        "<member '{name}' of '{}' objects>",
                        owner.unwrap_or_default()
                    )
                }
                ObjectData::Descriptor(_) => {
                    format!(
                        "<{} object at {:#x}>",
                        self.type_name(v),
                        o.into_raw() as usize
                    )
                }
                ObjectData::Instance(_) if o.class() == self.rt.types.not_implemented_type => {
                    "NotImplemented".into()
                }
                ObjectData::Instance(_) if o.class() == self.rt.types.ellipsis_type => {
                    "Ellipsis".into()
                }
                // (`builtin_data` never shows `Subclassed`.)
                ObjectData::Instance(_) | ObjectData::Subclassed(_) | ObjectData::Host(_) => {
                    let class = o.class();
                    if let Some(r) = self.user_dunder_str(class, v, "__repr__")? {
                        return Ok(r);
                    }
                    let c = class.as_class().expect("instances have classes");
                    let module = c.module.as_deref().unwrap_or("__main__");
                    format!(
                        "<{module}.{} object at {:#x}>",
                        c.name,
                        o.into_raw() as usize
                    )
                }
            },
        })
    }

    /// Calls a user-defined `__repr__`/`__str__` if the class has one
    /// (builtin bases have none in their dicts).
    fn user_dunder_str(
        &mut self,
        class: Gc<PyObject>,
        v: Value,
        name: &str,
    ) -> PyResult<Option<String>> {
        let Some(f) = self.lookup(class, name) else {
            return Ok(None);
        };
        self.call_for_str(f, v, name).map(Some)
    }

    /// Calls `__repr__`/`__str__` method `f` on `v`: its result must be a str.
    fn call_for_str(&mut self, f: Value, v: Value, name: &str) -> PyResult<String> {
        let r = self.call_value(f, &[v], &[])?;
        match self.str_of(r) {
            Some(s) => Ok(s),
            None => {
                let msg = format!("{name} returned non-string (type {})", self.type_name(r));
                self.type_error(&msg)
            }
        }
    }

    /// `str(v)`.
    pub fn str(&mut self, v: Value) -> PyResult<String> {
        if let Some(o) = v.as_object() {
            match &o.data {
                ObjectData::Str(s) => return Ok(s.as_str().to_string()),
                ObjectData::Subclassed(_) => {
                    if let Some(f) = self.subclass_override(v, "__str__") {
                        return self.call_for_str(f, v, "__str__");
                    }
                }
                ObjectData::Instance(_) => {
                    if let Some(s) = self.user_dunder_str(o.class(), v, "__str__")? {
                        return Ok(s);
                    }
                }
                ObjectData::Exception(e) => {
                    if let Some(s) = self.user_dunder_str(o.class(), v, "__str__")? {
                        return Ok(s);
                    }
                    let args = *e.args.lock();
                    let is_key_error = self.is_subclass(o.class(), self.rt.types.key_error);
                    return match args.data() {
                        Some(ObjectData::Tuple(t)) if t.is_empty() => Ok(String::new()),
                        Some(ObjectData::Tuple(t)) if t.len() == 1 => {
                            let item = t[0];
                            if is_key_error {
                                self.repr(item)
                            } else {
                                self.str(item)
                            }
                        }
                        _ => self.repr(args),
                    };
                }
                _ => {}
            }
        }
        self.repr(v)
    }

    // ------------------------------------------------------------ numbers

    fn num(&self, v: Value) -> Option<Num> {
        match v.unpack() {
            Unpacked::Int(i) => Some(Num::Int(BigInt::from(i))),
            Unpacked::Bool(b) => Some(Num::Int(BigInt::from(b as i64))),
            Unpacked::Float(f) => Some(Num::Float(f)),
            Unpacked::Object(o) => match &o.data {
                ObjectData::Int(b) => Some(Num::Int(b.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    /// An int value as `i64`, if it is an int (or bool) that fits.
    pub fn as_i64(&self, v: Value) -> Option<i64> {
        match v.unpack() {
            Unpacked::Int(i) => Some(i),
            Unpacked::Bool(b) => Some(b as i64),
            Unpacked::Object(o) => match &o.data {
                ObjectData::Int(b) => b.to_i64(),
                _ => None,
            },
            _ => None,
        }
    }

    fn big_to_f64(&mut self, b: &BigInt) -> PyResult<f64> {
        match b.to_f64() {
            Some(f) if f.is_finite() => Ok(f),
            _ => Err(self.new_exception(
                self.rt.types.overflow_error,
                "int too large to convert to float",
            )),
        }
    }

    fn int_op(&mut self, a: BigInt, b: BigInt, op: BinaryOp) -> PyResult<Value> {
        let r = match op {
            BinaryOp::Add => a + b,
            BinaryOp::Sub => a - b,
            BinaryOp::Mul => a * b,
            BinaryOp::TrueDiv => {
                if b.is_zero() {
                    return self.zero_division("division by zero");
                }
                let (x, y) = (self.big_to_f64(&a)?, self.big_to_f64(&b)?);
                return Ok(Value::float(x / y));
            }
            BinaryOp::FloorDiv => {
                if b.is_zero() {
                    return self.zero_division("integer division or modulo by zero");
                }
                a.div_floor(&b)
            }
            BinaryOp::Mod => {
                if b.is_zero() {
                    return self.zero_division("integer modulo by zero");
                }
                a.mod_floor(&b)
            }
            BinaryOp::Pow => {
                if b.is_negative() {
                    let (x, y) = (self.big_to_f64(&a)?, self.big_to_f64(&b)?);
                    if x == 0.0 {
                        return self.zero_division("0.0 cannot be raised to a negative power");
                    }
                    return Ok(Value::float(x.powf(y)));
                }
                match b.to_u32() {
                    Some(e) => num_traits::pow::Pow::pow(a, e),
                    None => {
                        if a.is_zero() || a == BigInt::from(1) {
                            a
                        } else {
                            return Err(self.new_exception(
                                self.rt.types.overflow_error,
                                "exponent too large",
                            ));
                        }
                    }
                }
            }
            BinaryOp::LShift | BinaryOp::RShift => {
                if b.is_negative() {
                    return self.value_error("negative shift count");
                }
                let Some(n) = b.to_usize() else {
                    return Err(
                        self.new_exception(self.rt.types.overflow_error, "shift count too large")
                    );
                };
                if op == BinaryOp::LShift {
                    a << n
                } else {
                    a >> n
                }
            }
            BinaryOp::And => a & b,
            BinaryOp::Or => a | b,
            BinaryOp::Xor => a ^ b,
            _ => unreachable!("plain operators only"),
        };
        Ok(self.new_bigint(r))
    }

    fn float_op(&mut self, a: f64, b: f64, op: BinaryOp) -> PyResult<Option<Value>> {
        Ok(Some(Value::float(match op {
            BinaryOp::Add => a + b,
            BinaryOp::Sub => a - b,
            BinaryOp::Mul => a * b,
            BinaryOp::TrueDiv => {
                if b == 0.0 {
                    return self.zero_division("float division by zero");
                }
                a / b
            }
            BinaryOp::FloorDiv | BinaryOp::Mod => {
                if b == 0.0 {
                    return self.zero_division(if op == BinaryOp::Mod {
                        "float modulo"
                    } else {
                        "float floor division by zero"
                    });
                }
                let (div, m) = float_divmod(a, b);
                if op == BinaryOp::Mod {
                    m
                } else {
                    div
                }
            }
            BinaryOp::Pow => {
                if a == 0.0 && b < 0.0 {
                    return self.zero_division("0.0 cannot be raised to a negative power");
                }
                if a < 0.0 && b.fract() != 0.0 {
                    return self.value_error("complex results are not supported yet");
                }
                a.powf(b)
            }
            _ => return Ok(None),
        })))
    }

    /// `a op b`.
    pub fn binary_op(&mut self, a: Value, b: Value, op: BinaryOp) -> PyResult<Value> {
        let plain = op.plain();
        // Inline ints: exact, promoting on overflow.
        if let (Some(x), Some(y)) = (a.as_inline_int(), b.as_inline_int()) {
            let fast = match plain {
                BinaryOp::Add => Some(x + y),
                BinaryOp::Sub => Some(x - y),
                BinaryOp::Mul => {
                    let p = x as i128 * y as i128;
                    i64::try_from(p).ok()
                }
                BinaryOp::FloorDiv if y != 0 => Some(
                    x.div_euclid(y)
                        - if (x.rem_euclid(y) != 0) && y < 0 {
                            1
                        } else {
                            0
                        },
                ),
                BinaryOp::Mod if y != 0 => Some(x.mod_floor(&y)),
                BinaryOp::And => Some(x & y),
                BinaryOp::Or => Some(x | y),
                BinaryOp::Xor => Some(x ^ y),
                BinaryOp::TrueDiv if y != 0 => return Ok(Value::float(x as f64 / y as f64)),
                _ => None,
            };
            if let Some(r) = fast {
                return Ok(self.new_int(r));
            }
        }
        if let (Some(x), Some(y)) = (a.as_bool(), b.as_bool()) {
            match plain {
                BinaryOp::And => return Ok(Value::bool(x & y)),
                BinaryOp::Or => return Ok(Value::bool(x | y)),
                BinaryOp::Xor => return Ok(Value::bool(x ^ y)),
                _ => {}
            }
        }
        match (self.num(a), self.num(b)) {
            (Some(Num::Int(x)), Some(Num::Int(y))) => return self.int_op(x, y, plain),
            (Some(x), Some(y)) => {
                let fx = match x {
                    Num::Int(i) => self.big_to_f64(&i)?,
                    Num::Float(f) => f,
                };
                let fy = match y {
                    Num::Int(i) => self.big_to_f64(&i)?,
                    Num::Float(f) => f,
                };
                if let Some(v) = self.float_op(fx, fy, plain)? {
                    return Ok(v);
                }
            }
            _ => {}
        }
        if plain == BinaryOp::Mod {
            if let Some(ObjectData::Str(x)) = a.data() {
                return crate::builtins::format::percent_format(self, x.as_str(), b);
            }
        }
        // A list or dict subclass's Python operators come before the
        // builtin ones it inherits.
        if Self::is_subclassed(a) || Self::is_subclassed(b) {
            if let Some(r) = self.user_binary_op(a, b, op)? {
                return Ok(r);
            }
        }
        if let (Some(oa), Some(ob)) = (a.as_object(), b.as_object()) {
            match (oa.builtin_data(), ob.builtin_data(), plain) {
                (ObjectData::Str(x), ObjectData::Str(y), BinaryOp::Add) => {
                    let mut s = String::with_capacity(x.as_str().len() + y.as_str().len());
                    s.push_str(x.as_str());
                    s.push_str(y.as_str());
                    return Ok(self.new_str(&s));
                }
                (ObjectData::List(x), ObjectData::List(y), BinaryOp::Add) => {
                    let right = y.lock().to_vec();
                    if op.is_inplace() {
                        x.lock().extend(right);
                        return Ok(a);
                    }
                    let mut items = x.lock().to_vec();
                    items.extend(right);
                    return Ok(self.new_list(items));
                }
                (ObjectData::Dict(x), ObjectData::Dict(y), BinaryOp::Or) => {
                    // Stored hashes are reused, so no Python code runs here.
                    let right: Vec<(i64, Value, Value)> = y.lock().hashed_items().collect();
                    if op.is_inplace() {
                        let mut d = x.lock();
                        for (h, k, v) in right {
                            d.insert_hashed(h, k, v);
                        }
                        return Ok(a);
                    }
                    let mut merged = Dict::new();
                    for (h, k, v) in x.lock().hashed_items().chain(right) {
                        merged.insert_hashed(h, k, v);
                    }
                    return Ok(self.new_dict(merged));
                }
                (ObjectData::Tuple(x), ObjectData::Tuple(y), BinaryOp::Add) => {
                    let mut items = x.to_vec();
                    items.extend(y.iter().copied());
                    return Ok(self.new_tuple(items));
                }
                _ => {}
            }
        }
        if let Some(r) = self.set_binary_op(a, b, op) {
            return Ok(r);
        }
        if plain == BinaryOp::Mul && op.is_inplace() && !b.is_float() && self.num(b).is_some() {
            if let Some(ObjectData::List(x)) = a.builtin_data() {
                // `list *= n` repeats in place; CPython keeps the same object.
                let n = self.as_i64(b).unwrap_or(i64::MAX).max(0) as usize;
                let mut items = x.lock();
                let once = items.to_vec();
                items.clear();
                for _ in 0..n {
                    items.extend_from_slice(&once);
                }
                return Ok(a);
            }
        }
        if plain == BinaryOp::Mul {
            if let Some(r) = self.repeat(a, b)? {
                return Ok(r);
            }
            if let Some(r) = self.repeat(b, a)? {
                return Ok(r);
            }
        }
        if op.is_inplace() {
            if let Some(o) = a.as_object() {
                if let ObjectData::List(l) = o.builtin_data() {
                    if plain == BinaryOp::Add {
                        let items = self.collect_iterable(b)?;
                        l.lock().extend(items);
                        return Ok(a);
                    }
                }
            }
        }
        if let Some(r) = self.user_binary_op(a, b, op)? {
            return Ok(r);
        }
        if plain == BinaryOp::Mul {
            // A count with `__index__`, once its own methods declined (as
            // CPython orders them).
            for (seq, count) in [(a, b), (b, a)] {
                let is_sequence = seq.as_ref().is_some_and(|o| {
                    matches!(
                        o.builtin_data(),
                        ObjectData::Str(_) | ObjectData::List(_) | ObjectData::Tuple(_)
                    )
                });
                if let (true, Some(ObjectData::Instance(_))) = (is_sequence, count.data()) {
                    let count = self.index_operand(count)?;
                    if let Some(r) = self.repeat(seq, count)? {
                        return Ok(r);
                    }
                }
            }
        }
        self.unsupported_operands(a, b, op)
    }

    /// The TypeError of `a op b` when no implementation accepted the
    /// operands.
    pub(crate) fn unsupported_operands(
        &mut self,
        a: Value,
        b: Value,
        op: BinaryOp,
    ) -> PyResult<Value> {
        let plain = op.plain();
        let (ta, tb) = (self.type_name(a), self.type_name(b));
        if plain == BinaryOp::Add && ta == "str" {
            return self.type_error(&format!("can only concatenate str (not \"{tb}\") to str"));
        }
        if plain == BinaryOp::Add && ta == "list" {
            return self.type_error(&format!("can only concatenate list (not \"{tb}\") to list"));
        }
        if plain == BinaryOp::Add && ta == "tuple" {
            return self.type_error(&format!(
                "can only concatenate tuple (not \"{tb}\") to tuple"
            ));
        }
        if plain == BinaryOp::Mul {
            let is_seq = |n: &str| matches!(n, "str" | "list" | "tuple");
            let other = if is_seq(&ta) {
                Some(&tb)
            } else if is_seq(&tb) {
                Some(&ta)
            } else {
                None
            };
            if let Some(other) = other {
                return self.type_error(&format!(
                    "can't multiply sequence by non-int of type '{other}'"
                ));
            }
        }
        let sym = if plain == BinaryOp::Pow {
            "** or pow()"
        } else {
            op.symbol()
        };
        self.type_error(&format!(
            "unsupported operand type(s) for {sym}: '{ta}' and '{tb}'"
        ))
    }

    /// `a op b` through user-defined dunders (`__iop__`, `__op__`, then
    /// `b`'s `__rop__`); `None` when none applies.
    fn user_binary_op(&mut self, a: Value, b: Value, op: BinaryOp) -> PyResult<Option<Value>> {
        let (name, rname) = dunder_names(op.plain());
        if op.is_inplace() {
            let iname = format!("__i{}", &name[2..]);
            if let Some(f) = self.user_method(a, &iname) {
                let r = self.call_value(f, &[a, b], &[])?;
                if !self.is_not_implemented(r) {
                    return Ok(Some(r));
                }
            }
        }
        if let Some(f) = self.user_method(a, name) {
            let r = self.call_value(f, &[a, b], &[])?;
            if !self.is_not_implemented(r) {
                return Ok(Some(r));
            }
        }
        if let Some(f) = self.user_method(b, rname) {
            let r = self.call_value(f, &[b, a], &[])?;
            if !self.is_not_implemented(r) {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    /// `a | b` and friends on two sets (the result has `a`'s type;
    /// in-place forms update `a` when it is a set).
    fn set_binary_op(&mut self, a: Value, b: Value, op: BinaryOp) -> Option<Value> {
        use crate::object::set::{combine, snapshot, with_table, SetOp};
        let set_op = match op.plain() {
            BinaryOp::Or => SetOp::Union,
            BinaryOp::And => SetOp::Intersection,
            BinaryOp::Sub => SetOp::Difference,
            BinaryOp::Xor => SetOp::SymmetricDifference,
            _ => return None,
        };
        let (x, y) = (snapshot(a)?, snapshot(b)?);
        let frozen = x.is_frozen();
        if op.is_inplace() && !frozen {
            with_table(a, |t| crate::object::set::update_in_place(t, &y, set_op));
            return Some(a);
        }
        Some(self.new_set(combine(&x, &y, set_op, frozen)))
    }

    /// Whether `v` is `NotImplemented` (or the internal NULL that natives
    /// may return for it).
    pub fn is_not_implemented(&self, v: Value) -> bool {
        v == Value::NULL || self.class_of(v) == self.rt.types.not_implemented_type
    }

    /// A method defined on a user class (instances only).
    pub(crate) fn user_method(&self, v: Value, name: &str) -> Option<Value> {
        let o = v.as_object()?;
        match o.data {
            ObjectData::Instance(_) | ObjectData::Exception(_) => self.lookup(o.class(), name),
            ObjectData::Subclassed(_) => self.subclass_override(v, name),
            _ => None,
        }
    }

    /// Whether `v` is an instance of a user subclass of `list` or `dict`.
    #[inline]
    fn is_subclassed(v: Value) -> bool {
        matches!(v.data(), Some(ObjectData::Subclassed(_)))
    }

    fn repeat(&mut self, seq: Value, count: Value) -> PyResult<Option<Value>> {
        let Some(o) = seq.as_object() else {
            return Ok(None);
        };
        if !matches!(
            o.builtin_data(),
            ObjectData::Str(_) | ObjectData::List(_) | ObjectData::Tuple(_)
        ) {
            return Ok(None);
        }
        if count.is_float() || self.num(count).is_none() {
            return Ok(None);
        }
        let n = self.as_i64(count).unwrap_or(i64::MAX).max(0) as usize;
        Ok(Some(match o.builtin_data() {
            ObjectData::Str(s) => {
                if s.as_str().len().saturating_mul(n) > (1 << 32) {
                    return Err(self.new_exception(
                        self.rt.types.overflow_error,
                        "repeated string is too long",
                    ));
                }
                self.new_str(&s.as_str().repeat(n))
            }
            ObjectData::List(l) => {
                let items = l.lock().to_vec();
                let total: Vec<Value> = items
                    .iter()
                    .copied()
                    .cycle()
                    .take(items.len().saturating_mul(n))
                    .collect();
                self.new_list(total)
            }
            ObjectData::Tuple(t) => {
                let total: Vec<Value> = t
                    .iter()
                    .copied()
                    .cycle()
                    .take(t.len().saturating_mul(n))
                    .collect();
                self.new_tuple(total)
            }
            _ => unreachable!("checked above"),
        }))
    }

    /// `op a`.
    pub fn unary_op(&mut self, a: Value, op: UnaryOp) -> PyResult<Value> {
        if op == UnaryOp::Not {
            return Ok(Value::bool(!self.is_true(a)?));
        }
        match (self.num(a), op) {
            (Some(Num::Int(i)), UnaryOp::Neg) => return Ok(self.new_bigint(-i)),
            (Some(Num::Int(i)), UnaryOp::Pos) => return Ok(self.new_bigint(i)),
            (Some(Num::Int(i)), UnaryOp::Invert) => return Ok(self.new_bigint(!i)),
            (Some(Num::Float(f)), UnaryOp::Neg) => return Ok(Value::float(-f)),
            (Some(Num::Float(f)), UnaryOp::Pos) => return Ok(Value::float(f)),
            _ => {}
        }
        let name = match op {
            UnaryOp::Neg => "__neg__",
            UnaryOp::Pos => "__pos__",
            _ => "__invert__",
        };
        if let Some(f) = self.user_method(a, name) {
            return self.call_value(f, &[a], &[]);
        }
        let sym = match op {
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            _ => "~",
        };
        let msg = format!("bad operand type for unary {sym}: '{}'", self.type_name(a));
        self.type_error(&msg)
    }

    // ------------------------------------------------------------ comparison

    /// `a == b`.
    pub fn eq(&mut self, a: Value, b: Value) -> PyResult<bool> {
        if a == b && !a.is_float() {
            return Ok(true);
        }
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            return Ok(num_cmp(&x, &y) == Some(std::cmp::Ordering::Equal));
        }
        // A list or dict subclass's `__eq__` comes before the builtin one.
        if Self::is_subclassed(a) || Self::is_subclassed(b) {
            if let Some(r) = self.user_eq(a, b)? {
                return Ok(r);
            }
        }
        if let (Some(oa), Some(ob)) = (a.as_object(), b.as_object()) {
            match (oa.builtin_data(), ob.builtin_data()) {
                (ObjectData::Str(x), ObjectData::Str(y)) => return Ok(x.as_str() == y.as_str()),
                (ObjectData::Tuple(x), ObjectData::Tuple(y)) => {
                    let (x, y) = (x.to_vec(), y.to_vec());
                    return self.seq_eq(&x, &y);
                }
                (ObjectData::Range(x), ObjectData::Range(y)) => return Ok(x.same_values(y)),
                (ObjectData::List(x), ObjectData::List(y)) => {
                    let (x, y) = (x.lock().to_vec(), y.lock().to_vec());
                    return self.seq_eq(&x, &y);
                }
                (
                    ObjectData::Dict(_) | ObjectData::AttrDict(_),
                    ObjectData::Dict(_) | ObjectData::AttrDict(_),
                ) => {
                    let (Some(x), Some(y)) = (oa.dict_table(), ob.dict_table()) else {
                        return Ok(false);
                    };
                    let x: Vec<(Value, Value)> = x.lock().items().collect();
                    if x.len() != y.lock().len() {
                        return Ok(false);
                    }
                    for (k, v) in x {
                        let h = self.hash(k)?;
                        let other = y.lock().get_hashed(h, k);
                        match other {
                            Some(w) if self.eq(v, w)? => {}
                            _ => return Ok(false),
                        }
                    }
                    return Ok(true);
                }
                (ObjectData::Set(_), ObjectData::Set(_)) => {
                    return Ok(crate::object::dict::keys_equal(a, b));
                }
                _ => {}
            }
        }
        if let Some(r) = self.user_eq(a, b)? {
            return Ok(r);
        }
        Ok(a == b && !a.is_float())
    }

    /// `a == b` through a user-defined `__eq__` of either side; `None` when
    /// neither has one (or both return NotImplemented).
    fn user_eq(&mut self, a: Value, b: Value) -> PyResult<Option<bool>> {
        if let Some(f) = self.user_method(a, "__eq__") {
            let r = self.call_value(f, &[a, b], &[])?;
            if !self.is_not_implemented(r) {
                return self.is_true(r).map(Some);
            }
        }
        if let Some(f) = self.user_method(b, "__eq__") {
            let r = self.call_value(f, &[b, a], &[])?;
            if !self.is_not_implemented(r) {
                return self.is_true(r).map(Some);
            }
        }
        Ok(None)
    }

    fn seq_eq(&mut self, x: &[Value], y: &[Value]) -> PyResult<bool> {
        if x.len() != y.len() {
            return Ok(false);
        }
        // The copies are rooted: __eq__ may mutate the containers.
        let mark = self.root_all(x);
        self.root_all(y);
        let mut result = Ok(true);
        for (p, q) in x.iter().zip(y) {
            match self.eq(*p, *q) {
                Ok(true) => {}
                other => {
                    result = other;
                    break;
                }
            }
        }
        self.truncate_roots(mark);
        result
    }

    /// The ordering of `a` and `b` for `<` and friends (`None`: unordered,
    /// like NaN); a TypeError for unorderable types.
    fn order(&mut self, a: Value, b: Value, op: CompareOp) -> PyResult<Option<std::cmp::Ordering>> {
        // Inline ints (48 bits) and floats compare exactly as f64s.
        let small = |v: Value| match v.unpack() {
            Unpacked::Int(n) => Some(n as f64),
            Unpacked::Bool(b) => Some(f64::from(u8::from(b))),
            Unpacked::Float(f) => Some(f),
            _ => None,
        };
        if let (Some(x), Some(y)) = (small(a), small(b)) {
            return Ok(x.partial_cmp(&y));
        }
        if let (Some(x), Some(y)) = (self.num(a), self.num(b)) {
            return Ok(num_cmp(&x, &y));
        }
        if let (Some(oa), Some(ob)) = (a.as_object(), b.as_object()) {
            let seqs = match (oa.builtin_data(), ob.builtin_data()) {
                (ObjectData::Str(x), ObjectData::Str(y)) => {
                    return Ok(Some(x.as_str().cmp(y.as_str())))
                }
                // Tuples never change: their items are compared in place
                // (`a` and `b` are rooted by the caller).
                (ObjectData::Tuple(x), ObjectData::Tuple(y)) => {
                    for (p, q) in x.iter().zip(y.iter()) {
                        if !self.eq(*p, *q)? {
                            return self.order(*p, *q, op);
                        }
                    }
                    return Ok(Some(x.len().cmp(&y.len())));
                }
                (ObjectData::List(x), ObjectData::List(y)) => {
                    Some((x.lock().to_vec(), y.lock().to_vec()))
                }
                _ => None,
            };
            if let Some((x, y)) = seqs {
                for (p, q) in x.iter().zip(y.iter()) {
                    if !self.eq(*p, *q)? {
                        return self.order(*p, *q, op);
                    }
                }
                return Ok(Some(x.len().cmp(&y.len())));
            }
        }
        let msg = format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            self.type_name(a),
            self.type_name(b)
        );
        self.type_error(&msg)
    }

    /// `a op b` for comparison operators.
    pub fn compare(&mut self, a: Value, b: Value, op: CompareOp) -> PyResult<Value> {
        use std::cmp::Ordering::*;
        Ok(Value::bool(match op {
            CompareOp::Is => a == b,
            CompareOp::IsNot => a != b,
            CompareOp::Eq => self.eq(a, b)?,
            CompareOp::Ne => {
                if let Some(f) = self.user_method(a, "__ne__") {
                    let r = self.call_value(f, &[a, b], &[])?;
                    return Ok(Value::bool(self.is_true(r)?));
                }
                !self.eq(a, b)?
            }
            CompareOp::In => self.contains(b, a)?,
            CompareOp::NotIn => !self.contains(b, a)?,
            CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge => {
                let (name, reflected) = match op {
                    CompareOp::Lt => ("__lt__", "__gt__"),
                    CompareOp::Le => ("__le__", "__ge__"),
                    CompareOp::Gt => ("__gt__", "__lt__"),
                    _ => ("__ge__", "__le__"),
                };
                if let Some(f) = self.user_method(a, name) {
                    let r = self.call_value(f, &[a, b], &[])?;
                    if !self.is_not_implemented(r) {
                        return Ok(r);
                    }
                }
                if let Some(f) = self.user_method(b, reflected) {
                    let r = self.call_value(f, &[b, a], &[])?;
                    if !self.is_not_implemented(r) {
                        return Ok(r);
                    }
                }
                if let (Some(x), Some(y)) = (
                    crate::object::set::snapshot(a),
                    crate::object::set::snapshot(b),
                ) {
                    use crate::object::set::is_subset;
                    return Ok(Value::bool(match op {
                        CompareOp::Le => is_subset(&x, &y),
                        CompareOp::Lt => x.len() < y.len() && is_subset(&x, &y),
                        CompareOp::Ge => is_subset(&y, &x),
                        _ => y.len() < x.len() && is_subset(&y, &x),
                    }));
                }
                let ord = self.order(a, b, op)?;
                match (op, ord) {
                    (_, None) => false,
                    (CompareOp::Lt, Some(o)) => o == Less,
                    (CompareOp::Le, Some(o)) => o != Greater,
                    (CompareOp::Gt, Some(o)) => o == Greater,
                    (_, Some(o)) => o != Less,
                }
            }
        }))
    }

    /// `item in container`.
    pub fn contains(&mut self, container: Value, item: Value) -> PyResult<bool> {
        if let Some(f) = self.subclass_override(container, "__contains__") {
            let r = self.call_value(f, &[container, item], &[])?;
            return self.is_true(r);
        }
        self.builtin_contains(container, item)
    }

    /// `item in container` without the Python `__contains__` of a list or
    /// dict subclass.
    pub(crate) fn builtin_contains(&mut self, container: Value, item: Value) -> PyResult<bool> {
        if let Some(o) = container.as_object() {
            match o.builtin_data() {
                ObjectData::Str(s) => {
                    return match item
                        .as_object()
                        .and_then(|i| i.as_str().map(|t| t.as_str().to_string()))
                    {
                        Some(t) => Ok(s.as_str().contains(t.as_str())),
                        None => {
                            let msg = format!(
                                "'in <string>' requires string as left operand, not {}",
                                self.type_name(item)
                            );
                            self.type_error(&msg)
                        }
                    };
                }
                ObjectData::Dict(_) | ObjectData::AttrDict(_) => {
                    let d = o.dict_table().expect("a dict");
                    let h = self.hash(item)?;
                    let item = self.table_key(item, || d.lock().keys_with_hash(h))?;
                    return Ok(d.lock().get_hashed(h, item).is_some());
                }
                ObjectData::Set(_) => return self.set_contains(container, item),
                ObjectData::List(l) => {
                    let items = l.lock().to_vec();
                    let mark = self.root_all(&items);
                    let mut result = Ok(false);
                    for x in items {
                        match self.eq(x, item) {
                            Ok(false) => {}
                            other => {
                                result = other;
                                break;
                            }
                        }
                    }
                    self.truncate_roots(mark);
                    return result;
                }
                ObjectData::Tuple(t) => {
                    let items = t.to_vec();
                    for x in items {
                        if self.eq(x, item)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                ObjectData::Range(r) => {
                    if let Some(n) = self.as_i64(item) {
                        return Ok(r.contains_i64(n));
                    }
                    let r = r.clone();
                    return Ok(self.range_search(&r, item, true)?.0.is_some());
                }
                ObjectData::Instance(_) => {
                    if let Some(f) = self.lookup(o.class(), "__contains__") {
                        let r = self.call_value(f, &[container, item], &[])?;
                        return self.is_true(r);
                    }
                    let class = o.class();
                    if self.lookup(class, "__iter__").is_some()
                        || self.lookup(class, "__getitem__").is_some()
                    {
                        // No __contains__: CPython searches by iterating.
                        let it = self.get_iter(container)?;
                        let mark = self.push_root(it);
                        let result = loop {
                            match self.iter_next(it) {
                                Ok(Some(x)) => {
                                    self.push_root(x);
                                    match self.eq(x, item) {
                                        Ok(false) => self.truncate_roots(mark + 1),
                                        other => break other,
                                    }
                                }
                                Ok(None) => break Ok(false),
                                Err(e) => break Err(e),
                            }
                        };
                        self.truncate_roots(mark);
                        return result;
                    }
                }
                _ => {}
            }
        }
        let msg = format!(
            "argument of type '{}' is not iterable",
            self.type_name(container)
        );
        self.type_error(&msg)
    }

    // ------------------------------------------------------------ subscripts

    /// The position `key` names in a sequence of `len` items (negative
    /// counts from the end), or CPython's TypeError/IndexError naming `what`.
    pub(super) fn index(
        &mut self,
        key: Value,
        len: usize,
        what: &str,
        assignment: bool,
    ) -> PyResult<usize> {
        let i = self.index_int(key, what)?;
        match normalize_index(i, len) {
            Some(idx) => Ok(idx),
            None => Err(self.index_out_of_range(what, assignment)),
        }
    }

    /// `v`, or the int `v.__index__()` returns when `v` is an instance
    /// whose class defines it: what an index, a slice bound or a count
    /// stands for (an `__index__` returning a non-int is a TypeError).
    pub(crate) fn index_operand(&mut self, v: Value) -> PyResult<Value> {
        let Some(ObjectData::Instance(_)) = v.data() else {
            return Ok(v);
        };
        let Some(f) = self.lookup(self.class_of(v), "__index__") else {
            return Ok(v);
        };
        let r = self.call_value(f, &[v], &[])?;
        if matches!(r.unpack(), Unpacked::Int(_) | Unpacked::Bool(_))
            || matches!(r.data(), Some(ObjectData::Int(_)))
        {
            return Ok(r);
        }
        let msg = format!("__index__ returned non-int (type {})", self.type_name(r));
        self.type_error(&msg)
    }

    /// The int an index `key` stands for (TypeError for anything else).
    fn index_int(&mut self, key: Value, what: &str) -> PyResult<i64> {
        if let Some(i) = key.as_inline_int() {
            return Ok(i);
        }
        let key = self.index_operand(key)?;
        let Some(i) = (if key.is_float() {
            None
        } else {
            self.as_i64(key)
        }) else {
            let msg = format!(
                "{what} indices must be integers or slices, not {}",
                self.type_name(key)
            );
            return self.type_error(&msg);
        };
        Ok(i)
    }

    fn index_out_of_range(&mut self, what: &str, assignment: bool) -> PyErr {
        let msg = if assignment {
            format!("{what} assignment index out of range")
        } else {
            format!("{what} index out of range")
        };
        self.new_exception(self.rt.types.index_error, &msg)
    }

    /// `container[key]`.
    pub fn get_item(&mut self, container: Value, key: Value) -> PyResult<Value> {
        if let Some(f) = self.subclass_override(container, "__getitem__") {
            return self.call_value(f, &[container, key], &[]);
        }
        self.builtin_get_item(container, key)
    }

    /// `container[key]` without the Python `__getitem__` of a list or dict
    /// subclass (a dict subclass's `__missing__` still applies).
    pub(crate) fn builtin_get_item(&mut self, container: Value, key: Value) -> PyResult<Value> {
        if let Some(ObjectData::Slice(parts)) = key.data() {
            if let Some(v) = self.get_slice(container, *parts)? {
                return Ok(v);
            }
        }
        if let Some(o) = container.as_object() {
            match o.builtin_data() {
                ObjectData::List(l) => {
                    // One lock: the bounds check and the read are atomic.
                    let i = self.index_int(key, "list")?;
                    let item = {
                        let items = l.lock();
                        normalize_index(i, items.len()).map(|k| items[k])
                    };
                    return match item {
                        Some(v) => Ok(v),
                        None => Err(self.index_out_of_range("list", false)),
                    };
                }
                ObjectData::Tuple(t) => {
                    let i = self.index(key, t.len(), "tuple", false)?;
                    return Ok(t[i]);
                }
                ObjectData::Str(s) => {
                    let i = self.index(key, s.char_count(), "string", false)?;
                    let c = if s.is_ascii() {
                        s.as_str()[i..i + 1].to_string()
                    } else {
                        s.as_str()
                            .chars()
                            .nth(i)
                            .map(String::from)
                            .unwrap_or_default()
                    };
                    return Ok(self.new_str(&c));
                }
                ObjectData::Dict(_) | ObjectData::AttrDict(_) => {
                    let d = o.dict_table().expect("a dict");
                    let h = self.hash(key)?;
                    let key = self.table_key(key, || d.lock().keys_with_hash(h))?;
                    let found = d.lock().get_hashed(h, key);
                    return match found {
                        Some(v) => Ok(v),
                        None => {
                            if let Some(f) = self.user_method(container, "__missing__") {
                                return self.call_value(f, &[container, key], &[]);
                            }
                            let args = self.new_tuple(vec![key]);
                            Err(PyErr(
                                self.new_exception_object(self.rt.types.key_error, args),
                            ))
                        }
                    };
                }
                ObjectData::Range(r) => {
                    if let Some(v) = self.as_i64(key).and_then(|k| r.get_small(k)) {
                        return Ok(self.new_int(v));
                    }
                    let r = r.clone();
                    let key = self.index_operand(key)?;
                    let Some(key) = crate::builtins::numeric::big_of(key) else {
                        let msg = format!(
                            "range indices must be integers or slices, not {}",
                            self.type_name(key)
                        );
                        return self.type_error(&msg);
                    };
                    return match r.get(&key) {
                        Some(v) => Ok(self.new_bigint(v)),
                        None => Err(self.new_exception(
                            self.rt.types.index_error,
                            "range object index out of range",
                        )),
                    };
                }
                ObjectData::Instance(_) => {
                    if let Some(f) = self.lookup(o.class(), "__getitem__") {
                        return self.call_value(f, &[container, key], &[]);
                    }
                }
                _ => {}
            }
        }
        let msg = format!(
            "'{}' object is not subscriptable",
            self.type_name(container)
        );
        self.type_error(&msg)
    }

    /// `container[key] = value`.
    pub fn set_item(&mut self, container: Value, key: Value, value: Value) -> PyResult<()> {
        if let Some(f) = self.subclass_override(container, "__setitem__") {
            self.call_value(f, &[container, key, value], &[])?;
            return Ok(());
        }
        self.builtin_set_item(container, key, value)
    }

    /// `container[key] = value` without the Python `__setitem__` of a list
    /// or dict subclass.
    pub(crate) fn builtin_set_item(
        &mut self,
        container: Value,
        key: Value,
        value: Value,
    ) -> PyResult<()> {
        if let Some(ObjectData::Slice(parts)) = key.data() {
            if self.set_slice(container, *parts, Some(value))? {
                return Ok(());
            }
        }
        if let Some(o) = container.as_object() {
            match o.builtin_data() {
                ObjectData::List(l) => {
                    let i = self.index_int(key, "list")?;
                    let stored = {
                        let mut items = l.lock();
                        match normalize_index(i, items.len()) {
                            Some(k) => {
                                items.set(k, value);
                                true
                            }
                            None => false,
                        }
                    };
                    return if stored {
                        Ok(())
                    } else {
                        Err(self.index_out_of_range("list", true))
                    };
                }
                ObjectData::Dict(_) | ObjectData::AttrDict(_) => {
                    let Some(d) = o.dict_table_mut() else {
                        let msg = format!(
                            "'{}' object does not support item assignment",
                            self.type_name(container)
                        );
                        return self.type_error(&msg);
                    };
                    let h = self.hash(key)?;
                    let key = self.table_key(key, || d.lock().keys_with_hash(h))?;
                    d.lock().insert_hashed(h, key, value);
                    return Ok(());
                }
                ObjectData::Instance(_) => {
                    if let Some(f) = self.lookup(o.class(), "__setitem__") {
                        self.call_value(f, &[container, key, value], &[])?;
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        let msg = format!(
            "'{}' object does not support item assignment",
            self.type_name(container)
        );
        self.type_error(&msg)
    }

    // ------------------------------------------------------------ iteration

    /// `iter(v)`.
    pub fn get_iter(&mut self, v: Value) -> PyResult<Value> {
        if let Some(f) = self.subclass_override(v, "__iter__") {
            return self.call_value(f, &[v], &[]);
        }
        self.builtin_iter(v)
    }

    /// `iter(v)` without the Python `__iter__` of a list or dict subclass.
    pub(crate) fn builtin_iter(&mut self, v: Value) -> PyResult<Value> {
        let data = v.builtin_data();
        if let Some(state) = data.and_then(|d| IteratorData::of_sequence(v, d)) {
            return Ok(self.new_iterator(state));
        }
        let state = match data {
            Some(ObjectData::Str(_)) => IterState::Str { s: v, offset: 0 }.into(),
            Some(ObjectData::Dict(_) | ObjectData::AttrDict(_)) => IterState::DictKeys {
                dict: v,
                index: 0,
                len: v
                    .as_ref()
                    .and_then(|o| o.dict_table())
                    .expect("a dict")
                    .lock()
                    .len(),
            }
            .into(),
            Some(ObjectData::Set(_)) => IterState::Set { set: v, index: 0 }.into(),
            Some(ObjectData::Iterator(_) | ObjectData::Generator(_)) => return Ok(v),
            Some(ObjectData::Instance(_)) => {
                if let Some(f) = self.lookup(self.class_of(v), "__iter__") {
                    return self.call_value(f, &[v], &[]);
                }
                if self.lookup(self.class_of(v), "__getitem__").is_some() {
                    let state = crate::builtins::iter::LazyIter::GetItem { seq: v, index: 0 };
                    let class = self.rt.types.iterator;
                    return Ok(crate::builtins::iter::new_lazy(self, class, state));
                }
                let msg = format!("'{}' object is not iterable", self.type_name(v));
                return self.type_error(&msg);
            }
            _ => {
                let msg = format!("'{}' object is not iterable", self.type_name(v));
                return self.type_error(&msg);
            }
        };
        Ok(self.new_iterator(state))
    }

    /// An iterator object stepping through `state`.
    pub(crate) fn new_iterator(&self, state: IteratorData) -> Value {
        Value::object(self.alloc(self.rt.types.iterator, ObjectData::Iterator(state)))
    }

    /// `next(it)`, with `None` for exhaustion.
    pub fn iter_next(&mut self, it: Value) -> PyResult<Option<Value>> {
        /// What the iterator produced (made into a value after the lock is
        /// released: allocation happens outside object locks).
        enum Produced {
            Value(Value),
            Char(char),
            BigInt(BigInt),
            SizeChanged,
        }
        if let Some(v) = self.iter_next_protocol(it)? {
            return Ok(v);
        }
        let state = match it.data() {
            // `for i in range(n)`'s hot path: straight to the int.
            Some(ObjectData::Iterator(IteratorData::Range(cursor))) => {
                return Ok(cursor.next().map(|v| self.new_int(v)));
            }
            Some(ObjectData::Iterator(IteratorData::Sequence(cursor))) => {
                return Ok(cursor.next());
            }
            Some(ObjectData::Iterator(IteratorData::Locked(state))) => state,
            _ => {
                let msg = format!("'{}' object is not an iterator", self.type_name(it));
                return self.type_error(&msg);
            }
        };
        let mut state = state.lock();
        // Builtins hook: lazy iterators step outside this lock, but for a
        // dict view's usual step, which runs nothing and reads the dict
        // without its lock.
        if let IterState::Lazy(lazy) = &mut *state {
            match crate::builtins::iter::dict_view_step(self, lazy) {
                Some(Some(item)) => return Ok(Some(item)),
                Some(None) => {
                    *state = IterState::Done;
                    return Ok(None);
                }
                None => {
                    drop(state);
                    return crate::builtins::iter::lazy_next(self, it);
                }
            }
        }
        let next = match &mut *state {
            IterState::Str { s, offset } => {
                let c = s.as_object().and_then(|o| {
                    o.as_str()
                        .and_then(|t| t.as_str()[*offset..].chars().next())
                });
                if let Some(c) = c {
                    *offset += c.len_utf8();
                }
                c.map(Produced::Char)
            }
            IterState::BigRange(r) => {
                if r.remaining.is_zero() {
                    None
                } else {
                    let v = r.next.clone();
                    r.remaining -= 1u32;
                    r.next += &r.step;
                    Some(Produced::BigInt(v))
                }
            }
            IterState::DictKeys { dict, index, len } => {
                let entry = match dict.as_ref().and_then(|o| o.dict_table()) {
                    Some(d) => {
                        let d = d.lock();
                        if d.len() != *len {
                            // Stays in this state, so later calls fail too (as CPython's).
                            Some(Err(()))
                        } else {
                            d.entry_from(*index).map(Ok)
                        }
                    }
                    _ => None,
                };
                entry.map(|e| match e {
                    Ok((next, k, _)) => {
                        *index = next;
                        Produced::Value(k)
                    }
                    Err(()) => Produced::SizeChanged,
                })
            }
            IterState::Lazy(_) => unreachable!("stepped above"),
            IterState::Set { set, index } => {
                let entry = match set.data() {
                    Some(ObjectData::Set(t)) => t.lock().entry_from(*index),
                    _ => None,
                };
                entry.map(|(next, k)| {
                    *index = next;
                    Produced::Value(k)
                })
            }
            IterState::Done => None,
        };
        if next.is_none() {
            *state = IterState::Done;
        }
        drop(state);
        if matches!(next, Some(Produced::SizeChanged)) {
            return Err(self.new_exception(
                self.rt.types.runtime_error,
                "dictionary changed size during iteration",
            ));
        }
        Ok(next.map(|p| match p {
            Produced::Value(v) => v,
            Produced::Char(c) => {
                let mut buf = [0u8; 4];
                self.new_str(c.encode_utf8(&mut buf))
            }
            Produced::BigInt(b) => self.new_bigint(b),
            Produced::SizeChanged => unreachable!("raised above"),
        }))
    }

    /// The items of an iterable. Advancing an iterator may run Python code
    /// (generators, `__next__`), so the items collected so far stay rooted
    /// on the value stack until the end. The caller must root the result
    /// itself before it calls into Python again.
    pub fn collect_iterable(&mut self, v: Value) -> PyResult<Vec<Value>> {
        if let Some(o) = v
            .as_object()
            .filter(|_| self.subclass_override(v, "__iter__").is_none())
        {
            match o.builtin_data() {
                ObjectData::List(l) => return Ok(l.lock().to_vec()),
                ObjectData::Tuple(t) => return Ok(t.to_vec()),
                ObjectData::Dict(_) | ObjectData::AttrDict(_) => {
                    let d = o.dict_table().expect("a dict");
                    return Ok(d.lock().items().map(|(k, _)| k).collect());
                }
                ObjectData::Set(t) => return Ok(t.lock().entries().map(|(_, k)| k).collect()),
                _ => {}
            }
        }
        let it = self.get_iter(v)?;
        let mark = self.push_root(it);
        let first = mark + 1;
        let result = loop {
            match self.iter_next(it) {
                Ok(Some(x)) => {
                    self.push_root(x);
                }
                Ok(None) => break Ok(self.st().values[first..].to_vec()),
                Err(e) => break Err(e),
            }
        };
        self.truncate_roots(mark);
        result
    }

    pub(crate) fn unpack(&mut self, seq: Value, n: usize) -> PyResult<Vec<Value>> {
        let items = match self.collect_iterable(seq) {
            Ok(items) => items,
            Err(_) => {
                let msg = format!("cannot unpack non-iterable {} object", self.type_name(seq));
                return self.type_error(&msg);
            }
        };
        if items.len() < n {
            let msg = format!(
                "not enough values to unpack (expected {n}, got {})",
                items.len()
            );
            return self.value_error(&msg);
        }
        if items.len() > n {
            let msg = format!("too many values to unpack (expected {n})");
            return self.value_error(&msg);
        }
        Ok(items)
    }

    /// `len(v)`.
    pub fn len(&mut self, v: Value) -> PyResult<usize> {
        if let Some(f) = self.subclass_override(v, "__len__") {
            return self.len_through(f, v);
        }
        self.builtin_len(v)
    }

    /// `len(v)` by calling `__len__` method `f`: a non-negative int.
    fn len_through(&mut self, f: Value, v: Value) -> PyResult<usize> {
        let r = self.call_value(f, &[v], &[])?;
        match self.as_i64(r) {
            Some(n) if n >= 0 => Ok(n as usize),
            Some(_) => self.value_error("__len__() should return >= 0"),
            None => {
                let msg = format!(
                    "'{}' object cannot be interpreted as an integer",
                    self.type_name(r)
                );
                self.type_error(&msg)
            }
        }
    }

    /// `len(v)` without the Python `__len__` of a list or dict subclass.
    pub(crate) fn builtin_len(&mut self, v: Value) -> PyResult<usize> {
        if let Some(o) = v.as_object() {
            match o.builtin_data() {
                ObjectData::Str(s) => return Ok(s.char_count()),
                ObjectData::List(l) => return Ok(ListItems::len_unlocked(l)),
                ObjectData::Tuple(t) => return Ok(t.len()),
                ObjectData::Dict(_) | ObjectData::AttrDict(_) => {
                    return Ok(o.dict_table().expect("a dict").lock().len())
                }
                ObjectData::Set(t) => return Ok(t.lock().len()),
                ObjectData::Range(r) => {
                    return match r.len_usize() {
                        Some(n) => Ok(n),
                        None => Err(self.new_exception(
                            self.rt.types.overflow_error,
                            "Python int too large to convert to C ssize_t",
                        )),
                    };
                }
                ObjectData::Instance(_) => {
                    if let Some(f) = self.lookup(o.class(), "__len__") {
                        return self.len_through(f, v);
                    }
                }
                _ => {}
            }
        }
        let msg = format!("object of type '{}' has no len()", self.type_name(v));
        self.type_error(&msg)
    }

    /// A range object.
    pub fn new_range(&self, r: Range) -> Value {
        Value::object(self.alloc(self.rt.types.range, ObjectData::Range(r)))
    }

    /// Where `item` is in range `r`: its first position, and how many
    /// values equal it (only the first is looked for when `first_only`).
    /// Ints and bools by arithmetic; anything else by comparing each
    /// value with it in turn, as CPython does (`2.0 in range(3)`).
    pub(crate) fn range_search(
        &mut self,
        r: &Range,
        item: Value,
        first_only: bool,
    ) -> PyResult<(Option<BigInt>, BigInt)> {
        if let Some(n) = crate::builtins::numeric::big_of(item) {
            let position = r.position(&n);
            let count = BigInt::from(position.is_some() as u8);
            return Ok((position, count));
        }
        let (len, (mut value, _, step)) = (r.len(), r.bounds());
        let (mut first, mut count, mut position) = (None, BigInt::zero(), BigInt::zero());
        while position < len {
            let v = self.new_bigint(value.clone());
            if self.eq(v, item)? {
                count += 1u32;
                first.get_or_insert_with(|| position.clone());
                if first_only {
                    break;
                }
            }
            value += &step;
            position += 1u32;
        }
        Ok((first, count))
    }
}

/// `i` as a position in a sequence of `len` items (negative from the end),
/// if it is one.
#[inline]
fn normalize_index(i: i64, len: usize) -> Option<usize> {
    let idx = if i < 0 { i + len as i64 } else { i };
    (0..len as i64).contains(&idx).then_some(idx as usize)
}

/// The `__op__` and `__rop__` names of an operator.
pub(crate) fn dunder_names(op: BinaryOp) -> (&'static str, &'static str) {
    match op {
        BinaryOp::Add => ("__add__", "__radd__"),
        BinaryOp::Sub => ("__sub__", "__rsub__"),
        BinaryOp::Mul => ("__mul__", "__rmul__"),
        BinaryOp::TrueDiv => ("__truediv__", "__rtruediv__"),
        BinaryOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
        BinaryOp::Mod => ("__mod__", "__rmod__"),
        BinaryOp::Pow => ("__pow__", "__rpow__"),
        BinaryOp::LShift => ("__lshift__", "__rlshift__"),
        BinaryOp::RShift => ("__rshift__", "__rrshift__"),
        BinaryOp::And => ("__and__", "__rand__"),
        BinaryOp::Or => ("__or__", "__ror__"),
        _ => ("__xor__", "__rxor__"),
    }
}

fn num_cmp(a: &Num, b: &Num) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(y),
        (Num::Int(i), Num::Float(f)) => int_float_cmp(i, *f),
        (Num::Float(f), Num::Int(i)) => int_float_cmp(i, *f).map(std::cmp::Ordering::reverse),
    }
}

/// Exact comparison of an int with a float.
fn int_float_cmp(i: &BigInt, f: f64) -> Option<std::cmp::Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Greater
        });
    }
    let floor = f.floor();
    let fi = BigInt::from_f64(floor)?;
    match i.cmp(&fi) {
        std::cmp::Ordering::Equal if floor < f => Some(std::cmp::Ordering::Less),
        o => Some(o),
    }
}

/// CPython's float divmod: floor division and a modulo with the sign of
/// the divisor.
fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let mut fd = div.floor();
        if div - fd > 0.5 {
            fd += 1.0;
        }
        fd
    } else {
        0.0f64.copysign(a / b)
    };
    (floordiv, m)
}

#[cfg(test)]
mod tests {
    use super::float_divmod;

    #[test]
    fn float_divmod_matches_cpython() {
        assert_eq!(float_divmod(7.0, 2.0), (3.0, 1.0));
        assert_eq!(float_divmod(-7.0, 2.0), (-4.0, 1.0));
        assert_eq!(float_divmod(7.0, -2.0), (-4.0, -1.0));
        assert_eq!(float_divmod(-7.5, -2.0), (3.0, -1.5));
        let (d, m) = float_divmod(0.0, -3.0);
        assert!(d == 0.0 && d.is_sign_negative() && m == 0.0 && m.is_sign_negative());
    }
}
