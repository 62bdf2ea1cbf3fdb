//! [`Object`]: a handle to a Python object that outlives safepoints and
//! crosses threads.

use std::fmt;

use stillpoint_gc::Root;

use super::convert::{FromPy, IntoPyArgs};
use super::{Error, IntoPy, Python};
use crate::object::PyObject;
use crate::value::Value;

/// A Python object, held from Rust. `Send + Sync`, cheap to clone (ints,
/// floats, bools and None are held inline; heap objects through a rooted
/// handle, a reference count), and freed for the collector when the last
/// clone drops. Using it requires an attached [`Python`] token of the
/// same runtime (another runtime's token gets an error, never undefined
/// behaviour).
///
/// ```
/// use stillpoint::{Object, Runtime};
/// let rt = Runtime::new();
/// let list: Object = rt.attach(|py| py.eval("[1, 2, 3]")).unwrap();
/// let worker = {
///     let (rt, list) = (rt.clone(), list.clone());
///     std::thread::spawn(move || {
///         rt.attach(|py| list.call_method::<()>(py, "append", (4,)))
///     })
/// };
/// worker.join().unwrap().unwrap();
/// let items: Vec<i64> = rt.attach(|py| list.extract(py)).unwrap();
/// assert_eq!(items, [1, 2, 3, 4]);
/// ```
#[derive(Clone)]
pub struct Object(Repr);

#[derive(Clone)]
enum Repr {
    /// A value that is not a heap pointer (needs no rooting).
    Inline(Value),
    /// A rooted heap object of runtime `runtime`.
    Heap { root: Root<PyObject>, runtime: u64 },
}

impl Object {
    /// Wraps `v` (which the caller keeps rooted until this returns).
    pub(crate) fn from_value(py: &Python<'_>, v: Value) -> Object {
        match v.as_object() {
            Some(gc) => Object(Repr::Heap {
                root: py.interp.rt.heap().root(gc),
                runtime: py.interp.rt.id,
            }),
            None => Object(Repr::Inline(v)),
        }
    }

    /// The value, for use on `py`'s thread while this handle is alive.
    pub(crate) fn value(&self, py: &Python<'_>) -> Result<Value, Error> {
        match &self.0 {
            Repr::Inline(v) => Ok(*v),
            Repr::Heap { root, runtime } if *runtime == py.interp.rt.id => {
                Ok(Value::object(root.get()))
            }
            Repr::Heap { .. } => Err(Error::new(
                super::ErrorKind::RuntimeError,
                "the object belongs to another runtime",
            )),
        }
    }

    /// Whether this is `None`.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// assert!(rt.attach(|py| py.eval::<stillpoint::Object>("None")).unwrap().is_none());
    /// ```
    pub fn is_none(&self) -> bool {
        matches!(self.0, Repr::Inline(v) if v.is_none())
    }

    /// Converts to a Rust value.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     let o = py.eval::<stillpoint::Object>("'hi' * 2")?;
    ///     assert_eq!(o.extract::<String>(py)?, "hihi");
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn extract<T: FromPy>(&self, py: &mut Python<'_>) -> Result<T, Error> {
        T::from_py(py, self)
    }

    /// Calls the object with positional arguments (a tuple of up to 8
    /// convertible values, or `()`), converting the result.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     let max = py.eval::<stillpoint::Object>("max")?;
    ///     assert_eq!(max.call::<i64>(py, (3, 9, 4))?, 9);
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn call<R: FromPy>(&self, py: &mut Python<'_>, args: impl IntoPyArgs) -> Result<R, Error> {
        let callable = self.value(py)?;
        let args = args.into_py_args(py)?;
        let result = py.call_values(callable, &args)?;
        R::from_py(py, &result)
    }

    /// Calls method `name` of the object.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     let s = py.eval::<stillpoint::Object>("'a,b'")?;
    ///     assert_eq!(s.call_method::<Vec<String>>(py, "split", (",",))?, ["a", "b"]);
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn call_method<R: FromPy>(
        &self,
        py: &mut Python<'_>,
        name: &str,
        args: impl IntoPyArgs,
    ) -> Result<R, Error> {
        let method = self.getattr(py, name)?;
        method.call(py, args)
    }

    /// Attribute `name`, converted.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     let m = py.module("cfg")?;
    ///     py.exec(&rt.compile("limit = 10\n", "cfg.py")?, &m)?;
    ///     assert_eq!(m.get::<i64>(py, "limit")?, 10);
    ///     m.set(py, "limit", 11)?;
    ///     assert_eq!(m.get::<i64>(py, "limit")?, 11);
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn get<T: FromPy>(&self, py: &mut Python<'_>, name: &str) -> Result<T, Error> {
        let attr = self.getattr(py, name)?;
        T::from_py(py, &attr)
    }

    /// Sets attribute `name` (see [`Object::get`]).
    pub fn set(&self, py: &mut Python<'_>, name: &str, value: impl IntoPy) -> Result<(), Error> {
        let value = value.into_py(py)?;
        let (obj, v) = (self.value(py)?, value.value(py)?);
        let key = py.interp.new_str(name);
        let mark = py.interp.push_root(key);
        let result = py.interp.set_attr(obj, key, v);
        py.interp.truncate_roots(mark);
        result.map_err(|e| py.error(e))
    }

    fn getattr(&self, py: &mut Python<'_>, name: &str) -> Result<Object, Error> {
        let obj = self.value(py)?;
        let key = py.interp.new_str(name);
        let mark = py.interp.push_root(key);
        let result = py.interp.get_attr(obj, key);
        py.interp.truncate_roots(mark);
        let v = result.map_err(|e| py.error(e))?;
        Ok(Object::from_value(py, v))
    }

    /// `repr(obj)`.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// let text = rt.attach(|py| py.eval::<stillpoint::Object>("[1, 'a']")?.repr(py)).unwrap();
    /// assert_eq!(text, "[1, 'a']");
    /// ```
    pub fn repr(&self, py: &mut Python<'_>) -> Result<String, Error> {
        let v = self.value(py)?;
        py.interp.repr(v).map_err(|e| py.error(e))
    }

    /// `str(obj)`.
    pub fn str(&self, py: &mut Python<'_>) -> Result<String, Error> {
        let v = self.value(py)?;
        py.interp.str(v).map_err(|e| py.error(e))
    }

    /// The name of the object's type (`type(obj).__name__`).
    pub fn type_name(&self, py: &mut Python<'_>) -> Result<String, Error> {
        let v = self.value(py)?;
        Ok(py.interp.type_name(v))
    }

    /// `isinstance(obj, class)`.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     let (x, int) = (py.eval::<stillpoint::Object>("True")?, py.eval("int")?);
    ///     assert!(x.is_instance(py, &int)?);
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn is_instance(&self, py: &mut Python<'_>, class: &Object) -> Result<bool, Error> {
        let (v, c) = (self.value(py)?, class.value(py)?);
        match c.as_object() {
            Some(class) if class.as_class().is_some() => Ok(py.interp.isinstance(v, class)),
            _ => Err(Error::type_error("isinstance() arg 2 must be a type")),
        }
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Inline(v) => write!(f, "Object({v:?})"),
            Repr::Heap { root, .. } => write!(f, "Object({:p})", &*root.get()),
        }
    }
}
