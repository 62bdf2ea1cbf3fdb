//! The rare-event hooks as embedding API: the frame-evaluation hook,
//! module-dict replacement, a debugger over every thread's frames, and
//! trace callbacks. Each is a rare event of the runtime (it may stop the
//! world and throw away optimized code), so none belongs on a hot path.

use std::sync::Arc;

use stillpoint_sync::PauseCause;

use super::{Error, ErrorKind, IntoPy, Object, Python};
use crate::events::hooks::{DebugError, EvalFrameHook};
use crate::interp::Interp;
use crate::object::HostFn;
use crate::value::Value;

pub use crate::events::hooks::{DebugFrame, DebugThread};

impl From<DebugError> for Error {
    fn from(e: DebugError) -> Error {
        Error::new(ErrorKind::ValueError, e.to_string())
    }
}

/// The event a trace callback ([`Python::set_trace`]) sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    /// A Python frame starts.
    Call,
    /// A new line is about to run.
    Line,
    /// A frame returns.
    Return,
    /// An exception passes through a frame.
    Exception,
}

/// Where a trace event happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// The function (`<module>` at module level).
    pub function: String,
    /// Its file.
    pub filename: String,
    /// The line.
    pub line: u32,
}

impl Python<'_> {
    /// This thread's ident, as debuggers ([`Python::threads`]) and
    /// `threading.get_ident()` name it.
    pub fn thread_ident(&mut self) -> u64 {
        self.interp.rt.threads.current_ident()
    }

    /// Every thread running Python and its frames (outermost first), read
    /// while the world is stopped.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     let me = py.thread_ident();
    ///     assert!(py.threads().iter().any(|t| t.ident == me));
    /// });
    /// ```
    pub fn threads(&mut self) -> Vec<DebugThread> {
        self.interp.debug_threads()
    }

    /// Reads local `name` of the frame at `depth` (0: outermost) of thread
    /// `ident`. The value is read and rooted while the world is stopped, so
    /// no collection can free it between the read and the handle.
    pub fn get_local(&mut self, ident: u64, depth: usize, name: &str) -> Result<Object, Error> {
        let threads = self.interp.rt.stacks.live();
        let Some((_, stacks)) = threads.iter().find(|(t, _)| *t == ident) else {
            return Err(DebugError::NoSuchThread(ident).into());
        };
        let heap = self.interp.rt.heap();
        let m = self.interp.mutator();
        let found = m.stop_the_world_for(PauseCause::Other, || {
            // SAFETY: the world is stopped: the owner of `stacks` is parked
            // or detached and does not touch them (or is this thread, which
            // holds no reference into its stacks here).
            let at = unsafe { stacks.locate_local(depth, name) }?;
            // SAFETY: as above.
            let v = unsafe { stacks.read_local(&at) }
                .ok_or_else(|| DebugError::NoSuchLocal(name.to_string()))?;
            // Rooted inside the pause: the handle table is a plain vector
            // under its own lock (no heap allocation, no collection can run
            // during this pause), and once the pause ends the frame may
            // drop the value at any time.
            Ok::<_, DebugError>(match v.as_object() {
                Some(gc) => Ok(heap.root(gc)),
                None => Err(v),
            })
        })?;
        let v = match found {
            Ok(root) => Value::object(root.get()),
            Err(inline) => inline,
        };
        Ok(Object::from_value(self, v))
    }

    /// Sets local `name` of the frame at `depth` (0: outermost) of thread
    /// `ident`: the world stops, optimized code built from that frame's
    /// code is thrown away, and the thread goes on with the new value.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     let me = py.thread_ident();
    ///     let reader = py.function("peek", move |py, ()| py.get_local(me, 0, "x"))?;
    ///     let writer = py.function("poke", move |py, ()| py.set_local(me, 0, "x", 99))?;
    ///     let main = py.module("dbg")?;
    ///     main.set(py, "peek", reader)?;
    ///     main.set(py, "poke", writer)?;
    ///     let code = rt.compile("def f():\n    x = 1\n    before = peek()\n    poke()\n    return before, x\n", "dbg.py")?;
    ///     py.exec(&code, &main)?;
    ///     let (before, after): (i64, i64) = main.call_method(py, "f", ())?;
    ///     assert_eq!((before, after), (1, 99));
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn set_local(
        &mut self,
        ident: u64,
        depth: usize,
        name: &str,
        value: impl IntoPy,
    ) -> Result<(), Error> {
        let value = value.into_py(self)?;
        let v = value.value(self)?;
        self.interp.debug_set_local(ident, depth, name, v)?;
        Ok(())
    }

    /// Installs (or with `None` removes) the runtime's frame-evaluation
    /// hook: it is called instead of evaluating every Python function call
    /// (on every thread) with the function and its arguments, and returns
    /// `None` to evaluate the call normally or `Some(result)` to replace
    /// it. Calls the hook makes are evaluated normally.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     py.run("def f(x):\n    return x\n")?;
    ///     py.set_eval_frame_hook(Some(|py: &mut stillpoint::Python<'_>, _f: &stillpoint::Object, args: &[stillpoint::Object]| {
    ///         Some(args[0].extract::<i64>(py).map(|x| x * 10).and_then(|x| x.into_py(py)))
    ///     }));
    ///     assert_eq!(py.eval::<i64>("f(4)")?, 40);
    ///     py.set_eval_frame_hook(None::<fn(&mut stillpoint::Python<'_>, &stillpoint::Object, &[stillpoint::Object]) -> _>);
    ///     assert_eq!(py.eval::<i64>("f(4)")?, 4);
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// # use stillpoint::IntoPy;
    /// ```
    pub fn set_eval_frame_hook<F>(&mut self, hook: Option<F>)
    where
        F: Fn(&mut Python<'_>, &Object, &[Object]) -> Option<Result<Object, Error>>
            + Send
            + Sync
            + 'static,
    {
        let hook = hook.map(|f| -> EvalFrameHook {
            Arc::new(
                move |interp: &mut Interp<'_>,
                      func: Value,
                      args: &[Value],
                      _kwargs: &[(Value, Value)]| {
                    let py = Python::from_interp(interp);
                    let func = Object::from_value(py, func);
                    let args: Vec<Object> =
                        args.iter().map(|v| Object::from_value(py, *v)).collect();
                    let result = f(py, &func, &args)?;
                    Some(result.and_then(|o| o.value(py)).map_err(|e| py.raise(e)))
                },
            )
        });
        self.interp.set_eval_frame_hook(hook);
    }

    /// Replaces `module`'s namespace with `dict` (a dict object). Functions
    /// already defined in the module keep the globals they were made with.
    ///
    /// ```
    /// # let rt = stillpoint::Runtime::new();
    /// rt.attach(|py| {
    ///     let m = py.module("swapped")?;
    ///     let d: stillpoint::Object = py.eval("{'answer': 42}")?;
    ///     py.replace_module_dict(&m, &d)?;
    ///     assert_eq!(m.get::<i64>(py, "answer")?, 42);
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// ```
    pub fn replace_module_dict(&mut self, module: &Object, dict: &Object) -> Result<(), Error> {
        let (m, d) = (module.value(self)?, dict.value(self)?);
        self.interp
            .replace_module_dict(m, d)
            .map_err(|e| self.error(e))
    }

    /// Installs (or with `None` removes) a trace callback for this thread
    /// (`sys.settrace` underneath): called at every call, line, return and
    /// exception of Python code on this thread while the attachment lasts.
    /// An `Err` it returns is raised where the event happened.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use stillpoint::{FrameInfo, Python, TraceEvent};
    /// let rt = stillpoint::Runtime::new();
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// rt.attach(|py| {
    ///     py.run("def f():\n    return 1\n")?;
    ///     let log = seen.clone();
    ///     py.set_trace(Some(move |_: &mut Python<'_>, event: TraceEvent, at: &FrameInfo| {
    ///         log.lock().unwrap().push((event, at.function.clone()));
    ///         Ok(())
    ///     }))?;
    ///     py.eval::<i64>("f()")?;
    ///     py.set_trace(None::<fn(&mut Python<'_>, TraceEvent, &FrameInfo) -> Result<(), stillpoint::Error>>)?;
    ///     Ok::<(), stillpoint::Error>(())
    /// }).unwrap();
    /// assert!(seen.lock().unwrap().contains(&(TraceEvent::Call, "f".to_string())));
    /// ```
    pub fn set_trace<F>(&mut self, callback: Option<F>) -> Result<(), Error>
    where
        F: Fn(&mut Python<'_>, TraceEvent, &FrameInfo) -> Result<(), Error> + Send + Sync + 'static,
    {
        let Some(callback) = callback else {
            self.interp.set_trace(Value::NONE, false);
            return Ok(());
        };
        let func: HostFn = Arc::new(move |interp: &mut Interp<'_>, args, _kwargs| {
            let py = Python::from_interp(interp);
            let result = trace_call(py, args, &callback);
            match result {
                // The trace function stays the frame's local tracer.
                Ok(()) => Ok(py.interp.get_trace(false)),
                Err(e) => Err(py.raise(e)),
            }
        });
        let f = super::function::host_builtin(self, "trace", func);
        let v = f.value(self)?;
        self.interp.set_trace(v, false);
        Ok(())
    }
}

/// Decodes a trace call `(frame, event, arg)` and runs the callback.
fn trace_call<F>(py: &mut Python<'_>, args: &[Value], callback: &F) -> Result<(), Error>
where
    F: Fn(&mut Python<'_>, TraceEvent, &FrameInfo) -> Result<(), Error>,
{
    let [frame, event, _] = args else {
        return Err(Error::type_error("trace() takes 3 arguments"));
    };
    let event = match py.interp.str_of(*event).as_deref() {
        Some("call") => TraceEvent::Call,
        Some("line") => TraceEvent::Line,
        Some("return") => TraceEvent::Return,
        Some("exception") => TraceEvent::Exception,
        _ => return Ok(()),
    };
    let frame = Object::from_value(py, *frame);
    let code: Object = frame.get(py, "f_code")?;
    let info = FrameInfo {
        function: code.get(py, "co_name")?,
        filename: code.get(py, "co_filename")?,
        line: frame.get(py, "f_lineno")?,
    };
    callback(py, event, &info)
}
