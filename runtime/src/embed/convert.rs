//! Conversions between Rust values and Python objects: [`IntoPy`],
//! [`FromPy`], and argument tuples ([`IntoPyArgs`], [`FromPyArgs`]).

use std::collections::HashMap;
use std::hash::Hash;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use super::{Error, ErrorKind, Object, Python};
use crate::object::{Dict, ObjectData};
use crate::value::{Unpacked, Value};

/// A Rust value that becomes a Python object.
///
/// ```
/// use stillpoint::{IntoPy, Runtime};
/// let rt = Runtime::new();
/// let text = rt.attach(|py| {
///     let o = vec![Some(1), None].into_py(py)?;
///     o.repr(py)
/// }).unwrap();
/// assert_eq!(text, "[1, None]");
/// ```
pub trait IntoPy {
    /// Converts `self`.
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error>;
}

/// A Rust value made from a Python object. Wrong types give a TypeError
/// (`expected int, got str`), out-of-range ints an OverflowError.
///
/// ```
/// use stillpoint::{ErrorKind, Runtime};
/// let rt = Runtime::new();
/// rt.attach(|py| {
///     let m: std::collections::HashMap<String, Vec<u8>> = py.eval("{'a': [1, 2]}")?;
///     assert_eq!(m["a"], [1, 2]);
///     assert_eq!(py.eval::<u8>("256").unwrap_err().kind(), &ErrorKind::OverflowError);
///     assert_eq!(py.eval::<i64>("'7'").unwrap_err().message(), "expected int, got str");
///     Ok::<(), stillpoint::Error>(())
/// }).unwrap();
/// ```
pub trait FromPy: Sized {
    /// Converts `obj`.
    fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error>;
}

fn expected(py: &mut Python<'_>, what: &str, v: Value) -> Error {
    Error::type_error(format!("expected {what}, got {}", py.interp.type_name(v)))
}

fn overflow(what: &str) -> Error {
    Error::new(
        ErrorKind::OverflowError,
        format!("Python int too large to convert to {what}"),
    )
}

/// The int value of `v` (bools count, as in Python).
fn big_int_of(py: &mut Python<'_>, v: Value) -> Result<BigInt, Error> {
    match v.unpack() {
        Unpacked::Int(i) => Ok(BigInt::from(i)),
        Unpacked::Bool(b) => Ok(BigInt::from(b as i64)),
        Unpacked::Object(o) => match &o.data {
            ObjectData::Int(b) => Ok(b.clone()),
            _ => Err(expected(py, "int", v)),
        },
        _ => Err(expected(py, "int", v)),
    }
}

macro_rules! int_conversions {
    ($($t:ty => $to:ident),* $(,)?) => {$(
        impl IntoPy for $t {
            fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
                let v = py.interp.new_bigint(BigInt::from(self));
                Ok(Object::from_value(py, v))
            }
        }

        impl FromPy for $t {
            fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
                let v = obj.value(py)?;
                if let Unpacked::Int(i) = v.unpack() {
                    return <$t>::try_from(i).map_err(|_| overflow(stringify!($t)));
                }
                big_int_of(py, v)?.$to().ok_or_else(|| overflow(stringify!($t)))
            }
        }
    )*};
}

int_conversions!(
    i8 => to_i8, i16 => to_i16, i32 => to_i32, i64 => to_i64, i128 => to_i128, isize => to_isize,
    u8 => to_u8, u16 => to_u16, u32 => to_u32, u64 => to_u64, u128 => to_u128, usize => to_usize,
);

impl IntoPy for BigInt {
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        let v = py.interp.new_bigint(self);
        Ok(Object::from_value(py, v))
    }
}

impl FromPy for BigInt {
    fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
        let v = obj.value(py)?;
        big_int_of(py, v)
    }
}

impl IntoPy for f64 {
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        Ok(Object::from_value(py, Value::float(self)))
    }
}

impl IntoPy for f32 {
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        f64::from(self).into_py(py)
    }
}

impl FromPy for f64 {
    /// Floats, and ints (as Python's `float()` would convert them).
    fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
        let v = obj.value(py)?;
        match v.unpack() {
            Unpacked::Float(f) => Ok(f),
            Unpacked::Int(_) | Unpacked::Bool(_) => Ok(big_int_of(py, v)?.to_f64().unwrap_or(0.0)),
            Unpacked::Object(o) if matches!(o.data, ObjectData::Int(_)) => big_int_of(py, v)?
                .to_f64()
                .filter(|f| f.is_finite())
                .ok_or_else(|| overflow("float")),
            _ => Err(expected(py, "float", v)),
        }
    }
}

