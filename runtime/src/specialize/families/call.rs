//! Calls: `Call` and `CallMethod`.
//!
//! Python-function forms read the callee's code (and, when the call leaves
//! parameters out, its defaults; for keyword-only parameters, its
//! `__kwdefaults__`, which must hold them all) when they run — the function object is on
//! the stack, so what it holds is alive: a code that takes the arguments
//! passed is all they assume. So any function qualifies (polymorphic
//! sites, closures made afresh by each call of their enclosing function,
//! methods of several classes), and a replaced `__code__`, `__defaults__`
//! or `__kwdefaults__` is judged like any other. Class forms cache the class by
//! identity and version tag (the tag vouches for its `__init__`). Builtin
//! functions and builtin types (immutable) are checked by kind and called
//! straight from the stack, so polymorphic sites of them keep their fast
//! path; `len` and `isinstance` are recognised by identity and by their
//! native code (so an object at a recycled address cannot pass for them).

use super::*;
use crate::bytecode::CodeFlags;
use crate::error::PyResult;
use crate::object::{hash_str, Function, Layout, NativeCode};

/// How a Python function takes `nargs` positional arguments, read once
/// (`__code__`, `__defaults__` and `__kwdefaults__` may be replaced at any
/// time): its code, which has no `*args` or `**kwargs`, the defaults tuple
/// that supplies the parameters the call leaves out (None when it passes
/// them all), and the `__kwdefaults__` dict, which must then hold every
/// keyword-only parameter's default (None when there are none). The
/// frame's first locals are then the arguments, the last defaults and the
/// keyword-only defaults. Always inlined: returned in memory, its three
/// words were read back 16 bytes at a time from 8-byte stores (a
/// store-forwarding stall at every call tier 1 makes).
#[inline(always)]
pub(crate) fn positional_code(
    f: &Function,
    nargs: usize,
) -> Result<PositionalCallee, &'static str> {
    let code = f.code();
    let ObjectData::Code(c) = &code.data else {
        return Err("code");
    };
    let argcount = c.argcount as usize;
    if c.flags & (CodeFlags::VARARGS | CodeFlags::VARKEYWORDS) != 0 {
        return Err("*args or **kwargs");
    } else if nargs > argcount {
        return Err("too many arguments");
    }
    let kwdefaults = if c.kwonlyargcount == 0 {
        Value::NONE
    } else {
        let kwdefaults = f.kwdefaults.load();
        let Some(ObjectData::Dict(d)) = kwdefaults.data() else {
            return Err("keyword-only parameters without defaults");
        };
        let d = d.lock();
        let kwonly = &c.varnames[argcount..argcount + c.kwonlyargcount as usize];
        if !kwonly.iter().all(|n| d.get_str(hash_str(n), n).is_some()) {
            return Err("keyword-only parameters without defaults");
        }
        kwdefaults
    };
    let callee = |defaults| PositionalCallee {
        code,
        defaults,
        kwdefaults,
    };
    if nargs == argcount {
        return Ok(callee(Value::NONE));
    }
    let defaults = f.defaults();
    match defaults.as_tuple() {
        Some(d) if d.len() >= argcount - nargs => Ok(callee(defaults)),
        _ => Err("too few arguments"),
    }
}

/// `value`'s code and defaults when it is a Python function taking `nargs`
/// positional arguments ([`positional_code`]).
#[inline]
fn positional_function(value: Value, nargs: usize) -> Option<PositionalCallee> {
    match value.data() {
        Some(ObjectData::Function(f)) => positional_code(f, nargs).ok(),
        _ => None,
    }
}

/// A Python callee a guard proved callable with the arguments on the
/// stack ([`positional_code`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PositionalCallee {
    /// Its code.
    pub code: Gc<PyObject>,
    /// The defaults tuple whose last items fill the parameters the call
    /// leaves out (None: none).
    pub defaults: Value,
    /// The `__kwdefaults__` dict holding every keyword-only parameter's
    /// default (None: it has none).
    pub kwdefaults: Value,
}

/// Whether calling class `c` runs a native constructor: a builtin type
/// (immutable, so nothing about it can change) other than `object` and the
/// exceptions, whose instances the generic call makes itself.
#[inline]
fn constructs_natively(c: &crate::object::Class) -> bool {
    c.is_builtin() && matches!(c.layout, Layout::Builtin | Layout::List | Layout::Dict)
}

