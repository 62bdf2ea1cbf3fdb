//! The specializer and the specialized forms, family by family: what each
//! form assumed (its guards), what it caches, and how it falls back.
//!
//! Each `specialize_*` looks at the operands of a generic instruction that
//! has warmed up and rewrites the thread's copy (or backs off, recording
//! why). Each `*_cached` runs a specialized form: `Some(result)` when the
//! guards held, `None` after deoptimizing, when the caller performs the
//! generic operation instead.

use std::sync::Arc;

use stillpoint_gc::Gc;

use super::ThreadCode;
use crate::bytecode::{BinaryOp, CompareOp, Opcode};
use crate::events::DictWatcher;
use crate::interp::Interp;
use crate::object::{ObjectData, PyObject};
use crate::value::Value;

/// The address of a heap object, as a cache word.
fn address(o: Gc<PyObject>) -> u64 {
    o.into_raw() as u64
}

/// A dict's watcher, read under its lock: `(address, values version)`.
fn watched(dict: Gc<PyObject>) -> Option<(u64, u64)> {
    let ObjectData::Dict(d) = &dict.data else {
        return None;
    };
    let d = d.lock();
    let w = d.watcher()?;
    Some((Arc::as_ptr(w) as u64, w.values_version()))
}

/// The watcher at a cache word.
///
/// # Safety
/// `word` came from [`watched`] on a dict the caller knows is still alive
/// (it compared the dict's address with a live reference first): a dict's
/// watcher lives as long as the dict and never changes once set.
unsafe fn watcher_at<'a>(word: u64) -> &'a DictWatcher {
    // SAFETY: the caller's contract.
    unsafe { &*(word as *const DictWatcher) }
}