impl FromPy for f32 {
    fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
        Ok(f64::from_py(py, obj)? as f32)
    }
}

impl IntoPy for bool {
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        Ok(Object::from_value(py, Value::bool(self)))
    }
}

impl FromPy for bool {
    /// Only `True` and `False` (use [`Object::call_method`] or
    /// `bool(x)` for truth values).
    fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
        let v = obj.value(py)?;
        v.as_bool().ok_or_else(|| expected(py, "bool", v))
    }
}

impl IntoPy for &str {
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        let v = py.interp.new_str(self);
        Ok(Object::from_value(py, v))
    }
}

impl IntoPy for String {
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        self.as_str().into_py(py)
    }
}

impl FromPy for String {
    fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
        let v = obj.value(py)?;
        match v.data() {
            Some(ObjectData::Str(s)) => Ok(s.as_str().to_string()),
            _ => Err(expected(py, "str", v)),
        }
    }
}

impl IntoPy for () {
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        Ok(Object::from_value(py, Value::NONE))
    }
}

impl FromPy for () {
    /// Accepts anything (a result that is thrown away).
    fn from_py(_: &mut Python<'_>, _: &Object) -> Result<Self, Error> {
        Ok(())
    }
}

impl IntoPy for Object {
    fn into_py(self, _: &mut Python<'_>) -> Result<Object, Error> {
        Ok(self)
    }
}

impl IntoPy for &Object {
    fn into_py(self, _: &mut Python<'_>) -> Result<Object, Error> {
        Ok(self.clone())
    }
}

impl FromPy for Object {
    fn from_py(_: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
        Ok(obj.clone())
    }
}

impl<T: IntoPy> IntoPy for Option<T> {
    /// `None` for `None`.
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        match self {
            Some(x) => x.into_py(py),
            None => Ok(Object::from_value(py, Value::NONE)),
        }
    }
}

impl<T: FromPy> FromPy for Option<T> {
    fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
        if obj.is_none() {
            return Ok(None);
        }
        T::from_py(py, obj).map(Some)
    }
}

/// The values of `objs` (kept alive by them).
fn values_of(py: &Python<'_>, objs: &[Object]) -> Result<Vec<Value>, Error> {
    objs.iter().map(|o| o.value(py)).collect()
}

impl<T: IntoPy> IntoPy for Vec<T> {
    /// A list.
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        let items = self
            .into_iter()
            .map(|x| x.into_py(py))
            .collect::<Result<Vec<_>, _>>()?;
        let values = values_of(py, &items)?;
        let list = py.interp.new_list(values);
        Ok(Object::from_value(py, list))
    }
}

/// Converts each of `items` (rooted on the value stack meanwhile).
fn convert_items<T: FromPy>(py: &mut Python<'_>, items: &[Value]) -> Result<Vec<T>, Error> {
    let mark = py.interp.root_all(items);
    let result = items
        .iter()
        .map(|v| {
            let obj = Object::from_value(py, *v);
            T::from_py(py, &obj)
        })
        .collect();
    py.interp.truncate_roots(mark);
    result
}

/// The items of a list or tuple (copied out under the list's lock).
fn sequence_items(v: Value) -> Option<Vec<Value>> {
    match v.data()? {
        ObjectData::Tuple(items) => Some(items.to_vec()),
        ObjectData::List(items) => Some(items.lock().to_vec()),
        ObjectData::Subclassed(s) => match &s.base {
            ObjectData::List(items) => Some(items.lock().to_vec()),
            _ => None,
        },
        _ => None,
    }
}

impl<T: FromPy> FromPy for Vec<T> {
    /// From a list or a tuple.
    fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
        let v = obj.value(py)?;
        let items = sequence_items(v).ok_or_else(|| expected(py, "list", v))?;
        convert_items(py, &items)
    }
}

impl<K: IntoPy, V: IntoPy, S> IntoPy for HashMap<K, V, S> {
    /// A dict.
    fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
        let dict = py.interp.new_dict(Dict::new());
        let dict = Object::from_value(py, dict);
        let d = dict.value(py)?.as_object().expect("a dict");
        for (k, v) in self {
            let (k, v) = (k.into_py(py)?, v.into_py(py)?);
            let (kv, vv) = (k.value(py)?, v.value(py)?);
            py.interp.dict_set(d, kv, vv).map_err(|e| py.error(e))?;
        }
        Ok(dict)
    }
}

