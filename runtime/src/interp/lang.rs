//! Language support beyond the core dispatch loop: generators (resumable
//! frames), slices, `del`, dict merging for calls, closure-cell errors.
//!
//! # Generators
//!
//! A generator owns its suspended frame: code, globals, resume position
//! and the frame's value-stack segment (locals, cells, operand stack) in
//! a [`Generator`], which the collector traces. Resuming claims it (see
//! `object::generator`), moves the segment onto the thread's value stack
//! (so it is rooted like any frame), pushes the frame and runs a nested
//! dispatch loop until the frame yields (the segment moves back into the
//! generator and the claim is given up) or returns (the generator is
//! finished). A second resume while it runs (another thread, or itself)
//! finds it claimed: a `ValueError`, as in CPython. A `for` loop
//! specialized to `ForIterGenerator` resumes the frame in its own dispatch
//! loop instead ([`Interp::gen_resume_in_loop`]). A StopIteration that
//! leaves a generator's frame becomes a RuntimeError (PEP 479).

use stillpoint_gc::Gc;

use super::{Interp, OnReturn};
use crate::bytecode::CodeObject;
use crate::error::{PyErr, PyResult};
use crate::object::{GenStatus, Generator, ObjectData, PyObject};
use crate::value::Value;

/// How a resumed generator (or iterator) stopped.
pub(super) enum Resumed {
    /// It produced a value and can be resumed again.
    Yielded(Value),
    /// It finished with this return value.
    Returned(Value),
}

/// What `ForIterGenerator` found (`Interp::gen_resume_in_loop`).
pub(crate) enum GenLoopStep {
    /// The generator's frame was pushed: the dispatch loop runs it.
    Resumed,
    /// It had finished: the loop ends.
    Finished,
}

/// Normalized slice bounds for a sequence of some length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SliceIndices {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
    pub len: usize,
}

impl SliceIndices {
    /// CPython's slice normalization for a sequence of `length` items.
    pub(crate) fn new(
        start: Option<i64>,
        stop: Option<i64>,
        step: i64,
        length: usize,
    ) -> SliceIndices {
        let length = length as i64;
        let clamp = |v: Option<i64>, default: i64| -> i64 {
            match v {
                None => default,
                Some(mut i) => {
                    if i < 0 {
                        i += length;
                        if i < 0 {
                            i = if step < 0 { -1 } else { 0 };
                        }
                    } else if i >= length {
                        i = if step < 0 { length - 1 } else { length };
                    }
                    i
                }
            }
        };
        let (start, stop) = if step < 0 {
            (clamp(start, length - 1), clamp(stop, -1))
        } else {
            (clamp(start, 0), clamp(stop, length))
        };
        let len = if step < 0 {
            if stop < start {
                (start - stop - 1) / (-step) + 1
            } else {
                0
            }
        } else if start < stop {
            (stop - start - 1) / step + 1
        } else {
            0
        };
        SliceIndices {
            start,
            stop,
            step,
            len: len as usize,
        }
    }

    /// The selected indices, in order.
    pub(crate) fn indices(self) -> impl Iterator<Item = usize> {
        (0..self.len).map(move |k| (self.start + k as i64 * self.step) as usize)
    }
}

