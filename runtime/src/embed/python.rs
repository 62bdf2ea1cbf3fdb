//! [`Python`]: the token of a host thread attached to a runtime, and
//! [`Code`]: compiled source that any thread can run.

use std::cell::RefCell;
use std::sync::Arc;

use stillpoint_sync::Mutator;

use super::{Error, ErrorKind, Object, TracebackFrame};
use crate::compile::{self, Compiled};
use crate::error::{format_syntax_error, PyErr};
use crate::interp::Interp;
use crate::object::ObjectData;
use crate::runtime::Runtime;
use crate::value::Value;

/// A host thread's attachment to a [`Runtime`]: the right to run Python
/// and touch Python objects. Made by [`Runtime::attach`] for the length of
/// its closure, and only usable there: it cannot be returned, stored or
/// sent to another thread.
///
/// ```compile_fail
/// let rt = stillpoint::Runtime::new();
/// let token = rt.attach(|py| py); // error: the token cannot leave its scope
/// ```
///
/// ```compile_fail
/// let rt = stillpoint::Runtime::new();
/// let mut kept = None;
/// rt.attach(|py| kept = Some(py)); // error: borrowed data escapes the closure
/// ```
///
/// ```compile_fail
/// let rt = stillpoint::Runtime::new();
/// rt.attach(|py| {
///     std::thread::scope(|s| {
///         s.spawn(|| py.run("x = 1\n")); // error: `Python` is not `Send`
///     });
/// });
/// ```
#[repr(transparent)]
pub struct Python<'rt> {
    pub(crate) interp: Interp<'rt>,
}

thread_local! {
    /// The mutators of this thread's attachments, innermost last: a nested
    /// attach detaches the one it is nested in while it runs.
    static ATTACHMENTS: RefCell<Vec<*const Mutator>> = const { RefCell::new(Vec::new()) };
}

/// Pops this thread's innermost attachment (also when the closure panics).
pub(crate) struct AttachmentGuard;

/// Records `m` as this thread's innermost attachment until the guard
/// drops, so that [`Runtime::attach`] nested inside detaches it. Every
/// place that attaches a mutator to run Python calls it (`run_source`,
/// Python threads, [`Runtime::attach`]).
pub(crate) fn enter_attachment(m: &Mutator) -> AttachmentGuard {
    ATTACHMENTS.with(|a| a.borrow_mut().push(m as *const Mutator));
    AttachmentGuard
}

impl Drop for AttachmentGuard {
    fn drop(&mut self) {
        ATTACHMENTS.with(|a| a.borrow_mut().pop());
    }
}

impl Runtime {
    /// Attaches the calling thread (any host thread) and runs `f` with its
    /// token; detaches when `f` returns. Many threads may be attached at
    /// once: they run Python in parallel.
    ///
    /// Attaching again on a thread that is attached (to this runtime or
    /// another) is allowed: the outer attachment is detached while the
    /// inner one runs (its objects stay alive), so neither blocks the
    /// other's pauses.
    ///
    /// While attached, a thread must reach a safepoint (Python code does,
    /// at every loop iteration and call) for other threads' pauses to
    /// complete. A host thread that blocks while attached without
    /// [`Python::detach`] stalls every pause of the runtime until it
    /// returns; that is a deadlock if what it waits for needs a pause.
    ///
    /// ```
    /// let rt = stillpoint::Runtime::new();
    /// let n: i64 = rt.attach(|py| py.eval("sum(range(10))")).unwrap();
    /// assert_eq!(n, 45);
    /// let nested: i64 = rt.attach(|_outer| rt.attach(|inner| inner.eval("2 + 2"))).unwrap();
    /// assert_eq!(nested, 4);
    /// ```
    pub fn attach<R>(&self, f: impl FnOnce(&mut Python<'_>) -> R) -> R {
        let outer = ATTACHMENTS.with(|a| a.borrow().last().copied());
        // SAFETY: the pointer was pushed by an enclosing `attach_fresh` on
        // this thread, whose `Mutator` lives on that call's stack frame
        // until its guard pops the pointer; we run inside that call, so the
        // mutator is alive, and only shared references to it are made (the
        // enclosing interpreter holds one too; `Mutator`'s methods take
        // `&self`).
        let outer = outer.map(|m| unsafe { &*m });
        match outer {
            Some(m) if m.is_attached() => m.detached(|| self.attach_fresh(f)),
            _ => self.attach_fresh(f),
        }
    }

    fn attach_fresh<R>(&self, f: impl FnOnce(&mut Python<'_>) -> R) -> R {
        let m = self.world().register();
        m.attach();
        let _guard = enter_attachment(&m);
        let th = self.heap().thread(&m);
        let mut py = Python {
            interp: Interp::new(self, th),
        };
        py.interp.control().steps_left = self.embed_config().step_budget;
        let result = f(&mut py);
        drop(py);
        result
    }

    /// Compiles module source once; the [`Code`] runs on any thread.
    ///
    /// ```
    /// let rt = stillpoint::Runtime::new();
    /// let code = rt.compile("x = 6 * 7\n", "answer.py").unwrap();
    /// let x: i64 = rt.attach(|py| {
    ///     let m = py.module("answer")?;
    ///     py.exec(&code, &m)?;
    ///     m.get(py, "x")
    /// }).unwrap();
    /// assert_eq!(x, 42);
    /// assert!(rt.compile("x = = 1\n", "bad.py").unwrap_err().to_string().contains("SyntaxError"));
    /// ```
    pub fn compile(&self, source: &str, filename: &str) -> Result<Code, Error> {
        let filename: Arc<str> = Arc::from(filename);
        let compiled = compile::compile_module(source).map_err(|e| syntax_error(&filename, &e))?;
        self.add_source(&filename, source);
        Ok(Code(Arc::new(CodeInner { compiled, filename })))
    }
}

fn syntax_error(filename: &str, e: &compile::CompileError) -> Error {
    let mut err = Error::new(ErrorKind::SyntaxError, e.message.clone());
    err.rendered = Some(format_syntax_error(filename, e));
    err
}

/// Compiled module source ([`Runtime::compile`]): `Send + Sync`, cheap to
/// clone; run it with [`Python::exec`] on any thread of its runtime.
#[derive(Clone)]
pub struct Code(Arc<CodeInner>);

struct CodeInner {
    compiled: Compiled,
    filename: Arc<str>,
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Code").field(&self.0.filename).finish()
    }
}

impl<'rt> Python<'rt> {
    /// The token of an interpreter (a native call's `&mut Interp`).
    pub(crate) fn from_interp<'a>(interp: &'a mut Interp<'rt>) -> &'a mut Python<'rt> {
        // SAFETY: `Python` is `repr(transparent)` over `Interp`, so the
        // two references have the same layout and validity; the borrow is
        // carried over unchanged.
        unsafe { &mut *(interp as *mut Interp<'rt> as *mut Python<'rt>) }
    }