impl Interp<'_> {
    /// Statistics hook: a specialized form ran with its guards holding.
    #[inline]
    fn count_hit(&mut self, op: Opcode) {
        if let Some(s) = self.spec_stats.as_mut() {
            s.hit(op);
        }
    }

    /// A specialized form's guard failed: deoptimize it.
    fn count_miss(&mut self, tc: &ThreadCode, at: usize, op: Opcode) {
        if let Some(s) = self.spec_stats.as_mut() {
            s.miss(op);
        }
        tc.deoptimize(at);
    }

    /// Records an attempt's outcome: rewrite to `form`, or back off.
    fn settle(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        family: Opcode,
        outcome: Result<Opcode, &'static str>,
    ) {
        match outcome {
            Ok(form) => {
                tc.rewrite(at, form);
                if let Some(s) = self.spec_stats.as_mut() {
                    s.specialized(family);
                }
            }
            Err(reason) => {
                tc.back_off(at);
                if let Some(s) = self.spec_stats.as_mut() {
                    s.failed(family, reason);
                }
            }
        }
    }

    /// Counts a generic execution; true when the instruction should try to
    /// specialize now.
    #[inline]
    pub(crate) fn adaptive(&mut self, tc: &ThreadCode, at: usize, op: Opcode) -> bool {
        if tc.is_frozen() {
            return false;
        }
        if let Some(s) = self.spec_stats.as_mut() {
            s.generic(op);
        }
        tc.tick(at)
    }

    // ------------------------------------------------------------ LoadGlobal

    /// `LoadGlobal name` in `globals`.
    pub(crate) fn specialize_load_global(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        globals: Gc<PyObject>,
        name: Value,
    ) {
        let outcome = self.plan_load_global(tc, at, globals, name);
        self.settle(tc, at, Opcode::LoadGlobal, outcome);
    }

    fn plan_load_global(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        globals: Gc<PyObject>,
        name: Value,
    ) -> Result<Opcode, &'static str> {
        let hash = name.as_ref().and_then(|n| n.as_str()).ok_or("name")?.hash();
        let ObjectData::Dict(g) = &globals.data else {
            return Err("globals not a dict");
        };
        let cell = tc.cache(at);
        let mut cache = cell.get();
        let (gwatcher, gversion, found) = {
            let g = g.lock();
            let w = g.watcher().ok_or("globals not a module dict")?;
            (
                Arc::as_ptr(w) as u64,
                w.values_version(),
                g.get_hashed(hash, name),
            )
        };
        if let Some(value) = found {
            cache.words = [
                address(globals),
                gwatcher,
                gversion,
                value.to_bits(),
                0,
                0,
                0,
                0,
            ];
            cell.set(cache);
            return Ok(Opcode::LoadGlobalModule);
        }
        let builtins = self.rt.builtins_dict().ok_or("builtins replaced")?;
        let ObjectData::Dict(b) = &builtins.data else {
            return Err("builtins not a dict");
        };
        let (bversion, found) = {
            let b = b.lock();
            let w = b.watcher().ok_or("builtins not watched")?;
            (w.values_version(), b.get_hashed(hash, name))
        };
        let value = found.ok_or("not found")?;
        cache.words = [
            address(globals),
            gwatcher,
            gversion,
            bversion,
            value.to_bits(),
            0,
            0,
            0,
        ];
        cell.set(cache);
        Ok(Opcode::LoadGlobalBuiltin)
    }

    /// `LoadGlobalModule` / `LoadGlobalBuiltin`: the cached value while
    /// neither dict changed.
    #[inline]
    pub(crate) fn load_global_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        op: Opcode,
        globals: Gc<PyObject>,
    ) -> Option<Value> {
        let c = tc.cache(at).get().words;
        if c[0] == address(globals) {
            // SAFETY: words[1] is the watcher of the dict at words[0],
            // which is this frame's globals: alive.
            let g = unsafe { watcher_at(c[1]) };
            if g.values_version() == c[2] {
                let value = match op {
                    Opcode::LoadGlobalModule => Some(c[3]),
                    _ if self.rt.builtins_watcher().values_version() == c[3] => Some(c[4]),
                    _ => None,
                };
                if let Some(bits) = value {
                    self.count_hit(op);
                    return Some(Value::from_bits(bits));
                }
            }
        }
        self.count_miss(tc, at, op);
        None
    }

    // ------------------------------------------------------------ LoadAttr

    /// `LoadAttr name` on `obj`: a module attribute, or an instance's
    /// (in its dict, a class constant, a property).
    pub(crate) fn specialize_load_attr(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
        name: Value,
    ) {
        let outcome = match obj.data() {
            Some(ObjectData::Module(_)) => self.plan_load_attr_module(tc, at, obj, name),
            Some(ObjectData::Instance(_)) => self.plan_load_attr_instance(tc, at, obj, name),
            _ => Err("receiver type"),
        };
        self.settle(tc, at, Opcode::LoadAttr, outcome);
    }

    fn plan_load_attr_module(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
        name: Value,
    ) -> Result<Opcode, &'static str> {
        let Some(ObjectData::Module(m)) = obj.data() else {
            return Err("not a module");
        };
        let dict = m.dict();
        let (watcher, version) = watched(dict).ok_or("module dict not watched")?;
        let hash = name.as_ref().and_then(|n| n.as_str()).ok_or("name")?.hash();
        let ObjectData::Dict(d) = &dict.data else {
            return Err("module dict not a dict");
        };
        let value = d.lock().get_hashed(hash, name).ok_or("not found")?;
        let cell = tc.cache(at);
        let mut cache = cell.get();
        cache.words = [address(dict), watcher, version, value.to_bits(), 0, 0, 0, 0];
        cell.set(cache);
        Ok(Opcode::LoadAttrModule)
    }

    /// The version of `obj`'s class, if `obj` is an instance whose class
    /// has none of the `hooks` bits; read before anything it vouches for.
    /// Dunder names (`__class__`, `__dict__`...) are never specialized:
    /// several are computed or are events of their own.
    fn instance_class_version(
        &self,
        obj: Value,
        name: Value,
        hooks: u8,
    ) -> Result<(Gc<PyObject>, u32), &'static str> {
        let text = name.as_ref().and_then(|n| n.as_str()).ok_or("name")?;
        if text.as_str().starts_with("__") {
            return Err("dunder name");
        }
        let o = obj.as_object().ok_or("not an object")?;
        if !matches!(o.data, ObjectData::Instance(_)) {
            return Err("not an instance");
        }
        let class = o.class();
        if self.class_hooks(class) & hooks != 0 {
            return Err("attribute hooks or __slots__");
        }
        let version = class.as_class().ok_or("class")?.version.get();
        if version == 0 {
            return Err("out of versions");
        }
        Ok((class, version))
    }

    fn plan_load_attr_instance(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
        name: Value,
    ) -> Result<Opcode, &'static str> {
        use crate::object::Descriptor;
        let (class, version) =
            self.instance_class_version(obj, name, crate::interp::hook::GETATTRIBUTE)?;
        let cell = tc.cache(at);
        let mut cache = cell.get();
        let form = match self.lookup_value(class, name) {
            None => {
                cache.words = [u64::from(version), 0, 0, 0, 0, 0, 0, 0];
                Opcode::LoadAttrInstance
            }
            Some(found) => match found.data() {
                Some(ObjectData::Descriptor(Descriptor::Property { .. })) => {
                    // The property itself: its getter is read when it runs
                    // (re-initializing a property replaces it in place).
                    cache.words = [u64::from(version), found.to_bits(), 0, 0, 0, 0, 0, 0];
                    Opcode::LoadAttrProperty
                }
                Some(
                    ObjectData::Function(_) | ObjectData::Builtin(_) | ObjectData::Descriptor(_),
                ) => return Err("method or descriptor"),
                _ => {
                    let c = class.as_class().ok_or("class")?;
                    if c.instances_shadow
                        .load(std::sync::atomic::Ordering::Acquire)
                    {
                        return Err("instances shadow class attributes");
                    }
                    cache.words = [u64::from(version), found.to_bits(), 0, 0, 0, 0, 0, 0];
                    Opcode::LoadAttrClass
                }
            },
        };
        cell.set(cache);
        Ok(form)
    }

    /// The version of `obj`'s class if `obj` is an instance (0 otherwise).
    #[inline]
    fn receiver_version(obj: Value) -> u64 {
        match obj.as_ref() {
            Some(o) if matches!(o.data, ObjectData::Instance(_)) => {
                u64::from(o.class().as_class().map_or(0, |c| c.version.peek()))
            }
            _ => 0,
        }
    }

    /// `LoadAttrInstance`, `LoadAttrClass`, `LoadAttrProperty`. `Ok(None)`
    /// after a guard failed (the caller does the generic load).
    #[inline]
    pub(crate) fn load_attr_instance_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        obj: Value,
        name: Value,
    ) -> crate::error::PyResult<Option<Value>> {
        let cell = tc.cache(at);
        let c = cell.get().words;
        let current = Self::receiver_version(obj);
        if current != 0 {
            match form {
                Opcode::LoadAttrInstance => {
                    if c.contains(&current) {
                        self.count_hit(form);
                        let found = match obj.data() {
                            Some(ObjectData::Instance(d)) => {
                                let hash = name
                                    .as_ref()
                                    .and_then(|n| n.as_str())
                                    .map_or(0, |s| s.hash());
                                d.lock().get_hashed(hash, name)
                            }
                            _ => None,
                        };
                        // Missing: the generic load raises (or asks
                        // `__getattr__`); the guard itself held.
                        return Ok(found);
                    }
                    // Another class that qualifies joins the cache.
                    if let Ok((class, version)) =
                        self.instance_class_version(obj, name, crate::interp::hook::GETATTRIBUTE)
                    {
                        if self.lookup_value(class, name).is_none() {
                            let mut cache = cell.get();
                            cache.words.rotate_right(1);
                            cache.words[0] = u64::from(version);
                            cell.set(cache);
                            if let Some(s) = self.spec_stats.as_mut() {
                                s.refill(form);
                            }
                            return Ok(None);
                        }
                    }
                }
                Opcode::LoadAttrClass if current == c[0] => {
                    self.count_hit(form);
                    return Ok(Some(Value::from_bits(c[1])));
                }
                Opcode::LoadAttrProperty if current == c[0] => {
                    self.count_hit(form);
                    // The class (alive: the instance's) holds the property.
                    let property = Value::from_bits(c[1]);
                    let Some(ObjectData::Descriptor(crate::object::Descriptor::Property {
                        fget,
                        ..
                    })) = property.data()
                    else {
                        unreachable!("cached from a property")
                    };
                    let fget = fget.load();
                    return self.property_get(fget, obj, name).map(Some);
                }
                _ => {}
            }
        }
        self.count_miss(tc, at, form);
        Ok(None)
    }

    // ------------------------------------------------------------ StoreAttr

    /// `StoreAttr name` on `obj`.
    pub(crate) fn specialize_store_attr(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
        name: Value,
    ) {
        let outcome = self.store_attr_entry(obj, name).map(|version| {
            let cell = tc.cache(at);
            let mut cache = cell.get();
            cache.words = [u64::from(version), 0, 0, 0, 0, 0, 0, 0];
            cell.set(cache);
            Opcode::StoreAttrInstance
        });
        self.settle(tc, at, Opcode::StoreAttr, outcome);
    }

    /// The class version under which `obj.name = v` is a plain store into
    /// the instance's dict.
    fn store_attr_entry(&mut self, obj: Value, name: Value) -> Result<u32, &'static str> {
        use crate::interp::hook;
        let (class, version) =
            self.instance_class_version(obj, name, hook::SETATTR | hook::GETATTRIBUTE)?;
        if class == self.rt.types.object {
            return Err("plain object()");
        }
        if self.slots_forbid(class, name) {
            return Err("__slots__ forbids it");
        }
        if self.lookup_value(class, name).is_some() {
            return Err("the class has the name");
        }
        Ok(version)
    }

    /// `StoreAttrInstance`: `true` when stored (the guard held).
    #[inline]
    pub(crate) fn store_attr_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
        name: Value,
        value: Value,
    ) -> bool {
        let cell = tc.cache(at);
        let c = cell.get().words;
        let current = Self::receiver_version(obj);
        let qualifies = current != 0 && c.contains(&current) || {
            // Another class that qualifies joins the cache.
            match self.store_attr_entry(obj, name) {
                Ok(version) => {
                    let mut cache = cell.get();
                    cache.words.rotate_right(1);
                    cache.words[0] = u64::from(version);
                    cell.set(cache);
                    if let Some(s) = self.spec_stats.as_mut() {
                        s.refill(Opcode::StoreAttrInstance);
                    }
                    true
                }
                Err(_) => false,
            }
        };
        if !qualifies {
            self.count_miss(tc, at, Opcode::StoreAttrInstance);
            return false;
        }
        self.count_hit(Opcode::StoreAttrInstance);
        if let Some(ObjectData::Instance(d)) = obj.data() {
            let hash = name
                .as_ref()
                .and_then(|n| n.as_str())
                .map_or(0, |s| s.hash());
            d.lock().insert_hashed(hash, name, value);
        }
        true
    }

    /// `LoadAttrModule`: the cached attribute while the module's dict is
    /// the same and unchanged.
    #[inline]
    pub(crate) fn load_attr_module_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
    ) -> Option<Value> {
        let c = tc.cache(at).get().words;
        if let Some(ObjectData::Module(m)) = obj.data() {
            if address(m.dict()) == c[0] {
                // SAFETY: words[1] is the watcher of the dict at words[0],
                // which is the module's dict now: alive.
                let w = unsafe { watcher_at(c[1]) };
                if w.values_version() == c[2] {
                    self.count_hit(Opcode::LoadAttrModule);
                    return Some(Value::from_bits(c[3]));
                }
            }
        }
        self.count_miss(tc, at, Opcode::LoadAttrModule);
        None
    }

    // ------------------------------------------------------------ LoadMethod

    /// `LoadMethod name` on `obj`.
    pub(crate) fn specialize_load_method(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
        name: Value,
    ) {
        if let Some(o) = obj.as_object() {
            let class = o.class();
            let builtin_type = class.as_class().is_some_and(|c| c.is_builtin());
            // Objects with attribute tables (exceptions, functions) may
            // shadow the type's methods; classes and modules look up
            // differently.
            let plain = o.attribute_table().is_none()
                && !matches!(
                    o.data,
                    ObjectData::Class(_)
                        | ObjectData::Module(_)
                        | ObjectData::AttrDict(_)
                        | ObjectData::Super { .. }
                );
            if builtin_type && plain {
                let outcome = match self.lookup_value(class, name) {
                    Some(f) if matches!(f.data(), Some(ObjectData::Builtin(_))) => {
                        let cell = tc.cache(at);
                        let mut cache = cell.get();
                        cache.words = [address(class), f.to_bits(), 0, 0, 0, 0, 0, 0];
                        cell.set(cache);
                        Ok(Opcode::LoadMethodBuiltin)
                    }
                    _ => Err("not a builtin method"),
                };
                self.settle(tc, at, Opcode::LoadMethod, outcome);
                return;
            }
        }
        let outcome = self.method_entry(obj, name).map(|(version, found)| {
            let cell = tc.cache(at);
            let mut cache = cell.get();
            cache.words = [u64::from(version), found.to_bits(), 0, 0, 0, 0, 0, 0];
            cell.set(cache);
            Opcode::LoadMethodInstance
        });
        self.settle(tc, at, Opcode::LoadMethod, outcome);
    }

    /// What a `LoadMethodInstance` cache entry holds for `obj.name`: the
    /// class version and the function, when the lookup qualifies.
    fn method_entry(&mut self, obj: Value, name: Value) -> Result<(u32, Value), &'static str> {
        let o = obj.as_object().ok_or("not an object")?;
        if !matches!(o.data, ObjectData::Instance(_)) {
            return Err("not an instance");
        }
        let class = o.class();
        let c = class.as_class().ok_or("class")?;
        if c.instances_shadow
            .load(std::sync::atomic::Ordering::Acquire)
        {
            return Err("instances shadow class attributes");
        }
        if self.class_hooks(class) & crate::interp::hook::GETATTRIBUTE != 0 {
            return Err("__getattribute__");
        }
        // The tag first: a change after this point resets it.
        let version = c.version.get();
        if version == 0 {
            return Err("out of versions");
        }
        let found = self.lookup_value(class, name).ok_or("not on the class")?;
        if !matches!(found.data(), Some(ObjectData::Function(_))) {
            return Err("not a Python function");
        }
        Ok((version, found))
    }

    /// `LoadMethodInstance`: a cache of up to four (class version,
    /// function) entries, most recent first. A receiver of another class
    /// that qualifies is added, dropping the oldest (a polymorphic call
    /// site keeps hitting); one that does not qualify deoptimizes.
    #[inline]
    pub(crate) fn load_method_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
        name: Value,
    ) -> Option<Value> {
        let cell = tc.cache(at);
        let c = cell.get().words;
        if let Some(o) = obj.as_ref() {
            if matches!(o.data, ObjectData::Instance(_)) {
                let current = o.class().as_class().map_or(0, |k| k.version.peek());
                let current = u64::from(current);
                if current != 0 {
                    for entry in c.chunks_exact(2) {
                        if entry[0] == current {
                            self.count_hit(Opcode::LoadMethodInstance);
                            // The class (alive: the instance's) still
                            // holds the function.
                            return Some(Value::from_bits(entry[1]));
                        }
                    }
                }
            }
        }
        if let Ok((version, found)) = self.method_entry(obj, name) {
            let mut cache = cell.get();
            cache.words = [
                u64::from(version),
                found.to_bits(),
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                c[5],
            ];
            cell.set(cache);
            if let Some(s) = self.spec_stats.as_mut() {
                s.refill(Opcode::LoadMethodInstance);
            }
            return Some(found);
        }
        self.count_miss(tc, at, Opcode::LoadMethodInstance);
        None
    }

    /// `LoadMethodBuiltin`: the cached builtin method while the receiver
    /// is of the same builtin type (whose attributes never change).
    #[inline]
    pub(crate) fn load_method_builtin_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
    ) -> Option<Value> {
        let c = tc.cache(at).get().words;
        match obj.as_ref() {
            Some(o) if address(o.class()) == c[0] && o.attribute_table().is_none() => {
                self.count_hit(Opcode::LoadMethodBuiltin);
                // Builtin types are immutable and rooted: so are their
                // methods.
                Some(Value::from_bits(c[1]))
            }
            _ => {
                self.count_miss(tc, at, Opcode::LoadMethodBuiltin);
                None
            }
        }
    }

    // ------------------------------------------------------------ BinaryOp

    /// `BinaryOp op` on `a`, `b`.
    pub(crate) fn specialize_binary_op(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        a: Value,
        b: Value,
        op: BinaryOp,
    ) {
        let plain = op.plain();
        let outcome = if a.as_inline_int().is_some() && b.as_inline_int().is_some() {
            match plain {
                BinaryOp::Pow | BinaryOp::TrueDiv => Err("int operator"),
                _ => Ok(Opcode::BinaryOpInt),
            }
        } else if a.is_float() && b.is_float() {
            match plain {
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::TrueDiv => {
                    Ok(Opcode::BinaryOpFloat)
                }
                _ => Err("float operator"),
            }
        } else if is_str(a) && is_str(b) {
            match plain {
                BinaryOp::Add => Ok(Opcode::BinaryOpStrConcat),
                _ => Err("str operator"),
            }
        } else {
            Err("operand types")
        };
        self.settle(tc, at, Opcode::BinaryOp, outcome);
    }

    /// The specialized binary operators.
    #[inline]
    pub(crate) fn binary_op_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        a: Value,
        b: Value,
        op: BinaryOp,
    ) -> Option<Value> {
        let plain = op.plain();
        let result = match form {
            Opcode::BinaryOpInt => match (a.as_inline_int(), b.as_inline_int()) {
                (Some(x), Some(y)) => int_op(plain, x, y).and_then(Value::try_int),
                _ => None,
            },
            Opcode::BinaryOpFloat => match (a.as_float(), b.as_float()) {
                (Some(x), Some(y)) => match plain {
                    BinaryOp::Add => Some(Value::float(x + y)),
                    BinaryOp::Sub => Some(Value::float(x - y)),
                    BinaryOp::Mul => Some(Value::float(x * y)),
                    _ if y != 0.0 => Some(Value::float(x / y)),
                    _ => None,
                },
                _ => None,
            },
            _ => match (
                a.as_ref().and_then(|o| o.as_str()),
                b.as_ref().and_then(|o| o.as_str()),
            ) {
                (Some(x), Some(y)) if is_str(a) && is_str(b) => {
                    let mut s = String::with_capacity(x.as_str().len() + y.as_str().len());
                    s.push_str(x.as_str());
                    s.push_str(y.as_str());
                    Some(self.new_str(&s))
                }
                _ => None,
            },
        };
        match result {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        result
    }

    // ------------------------------------------------------------ CompareOp

    /// `CompareOp op` on `a`, `b`.
    pub(crate) fn specialize_compare_op(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        a: Value,
        b: Value,
        op: CompareOp,
    ) {
        let ordering = matches!(
            op,
            CompareOp::Lt
                | CompareOp::Le
                | CompareOp::Gt
                | CompareOp::Ge
                | CompareOp::Eq
                | CompareOp::Ne
        );
        let outcome = if matches!(op, CompareOp::Is | CompareOp::IsNot) {
            Ok(Opcode::CompareOpIs)
        } else if matches!(op, CompareOp::In | CompareOp::NotIn) {
            match b.data() {
                _ if !native_key(a) => Err("key type"),
                Some(ObjectData::Dict(_)) => Ok(Opcode::CompareOpInDict),
                Some(ObjectData::Set(_)) => Ok(Opcode::CompareOpInSet),
                _ => Err("container type"),
            }
        } else if !ordering {
            Err("operator")
        } else if a.as_inline_int().is_some() && b.as_inline_int().is_some() {
            Ok(Opcode::CompareOpInt)
        } else if a.is_float() && b.is_float() {
            Ok(Opcode::CompareOpFloat)
        } else if is_str(a) && is_str(b) && matches!(op, CompareOp::Eq | CompareOp::Ne) {
            Ok(Opcode::CompareOpStr)
        } else {
            Err("operand types")
        };
        self.settle(tc, at, Opcode::CompareOp, outcome);
    }

    /// The specialized comparisons.
    #[inline]
    pub(crate) fn compare_op_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        a: Value,
        b: Value,
        op: CompareOp,
    ) -> Option<Value> {
        fn order<T: PartialOrd>(x: T, y: T, op: CompareOp) -> bool {
            match op {
                CompareOp::Lt => x < y,
                CompareOp::Le => x <= y,
                CompareOp::Gt => x > y,
                CompareOp::Ge => x >= y,
                CompareOp::Eq => x == y,
                _ => x != y,
            }
        }
        let result = match form {
            Opcode::CompareOpIs => Some((a == b) == (op == CompareOp::Is)),
            Opcode::CompareOpInDict | Opcode::CompareOpInSet if native_key(a) => {
                let hash = crate::object::dict::hash_value(a).ok();
                let found = match (b.data(), hash) {
                    (Some(ObjectData::Dict(d)), Some(h)) if form == Opcode::CompareOpInDict => {
                        Some(d.lock().get_hashed(h, a).is_some())
                    }
                    (Some(ObjectData::Set(t)), Some(h)) if form == Opcode::CompareOpInSet => {
                        Some(t.lock().contains_hashed(h, a))
                    }
                    _ => None,
                };
                found.map(|f| f == (op == CompareOp::In))
            }
            Opcode::CompareOpInt => match (a.as_inline_int(), b.as_inline_int()) {
                (Some(x), Some(y)) => Some(order(x, y, op)),
                _ => None,
            },
            Opcode::CompareOpFloat => match (a.as_float(), b.as_float()) {
                (Some(x), Some(y)) => Some(order(x, y, op)),
                _ => None,
            },
            Opcode::CompareOpStr => match (
                a.as_ref().and_then(|o| o.as_str()),
                b.as_ref().and_then(|o| o.as_str()),
            ) {
                (Some(x), Some(y)) if is_str(a) && is_str(b) => {
                    let equal = x.hash() == y.hash() && x.as_str() == y.as_str();
                    Some(equal == (op == CompareOp::Eq))
                }
                _ => None,
            },
            _ => None,
        };
        match result {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        result.map(Value::bool)
    }

    // ------------------------------------------------------------ Call

    /// `Call`/`CallMethod` of `callable` with `nargs` positional arguments
    /// (the receiver included).
    pub(crate) fn specialize_call(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        family: Opcode,
        callable: Value,
        nargs: usize,
    ) {
        let is_class = matches!(callable.data(), Some(ObjectData::Class(_)));
        let outcome = if is_class && family == Opcode::Call {
            self.class_init_entry(callable, nargs)
                .map(|words| (words, Opcode::CallClassExactInit))
        } else {
            let form = if family == Opcode::Call {
                Opcode::CallPyExactArgs
            } else {
                Opcode::CallMethodPyExactArgs
            };
            Self::exact_call_entry(callable, nargs).map(|words| (words, form))
        };
        let outcome = outcome.map(|(words, form)| {
            let cell = tc.cache(at);
            let mut cache = cell.get();
            cache.words = words;
            cell.set(cache);
            form
        });
        self.settle(tc, at, family, outcome);
    }

    /// The cache of `C(args)`: the class's address and version, its
    /// `__init__`'s address and version, and the argument count, when the
    /// class is a plain user class whose `__init__` takes exactly the
    /// instance and these arguments.
    fn class_init_entry(
        &mut self,
        callable: Value,
        nargs: usize,
    ) -> Result<[u64; 8], &'static str> {
        let class = callable.as_object().ok_or("not an object")?;
        let c = class.as_class().ok_or("not a class")?;
        if c.layout != crate::object::Layout::Instance || c.is_builtin() {
            return Err("class layout");
        }
        // The tag first: a change after this point resets it.
        let version = c.version.get();
        if version == 0 {
            return Err("out of versions");
        }
        let init = self
            .lookup_value(class, self.rt.hook_names.init)
            .ok_or("no __init__")?;
        let entry = Self::exact_call_entry(init, nargs + 1).map_err(|e| match e {
            "argument count" => "__init__ argument count",
            _ => "__init__ not a plain function",
        })?;
        Ok([
            address(class),
            u64::from(version),
            init.to_bits(),
            entry[1],
            nargs as u64,
            0,
            0,
            0,
        ])
    }

    /// The guard of `CallClassExactInit`: the cached class and `__init__`,
    /// both unchanged, the same argument count, no frame-evaluation hook.
    /// Returns the `__init__` function; deoptimizes when it fails.
    #[inline]
    pub(crate) fn class_call_guard(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        callable: Value,
        nargs: usize,
    ) -> Option<Value> {
        let c = tc.cache(at).get().words;
        let ok = callable.as_object().is_some_and(|class| {
            address(class) == c[0]
                && c[4] == nargs as u64
                && class
                    .as_class()
                    .is_some_and(|k| u64::from(k.version.peek()) == c[1])
        }) && !self.rt.has_eval_frame_hook();
        // The class (alive: the callable) still holds its `__init__`,
        // which the version check vouches for; then the function's own
        // version.
        let init = ok
            .then(|| Value::from_bits(c[2]))
            .filter(|f| match f.data() {
                Some(ObjectData::Function(func)) => u64::from(func.version.peek()) == c[3],
                _ => false,
            });
        match init {
            Some(_) => self.count_hit(Opcode::CallClassExactInit),
            None => self.count_miss(tc, at, Opcode::CallClassExactInit),
        }
        init
    }

    /// The cache of an exact-arguments call of `callable`: its address,
    /// version and the argument count, when it qualifies.
    fn exact_call_entry(callable: Value, nargs: usize) -> Result<[u64; 8], &'static str> {
        use crate::bytecode::CodeFlags;
        let f_obj = callable.as_object().ok_or("not an object")?;
        let ObjectData::Function(f) = &f_obj.data else {
            return Err("not a Python function");
        };
        let code = f.code();
        let ObjectData::Code(c) = &code.data else {
            return Err("code");
        };
        if c.flags & (CodeFlags::VARARGS | CodeFlags::VARKEYWORDS | CodeFlags::GENERATOR) != 0
            || c.kwonlyargcount != 0
        {
            return Err("not a plain function");
        }
        if c.argcount as usize != nargs {
            return Err("argument count");
        }
        let version = f.version.get();
        if version == 0 {
            return Err("out of versions");
        }
        Ok([
            address(f_obj),
            u64::from(version),
            nargs as u64,
            0,
            0,
            0,
            0,
            0,
        ])
    }

    /// The guard of `CallPyExactArgs`/`CallMethodPyExactArgs`: the callable
    /// is the cached function, unmodified, called with as many arguments
    /// (a method call may or may not pass a receiver), and no
    /// frame-evaluation hook is set. Deoptimizes when it fails.
    #[inline]
    pub(crate) fn call_guard(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        callable: Value,
        nargs: usize,
    ) -> bool {
        let cell = tc.cache(at);
        let c = cell.get().words;
        let hooked = self.rt.has_eval_frame_hook();
        let same = match callable.as_object() {
            Some(f_obj) if address(f_obj) == c[0] && c[2] == nargs as u64 => match &f_obj.data {
                ObjectData::Function(f) => u64::from(f.version.peek()) == c[1],
                _ => false,
            },
            _ => false,
        };
        if same && !hooked {
            self.count_hit(form);
            return true;
        }
        // Another function that qualifies takes the cache (a polymorphic
        // call site keeps its fast path).
        if !hooked {
            if let Ok(words) = Self::exact_call_entry(callable, nargs) {
                let mut cache = cell.get();
                cache.words = words;
                cell.set(cache);
                if let Some(s) = self.spec_stats.as_mut() {
                    s.refill(form);
                }
                return true;
            }
        }
        self.count_miss(tc, at, form);
        false
    }

    // ------------------------------------------------------------ ForIter

    /// `ForIter` over the iterator `it`.
    pub(crate) fn specialize_for_iter(&mut self, tc: &ThreadCode, at: usize, it: Value) {
        use crate::object::IterState;
        let outcome = match it.data() {
            Some(ObjectData::Iterator(state)) => match &*state.lock() {
                IterState::Range { .. } => Ok(Opcode::ForIterRange),
                IterState::Sequence { .. } => Ok(Opcode::ForIterSequence),
                _ => Err("iterator kind"),
            },
            Some(ObjectData::Generator(_)) => Err("generator"),
            _ => Err("iterator type"),
        };
        self.settle(tc, at, Opcode::ForIter, outcome);
    }

    /// `ForIterRange` / `ForIterSequence`: `Some(Some(v))` the next value,
    /// `Some(None)` exhausted, `None` a guard failed (the caller steps the
    /// iterator the generic way).
    #[inline]
    pub(crate) fn for_iter_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        it: Value,
    ) -> Option<Option<Value>> {
        use crate::object::IterState;
        enum Step {
            Int(i64),
            Item(Option<Value>),
            Miss,
        }
        let step = match it.data() {
            Some(ObjectData::Iterator(state)) => {
                let mut st = state.lock();
                match (&mut *st, form) {
                    (
                        IterState::Range {
                            next,
                            remaining,
                            step,
                        },
                        Opcode::ForIterRange,
                    ) => {
                        if *remaining == 0 {
                            Step::Item(None)
                        } else {
                            let v = *next;
                            *remaining -= 1;
                            // Wraps only past the last value.
                            *next = next.wrapping_add(*step);
                            Step::Int(v)
                        }
                    }
                    (IterState::Sequence { seq, index }, Opcode::ForIterSequence) => {
                        let item = match seq.data() {
                            Some(ObjectData::List(l)) => l.lock().get(*index).copied(),
                            Some(ObjectData::Tuple(t)) => t.get(*index).copied(),
                            _ => None,
                        };
                        if item.is_some() {
                            *index += 1;
                            Step::Item(item)
                        } else if matches!(
                            seq.data(),
                            Some(ObjectData::List(_) | ObjectData::Tuple(_))
                        ) {
                            *st = IterState::Done;
                            Step::Item(None)
                        } else {
                            Step::Miss
                        }
                    }
                    _ => Step::Miss,
                }
            }
            _ => Step::Miss,
        };
        match step {
            Step::Int(v) => {
                self.count_hit(form);
                Some(Some(self.new_int(v)))
            }
            Step::Item(item) => {
                self.count_hit(form);
                Some(item)
            }
            Step::Miss => {
                self.count_miss(tc, at, form);
                None
            }
        }
    }

    // ------------------------------------------------------------ UnpackSequence

    /// `UnpackSequence n` of `seq`.
    pub(crate) fn specialize_unpack(&mut self, tc: &ThreadCode, at: usize, seq: Value, n: usize) {
        let outcome = match seq.data() {
            _ if n > 8 => Err("more than eight items"),
            Some(ObjectData::Tuple(t)) if t.len() == n => Ok(Opcode::UnpackSequenceTuple),
            Some(ObjectData::List(l)) if l.lock().len() == n => Ok(Opcode::UnpackSequenceList),
            Some(ObjectData::Tuple(_) | ObjectData::List(_)) => Err("length"),
            _ => Err("sequence type"),
        };
        self.settle(tc, at, Opcode::UnpackSequence, outcome);
    }

    /// The items of a tuple or list of exactly `n` items (`None`: a guard
    /// failed).
    #[inline]
    pub(crate) fn unpack_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        seq: Value,
        n: usize,
        out: &mut [Value; 8],
    ) -> bool {
        let ok = n <= out.len()
            && match (seq.data(), form) {
                (Some(ObjectData::Tuple(t)), Opcode::UnpackSequenceTuple) if t.len() == n => {
                    out[..n].copy_from_slice(t);
                    true
                }
                (Some(ObjectData::List(l)), Opcode::UnpackSequenceList) => {
                    let items = l.lock();
                    if items.len() == n {
                        out[..n].copy_from_slice(&items);
                        true
                    } else {
                        false
                    }
                }
                _ => false,
            };
        if ok {
            self.count_hit(form);
        } else {
            self.count_miss(tc, at, form);
        }
        ok
    }

    // ------------------------------------------------------------ StoreSubscr

    /// `StoreSubscr` of `container[key] = ...`.
    pub(crate) fn specialize_store_subscr(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        container: Value,
        key: Value,
    ) {
        let outcome = match container.data() {
            Some(ObjectData::List(_)) if key.as_inline_int().is_some() => {
                Ok(Opcode::StoreSubscrListInt)
            }
            Some(ObjectData::Dict(_)) if native_key(key) => Ok(Opcode::StoreSubscrDict),
            Some(ObjectData::List(_) | ObjectData::Dict(_)) => Err("key type"),
            _ => Err("container type"),
        };
        self.settle(tc, at, Opcode::StoreSubscr, outcome);
    }

    /// `list[int] = v` within bounds, `dict[key] = v`: `true` when stored.
    #[inline]
    pub(crate) fn store_subscr_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        container: Value,
        key: Value,
        value: Value,
    ) -> bool {
        let stored = match (container.data(), form) {
            (Some(ObjectData::List(l)), Opcode::StoreSubscrListInt) => match key.as_inline_int() {
                Some(i) => {
                    let mut items = l.lock();
                    let idx = if i < 0 { i + items.len() as i64 } else { i };
                    match usize::try_from(idx).ok().filter(|k| *k < items.len()) {
                        Some(k) => {
                            items[k] = value;
                            true
                        }
                        None => false,
                    }
                }
                None => false,
            },
            (Some(ObjectData::Dict(d)), Opcode::StoreSubscrDict) if native_key(key) => {
                match crate::object::dict::hash_value(key) {
                    Ok(h) => {
                        d.lock().insert_hashed(h, key, value);
                        true
                    }
                    Err(_) => false,
                }
            }
            _ => false,
        };
        if stored {
            self.count_hit(form);
        } else {
            self.count_miss(tc, at, form);
        }
        stored
    }

    // ------------------------------------------------------------ BinarySubscr

    /// `BinarySubscr` on `container[key]`.
    pub(crate) fn specialize_binary_subscr(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        container: Value,
        key: Value,
    ) {
        let outcome = match (container.data(), key.as_inline_int()) {
            (Some(ObjectData::List(_)), Some(_)) => Ok(Opcode::BinarySubscrListInt),
            (Some(ObjectData::Tuple(_)), Some(_)) => Ok(Opcode::BinarySubscrTupleInt),
            (Some(ObjectData::Dict(_)), _) if native_key(key) => Ok(Opcode::BinarySubscrDict),
            (_, None) => Err("key type"),
            _ => Err("container type"),
        };
        self.settle(tc, at, Opcode::BinarySubscr, outcome);
    }

    /// `list[int]` and `tuple[int]` within bounds.
    #[inline]
    pub(crate) fn binary_subscr_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        container: Value,
        key: Value,
    ) -> Option<Value> {
        let found = match (container.data(), key.as_inline_int()) {
            (Some(ObjectData::List(l)), Some(i)) if form == Opcode::BinarySubscrListInt => {
                let items = l.lock();
                let idx = if i < 0 { i + items.len() as i64 } else { i };
                usize::try_from(idx)
                    .ok()
                    .and_then(|k| items.get(k).copied())
            }
            (Some(ObjectData::Tuple(t)), Some(i)) if form == Opcode::BinarySubscrTupleInt => {
                let idx = if i < 0 { i + t.len() as i64 } else { i };
                usize::try_from(idx).ok().and_then(|k| t.get(k).copied())
            }
            // A missing key goes the generic way (KeyError), counted as a
            // miss.
            (Some(ObjectData::Dict(d)), _)
                if form == Opcode::BinarySubscrDict && native_key(key) =>
            {
                let hash = crate::object::dict::hash_value(key).ok();
                hash.and_then(|h| d.lock().get_hashed(h, key))
            }
            _ => None,
        };
        match found {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        found
    }
}