impl Interp<'_> {
    // ------------------------------------------------------------ generators

    /// Runs generator `gen` until it yields or returns, sending `sent` as
    /// the value of the suspended `yield` expression.
    pub(super) fn gen_resume(&mut self, gen: Value, sent: Value) -> PyResult<Resumed> {
        self.gen_resume_with(gen, sent, None)
    }

    /// Resumes generator `gen` either with `sent` as the value of the
    /// suspended `yield`, or, with `thrown`, by raising that exception at
    /// the `yield` (`generator.throw`, `generator.close`): its handlers
    /// and `finally` blocks run.
    fn gen_resume_with(
        &mut self,
        gen: Value,
        sent: Value,
        thrown: Option<Value>,
    ) -> PyResult<Resumed> {
        let Some(ObjectData::Generator(g)) = gen.data() else {
            let msg = format!("'{}' object is not a generator", self.type_name(gen));
            return self.type_error(&msg);
        };
        if !sent.is_none() && thrown.is_none() && g.status() == GenStatus::Created {
            return self.type_error("can't send non-None value to a just-started generator");
        }
        let was = match g.claim() {
            Ok(was) => was,
            Err(GenStatus::Running) => {
                return Err(
                    self.new_exception(self.rt.types.value_error, "generator already executing")
                )
            }
            Err(_) => {
                return match thrown {
                    Some(exc) => Err(PyErr(exc)),
                    None => Ok(Resumed::Returned(Value::NONE)),
                }
            }
        };
        if was == GenStatus::Created {
            if let Some(exc) = thrown {
                // Thrown into before it started: it never runs.
                // SAFETY: claimed above; no safepoint until released.
                unsafe { g.frame() }.stack.clear();
                g.release(GenStatus::Finished);
                return Err(PyErr(exc));
            }
        }
        // No safepoint between taking the segment and pushing it.
        let (base, pc) = self.take_segment(g, was, sent);
        let pushed = if self.native_stack_exhausted() {
            Err(self.recursion_error())
        } else {
            self.push_generator_frame(g, base, pc, OnReturn::Generator(gen))
        };
        if let Err(e) = pushed {
            self.give_back_segment(g, base, was);
            return Err(e);
        }
        let entry = self.st().frames.len();
        if let Some(exc) = thrown {
            // Raised at the `yield` the frame is suspended at: a handler
            // there runs, or the frame is popped and the generator ends.
            self.unwind(PyErr(exc), entry, false)?;
        }
        let value = self.run_nested(entry)?;
        Ok(if self.generator_yielded {
            Resumed::Yielded(value)
        } else {
            Resumed::Returned(value)
        })
    }

    /// Resumes generator `gen` (an iterator on top of the value stack) in
    /// the running dispatch loop, for tier 1's `ForIterGenerator` looping
    /// to `exit`: its frame is pushed above the caller's, with no nested
    /// loop; the dispatch loop pushes what it yields for the loop body and
    /// ends the loop when it returns (`OnReturn::GeneratorLoop`). `None`
    /// when it is running (the generic path raises the `ValueError`).
    pub(crate) fn gen_resume_in_loop(
        &mut self,
        gen: Value,
        exit: u32,
    ) -> Option<PyResult<GenLoopStep>> {
        let Some(ObjectData::Generator(g)) = gen.data() else {
            return None;
        };
        let was = match g.claim() {
            Ok(was) => was,
            Err(GenStatus::Running) => return None,
            Err(_) => return Some(Ok(GenLoopStep::Finished)),
        };
        // No safepoint until the frame that roots the segment is pushed.
        let (base, pc) = self.take_segment(g, was, Value::NONE);
        let on_return = OnReturn::GeneratorLoop { gen, exit };
        if let Err(e) = self.push_generator_frame(g, base, pc, on_return) {
            self.give_back_segment(g, base, was);
            return Some(Err(e));
        }
        Some(Ok(GenLoopStep::Resumed))
    }

    /// Pushes the frame of `g`, whose values were just moved onto the
    /// value stack from `base` (`take_segment`), to resume at `pc`.
    #[inline(always)]
    fn push_generator_frame(
        &mut self,
        g: &Generator,
        base: usize,
        pc: u32,
        on_return: OnReturn,
    ) -> PyResult<()> {
        let at = base as u32;
        let frame = self.new_frame(g.code, g.globals, None, at, at, on_return, pc);
        self.push_new_frame(frame)
    }

    /// What leaves a generator's frame when `exc`, a StopIteration, does
    /// (PEP 479): a RuntimeError caused by it, so that a stray
    /// StopIteration cannot end the caller's loop silently.
    pub(super) fn stop_iteration_escaped(&mut self, exc: PyErr) -> PyErr {
        let err = self.new_exception(
            self.rt.types.runtime_error,
            "generator raised StopIteration",
        );
        self.set_exception_attr(err.0, "__cause__", exc.0);
        self.set_exception_attr(err.0, "__context__", exc.0);
        self.set_exception_attr(err.0, "__suppress_context__", Value::TRUE);
        err
    }

    /// Marks a generator whose frame returned or raised as exhausted.
    pub(super) fn finish_generator(&mut self, gen: Value) {
        if let Some(ObjectData::Generator(g)) = gen.data() {
            // SAFETY: this thread claimed it to run the frame that ended,
            // and nothing here reaches a safepoint.
            unsafe { g.frame() }.stack.clear();
            g.release(GenStatus::Finished);
        }
    }

    /// Moves the saved frame of `g`, which this thread just claimed from
    /// status `was`, onto the value stack (the buffer stays, for the next
    /// yield), with `sent` as the value of the `yield` it is suspended
    /// at. Returns where the segment starts and where the frame resumes.
    /// The caller reaches no safepoint until a frame roots the segment.
    fn take_segment(&mut self, g: &Generator, was: GenStatus, sent: Value) -> (usize, u32) {
        let values = &mut self.st().values;
        let base = values.len();
        // SAFETY: the caller holds the claim, and the reference ends here,
        // before any safepoint.
        let saved = unsafe { g.frame() };
        values.extend_from_slice(&saved.stack);
        saved.stack.clear();
        if was == GenStatus::Suspended {
            values.push(sent);
        }
        (base, saved.pc)
    }

    /// Moves the frame segment of `g`'s yielding frame, `values[base..]`,
    /// back into the generator with `pc` to resume at, and gives up the
    /// claim this thread took to resume it.
    pub(super) fn save_segment(&mut self, g: &Generator, base: usize, pc: u32) {
        // SAFETY: this thread claimed the generator to resume the frame
        // that is yielding, and nothing here reaches a safepoint.
        let saved = unsafe { g.frame() };
        // Refilled in place: the generator keeps its buffer across
        // iterations.
        saved.stack.clear();
        saved.stack.extend_from_slice(&self.st().values[base..]);
        saved.pc = pc;
        g.release(GenStatus::Suspended);
    }

    /// Undoes a resume of `g` whose frame could not be pushed: the values
    /// copied onto the stack from `base` (the `yield`'s value after them
    /// dropped) go back into the generator, which is `was` again.
    fn give_back_segment(&mut self, g: &Generator, base: usize, was: GenStatus) {
        let values = &mut self.st().values;
        let end = values.len() - usize::from(was == GenStatus::Suspended);
        // SAFETY: this thread holds the claim it took for the resume, and
        // nothing here reaches a safepoint.
        unsafe { g.frame() }
            .stack
            .extend_from_slice(&values[base..end]);
        values.truncate(base);
        g.release(was);
    }

    /// One step of `yield from`: sends `sent` into `iter`.
    pub(super) fn send_to(&mut self, iter: Value, sent: Value) -> PyResult<Resumed> {
        if matches!(iter.data(), Some(ObjectData::Generator(_))) {
            return self.gen_resume(iter, sent);
        }
        if !sent.is_none() {
            let msg = format!("'{}' object has no attribute 'send'", self.type_name(iter));
            return Err(self.new_exception(self.rt.types.attribute_error, &msg));
        }
        Ok(match self.iter_next(iter)? {
            Some(v) => Resumed::Yielded(v),
            None => Resumed::Returned(Value::NONE),
        })
    }

    /// `next()` for generators and instances with `__next__`; `None` for
    /// the builtin iterators (handled by the caller).
    pub(super) fn iter_next_protocol(&mut self, it: Value) -> PyResult<Option<Option<Value>>> {
        match it.data() {
            Some(ObjectData::Generator(_)) => Ok(Some(match self.gen_resume(it, Value::NONE)? {
                Resumed::Yielded(v) => Some(v),
                Resumed::Returned(_) => None,
            })),
            Some(ObjectData::Instance(_)) => {
                let Some(f) = self.lookup(self.class_of(it), "__next__") else {
                    return Ok(None);
                };
                match self.call_value(f, &[it], &[]) {
                    Ok(v) => Ok(Some(Some(v))),
                    Err(e) => {
                        if self.isinstance(e.0, self.rt.types.stop_iteration) {
                            Ok(Some(None))
                        } else {
                            Err(e)
                        }
                    }
                }
            }
            _ => Ok(None),
        }
    }

    fn stop_iteration(&mut self, value: Value) -> PyErr {
        let args = if value.is_none() {
            self.new_tuple(Vec::new())
        } else {
            self.new_tuple(vec![value])
        };
        let exc = self.new_exception_object(self.rt.types.stop_iteration, args);
        if let Some(ObjectData::Exception(e)) = exc.data() {
            let key = self.new_str("value");
            if let Ok(h) = self.hash(key) {
                e.dict.lock().insert_hashed(h, key, value);
            }
        }
        PyErr(exc)
    }

    /// Generator methods and slice and range attributes, looked up before the
    /// class (these objects have no attribute dict).
    pub(super) fn lang_attribute(
        &mut self,
        o: &Gc<PyObject>,
        obj: Value,
        name: Value,
    ) -> PyResult<Option<(Value, Value)>> {
        let Some(text) = self.str_of(name) else {
            return Ok(None);
        };
        match &o.data {
            ObjectData::Generator(g) => {
                let func: crate::interp::NativeFn = match text.as_str() {
                    "send" => gen_send,
                    "__next__" => gen_next,
                    "close" => gen_close,
                    "throw" => gen_throw,
                    "__iter__" => gen_iter,
                    "__name__" | "__qualname__" => {
                        return Ok(Some((g.name, Value::NULL)));
                    }
                    _ => return Ok(None),
                };
                let name: &'static str = match text.as_str() {
                    "send" => "send",
                    "__next__" => "__next__",
                    "close" => "close",
                    "throw" => "throw",
                    _ => "__iter__",
                };
                let f = self.alloc(
                    self.rt.types.builtin_function,
                    ObjectData::Builtin(crate::object::BuiltinFunction {
                        name,
                        func: crate::object::NativeCode::Fn(func),
                        bound: None,
                    }),
                );
                Ok(Some((Value::object(f), obj)))
            }
            ObjectData::Exception(e)
                if text == "value" && self.isinstance(obj, self.rt.types.stop_iteration) =>
            {
                let args = *e.args.lock();
                let v = match args.data() {
                    Some(ObjectData::Tuple(t)) => t.first().copied().unwrap_or(Value::NONE),
                    _ => Value::NONE,
                };
                Ok(Some((v, Value::NULL)))
            }
            ObjectData::Slice(parts) => {
                let v = match text.as_str() {
                    "start" => parts[0],
                    "stop" => parts[1],
                    "step" => parts[2],
                    _ => return Ok(None),
                };
                Ok(Some((v, Value::NULL)))
            }
            ObjectData::Range(r) => {
                let (start, stop, step) = r.bounds();
                let v = match text.as_str() {
                    "start" => start,
                    "stop" => stop,
                    "step" => step,
                    _ => return Ok(None),
                };
                Ok(Some((self.new_bigint(v), Value::NULL)))
            }
            _ => Ok(None),
        }
    }

    /// `super().name` with `__class__` = `class` and first argument
    /// `receiver`: `(function, receiver)` for a method, `(attr, NULL)`
    /// otherwise.
    pub(super) fn super_lookup(
        &mut self,
        class: Value,
        receiver: Value,
        name: Value,
    ) -> PyResult<(Value, Value)> {
        let text = self.str_of(name).unwrap_or_default();
        let start = match receiver.as_object().filter(|o| o.as_class().is_some()) {
            Some(c) => c,
            None => self.class_of(receiver),
        };
        // The MRO walked in place (no list built: `super()` calls are
        // common in `__init__`s).
        let tail = start.as_class().map(|c| c.mro_tail());
        let mro = || std::iter::once(start).chain(tail.iter().flat_map(|t| t.iter()));
        let position = class
            .as_object()
            .and_then(|c| mro().position(|m| m.into_raw() == c.into_raw()));
        let Some(position) = position else {
            return self.type_error("super(type, obj): obj must be an instance or subtype of type");
        };
        let hash = self.hash(name)?;
        for base in mro().skip(position + 1) {
            let found = base
                .as_class()
                .and_then(|c| c.dict.lock().get_hashed(hash, name));
            if let Some(v) = found {
                return self.bind_super_attribute(v, receiver, start, name);
            }
        }
        if text == "__init__" {
            // `object.__init__` and `BaseException.__init__` (args were
            // recorded at construction; a new args tuple replaces them).
            let f = self.alloc(
                self.rt.types.builtin_function,
                ObjectData::Builtin(crate::object::BuiltinFunction {
                    name: "__init__",
                    func: crate::object::NativeCode::Fn(base_init),
                    bound: None,
                }),
            );
            return Ok((Value::object(f), receiver));
        }
        let msg = format!("'super' object has no attribute '{text}'");
        Err(self.new_exception(self.rt.types.attribute_error, &msg))
    }

    // ------------------------------------------------------------ cells, del

    /// The error for reading an empty cell.
    pub(super) fn unbound_deref(&mut self, code: &CodeObject, i: usize) -> PyErr {
        let name = code.deref_name(i).to_string();
        if i < code.cellvars.len() {
            let msg = format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            );
            self.new_exception(self.rt.types.unbound_local_error, &msg)
        } else {
            let msg = format!(
                "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
            );
            self.new_exception(self.rt.types.name_error, &msg)
        }
    }

    /// Removes `key` from a dict object; whether it was there.
    pub(super) fn dict_delete(&mut self, dict: Gc<PyObject>, key: Value) -> PyResult<bool> {
        let ObjectData::Dict(d) = &dict.data else {
            return Ok(false);
        };
        let removed = d.lock().remove(key);
        match removed {
            Ok(v) => Ok(v.is_some()),
            Err(_) => {
                let msg = format!("unhashable type: '{}'", self.type_name(key));
                self.type_error(&msg)
            }
        }
    }

    /// `dict.update(mapping)`; with `merge`, a key already present is a
    /// TypeError (keyword arguments given twice).
    pub(super) fn dict_update(
        &mut self,
        dict: Value,
        mapping: Value,
        merge: Option<Value>,
    ) -> PyResult<()> {
        let callee = match merge.as_ref().and_then(|f| f.data()) {
            Some(ObjectData::Function(f)) => {
                let module = self.module_name_of(f.globals);
                match module.as_deref() {
                    Some(m) if m != "builtins" => format!("{m}.{}()", f.qualname()),
                    _ => format!("{}()", f.qualname()),
                }
            }
            Some(ObjectData::Builtin(b)) => format!("{}()", b.name),
            _ => match merge {
                Some(v) => format!("{} object", self.type_name(v)),
                None => String::new(),
            },
        };
        let merge = merge.is_some();
        let Some(target) = dict.as_object() else {
            return Ok(());
        };
        let items: Vec<(Value, Value)> = match mapping.as_ref().and_then(|o| o.dict_table()) {
            Some(d) => d.lock().items().collect(),
            _ => {
                let msg = if merge {
                    format!(
                        "{callee} argument after ** must be a mapping, not {}",
                        self.type_name(mapping)
                    )
                } else {
                    format!("'{}' object is not a mapping", self.type_name(mapping))
                };
                return self.type_error(&msg);
            }
        };
        for (k, v) in items {
            if merge && self.dict_get(target, k)?.is_some() {
                let key = self.str_of(k).unwrap_or_default();
                let msg = format!("{callee} got multiple values for keyword argument '{key}'");
                return self.type_error(&msg);
            }
            self.dict_set(target, k, v)?;
        }
        Ok(())
    }

    fn module_name_of(&mut self, globals: Gc<PyObject>) -> Option<String> {
        let key = self.new_str("__name__");
        let v = self.dict_get(globals, key).ok()??;
        self.str_of(v)
    }

    /// `del obj.name` without a user `__delattr__` (`object.__delattr__`).
    pub(crate) fn generic_del_attr(&mut self, obj: Value, name: Value) -> PyResult<()> {
        if matches!(obj.data(), Some(ObjectData::Instance(_)))
            && self.data_descriptor_set(obj, name, None)?
        {
            return Ok(());
        }
        let removed = match obj.data() {
            Some(ObjectData::Instance(attrs)) => attrs
                .dict()
                .and_then(|d| d.lock().remove(name).ok().flatten()),
            Some(ObjectData::Exception(e)) => e.dict.lock().remove(name).ok().flatten(),
            Some(ObjectData::Class(_)) => {
                let class = obj.as_object().expect("a class");
                self.set_class_attr(class, name, None)?
            }
            Some(ObjectData::Module(m)) => match &m.dict().data {
                ObjectData::Dict(d) => d.lock().remove(name).ok().flatten(),
                _ => None,
            },
            _ => None,
        };
        if removed.is_some() {
            return Ok(());
        }
        let n = self.str_of(name).unwrap_or_default();
        let msg = format!("'{}' object has no attribute '{n}'", self.type_name(obj));
        Err(self.new_exception(self.rt.types.attribute_error, &msg))
    }

    /// `del container[key]`.
    pub(super) fn del_item(&mut self, container: Value, key: Value) -> PyResult<()> {
        if let Some(f) = self.subclass_override(container, "__delitem__") {
            self.call_value(f, &[container, key], &[])?;
            return Ok(());
        }
        self.builtin_del_item(container, key)
    }

    /// `del container[key]` without the Python `__delitem__` of a list or
    /// dict subclass.
    pub(crate) fn builtin_del_item(&mut self, container: Value, key: Value) -> PyResult<()> {
        if let Some(ObjectData::Slice(parts)) = key.data() {
            if self.set_slice(container, *parts, None)? {
                return Ok(());
            }
        }
        match container.builtin_data() {
            Some(ObjectData::List(l)) => {
                let len = l.lock().len();
                let i = self.index(key, len, "list", true)?;
                let mut items = l.lock();
                if i < items.len() {
                    items.remove(i);
                    return Ok(());
                }
                drop(items);
                Err(self.new_exception(
                    self.rt.types.index_error,
                    "list assignment index out of range",
                ))
            }
            Some(ObjectData::Dict(_) | ObjectData::AttrDict(_)) => {
                let Some(d) = container.as_ref().and_then(|o| o.dict_table_mut()) else {
                    let msg = format!(
                        "'{}' object does not support item deletion",
                        self.type_name(container)
                    );
                    return self.type_error(&msg);
                };
                let h = self.hash(key)?;
                let key = self.table_key(key, || d.lock().keys_with_hash(h))?;
                let removed = d.lock().remove_hashed(h, key);
                if removed.is_none() {
                    let args = self.new_tuple(vec![key]);
                    return Err(PyErr(
                        self.new_exception_object(self.rt.types.key_error, args),
                    ));
                }
                Ok(())
            }
            Some(ObjectData::Instance(_)) => {
                if let Some(f) = self.lookup(self.class_of(container), "__delitem__") {
                    self.call_value(f, &[container, key], &[])?;
                    return Ok(());
                }
                let msg = format!(
                    "'{}' object doesn't support item deletion",
                    self.type_name(container)
                );
                self.type_error(&msg)
            }
            _ => {
                let msg = format!(
                    "'{}' object doesn't support item deletion",
                    self.type_name(container)
                );
                self.type_error(&msg)
            }
        }
    }

    // ------------------------------------------------------------ slices

    fn slice_part(&mut self, v: Value) -> PyResult<Option<i64>> {
        if v.is_none() {
            return Ok(None);
        }
        let v = self.index_operand(v)?;
        if !v.is_float() {
            if let Some(i) = self.as_i64(v) {
                return Ok(Some(i));
            }
            if let Some(ObjectData::Int(b)) = v.data() {
                use num_traits::Signed;
                return Ok(Some(if b.is_negative() { i64::MIN } else { i64::MAX }));
            }
        }
        self.type_error("slice indices must be integers or None or have an __index__ method")
    }

    /// Normalizes a slice for a sequence of `len` items.
    pub(crate) fn slice_indices(
        &mut self,
        parts: [Value; 3],
        len: usize,
    ) -> PyResult<SliceIndices> {
        let step = self.slice_part(parts[2])?.unwrap_or(1);
        if step == 0 {
            return self.value_error("slice step cannot be zero");
        }
        let start = self.slice_part(parts[0])?;
        let stop = self.slice_part(parts[1])?;
        Ok(SliceIndices::new(start, stop, step.max(-i64::MAX), len))
    }

    /// `container[a:b:c]` for the builtin sequences (`None`: not one).
    pub(super) fn get_slice(
        &mut self,
        container: Value,
        parts: [Value; 3],
    ) -> PyResult<Option<Value>> {
        match container.builtin_data() {
            Some(ObjectData::List(l)) => {
                let items = l.lock().to_vec();
                let s = self.slice_indices(parts, items.len())?;
                let picked = s.indices().map(|i| items[i]).collect();
                Ok(Some(self.new_list(picked)))
            }
            Some(ObjectData::Tuple(t)) => {
                let s = self.slice_indices(parts, t.len())?;
                if s.step == 1 && s.len == t.len() {
                    return Ok(Some(container));
                }
                let picked = s.indices().map(|i| t[i]).collect();
                Ok(Some(self.new_tuple(picked)))
            }
            Some(ObjectData::Str(text)) => {
                let chars: Vec<char> = text.as_str().chars().collect();
                let s = self.slice_indices(parts, chars.len())?;
                let picked: String = s.indices().map(|i| chars[i]).collect();
                Ok(Some(self.new_str(&picked)))
            }
            Some(ObjectData::Range(r)) => {
                let r = r.clone();
                let mut ints = [None, None, None];
                for (int, part) in ints.iter_mut().zip(parts) {
                    if part.is_none() {
                        continue;
                    }
                    let part = self.index_operand(part)?;
                    match crate::builtins::numeric::big_of(part) {
                        Some(n) => *int = Some(n),
                        None => return self.type_error(
                            "slice indices must be integers or None or have an __index__ method",
                        ),
                    }
                }
                let [start, stop, step] = ints;
                let step = step.unwrap_or_else(|| 1.into());
                if num_traits::Zero::is_zero(&step) {
                    return self.value_error("slice step cannot be zero");
                }
                Ok(Some(self.new_range(r.slice(start, stop, step))))
            }
            _ => Ok(None),
        }
    }

    /// `list[a:b:c] = value` (or `del list[a:b:c]` with `None`); false
    /// when `container` is not a list.
    pub(super) fn set_slice(
        &mut self,
        container: Value,
        parts: [Value; 3],
        value: Option<Value>,
    ) -> PyResult<bool> {
        let Some(ObjectData::List(l)) = container.builtin_data() else {
            return Ok(false);
        };
        let new_items = match value {
            Some(v) => Some(self.collect_iterable(v)?),
            None => None,
        };
        let len = l.lock().len();
        let s = self.slice_indices(parts, len)?;
        let mut items = l.lock();
        // Re-normalize under the lock (the list may have changed).
        let s = if items.len() == len {
            s
        } else {
            SliceIndices::new(Some(s.start), Some(s.stop), s.step, items.len())
        };
        match new_items {
            None => {
                let doomed: std::collections::HashSet<usize> = s.indices().collect();
                let mut i = 0;
                items.retain(|_| {
                    let keep = !doomed.contains(&i);
                    i += 1;
                    keep
                });
            }
            Some(new_items) if s.step == 1 => {
                let start = s.start as usize;
                let stop = (s.stop.max(s.start)) as usize;
                items.splice(start..stop, new_items);
            }
            Some(new_items) => {
                if new_items.len() != s.len {
                    drop(items);
                    let msg = format!(
                        "attempt to assign sequence of size {} to extended slice of size {}",
                        new_items.len(),
                        s.len
                    );
                    return self.value_error(&msg);
                }
                for (i, v) in s.indices().zip(new_items) {
                    items.set(i, v);
                }
            }
        }
        Ok(true)
    }
}