    /// Runs `work` detached: other threads' pauses and collections do not
    /// wait for this thread while it blocks (I/O, locks, sleeping, joining
    /// threads). `work` cannot use Python (the token is borrowed here).
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// let line = rt.attach(|py| py.detach(|| std::thread::sleep(std::time::Duration::from_millis(1))));
    /// ```
    ///
    /// ```compile_fail
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| py.detach(|| py.run("x = 1\n"))); // error: `py` is borrowed by `detach`
    /// ```
    pub fn detach<R>(&mut self, work: impl FnOnce() -> R) -> R {
        self.interp.detached(work)
    }

    /// A new, empty module `name` (registered: `import name` finds it).
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     let m = py.module("plugin")?;
    ///     m.set(py, "version", 3)?;
    ///     assert_eq!(py.import("plugin")?.get::<i64>(py, "version")?, 3);
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn module(&mut self, name: &str) -> Result<Object, Error> {
        let filename: Arc<str> = Arc::from(format!("<{name}>"));
        self.interp
            .new_module(name, &filename)
            .map_err(|e| self.error(e))?;
        let module = self.interp.rt.module(name).expect("just registered");
        Ok(Object::from_value(self, Value::object(module)))
    }

    /// Imports module `name` (`import name`).
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// let pi: f64 = rt.attach(|py| py.import("math")?.get(py, "pi")).unwrap();
    /// assert!((pi - std::f64::consts::PI).abs() < 1e-12);
    /// ```
    pub fn import(&mut self, name: &str) -> Result<Object, Error> {
        let key = self.interp.new_str(name);
        let mark = self.interp.push_root(key);
        let result = crate::modules::import(&mut self.interp, key);
        self.interp.truncate_roots(mark);
        let module = result.map_err(|e| self.error(e))?;
        Ok(Object::from_value(self, module))
    }

    /// Runs `code` in `module`'s namespace.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// let code = rt.compile("counter = counter + 1\n", "inc.py").unwrap();
    /// rt.attach(|py| {
    ///     let m = py.module("state")?;
    ///     m.set(py, "counter", 0)?;
    ///     py.exec(&code, &m)?;
    ///     py.exec(&code, &m)?;
    ///     assert_eq!(m.get::<i64>(py, "counter")?, 2);
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn exec(&mut self, code: &Code, module: &Object) -> Result<(), Error> {
        let m = module.value(self)?;
        let globals = match m.data() {
            Some(ObjectData::Module(m)) => m.dict(),
            _ => return Err(Error::type_error("exec() needs a module")),
        };
        let result = self
            .interp
            .run_in_globals(&code.0.compiled, globals, &code.0.filename);
        result.map_err(|e| self.error(e))
    }

    /// Runs module source in `__main__` (made on first use).
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     py.run("def square(x):\n    return x * x\n")?;
    ///     assert_eq!(py.eval::<i64>("square(12)")?, 144);
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn run(&mut self, source: &str) -> Result<(), Error> {
        let filename: Arc<str> = Arc::from("<string>");
        let compiled = compile::compile_module(source).map_err(|e| syntax_error(&filename, &e))?;
        let result = self.interp.run_in_main(&compiled, &filename);
        result.map_err(|e| self.error(e))
    }

    /// Evaluates one expression in `__main__`'s namespace, converted.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// let (a, b): (i64, String) = rt.attach(|py| py.eval("(1 + 1, 'x' * 3)")).unwrap();
    /// assert_eq!((a, b), (2, "xxx".to_string()));
    /// ```
    pub fn eval<T: super::FromPy>(&mut self, expression: &str) -> Result<T, Error> {
        let filename: Arc<str> = Arc::from("<string>");
        let compiled =
            compile::compile_eval(expression).map_err(|e| syntax_error(&filename, &e))?;
        let globals = self.main_globals()?;
        let result = self.interp.eval_in_globals(&compiled, globals, &filename);
        let v = result.map_err(|e| self.error(e))?;
        let mark = self.interp.push_root(v);
        let obj = Object::from_value(self, v);
        self.interp.truncate_roots(mark);
        T::from_py(self, &obj)
    }

    /// `__main__`'s globals, made on first use.
    fn main_globals(&mut self) -> Result<stillpoint_gc::Gc<crate::object::PyObject>, Error> {
        if let Some(m) = self.interp.rt.module("__main__") {
            if let ObjectData::Module(m) = &m.data {
                return Ok(m.dict());
            }
        }
        let filename: Arc<str> = Arc::from("<string>");
        self.interp
            .new_module("__main__", &filename)
            .map_err(|e| self.error(e))
    }

    /// Calls `callable` with `args` (rooted by the caller's handles).
    pub(crate) fn call_values(
        &mut self,
        callable: Value,
        args: &[Object],
    ) -> Result<Object, Error> {
        let values = args
            .iter()
            .map(|a| a.value(self))
            .collect::<Result<Vec<Value>, Error>>()?;
        let result = self.interp.call_value(callable, &values, &[]);
        let v = result.map_err(|e| self.error(e))?;
        let mark = self.interp.push_root(v);
        let obj = Object::from_value(self, v);
        self.interp.truncate_roots(mark);
        Ok(obj)
    }

    /// An [`Error`] for a raised exception.
    pub(crate) fn error(&mut self, err: PyErr) -> Error {
        let exc = err.0;
        let mark = self.interp.push_root(exc);
        let class = self.interp.class_of(exc);
        let (name, module) = class
            .as_class()
            .map(|c| (c.name.to_string(), c.module.clone()))
            .unwrap_or_default();
        let qualified = match module.as_deref() {
            Some(m) if m != "builtins" && m != "__main__" => format!("{m}.{name}"),
            _ => name,
        };
        let message = self.interp.str(exc).unwrap_or_default();
        let traceback = match exc.data() {
            Some(ObjectData::Exception(e)) => e
                .traceback
                .lock()
                .iter()
                .rev()
                .filter_map(|entry| match &entry.code.data {
                    ObjectData::Code(code) => Some(TracebackFrame {
                        filename: code.filename.to_string(),
                        line: entry.line,
                        function: code.name.to_string(),
                    }),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let rendered = self.interp.format_exception(err);
        let exception = Object::from_value(self, exc);
        self.interp.truncate_roots(mark);
        Error {
            kind: ErrorKind::from_name(&qualified),
            message,
            traceback,
            exception: Some(exception),
            rendered: Some(rendered),
        }
    }

    /// Raises `err` in Python: its own exception object if it has one,
    /// else a new exception of its kind (RuntimeError for a kind that is
    /// not a builtin name).
    pub(crate) fn raise(&mut self, err: Error) -> PyErr {
        if let Some(exc) = &err.exception {
            if let Ok(v) = exc.value(self) {
                return PyErr(v);
            }
        }
        let rt = self.interp.rt;
        let class = match &rt.builtins.data {
            ObjectData::Module(m) => {
                let key = self.interp.new_str(err.kind.name());
                let mark = self.interp.push_root(key);
                let found = self.interp.dict_get(m.dict(), key).ok().flatten();
                self.interp.truncate_roots(mark);
                found
                    .and_then(|v| v.as_object())
                    .filter(|c| c.as_class().is_some())
            }
            _ => None,
        };
        let class = class.unwrap_or(rt.types.runtime_error);
        self.interp.new_exception(class, &err.message)
    }
}
