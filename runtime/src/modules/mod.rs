//! Modules: the import machinery and the builtin modules, one file each.
//!
//! `import name` looks in the runtime's module table, then among the
//! builtin modules (created on first import), then for `name.py` in the
//! search path (the directory of the main script). A `.py` module is
//! registered before its body runs (so circular imports see it) and
//! removed again if the body raises.
//!
//! Builtin modules are built from native functions; `threading` is
//! Python source (`threading.py` beside this file) over the native
//! primitives of `_thread`.

pub mod math;
pub mod random;
pub mod sys;
pub mod thread;
pub mod time;

use std::sync::Arc;

use stillpoint_gc::Gc;

use crate::error::{PyErr, PyResult};
use crate::interp::{Interp, NativeFn};
use crate::object::{BuiltinFunction, Dict, Module, ObjectData, PyObject};
use crate::value::Value;

/// The Python source of the `threading` module.
const THREADING_SOURCE: &str = include_str!("threading.py");

/// The names of the builtin modules (besides `builtins`).
pub const BUILTIN_MODULES: &[&str] = &["sys", "math", "time", "random", "_thread", "threading"];

/// `import name`: the module object.
pub fn import(i: &mut Interp<'_>, name: Value) -> PyResult<Value> {
    let text = i.str_of(name).unwrap_or_default();
    if let Some(m) = i.rt.module(&text) {
        return Ok(Value::object(m));
    }
    let module = match text.as_str() {
        "sys" => Some(sys::create(i)?),
        "math" => Some(math::create(i)),
        "time" => Some(time::create(i)),
        "random" => Some(random::create(i)),
        "_thread" => Some(thread::create(i)),
        "threading" => {
            // `threading` imports `_thread` itself.
            let filename: Arc<str> = Arc::from("<frozen threading>");
            Some(run_source_module(
                i,
                "threading",
                THREADING_SOURCE,
                &filename,
            )?)
        }
        _ => None,
    };
    if let Some(m) = module {
        i.rt.add_module(&text, m);
        sys::note_module(i, &text, m);
        return Ok(Value::object(m));
    }
    for dir in i.rt.search_path() {
        let path = dir.join(format!("{text}.py"));
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        let filename: Arc<str> = Arc::from(path.display().to_string());
        let m = run_source_module(i, &text, &source, &filename)?;
        sys::note_module(i, &text, m);
        return Ok(Value::object(m));
    }
    let msg = format!("No module named '{text}'");
    Err(i.new_exception(i.rt.types.module_not_found_error, &msg))
}

impl Interp<'_> {
    /// Compiles and runs `source` as a new module `name` (importable by
    /// that name from then on); the module object.
    pub fn exec_module(&mut self, name: &str, source: &str) -> PyResult<Value> {
        let filename: Arc<str> = Arc::from(format!("<{name}>"));
        run_source_module(self, name, source, &filename).map(Value::object)
    }
}

/// Compiles and runs `source` as module `name` (registered while it runs,
/// removed if it raises).
fn run_source_module(
    i: &mut Interp<'_>,
    name: &str,
    source: &str,
    filename: &Arc<str>,
) -> PyResult<Gc<PyObject>> {
    i.rt.add_source(filename, source);
    let compiled = match crate::compile::compile_module(source) {
        Ok(c) => c,
        Err(e) => {
            let text = crate::error::format_syntax_error(filename, &e);
            let last = text.lines().last().unwrap_or("SyntaxError").to_string();
            let msg = last
                .strip_prefix("SyntaxError: ")
                .unwrap_or(&last)
                .to_string();
            return Err(i.new_exception(i.rt.types.syntax_error, &msg));
        }
    };
    match i.run_module(&compiled, name, filename) {
        Ok(()) => match i.rt.module(name) {
            Some(m) => {
                // From now on a store into the module is a rebinding.
                crate::events::activate_module_watch(&m);
                Ok(m)
            }
            None => Err(i.new_exception(i.rt.types.import_error, name)),
        },
        Err(e) => {
            i.rt.remove_module(name);
            Err(e)
        }
    }
}

/// `from module import name`.
pub fn import_from(i: &mut Interp<'_>, module: Value, name: Value) -> PyResult<Value> {
    if let Some(ObjectData::Module(m)) = module.data() {
        let (dict, mod_name, file) = (m.dict(), m.name.clone(), m.file.clone());
        if let Some(v) = i.dict_get(dict, name)? {
            return Ok(v);
        }
        let attr = i.str_of(name).unwrap_or_default();
        let location = match file {
            Some(f) => format!(" ({f})"),
            None => " (unknown location)".to_string(),
        };
        let msg = format!("cannot import name '{attr}' from '{mod_name}'{location}");
        return Err(i.new_exception(i.rt.types.import_error, &msg));
    }
    i.get_attr(module, name)
}