fn gen_send(interp: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let gen = args.first().copied().unwrap_or(Value::NONE);
    let sent = args.get(1).copied().unwrap_or(Value::NONE);
    match interp.gen_resume(gen, sent)? {
        Resumed::Yielded(v) => Ok(v),
        Resumed::Returned(v) => Err(interp.stop_iteration(v)),
    }
}

fn gen_next(interp: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let gen = args.first().copied().unwrap_or(Value::NONE);
    match interp.gen_resume(gen, Value::NONE)? {
        Resumed::Yielded(v) => Ok(v),
        Resumed::Returned(v) => Err(interp.stop_iteration(v)),
    }
}

fn gen_close(interp: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let gen = args.first().copied().unwrap_or(Value::NONE);
    let no_args = interp.new_tuple(Vec::new());
    let exit = interp.new_exception_object(interp.rt.types.generator_exit, no_args);
    let mark = interp.push_root(exit);
    let result = interp.gen_resume_with(gen, Value::NONE, Some(exit));
    interp.truncate_roots(mark);
    match result {
        Ok(Resumed::Returned(_)) => Ok(Value::NONE),
        Ok(Resumed::Yielded(_)) => Err(interp.new_exception(
            interp.rt.types.runtime_error,
            "generator ignored GeneratorExit",
        )),
        Err(e)
            if interp.isinstance(e.0, interp.rt.types.generator_exit)
                || interp.isinstance(e.0, interp.rt.types.stop_iteration) =>
        {
            Ok(Value::NONE)
        }
        Err(e) => Err(e),
    }
}

