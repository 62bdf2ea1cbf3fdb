//! Names: `LoadGlobal`, `LoadAttr`, `StoreAttr` and `LoadMethod`.

use super::*;

impl Interp<'_> {
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
        let found = self.lookup_value(class, name);
        let form = match (Self::own_attribute_entry(class, found, version), found) {
            (Some(entry), _) => {
                cache.words = [entry, 0, 0, 0, 0, 0, 0, 0];
                Opcode::LoadAttrInstance
            }
            (None, None) => unreachable!("no class attribute is read from the instance"),
            (None, Some(found)) => match found.data() {
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

    /// The slot of `class`'s instances that `found`, what a lookup of an
    /// attribute name on `class` found, stands for: a member descriptor of
    /// the slot layout of `class` (not of a base's, whose instances'
    /// layout a subclass with a dict does not share).
    fn slot_of_member(class: Gc<PyObject>, found: Value) -> Option<usize> {
        let Some(ObjectData::Descriptor(crate::object::Descriptor::Member { index, name, .. })) =
            found.data()
        else {
            return None;
        };
        let k = *index as usize;
        let names = class.as_class()?.slot_names.as_deref()?;
        (names.get(k) == Some(name)).then_some(k)
    }

    /// The `LoadAttrInstance` cache entry for an attribute that instances
    /// of `class` (at `version`) hold themselves, given what a lookup of
    /// its name on the class `found`: nothing (the instance's dict), or a
    /// slot's member (that slot). `None` for any other class attribute.
    fn own_attribute_entry(class: Gc<PyObject>, found: Option<Value>, version: u32) -> Option<u64> {
        match found {
            None => Some(instance_entry(version)),
            Some(found) => {
                Self::slot_of_member(class, found).map(|k| with_hint(instance_entry(version), k))
            }
        }
    }

    /// Attribute `name` of an instance whose class's version a cache
    /// entry holds, at position `hint` (which the caller may move to the
    /// position returned) in its dict, or in slot `hint` when it has
    /// slots. `None`: not set.
    fn cached_instance_attribute(
        obj: &PyObject,
        attrs: &crate::object::InstanceAttrs,
        name: Value,
        text: &crate::object::PyStr,
        hint: usize,
    ) -> Option<(Value, usize)> {
        let d = match attrs {
            crate::object::InstanceAttrs::Dict(d) => d,
            crate::object::InstanceAttrs::Slots(slots) => {
                return crate::object::slot_load(obj, slots, name, hint)
            }
        };
        match crate::object::Dict::find_unlocked(d, hint, name) {
            Some(found) => Some(found),
            None => {
                let d = d.lock();
                match d.value_at_str(hint, name, text) {
                    Some(v) => Some((v, hint)),
                    None => d.get_hashed_at(text.hash(), name),
                }
            }
        }
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
                    // (The version matched: `obj` is an instance.)
                    if let (Some(k), Some(o), Some(text)) = (
                        c.iter().position(|w| w >> 32 == current),
                        obj.as_ref(),
                        name.as_ref().and_then(|n| n.as_str()),
                    ) {
                        let ObjectData::Instance(attrs) = &o.data else {
                            unreachable!("the version matched: an instance")
                        };
                        self.count_hit(form);
                        let hint = entry_hint(c[k]);
                        let found = Self::cached_instance_attribute(o, attrs, name, text, hint);
                        if let Some((_, position)) = found.filter(|(_, i)| *i != hint) {
                            // Elsewhere in this instance: look there next.
                            let mut cache = cell.get();
                            cache.words[k] = with_hint(c[k], position);
                            cell.set(cache);
                        }
                        // Missing: the generic load raises (or asks
                        // `__getattr__`); the guard itself held.
                        return Ok(found.map(|(v, _)| v));
                    }
                    // Another class that qualifies joins the cache.
                    if let Ok((class, version)) =
                        self.instance_class_version(obj, name, crate::interp::hook::GETATTRIBUTE)
                    {
                        let found = self.lookup_value(class, name);
                        if let Some(entry) = Self::own_attribute_entry(class, found, version) {
                            let mut cache = cell.get();
                            cache.words.rotate_right(1);
                            cache.words[0] = entry;
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
        let outcome = self.store_attr_target(obj, name).map(|target| {
            let cell = tc.cache(at);
            let mut cache = cell.get();
            let form = match target {
                StoreTarget::Own(entry) => {
                    cache.words = [entry, 0, 0, 0, 0, 0, 0, 0];
                    Opcode::StoreAttrInstance
                }
                // The property itself: its setter is read when it runs
                // (re-initializing a property replaces it in place), as
                // `LoadAttrProperty` reads its getter.
                StoreTarget::Property(version, property) => {
                    cache.words = [u64::from(version), property.to_bits(), 0, 0, 0, 0, 0, 0];
                    Opcode::StoreAttrProperty
                }
            };
            cell.set(cache);
            form
        });
        self.settle(tc, at, Opcode::StoreAttr, outcome);
    }

    /// `StoreAttrProperty`: the cached property when `obj`'s class still
    /// has the cached version (`None`: a miss, counted).
    #[inline]
    pub(crate) fn store_attr_property_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
    ) -> Option<Value> {
        let c = tc.cache(at).get().words;
        let current = Self::receiver_version(obj);
        if current != 0 && current == c[0] {
            self.count_hit(Opcode::StoreAttrProperty);
            // The class (alive: the instance's) holds the property.
            return Some(Value::from_bits(c[1]));
        }
        self.count_miss(tc, at, Opcode::StoreAttrProperty);
        None
    }

    /// What `obj.name = v` does under the version of `obj`'s class: a plain
    /// store into the instance's dict, or a call of the setter of a
    /// property of the class.
    fn store_attr_target(&mut self, obj: Value, name: Value) -> Result<StoreTarget, &'static str> {
        use crate::interp::hook;
        use crate::object::Descriptor;
        let (class, version) =
            self.instance_class_version(obj, name, hook::SETATTR | hook::GETATTRIBUTE)?;
        match self.lookup_value(class, name) {
            Some(found) => match found.data() {
                Some(ObjectData::Descriptor(Descriptor::Property { .. })) => {
                    Ok(StoreTarget::Property(version, found))
                }
                _ => match Self::slot_of_member(class, found) {
                    Some(k) => Ok(StoreTarget::Own(with_hint(instance_entry(version), k))),
                    None => Err("the class has the name"),
                },
            },
            None if class == self.rt.types.object => Err("plain object()"),
            None if self.slots_forbid(class, name) => Err("__slots__ forbids it"),
            None => Ok(StoreTarget::Own(instance_entry(version))),
        }
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
        let entry = c.iter().position(|w| current != 0 && w >> 32 == current);
        let k = match entry {
            Some(k) => k,
            // Another class that qualifies joins the cache.
            None => match self.store_attr_target(obj, name) {
                Ok(StoreTarget::Own(entry)) => {
                    let mut cache = cell.get();
                    cache.words.rotate_right(1);
                    cache.words[0] = entry;
                    cell.set(cache);
                    if let Some(s) = self.spec_stats.as_mut() {
                        s.refill(Opcode::StoreAttrInstance);
                    }
                    0
                }
                _ => {
                    self.count_miss(tc, at, Opcode::StoreAttrInstance);
                    return false;
                }
            },
        };
        let (Some(o), Some(text)) = (obj.as_ref(), name.as_ref().and_then(|n| n.as_str())) else {
            self.count_miss(tc, at, Opcode::StoreAttrInstance);
            return false;
        };
        let ObjectData::Instance(attrs) = &o.data else {
            self.count_miss(tc, at, Opcode::StoreAttrInstance);
            return false;
        };
        let word = cell.get().words[k];
        let hint = entry_hint(word);
        let d = match attrs {
            crate::object::InstanceAttrs::Dict(d) => d,
            // Slots: the cached version's layout has the name at `hint`.
            crate::object::InstanceAttrs::Slots(slots) => {
                if !crate::object::slot_store(o, slots, name, hint, value) {
                    self.count_miss(tc, at, Opcode::StoreAttrInstance);
                    return false;
                }
                if entry.is_some() {
                    self.count_hit(Opcode::StoreAttrInstance);
                }
                return true;
            }
        };
        if entry.is_some() {
            self.count_hit(Opcode::StoreAttrInstance);
        }
        let position = {
            let mut d = d.lock();
            if d.replace_at_str(hint, name, text, value) {
                hint
            } else {
                d.insert_hashed_at(text.hash(), name, value).0
            }
        };
        if position != hint {
            // A new attribute, or one elsewhere in this instance: the next
            // instance of the class probably has it there.
            let mut cache = cell.get();
            cache.words[k] = with_hint(word, position);
            cell.set(cache);
        }
        true
    }

    /// `LoadAttrModule` / `LoadMethodModule`: the cached attribute while
    /// the module's dict is the same and unchanged.
    #[inline]
    pub(crate) fn load_attr_module_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        obj: Value,
    ) -> Option<Value> {
        let c = tc.cache(at).get().words;
        if let Some(ObjectData::Module(m)) = obj.data() {
            if address(m.dict()) == c[0] {
                // SAFETY: words[1] is the watcher of the dict at words[0],
                // which is the module's dict now: alive.
                let w = unsafe { watcher_at(c[1]) };
                if w.values_version() == c[2] {
                    self.count_hit(form);
                    return Some(Value::from_bits(c[3]));
                }
            }
        }
        self.count_miss(tc, at, form);
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
        if matches!(obj.data(), Some(ObjectData::Module(_))) {
            // `math.sqrt(x)`: the attribute, called without a receiver.
            let outcome = self
                .plan_load_attr_module(tc, at, obj, name)
                .map(|_| Opcode::LoadMethodModule);
            self.settle(tc, at, Opcode::LoadMethod, outcome);
            return;
        }
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
        let outcome = self.class_member(obj, name).and_then(|(version, found)| {
            let form = match found.data() {
                Some(ObjectData::Descriptor(crate::object::Descriptor::StaticMethod(_))) => {
                    Opcode::LoadMethodStatic
                }
                _ => {
                    Self::method_value(obj, found)?;
                    Opcode::LoadMethodInstance
                }
            };
            let cell = tc.cache(at);
            let mut cache = cell.get();
            cache.words = [u64::from(version), found.to_bits(), 0, 0, 0, 0, 0, 0];
            cell.set(cache);
            Ok(form)
        });
        self.settle(tc, at, Opcode::LoadMethod, outcome);
    }

    /// What a `LoadMethodInstance` cache entry holds for `obj.name`: the
    /// class version and the function, when the lookup qualifies. The
    /// receiver is an instance of a user class, or of a user subclass of
    /// a builtin type (whose inherited builtin methods qualify too).
    fn method_entry(&mut self, obj: Value, name: Value) -> Result<(u32, Value), &'static str> {
        let (version, found) = self.class_member(obj, name)?;
        Self::method_value(obj, found)?;
        Ok((version, found))
    }

    /// Whether `found`, on the class of `obj`, is a method
    /// `LoadMethodInstance` loads.
    fn method_value(obj: Value, found: Value) -> Result<(), &'static str> {
        match (found.data(), obj.data()) {
            (Some(ObjectData::Function(_)), _)
            | (Some(ObjectData::Builtin(_)), Some(ObjectData::Subclassed(_))) => Ok(()),
            _ => Err("not a Python function"),
        }
    }

    /// The class version and what the class of `obj` has for `name`, when
    /// a method load need look only at the class: `obj` an instance
    /// receiver whose class has no `__getattribute__` and whose instances
    /// never shadow class attributes.
    fn class_member(&mut self, obj: Value, name: Value) -> Result<(u32, Value), &'static str> {
        let o = obj.as_object().ok_or("not an object")?;
        if !is_instance_receiver(&o) {
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
        let c = tc.cache(at).get().words;
        let current = method_receiver_version(obj);
        if current != 0 {
            for entry in c.chunks_exact(2) {
                if entry[0] == current {
                    self.count_hit(Opcode::LoadMethodInstance);
                    // The class (alive: the instance's) still holds the
                    // function.
                    return Some(Value::from_bits(entry[1]));
                }
            }
        }
        self.load_method_refill(tc, at, obj, name)
    }

    /// [`Interp::load_method_cached`] when no entry matched: the receiver's
    /// method becomes the first entry, or the form deoptimizes. Apart, so
    /// that the hit path stays small.
    #[cold]
    #[inline(never)]
    fn load_method_refill(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
        name: Value,
    ) -> Option<Value> {
        let cell = tc.cache(at);
        if let Ok((version, found)) = self.method_entry(obj, name) {
            let mut cache = cell.get();
            let c = cache.words;
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

    /// `LoadMethodStatic`: the function of the cached staticmethod while
    /// the receiver's class has the cached version (one class: another
    /// deoptimizes).
    #[inline]
    pub(crate) fn load_method_static_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        obj: Value,
    ) -> Option<Value> {
        let c = tc.cache(at).get().words;
        let current = method_receiver_version(obj);
        if current != 0 && current == c[0] {
            // The class (alive: the instance's) still holds the
            // staticmethod; its function is read now (re-initializing it
            // replaces the function in place).
            if let Some(ObjectData::Descriptor(crate::object::Descriptor::StaticMethod(f))) =
                Value::from_bits(c[1]).data()
            {
                self.count_hit(Opcode::LoadMethodStatic);
                return Some(f.load());
            }
        }
        self.count_miss(tc, at, Opcode::LoadMethodStatic);
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
}

/// What tier 2 reads from the cache of a receiver-guarded attribute form
/// (the layouts are this file's): the class version of its one receiver
/// class and the value it cached (a class attribute, a method; the
/// attribute's position hint in the instance dict for the instance forms,
/// `u32::MAX` for none, checked on use; the descriptor for the property
/// and staticmethod forms), or `None` when the site saw several classes
/// (tier 2 then runs the tier-1 form, which handles them all).
pub(crate) fn monomorphic_receiver(form: Opcode, words: &[u64; 8]) -> Option<(u64, u64)> {
    match form {
        Opcode::LoadAttrInstance | Opcode::StoreAttrInstance => (words[1] == 0 && words[0] != 0)
            .then_some((words[0] >> 32, entry_hint(words[0]) as u64)),
        Opcode::LoadMethodInstance => (words[2] == 0).then_some((words[0], words[1])),
        Opcode::LoadAttrClass
        | Opcode::LoadAttrProperty
        | Opcode::LoadMethodStatic
        | Opcode::BinaryOpInstance => Some((words[0], words[1])),
        _ => None,
    }
}

/// What tier 2 reads from the cache of a receiver-guarded site that saw
/// two to four classes, where one guard taking each of their versions
/// suffices: instance attribute loads and stores (the dict holds the
/// value whatever the class), and method loads whose classes all resolve
/// the name to one function (a method of their common base). Returns the
/// versions (0 where fewer) and the function (for the instance forms, the
/// first class's position hint).
pub(crate) fn shared_receiver(form: Opcode, words: &[u64; 8]) -> Option<([u64; 4], u64)> {
    let entries: Vec<(u64, u64)> = match form {
        Opcode::LoadMethodInstance => words
            .chunks_exact(2)
            .map(|e| (e[0], e[1]))
            .filter(|(version, _)| *version != 0)
            .collect(),
        Opcode::LoadAttrInstance | Opcode::StoreAttrInstance => words
            .iter()
            .map(|w| (w >> 32, 0))
            .filter(|(version, _)| *version != 0)
            .collect(),
        _ => return None,
    };
    let value = entries.first()?.1;
    if !(2..=4).contains(&entries.len()) || entries.iter().any(|(_, v)| *v != value) {
        return None;
    }
    // An instance form's value is the first class's position hint.
    let value = match form {
        Opcode::LoadMethodInstance => value,
        _ => entry_hint(words[0]) as u64,
    };
    let mut versions = [0; 4];
    for (slot, (version, _)) in versions.iter_mut().zip(&entries) {
        *slot = *version;
    }
    Some((versions, value))
}

/// A cache entry of the instance attribute forms: the class version in
/// the high half, the attribute's position in the instance dict's entry
/// vector (a hint, checked on use) in the low half, none yet.
fn instance_entry(version: u32) -> u64 {
    u64::from(version) << 32 | u64::from(u32::MAX)
}

/// The position hint of an instance attribute cache entry.
#[inline]
fn entry_hint(word: u64) -> usize {
    (word & u64::from(u32::MAX)) as usize
}

/// `word` with the position hint `position` (none if it does not fit).
#[inline]
fn with_hint(word: u64, position: usize) -> u64 {
    let hint = u32::try_from(position).unwrap_or(u32::MAX);
    word & !u64::from(u32::MAX) | u64::from(hint)
}

/// What an attribute store on an instance does, under its class's version.
enum StoreTarget {
    /// A plain store into the instance's own attributes (its dict or its
    /// slot), with the cache entry that says so.
    Own(u64),
    /// A call of the setter of the class's property (the property).
    Property(u32, Value),
}

/// Whether `o` is an instance of a user class or of a user subclass of a
/// builtin type: a receiver whose attributes are in its own table, which
/// the class's "instances shadow" flag vouches for.
#[inline]
fn is_instance_receiver(o: &PyObject) -> bool {
    matches!(o.data, ObjectData::Instance(_) | ObjectData::Subclassed(_))
}

/// The class version of `obj` as a method receiver
/// ([`is_instance_receiver`]), 0 for any other value (no cached entry
/// holds 0).
#[inline(always)]
fn method_receiver_version(obj: Value) -> u64 {
    obj.as_ref()
        .filter(|o| is_instance_receiver(o))
        .map_or(0, |o| {
            u64::from(o.class().as_class().map_or(0, |k| k.version.peek()))
        })
}