/// Builds a module object from native functions and values. Allocation
/// never collects and nothing here reaches a safepoint, so the pieces
/// need no rooting until the module is registered.
pub(crate) struct ModuleBuilder {
    name: &'static str,
    dict: Dict,
}

impl ModuleBuilder {
    /// A module called `name`.
    pub(crate) fn new(i: &Interp<'_>, name: &'static str) -> ModuleBuilder {
        let mut b = ModuleBuilder {
            name,
            dict: Dict::new(),
        };
        let v = i.new_str(name);
        b.value(i, "__name__", v);
        b
    }

    /// Adds a value.
    pub(crate) fn value(&mut self, i: &Interp<'_>, name: &str, v: Value) {
        let key = i.new_str(name);
        self.dict.insert(key, v).expect("str keys hash");
    }

    /// Adds native functions.
    pub(crate) fn functions(&mut self, i: &Interp<'_>, functions: &[(&'static str, NativeFn)]) {
        for (name, func) in functions {
            let f = native_function(i, name, *func);
            self.value(i, name, f);
        }
    }

    /// The module object.
    pub(crate) fn finish(self, i: &Interp<'_>) -> Gc<PyObject> {
        let dict = i.new_module_dict();
        if let ObjectData::Dict(d) = &dict.data {
            let mut d = d.lock();
            for (h, k, v) in self.dict.hashed_items() {
                d.insert_hashed(h, k, v);
            }
            d.watcher().expect("a module dict").activate();
        }
        i.alloc(
            i.rt.types.module,
            ObjectData::Module(Module::new(self.name, dict, None)),
        )
    }
}

/// A builtin function object.
pub(crate) fn native_function(i: &Interp<'_>, name: &'static str, func: NativeFn) -> Value {
    Value::object(i.alloc(
        i.rt.types.builtin_function,
        ObjectData::Builtin(BuiltinFunction {
            name,
            func: crate::object::NativeCode::Fn(func),
            bound: None,
        }),
    ))
}

/// The argument `index` (or keyword `name`), if given.
pub(crate) fn arg(
    i: &Interp<'_>,
    args: &[Value],
    kwargs: &[(Value, Value)],
    index: usize,
    name: &str,
) -> Option<Value> {
    args.get(index).copied().or_else(|| {
        kwargs
            .iter()
            .find(|(k, _)| i.str_of(*k).as_deref() == Some(name))
            .map(|(_, v)| *v)
    })
}

/// A float argument (int or float), or a TypeError.
pub(crate) fn float_arg(i: &mut Interp<'_>, v: Value) -> PyResult<f64> {
    if let Some(f) = v.as_float() {
        return Ok(f);
    }
    if let Some(b) = v.as_bool() {
        return Ok(b as i64 as f64);
    }
    if let Some(n) = v.as_inline_int() {
        return Ok(n as f64);
    }
    if let Some(ObjectData::Int(b)) = v.data() {
        use num_traits::ToPrimitive;
        return match b.to_f64().filter(|f| f.is_finite()) {
            Some(f) => Ok(f),
            None => Err(i.new_exception(
                i.rt.types.overflow_error,
                "int too large to convert to float",
            )),
        };
    }
    let msg = format!("must be real number, not {}", i.type_name(v));
    i.type_error(&msg)
}

/// An int argument, or a TypeError.
pub(crate) fn int_arg(i: &mut Interp<'_>, v: Value) -> PyResult<num_bigint::BigInt> {
    if let Some(n) = v.as_inline_int() {
        return Ok(n.into());
    }
    if let Some(b) = v.as_bool() {
        return Ok((b as i64).into());
    }
    if let Some(ObjectData::Int(b)) = v.data() {
        return Ok(b.clone());
    }
    let msg = format!(
        "'{}' object cannot be interpreted as an integer",
        i.type_name(v)
    );
    i.type_error(&msg)
}

/// Raises `exc` unless it is `Ok`.
pub(crate) fn raise<T>(i: &mut Interp<'_>, class: Gc<PyObject>, msg: &str) -> PyResult<T> {
    Err::<T, PyErr>(i.new_exception(class, msg))
}