fn gen_throw(interp: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    let gen = args.first().copied().unwrap_or(Value::NONE);
    let Some(&thrown) = args.get(1) else {
        return interp.type_error("throw expected at least 1 argument, got 0");
    };
    let exc = interp.make_raisable(thrown)?;
    let mark = interp.push_root(exc);
    let result = interp.gen_resume_with(gen, Value::NONE, Some(exc));
    interp.truncate_roots(mark);
    match result? {
        Resumed::Yielded(v) => Ok(v),
        Resumed::Returned(v) => Err(interp.stop_iteration(v)),
    }
}

fn base_init(interp: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    if let Some(ObjectData::Exception(e)) = args.first().and_then(|v| v.data()) {
        let rest = interp.new_tuple(args[1..].to_vec());
        *e.args.lock() = rest;
    }
    Ok(Value::NONE)
}

fn gen_iter(_interp: &mut Interp<'_>, args: &[Value], _kw: &[(Value, Value)]) -> PyResult<Value> {
    Ok(args.first().copied().unwrap_or(Value::NONE))
}

/// The C3 linearization of a new class's bases (its MRO without the
/// class itself), or `None` when no consistent order exists.
pub(super) fn c3_merge(bases: &[Gc<PyObject>]) -> Option<Vec<Gc<PyObject>>> {
    c3_merge_with(bases, |b| {
        b.as_class()
            .map(|c| c.mro_tail().to_vec())
            .unwrap_or_default()
    })
}

