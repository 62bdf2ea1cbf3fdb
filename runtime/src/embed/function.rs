//! Native functions and classes: Rust closures callable from Python, and
//! classes whose instances carry host data.

use std::marker::PhantomData;
use std::sync::{Arc, Mutex, OnceLock};

use super::convert::{FromPyArgs, IntoPy};
use super::{Error, Object, Python};
use crate::error::PyResult;
use crate::interp::Interp;
use crate::object::{BuiltinFunction, Class, Dict, HostFn, Layout, NativeCode, ObjectData};
use crate::value::Value;

/// A builtin function's name lives as long as the process (builtins name
/// themselves with `&'static str`); each distinct name is stored once.
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<std::collections::HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// The Python message for a wrong argument count (CPython's wording).
fn arity_error(name: &str, takes: usize, given: usize) -> Error {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    Error::type_error(format!(
        "{name}() takes {takes} positional argument{} but {given} {} given",
        plural(takes),
        if given == 1 { "was" } else { "were" }
    ))
}

/// Checks the call's shape and converts the arguments after `skip`.
fn convert_args<A: FromPyArgs>(
    py: &mut Python<'_>,
    name: &str,
    args: &[Value],
    kwargs: &[(Value, Value)],
    skip: usize,
) -> Result<A, Error> {
    if !kwargs.is_empty() {
        return Err(Error::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    let given = args.len() - skip;
    if given != A::ARITY {
        return Err(arity_error(name, A::ARITY, given));
    }
    // The arguments stay on the caller's value stack for the whole call.
    let objs: Vec<Object> = args[skip..]
        .iter()
        .map(|v| Object::from_value(py, *v))
        .collect();
    A::from_py_args(py, &objs)
}

/// Runs a host closure's body and turns its result or error into Python's.
fn finish<R: IntoPy>(py: &mut Python<'_>, result: Result<R, Error>) -> PyResult<Value> {
    let obj = result
        .and_then(|r| r.into_py(py))
        .map_err(|e| py.raise(e))?;
    obj.value(py).map_err(|e| py.raise(e))
}

/// A builtin function object implemented by `func`, as a handle.
pub(crate) fn host_builtin(py: &mut Python<'_>, name: &str, func: HostFn) -> Object {
    let v = builtin_object(py, intern(name), func);
    Object::from_value(py, v)
}

fn builtin_object(py: &mut Python<'_>, name: &'static str, func: HostFn) -> Value {
    let rt = py.interp.rt;
    Value::object(py.interp.alloc(
        rt.types.builtin_function,
        ObjectData::Builtin(BuiltinFunction {
            name,
            func: NativeCode::Host(func),
            bound: None,
        }),
    ))
}

impl<'rt> Python<'rt> {
    /// A Python function implemented by a Rust closure of any arity (0 to
    /// 8 positional arguments, converted by [`crate::FromPy`]); its result
    /// is converted by [`IntoPy`], and an `Err` is raised in Python.
    /// Wrong argument counts raise TypeError as CPython words it.
    ///
    /// ```
    /// use stillpoint::{Error, Runtime};
    /// let rt = Runtime::new();
    /// rt.attach(|py| {
    ///     let greet = py.function("greet", |_py, (name, times): (String, usize)| {
    ///         Ok(format!("hi {name}! ").repeat(times))
    ///     })?;
    ///     let main = py.import("__main__").or_else(|_| py.module("__main__"))?;
    ///     main.set(py, "greet", &greet)?;
    ///     assert_eq!(py.eval::<String>("greet('bo', 2)")?, "hi bo! hi bo! ");
    ///     let err = py.eval::<String>("greet('bo')").unwrap_err();
    ///     assert_eq!(err.message(), "greet() takes 2 positional arguments but 1 was given");
    ///     Ok::<(), Error>(())
    /// }).unwrap();
    /// ```
    pub fn function<A, R, F>(&mut self, name: &str, f: F) -> Result<Object, Error>
    where
        A: FromPyArgs,
        R: IntoPy,
        F: Fn(&mut Python<'_>, A) -> Result<R, Error> + Send + Sync + 'static,
    {
        let name = intern(name);
        let func: HostFn = Arc::new(move |interp: &mut Interp<'_>, args, kwargs| {
            let py = Python::from_interp(interp);
            let result = convert_args::<A>(py, name, args, kwargs, 0).and_then(|a| f(py, a));
            finish(py, result)
        });
        let v = builtin_object(self, name, func);
        Ok(Object::from_value(self, v))
    }

    /// Starts a native class named `name` whose instances carry a `T`.
    /// `T` must be `Send + Sync` (instances are shared between threads;
    /// mutation goes through the host's own `Mutex` or atomics).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicI64, Ordering};
    /// use stillpoint::{Error, Runtime};
    /// struct Counter(AtomicI64);
    /// let rt = Runtime::new();
    /// rt.attach(|py| {
    ///     let class = py
    ///         .class::<Counter>("Counter")
    ///         .constructor(|_py, (start,): (i64,)| Ok(Counter(AtomicI64::new(start))))
    ///         .method("add", |_py, this, (n,): (i64,)| {
    ///             Ok(this.0.fetch_add(n, Ordering::Relaxed) + n)
    ///         })
    ///         .getter("value", |_py, this| Ok(this.0.load(Ordering::Relaxed)))
    ///         .build()?;
    ///     let c = class.call::<stillpoint::Object>(py, (40,))?;
    ///     assert_eq!(c.call_method::<i64>(py, "add", (2,))?, 42);
    ///     assert_eq!(c.get::<i64>(py, "value")?, 42);
    ///     assert!(c.is_instance(py, &class)?);
    ///     assert!(c.repr(py)?.starts_with("<__main__.Counter object at 0x"));
    ///     Ok::<(), Error>(())
    /// }).unwrap();
    /// ```
    ///
    /// Host data that is not `Send + Sync` is refused:
    ///
    /// ```compile_fail
    /// struct Local(std::rc::Rc<i64>);
    /// let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| py.class::<Local>("Local").build());
    /// ```
    pub fn class<T: Send + Sync + 'static>(&mut self, name: &str) -> ClassBuilder<'_, 'rt, T> {
        ClassBuilder {
            py: self,
            name: name.to_string(),
            constructor: None,
            entries: Vec::new(),
            _host: PhantomData,
        }
    }
}

/// What a class builder puts in the class dict.
enum Entry {
    Method(&'static str, HostFn),
    Getter(&'static str, HostFn),
}

/// Builds a native class ([`Python::class`]): a constructor, methods and
/// read-only attributes, each a Rust closure over the instance's `T`.
pub struct ClassBuilder<'py, 'rt, T> {
    py: &'py mut Python<'rt>,
    name: String,
    constructor: Option<HostFn>,
    entries: Vec<Entry>,
    _host: PhantomData<fn() -> T>,
}

/// Runs `f` with the host data of `args[0]`, if it is an instance
/// carrying a `T` (TypeError otherwise). The receiver stays on the
/// caller's value stack for the whole call.
fn with_receiver<T: 'static, R>(
    args: &[Value],
    class: &str,
    method: &str,
    f: impl FnOnce(&T) -> Result<R, Error>,
) -> Result<R, Error> {
    let obj = args.first().and_then(|v| v.as_object());
    let data = obj.as_ref().and_then(|o| match &o.data {
        ObjectData::Host(data) => data.downcast_ref::<T>(),
        _ => None,
    });
    match data {
        Some(this) => f(this),
        None => Err(Error::type_error(format!(
            "descriptor '{method}' requires a '{class}' object"
        ))),
    }
}

impl<T: Send + Sync + 'static> ClassBuilder<'_, '_, T> {
    /// The constructor: `Class(args...)` converts the arguments and stores
    /// the returned `T` in the new instance. Without one, the class cannot
    /// be instantiated from Python.
    pub fn constructor<A, F>(mut self, f: F) -> Self
    where
        A: FromPyArgs,
        F: Fn(&mut Python<'_>, A) -> Result<T, Error> + Send + Sync + 'static,
    {
        let name = intern(&self.name);
        self.constructor = Some(Arc::new(move |interp: &mut Interp<'_>, args, kwargs| {
            // args[0] is the class (`__new__(cls, ...)`).
            let class = args[0].as_object().expect("the class");
            let py = Python::from_interp(interp);
            let data = convert_args::<A>(py, name, args, kwargs, 1).and_then(|a| f(py, a));
            let data = data.map_err(|e| py.raise(e))?;
            Ok(Value::object(
                py.interp.alloc(class, ObjectData::Host(Box::new(data))),
            ))
        }));
        self
    }

    /// A method: `obj.name(args...)` calls `f` with the instance's `T`.
    pub fn method<A, R, F>(mut self, name: &str, f: F) -> Self
    where
        A: FromPyArgs,
        R: IntoPy,
        F: Fn(&mut Python<'_>, &T, A) -> Result<R, Error> + Send + Sync + 'static,
    {
        let (name, class) = (intern(name), intern(&self.name));
        self.entries.push(Entry::Method(
            name,
            Arc::new(move |interp: &mut Interp<'_>, args, kwargs| {
                let py = Python::from_interp(interp);
                let result = with_receiver::<T, R>(args, class, name, |this| {
                    let a = convert_args::<A>(py, name, args, kwargs, 1)?;
                    f(py, this, a)
                });
                finish(py, result)
            }),
        ));
        self
    }

    /// A read-only attribute: `obj.name` calls `f` with the instance's `T`.
    pub fn getter<R, F>(mut self, name: &str, f: F) -> Self
    where
        R: IntoPy,
        F: Fn(&mut Python<'_>, &T) -> Result<R, Error> + Send + Sync + 'static,
    {
        let (name, class) = (intern(name), intern(&self.name));
        self.entries.push(Entry::Getter(
            name,
            Arc::new(move |interp: &mut Interp<'_>, args, _kwargs| {
                let py = Python::from_interp(interp);
                let result = with_receiver::<T, R>(args, class, name, |this| f(py, this));
                finish(py, result)
            }),
        ));
        self
    }

    /// Makes the class (a subclass of `object`; its module is
    /// `__main__`).
    pub fn build(self) -> Result<Object, Error> {
        let py = self.py;
        let rt = py.interp.rt;
        let mark = py.interp.root_mark();
        let mut dict = Dict::new();
        let put = |py: &mut Python<'_>, dict: &mut Dict, name: &str, v: Value| {
            let key = py.interp.new_str(name);
            py.interp.push_root(key);
            py.interp.push_root(v);
            dict.insert(key, v).expect("str keys hash");
        };
        if let Some(ctor) = self.constructor {
            let f = builtin_object(py, "__new__", ctor);
            put(py, &mut dict, "__new__", f);
        }
        for entry in self.entries {
            match entry {
                Entry::Method(name, f) => {
                    let f = builtin_object(py, name, f);
                    put(py, &mut dict, name, f);
                }
                Entry::Getter(name, f) => {
                    let fget = builtin_object(py, name, f);
                    py.interp.push_root(fget);
                    let property = py
                        .interp
                        .construct_language_type_from(rt.types.property, &[fget], &[])
                        .map_err(|e| py.error(e))?
                        .expect("property is a language type");
                    put(py, &mut dict, name, property);
                }
            }
        }
        let object = Value::object(rt.types.object);
        let bases = py.interp.new_tuple(vec![object]);
        py.interp.push_root(bases);
        let mro_tail = py.interp.new_tuple(vec![object]);
        py.interp.push_root(mro_tail);
        let class = py.interp.alloc(
            rt.types.type_,
            ObjectData::Class(Box::new(Class::new(
                &self.name,
                bases,
                mro_tail,
                dict,
                Layout::Builtin,
                Some("__main__".into()),
            ))),
        );
        let v = Value::object(class);
        let obj = Object::from_value(py, v);
        py.interp.truncate_roots(mark);
        Ok(obj)
    }
}

/// `Class(args...)` for a native class: its `__new__` makes the instance
/// (builtins hook: the end of `builtins::construct`). None for any other
/// class.
pub(crate) fn construct_native(
    i: &mut Interp<'_>,
    class: stillpoint_gc::Gc<crate::object::PyObject>,
    args: &[Value],
) -> PyResult<Option<Value>> {
    let Some(c) = class.as_class() else {
        return Ok(None);
    };
    let ctor = {
        let key = i.new_str("__new__");
        let dict = c.dict.lock();
        dict.get(key).ok().flatten()
    };
    let Some(ctor) = ctor else {
        return Ok(None);
    };
    let is_host = matches!(
        ctor.data(),
        Some(ObjectData::Builtin(BuiltinFunction {
            func: NativeCode::Host(_),
            ..
        }))
    );
    if !is_host {
        return Ok(None);
    }
    let mut all = Vec::with_capacity(args.len() + 1);
    all.push(Value::object(class));
    all.extend_from_slice(args);
    i.call_value(ctor, &all, &[]).map(Some)
}
