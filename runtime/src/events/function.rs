//! The events on functions and descriptors (both global, threshold 1 by
//! default): replacing a function's `__code__`, `__defaults__` or
//! `__kwdefaults__`, and calling `__init__` again on a `property`,
//! `staticmethod` or `classmethod`.

use stillpoint_gc::Gc;
use stillpoint_sync::EventKind;

use crate::error::PyResult;
use crate::interp::Interp;
use crate::object::{Descriptor, ObjectData, PyObject};
use crate::value::Value;

impl Interp<'_> {
    /// `f.name = value` for the attributes that are part of the function
    /// itself. `Ok(false)`: `name` is not one of them.
    pub(crate) fn set_function_attr(
        &mut self,
        func: Gc<PyObject>,
        name: &str,
        value: Value,
    ) -> PyResult<bool> {
        let ObjectData::Function(f) = &func.data else {
            return Ok(false);
        };
        let slot = match name {
            "__code__" => {
                let Some(ObjectData::Code(new)) = value.data() else {
                    return self.type_error("__code__ must be set to a code object");
                };
                let old = f.code();
                let ObjectData::Code(old) = &old.data else {
                    unreachable!("a function's code is a code object")
                };
                if new.freevars.len() != old.freevars.len() {
                    let msg = format!(
                        "{}() requires a code object with {} free vars, not {}",
                        f.name(),
                        old.freevars.len(),
                        new.freevars.len()
                    );
                    return Err(self.new_exception(self.rt.types.value_error, &msg));
                }
                &f.code
            }
            "__defaults__" => {
                if !value.is_none() && value.as_tuple().is_none() {
                    return self.type_error("__defaults__ must be set to a tuple object");
                }
                &f.defaults
            }
            "__kwdefaults__" => {
                if !value.is_none() && !matches!(value.data(), Some(ObjectData::Dict(_))) {
                    return self.type_error("__kwdefaults__ must be set to a dict object");
                }
                &f.kwdefaults
            }
            _ => return Ok(false),
        };
        let m = self.mutator();
        m.fire(EventKind::FunctionModified, None, || {
            slot.store(value);
            f.version.invalidate();
        });
        Ok(true)
    }

    /// `descriptor.__init__(...)` on an existing `property`, `staticmethod`
    /// or `classmethod`: replaces its callables in place.
    pub(crate) fn reinit_descriptor(
        &mut self,
        descriptor: Gc<PyObject>,
        args: &[Value],
        kwargs: &[(Value, Value)],
    ) -> PyResult<()> {
        let ObjectData::Descriptor(d) = &descriptor.data else {
            return self.type_error("descriptor '__init__' requires a descriptor object");
        };
        let class = descriptor.class();
        // Parse exactly as construction does, then move the new callables
        // into the existing descriptor.
        let Some(fresh) = self.construct_language_type_from(class, args, kwargs)? else {
            return self.type_error("descriptor '__init__' requires a descriptor object");
        };
        let Some(ObjectData::Descriptor(new)) = fresh.data() else {
            unreachable!("construction made a descriptor")
        };
        let mark = self.push_root(fresh);
        let m = self.mutator();
        m.fire(EventKind::DescriptorMutated, None, || match (d, new) {
            (
                Descriptor::Property {
                    fget,
                    fset,
                    fdel,
                    doc,
                },
                Descriptor::Property {
                    fget: g,
                    fset: s,
                    fdel: dl,
                    doc: dc,
                },
            ) => {
                fget.store(g.load());
                fset.store(s.load());
                fdel.store(dl.load());
                doc.store(dc.load());
            }
            (Descriptor::StaticMethod(f), Descriptor::StaticMethod(g))
            | (Descriptor::ClassMethod(f), Descriptor::ClassMethod(g)) => f.store(g.load()),
            _ => unreachable!("the same class constructs the same kind"),
        });
        self.truncate_roots(mark);
        Ok(())
    }
}