/// [`c3_merge`] where `mro_tail_of(base)` gives each base's MRO after the
/// base itself (a `__bases__` assignment merges MROs not yet stored).
pub(crate) fn c3_merge_with(
    bases: &[Gc<PyObject>],
    mut mro_tail_of: impl FnMut(Gc<PyObject>) -> Vec<Gc<PyObject>>,
) -> Option<Vec<Gc<PyObject>>> {
    let same = |a: &Gc<PyObject>, b: &Gc<PyObject>| a.into_raw() == b.into_raw();
    let mut sequences: Vec<Vec<Gc<PyObject>>> = bases
        .iter()
        .map(|b| {
            let mut seq = vec![*b];
            seq.extend(mro_tail_of(*b));
            seq
        })
        .collect();
    sequences.push(bases.to_vec());
    let mut out = Vec::new();
    loop {
        sequences.retain(|s| !s.is_empty());
        if sequences.is_empty() {
            return Some(out);
        }
        // The first head that appears in no sequence's tail.
        let head = sequences
            .iter()
            .map(|s| s[0])
            .find(|h| !sequences.iter().any(|s| s[1..].iter().any(|x| same(x, h))))?;
        out.push(head);
        for s in sequences.iter_mut() {
            if same(&s[0], &head) {
                s.remove(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SliceIndices;

    fn picked(start: Option<i64>, stop: Option<i64>, step: i64, len: usize) -> Vec<usize> {
        SliceIndices::new(start, stop, step, len)
            .indices()
            .collect()
    }

    #[test]
    fn slices_match_python() {
        // list(range(5))[1:4], [::-1], [::2], [-2:], [4:1:-2], [10:], [:-10]
        assert_eq!(picked(Some(1), Some(4), 1, 5), vec![1, 2, 3]);
        assert_eq!(picked(None, None, -1, 5), vec![4, 3, 2, 1, 0]);
        assert_eq!(picked(None, None, 2, 5), vec![0, 2, 4]);
        assert_eq!(picked(Some(-2), None, 1, 5), vec![3, 4]);
        assert_eq!(picked(Some(4), Some(1), -2, 5), vec![4, 2]);
        assert!(picked(Some(10), None, 1, 5).is_empty());
        assert!(picked(None, Some(-10), 1, 5).is_empty());
        assert_eq!(picked(Some(-100), Some(100), 3, 7), vec![0, 3, 6]);
        assert!(picked(None, None, -1, 0).is_empty());
    }
}