impl<K: FromPy + Eq + Hash, V: FromPy> FromPy for HashMap<K, V> {
    /// From a dict.
    fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
        let v = obj.value(py)?;
        let pairs: Vec<Value> = match v.data() {
            Some(ObjectData::Dict(d)) => d.lock().items().flat_map(|(k, v)| [k, v]).collect(),
            Some(ObjectData::Subclassed(s)) => match &s.base {
                ObjectData::Dict(d) => d.lock().items().flat_map(|(k, v)| [k, v]).collect(),
                _ => return Err(expected(py, "dict", v)),
            },
            _ => return Err(expected(py, "dict", v)),
        };
        let mark = py.interp.root_all(&pairs);
        let result = pairs
            .chunks(2)
            .map(|kv| {
                let (k, v) = (Object::from_value(py, kv[0]), Object::from_value(py, kv[1]));
                Ok((K::from_py(py, &k)?, V::from_py(py, &v)?))
            })
            .collect();
        py.interp.truncate_roots(mark);
        result
    }
}

/// Positional arguments for a call from Rust: `()` and tuples of up to 8
/// [`IntoPy`] values.
pub trait IntoPyArgs {
    /// Converts each argument.
    fn into_py_args(self, py: &mut Python<'_>) -> Result<Vec<Object>, Error>;
}

/// The arguments a native function takes: `()` and tuples of up to 8
/// [`FromPy`] values (see [`Python::function`]).
pub trait FromPyArgs: Sized {
    /// How many positional arguments.
    const ARITY: usize;
    /// Converts exactly [`FromPyArgs::ARITY`] arguments.
    fn from_py_args(py: &mut Python<'_>, args: &[Object]) -> Result<Self, Error>;
}

impl IntoPyArgs for () {
    fn into_py_args(self, _: &mut Python<'_>) -> Result<Vec<Object>, Error> {
        Ok(Vec::new())
    }
}

impl FromPyArgs for () {
    const ARITY: usize = 0;
    fn from_py_args(_: &mut Python<'_>, _: &[Object]) -> Result<Self, Error> {
        Ok(())
    }
}

macro_rules! tuple_conversions {
    ($n:literal: $($t:ident $i:tt),+) => {
        impl<$($t: IntoPy),+> IntoPyArgs for ($($t,)+) {
            fn into_py_args(self, py: &mut Python<'_>) -> Result<Vec<Object>, Error> {
                Ok(vec![$(self.$i.into_py(py)?),+])
            }
        }

        impl<$($t: FromPy),+> FromPyArgs for ($($t,)+) {
            const ARITY: usize = $n;
            fn from_py_args(py: &mut Python<'_>, args: &[Object]) -> Result<Self, Error> {
                Ok(($($t::from_py(py, &args[$i])?,)+))
            }
        }

        impl<$($t: IntoPy),+> IntoPy for ($($t,)+) {
            /// A tuple.
            fn into_py(self, py: &mut Python<'_>) -> Result<Object, Error> {
                let items = self.into_py_args(py)?;
                let values = values_of(py, &items)?;
                let t = py.interp.new_tuple(values);
                Ok(Object::from_value(py, t))
            }
        }

        impl<$($t: FromPy),+> FromPy for ($($t,)+) {
            /// From a tuple (or list) of exactly this length.
            fn from_py(py: &mut Python<'_>, obj: &Object) -> Result<Self, Error> {
                let v = obj.value(py)?;
                let items = sequence_items(v).ok_or_else(|| expected(py, "tuple", v))?;
                if items.len() != $n {
                    return Err(Error::new(
                        ErrorKind::ValueError,
                        format!("expected a tuple of length {}, got length {}", $n, items.len()),
                    ));
                }
                let mark = py.interp.root_all(&items);
                let objs: Vec<Object> = items.iter().map(|v| Object::from_value(py, *v)).collect();
                py.interp.truncate_roots(mark);
                <Self as FromPyArgs>::from_py_args(py, &objs)
            }
        }
    };
}

tuple_conversions!(1: A 0);
tuple_conversions!(2: A 0, B 1);
tuple_conversions!(3: A 0, B 1, C 2);
tuple_conversions!(4: A 0, B 1, C 2, D 3);
tuple_conversions!(5: A 0, B 1, C 2, D 3, E 4);
tuple_conversions!(6: A 0, B 1, C 2, D 3, E 4, F 5);
tuple_conversions!(7: A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_conversions!(8: A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