/// The native code of an unbound builtin function, as a cache word.
fn native_word(b: &crate::object::BuiltinFunction) -> Option<u64> {
    match (&b.func, b.bound) {
        (NativeCode::Fn(f), None) => Some(*f as usize as u64),
        _ => None,
    }
}

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
        let outcome = self.call_form(family == Opcode::CallMethod, callable, nargs);
        let outcome = outcome.map(|(words, form)| {
            let cell = tc.cache(at);
            let mut cache = cell.get();
            cache.words = words;
            cell.set(cache);
            form
        });
        self.settle(tc, at, family, outcome);
    }

    /// The form (and its cache) for a call of `callable` with `nargs`
    /// positional arguments; `method`: a `CallMethod`.
    fn call_form(
        &mut self,
        method: bool,
        callable: Value,
        nargs: usize,
    ) -> Result<([u64; 8], Opcode), &'static str> {
        let obj = callable.as_object().ok_or("not callable")?;
        // Python forms would only miss while a hook runs every call.
        let python_call = if self.rt.has_eval_frame_hook() {
            Err("frame-evaluation hook")
        } else {
            Ok(())
        };
        let no_cache = [0; 8];
        match &obj.data {
            ObjectData::Function(f) => {
                python_call?;
                positional_code(f, nargs)?;
                let form = if method {
                    Opcode::CallMethodPy
                } else {
                    Opcode::CallPy
                };
                Ok((no_cache, form))
            }
            ObjectData::BoundMethod { func, .. } => {
                python_call?;
                let Some(ObjectData::Function(f)) = func.data() else {
                    return Err("bound method of a builtin");
                };
                positional_code(f, nargs + 1)?;
                let form = if method {
                    Opcode::CallMethodBound
                } else {
                    Opcode::CallBound
                };
                Ok((no_cache, form))
            }
            ObjectData::Builtin(b) => {
                if nargs + usize::from(b.bound.is_some()) > 8 {
                    return Err("more than eight arguments");
                }
                if method {
                    return Ok((no_cache, Opcode::CallMethodBuiltin));
                }
                let dedicated = native_word(b).and_then(|word| {
                    let NativeCode::Fn(f) = b.func else {
                        return None;
                    };
                    if nargs == 1 && crate::builtins::is_len(f) {
                        Some((word, Opcode::CallLen))
                    } else if nargs == 2 && crate::builtins::is_isinstance(f) {
                        Some((word, Opcode::CallIsinstance))
                    } else {
                        None
                    }
                });
                Ok(match dedicated {
                    Some((word, form)) => ([address(obj), word, 0, 0, 0, 0, 0, 0], form),
                    None => (no_cache, Opcode::CallBuiltin),
                })
            }
            ObjectData::Class(_) if method => Err("class called as a method"),
            ObjectData::Class(c) if constructs_natively(c) => {
                if nargs > 8 {
                    return Err("more than eight arguments");
                }
                Ok((no_cache, Opcode::CallBuiltinClass))
            }
            ObjectData::Class(c) if c.is_builtin() => Err("builtin class layout"),
            ObjectData::Class(_) => self.class_call_entry(obj, nargs),
            _ => Err("callable type"),
        }
    }

    /// The cache of `C(args)` for a plain user class: the class's address
    /// and version, and its `__init__` (`CallClassInit`, when it is a
    /// Python function taking the instance and these arguments) or none
    /// (`CallClassNoInit`, no arguments).
    fn class_call_entry(
        &mut self,
        class: Gc<PyObject>,
        nargs: usize,
    ) -> Result<([u64; 8], Opcode), &'static str> {
        let c = class.as_class().ok_or("not a class")?;
        if c.layout != Layout::Instance {
            return Err("class layout");
        }
        // The tag first: a change after this point resets it.
        let version = c.version.get();
        if version == 0 {
            return Err("out of versions");
        }
        let init = self.lookup_value(class, self.rt.hook_names.init);
        // What `call_class` does: a Python `__init__` runs; anything else
        // (`object.__init__`) takes no arguments.
        let Some(init) = init.filter(|v| matches!(v.data(), Some(ObjectData::Function(_)))) else {
            if nargs != 0 {
                return Err("arguments without __init__");
            }
            return Ok((
                [address(class), u64::from(version), 0, 0, 0, 0, 0, 0],
                Opcode::CallClassNoInit,
            ));
        };
        if self.rt.has_eval_frame_hook() {
            return Err("frame-evaluation hook");
        }
        let Some(ObjectData::Function(f)) = init.data() else {
            unreachable!("filtered above")
        };
        let PositionalCallee { code, .. } = positional_code(f, nargs + 1).map_err(|e| match e {
            "too many arguments" | "too few arguments" => "__init__ argument count",
            _ => "__init__ not a plain function",
        })?;
        if matches!(&code.data, ObjectData::Code(c) if c.has_flag(CodeFlags::GENERATOR)) {
            return Err("generator __init__");
        }
        Ok((
            [
                address(class),
                u64::from(version),
                init.to_bits(),
                0,
                0,
                0,
                0,
                0,
            ],
            Opcode::CallClassInit,
        ))
    }

    /// Whether `callable` is the class cached at `at`, unchanged since.
    #[inline]
    fn same_class(tc: &ThreadCode, at: usize, callable: Value) -> bool {
        let c = tc.cache(at).get().words;
        callable.as_object().is_some_and(|class| {
            address(class) == c[0]
                && class
                    .as_class()
                    .is_some_and(|k| u64::from(k.version.peek()) == c[1])
        })
    }

    /// The guard of `CallClassInit`: the cached class, unchanged, and its
    /// `__init__` still taking the arguments (its code and defaults are
    /// read now: replacing them does not change the class), with no
    /// frame-evaluation hook. Returns `__init__` and how to call it;
    /// deoptimizes when it fails.
    #[inline]
    pub(crate) fn class_call_guard(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        callable: Value,
        nargs: usize,
    ) -> Option<(Value, PositionalCallee)> {
        // The class (alive: the callable) still holds its `__init__`,
        // which the version check vouches for.
        let found = (Self::same_class(tc, at, callable) && !self.rt.has_eval_frame_hook())
            .then(|| Value::from_bits(tc.cache(at).get().words[2]))
            .and_then(|init| {
                let callee = positional_function(init, nargs + 1)?;
                let generator = matches!(&callee.code.data,
                    ObjectData::Code(c) if c.has_flag(CodeFlags::GENERATOR));
                (!generator).then_some((init, callee))
            });
        match found {
            Some(_) => self.count_hit(Opcode::CallClassInit),
            None => self.count_miss(tc, at, Opcode::CallClassInit),
        }
        found
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

    /// The guard of `CallClassNoInit`: the cached class, unchanged (so it
    /// still has no Python `__init__`). Deoptimizes when it fails.
    #[inline]
    pub(crate) fn class_no_init_guard(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        callable: Value,
    ) -> bool {
        let ok = Self::same_class(tc, at, callable);
        if ok {
            self.count_hit(Opcode::CallClassNoInit);
        } else {
            self.count_miss(tc, at, Opcode::CallClassNoInit);
        }
        ok
    }

    /// The guard of `CallPy`/`CallMethodPy`: the callable is a Python
    /// function taking `nargs` positional arguments (a method call may or
    /// may not pass a receiver), and no frame-evaluation hook is set.
    /// Returns how to call it; deoptimizes when it fails.
    #[inline]
    pub(crate) fn py_call_guard(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        callable: Value,
        nargs: usize,
    ) -> Option<PositionalCallee> {
        let code = if self.rt.has_eval_frame_hook() {
            None
        } else {
            positional_function(callable, nargs)
        };
        match code {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        code
    }

    /// The guard of `CallBound`/`CallMethodBound`: the callable is a bound
    /// method whose Python function takes the receiver and `nargs`
    /// positional arguments, with no frame-evaluation hook. Returns
    /// `(function, receiver, how to call it)`; deoptimizes when it fails.
    #[inline]
    pub(crate) fn bound_call_guard(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        callable: Value,
        nargs: usize,
    ) -> Option<(Value, Value, PositionalCallee)> {
        let found = match callable.data() {
            Some(ObjectData::BoundMethod { func, receiver }) if !self.rt.has_eval_frame_hook() => {
                positional_function(*func, nargs + 1).map(|callee| (*func, *receiver, callee))
            }
            _ => None,
        };
        match found {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        found
    }

    /// The guard of `CallBuiltin`/`CallMethodBuiltin`: the callable is a
    /// builtin function taking at most eight arguments, and no trace or
    /// profile function wants to see the call (`tracing`). Deoptimizes when
    /// it fails.
    #[inline]
    pub(crate) fn builtin_call_guard(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        callable: Value,
        nargs: usize,
        tracing: bool,
    ) -> bool {
        let ok = !tracing
            && matches!(callable.data(),
                Some(ObjectData::Builtin(b)) if nargs + usize::from(b.bound.is_some()) <= 8);
        if ok {
            self.count_hit(form);
        } else {
            self.count_miss(tc, at, form);
        }
        ok
    }

    /// Whether `callable` is the builtin cached at `at`: the same object,
    /// still running the same native code (an object at a recycled address
    /// would have to be the same builtin to pass).
    #[inline]
    fn same_builtin(tc: &ThreadCode, at: usize, callable: Value) -> bool {
        let c = tc.cache(at).get().words;
        callable.as_object().is_some_and(|o| {
            address(o) == c[0]
                && matches!(&o.data, ObjectData::Builtin(b) if native_word(b) == Some(c[1]))
        })
    }

    /// `CallLen`: `len(x)`; `None` when the guard failed (deoptimized).
    #[inline]
    pub(crate) fn len_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        callable: Value,
        x: Value,
        tracing: bool,
    ) -> Option<PyResult<Value>> {
        if tracing || !Self::same_builtin(tc, at, callable) {
            self.count_miss(tc, at, Opcode::CallLen);
            return None;
        }
        self.count_hit(Opcode::CallLen);
        let n = match x.data() {
            Some(ObjectData::List(l)) => crate::object::ListItems::len_unlocked(l),
            Some(ObjectData::Tuple(t)) => t.len(),
            Some(ObjectData::Str(s)) => s.char_count(),
            Some(ObjectData::Dict(d)) => d.lock().len(),
            Some(ObjectData::Set(s)) => s.lock().len(),
            // Anything else the way the builtin does it.
            _ => match self.len(x) {
                Ok(n) => n,
                Err(e) => return Some(Err(e)),
            },
        };
        Some(Ok(self.new_int(n as i64)))
    }

    /// `CallIsinstance`: `isinstance(x, classinfo)`; `None` when the guard
    /// failed (deoptimized).
    #[inline]
    pub(crate) fn isinstance_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        callable: Value,
        x: Value,
        classinfo: Value,
        tracing: bool,
    ) -> Option<PyResult<Value>> {
        if tracing || !Self::same_builtin(tc, at, callable) {
            self.count_miss(tc, at, Opcode::CallIsinstance);
            return None;
        }
        self.count_hit(Opcode::CallIsinstance);
        Some(match classinfo.as_object() {
            Some(class) if class.as_class().is_some() => Ok(Value::bool(self.isinstance(x, class))),
            // A tuple of classes, or an error: the builtin itself.
            _ => match callable.data() {
                Some(ObjectData::Builtin(b)) => b.func.call(self, &[x, classinfo], &[]),
                _ => unreachable!("the guard checked the builtin"),
            },
        })
    }

    /// The guard of `CallBuiltinClass`: the callable is a builtin type
    /// constructed by its native constructor ([`constructs_natively`]).
    /// Deoptimizes when it fails.
    #[inline]
    pub(crate) fn builtin_class_guard(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        callable: Value,
    ) -> bool {
        let ok = matches!(callable.data(), Some(ObjectData::Class(c)) if constructs_natively(c));
        if ok {
            self.count_hit(Opcode::CallBuiltinClass);
        } else {
            self.count_miss(tc, at, Opcode::CallBuiltinClass);
        }
        ok
    }

    /// `class(*args)` for a builtin type (what the generic call does for
    /// one): `range` of inline ints directly, the language types (`set`,
    /// `property`...), then the other constructors.
    pub(crate) fn construct_builtin_class(
        &mut self,
        class: Gc<PyObject>,
        args: &[Value],
    ) -> PyResult<Value> {
        if class == self.rt.types.range {
            let small = match *args {
                [stop] => stop.as_inline_int().map(|stop| (0, stop, 1)),
                [start, stop] => start
                    .as_inline_int()
                    .zip(stop.as_inline_int())
                    .map(|(a, b)| (a, b, 1)),
                [start, stop, step] => match (
                    start.as_inline_int(),
                    stop.as_inline_int(),
                    step.as_inline_int(),
                ) {
                    (Some(a), Some(b), Some(c)) if c != 0 => Some((a, b, c)),
                    _ => None,
                },
                _ => None,
            };
            if let Some((start, stop, step)) = small {
                return Ok(self.new_range(crate::object::Range::Small { start, stop, step }));
            }
        }
        if let Some(v) = self.construct_language_type_from(class, args, &[])? {
            return Ok(v);
        }
        crate::builtins::construct(self, class, args, &[])
    }
}
