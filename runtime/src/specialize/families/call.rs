//! Calls: `Call` and `CallMethod`.

use super::*;

impl Interp<'_> {
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
    pub(super) fn exact_call_entry(
        callable: Value,
        nargs: usize,
    ) -> Result<[u64; 8], &'static str> {
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
}
