//! User-defined `__hash__` and `__eq__` for dict and set keys.
//!
//! `hash(obj)` calls a class's `__hash__`; a class that defines `__eq__`
//! without `__hash__` gets `__hash__ = None` (unhashable), as in CPython.
//! Tables compare keys natively under their lock, which must not call
//! Python code (the lock rule), so a lookup with a key whose class defines
//! `__eq__` first finds the stored key equal to it: the table lists its
//! keys with the same hash, the lock is released, `==` runs on each, and
//! the operation then uses the stored key itself (equal by identity).

use super::attr_hooks::hook;
use super::Interp;
use crate::error::PyResult;
use crate::object::{hash_bigint, hash_i64, Dict, ObjectData};
use crate::value::{Unpacked, Value};

impl Interp<'_> {
    /// `hash(v)` through a user class's `__hash__`; `None` for values
    /// whose hash is native.
    pub(super) fn user_hash(&mut self, v: Value) -> PyResult<Option<i64>> {
        let Some(o) = v.as_object() else {
            return Ok(None);
        };
        let hook = match o.data {
            ObjectData::Instance(_) => {
                if self.class_hooks(o.class()) & (hook::HASH | hook::HASH_NONE) == 0 {
                    return Ok(None);
                }
                self.lookup_value(o.class(), self.rt.hook_names.hash)
            }
            // Lists and dicts are unhashable, and so are their subclasses
            // unless they define `__hash__`.
            ObjectData::Subclassed(_) => {
                Some(self.subclass_override(v, "__hash__").unwrap_or(Value::NONE))
            }
            _ => return Ok(None),
        };
        let Some(hook) = hook else {
            return Ok(None);
        };
        if hook.is_none() {
            let msg = format!("unhashable type: '{}'", self.type_name(v));
            return self.type_error(&msg);
        }
        if !matches!(hook.data(), Some(ObjectData::Function(_))) {
            return Ok(None);
        }
        let h = self.call_value(hook, &[v], &[])?;
        // An int result is reduced as `hash(int)` reduces it.
        match h.unpack() {
            Unpacked::Int(n) => Ok(Some(hash_i64(n))),
            Unpacked::Bool(b) => Ok(Some(i64::from(b))),
            Unpacked::Object(r) => match &r.data {
                ObjectData::Int(b) => Ok(Some(hash_bigint(b))),
                _ => self.type_error("__hash__ method should return an integer"),
            },
            _ => self.type_error("__hash__ method should return an integer"),
        }
    }

    /// Whether `key`'s class defines `__eq__` in Python.
    fn has_user_eq(&self, key: Value) -> bool {
        let Some(o) = key.as_object() else {
            return false;
        };
        match o.data {
            ObjectData::Instance(_) => self.class_hooks(o.class()) & hook::EQ != 0,
            ObjectData::Subclassed(_) => matches!(
                self.subclass_override(key, "__eq__")
                    .and_then(|f| f.as_object())
                    .map(|f| matches!(f.data, ObjectData::Function(_))),
                Some(true)
            ),
            _ => false,
        }
    }

    /// The key a table operation should use for `key`: `key` itself, or,
    /// when its class defines `__eq__`, the stored key among `same_hash()`
    /// (the table's keys with `key`'s hash, listed under the table's lock)
    /// that `==` says is equal to it.
    pub(crate) fn table_key(
        &mut self,
        key: Value,
        same_hash: impl FnOnce() -> Vec<Value>,
    ) -> PyResult<Value> {
        if !self.has_user_eq(key) {
            return Ok(key);
        }
        let candidates = same_hash();
        let mark = self.root_all(&candidates);
        let mut found = key;
        for c in candidates {
            if c == key {
                break;
            }
            match self.eq(key, c) {
                Ok(true) => {
                    found = c;
                    break;
                }
                Ok(false) => {}
                Err(e) => {
                    self.truncate_roots(mark);
                    return Err(e);
                }
            }
        }
        self.truncate_roots(mark);
        Ok(found)
    }

    /// A class that defines `__eq__` but not `__hash__` is unhashable:
    /// its dict gets `__hash__ = None`.
    pub(super) fn implicit_hash_none(&mut self, dict: &mut Dict) {
        let (eq, hash) = (self.rt.hook_names.eq, self.rt.hook_names.hash);
        let hash_of = |name: Value| crate::object::dict::hash_value(name).unwrap_or(0);
        if dict.get_hashed(hash_of(eq), eq).is_some()
            && dict.get_hashed(hash_of(hash), hash).is_none()
        {
            dict.insert_hashed(hash_of(hash), hash, Value::NONE);
        }
    }
}