/// `x op y` on inline ints with Python's semantics (floor division and a
/// modulo with the divisor's sign); `None` when the generic operation must
/// decide (a zero divisor, a negative shift, a result out of range).
fn int_op(op: BinaryOp, x: i64, y: i64) -> Option<i64> {
    match op {
        BinaryOp::Add => Some(x + y),
        BinaryOp::Sub => Some(x - y),
        BinaryOp::Mul => x.checked_mul(y),
        BinaryOp::FloorDiv if y != 0 => {
            let q = x / y;
            Some(if x % y != 0 && (x < 0) != (y < 0) {
                q - 1
            } else {
                q
            })
        }
        BinaryOp::Mod if y != 0 => {
            let r = x % y;
            Some(if r != 0 && (r < 0) != (y < 0) {
                r + y
            } else {
                r
            })
        }
        BinaryOp::And => Some(x & y),
        BinaryOp::Or => Some(x | y),
        BinaryOp::Xor => Some(x ^ y),
        // Inline ints have 48 bits: a shift under 16 cannot overflow i64.
        BinaryOp::LShift if (0..16).contains(&y) => Some(x << y),
        BinaryOp::RShift if y >= 0 => Some(x >> y.min(63)),
        _ => None,
    }
}

/// Whether `v` hashes and compares natively (an int, float or str): a
/// table lookup with it runs no Python code.
fn native_key(v: Value) -> bool {
    v.as_inline_int().is_some() || v.is_float() || is_str(v)
}

/// Whether `v` is an exact str.
fn is_str(v: Value) -> bool {
    matches!(v.data(), Some(ObjectData::Str(_)))
}
