//! `sys`: argv, exit, the recursion limit, `modules`, `stdout`/`stderr`.

use std::io::Write;

use stillpoint_gc::Gc;

use super::{native_function, ModuleBuilder};
use crate::error::{PyErr, PyResult};
use crate::interp::{Interp, NativeFn};
use crate::object::{Class, Dict, Layout, ObjectData, PyObject};
use crate::value::Value;

type Args<'x> = &'x [Value];
type Kwargs<'x> = &'x [(Value, Value)];

/// The `sys` module.
pub fn create(i: &mut Interp<'_>) -> PyResult<Gc<PyObject>> {
    let mut b = ModuleBuilder::new(i, "sys");
    let functions: &[(&'static str, NativeFn)] = &[
        ("exit", exit),
        ("getrecursionlimit", getrecursionlimit),
        ("setrecursionlimit", setrecursionlimit),
        ("settrace", settrace),
        ("setprofile", setprofile),
        ("gettrace", gettrace),
        ("getprofile", getprofile),
        ("intern", intern),
    ];
    b.functions(i, functions);
    let argv: Vec<Value> = i.rt.argv().iter().map(|a| i.new_str(a)).collect();
    let argv = i.new_list(argv);
    b.value(i, "argv", argv);
    let maxsize = i.new_int(i64::MAX);
    b.value(i, "maxsize", maxsize);
    let version_info: Vec<Value> = [3, 11, 0]
        .iter()
        .map(|n| i.new_int(*n))
        .chain([i.new_str("final"), i.new_int(0)])
        .collect();
    let version_info = i.new_tuple(version_info);
    b.value(i, "version_info", version_info);
    let version = i.new_str("3.11.0 (stillpoint)");
    b.value(i, "version", version);
    let platform = i.new_str(std::env::consts::OS);
    b.value(i, "platform", platform);
    let implementation = i.new_str("stillpoint");
    b.value(i, "implementation_name", implementation);
    let byteorder = i.new_str("little");
    b.value(i, "byteorder", byteorder);
    // sys.modules: a dict kept in step by the import machinery.
    let mut modules = Dict::new();
    for (name, m) in i.rt.module_list() {
        let key = i.new_str(&name);
        modules
            .insert(key, Value::object(m))
            .expect("str keys hash");
    }
    let modules = i.new_dict(modules);
    b.value(i, "modules", modules);
    // stdout and stderr: instances of a small stream class.
    let stream_class = stream_class(i);
    for (name, fd) in [("stdout", 1), ("stderr", 2)] {
        let mut attrs = Dict::new();
        let key = i.new_str("_fd");
        attrs.insert(key, i.new_int(fd)).expect("str keys hash");
        let stream = Value::object(i.alloc(
            stream_class,
            ObjectData::Instance(crate::object::InstanceAttrs::Dict(
                crate::object::Mutex::new(attrs),
            )),
        ));
        b.value(i, name, stream);
        b.value(i, &format!("__{name}__"), stream);
    }
    let sys = b.finish(i);
    // Register sys itself in sys.modules.
    let key = i.new_str("sys");
    if let Some(ObjectData::Dict(d)) = modules.data() {
        d.lock()
            .insert(key, Value::object(sys))
            .expect("str keys hash");
    }
    Ok(sys)
}

/// Records a newly imported module in `sys.modules` (if sys is loaded).
pub fn note_module(i: &mut Interp<'_>, name: &str, module: Gc<PyObject>) {
    let Some(sys) = i.rt.module("sys") else {
        return;
    };
    let ObjectData::Module(m) = &sys.data else {
        return;
    };
    let key = i.new_str("modules");
    if let Ok(Some(modules)) = i.dict_get(m.dict(), key) {
        if let Some(ObjectData::Dict(d)) = modules.data() {
            let key = i.new_str(name);
            let _ = d.lock().insert(key, Value::object(module));
        }
    }
}

fn stream_class(i: &Interp<'_>) -> Gc<PyObject> {
    let mut dict = Dict::new();
    for (name, func) in [
        ("write", stream_write as NativeFn),
        ("flush", stream_flush),
        ("isatty", stream_isatty),
    ] {
        let key = i.new_str(name);
        dict.insert(key, native_function(i, name, func))
            .expect("str keys hash");
    }
    let object = i.rt.types.object;
    i.alloc(
        i.rt.types.type_,
        ObjectData::Class(Box::new(Class::new(
            "TextIOWrapper",
            i.class_tuple(&[object]),
            i.class_tuple(&[object]),
            dict,
            Layout::Instance,
            Some("_io".into()),
        ))),
    )
}

fn stream_fd(i: &mut Interp<'_>, stream: Value) -> PyResult<i64> {
    let key = i.new_str("_fd");
    let fd = i.get_attr(stream, key)?;
    Ok(i.as_i64(fd).unwrap_or(1))
}

fn stream_write(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    if args.len() != 2 {
        return i.type_error("write() takes exactly one argument");
    }
    let Some(text) = i.str_of(args[1]) else {
        let msg = format!("write() argument must be str, not {}", i.type_name(args[1]));
        return i.type_error(&msg);
    };
    let fd = stream_fd(i, args[0])?;
    write_fd(i, fd, &text);
    Ok(i.new_int(text.chars().count() as i64))
}

/// Writes `text` to stdout (1) or stderr (2), detached from the world (a
/// blocked pipe must not hold up pauses).
pub fn write_fd(i: &mut Interp<'_>, fd: i64, text: &str) {
    let rt = i.rt;
    i.detached(|| {
        if fd == 2 {
            rt.flush_stdout();
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(text.as_bytes());
            let _ = err.flush();
        } else {
            rt.write_stdout(text);
        }
    });
}

fn stream_flush(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let rt = i.rt;
    i.detached(|| rt.flush_stdout());
    Ok(Value::NONE)
}

fn stream_isatty(_: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(Value::FALSE)
}

/// `sys.exit([code])`, also the builtins `exit` and `quit` (CPython's `site`
/// adds those as callables that raise `SystemExit` the same way).
pub(crate) fn exit(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let code = args.first().copied().unwrap_or(Value::NONE);
    let exc_args = if args.is_empty() {
        i.new_tuple(Vec::new())
    } else {
        i.new_tuple(vec![code])
    };
    Err(PyErr(
        i.new_exception_object(i.rt.types.system_exit, exc_args),
    ))
}

fn getrecursionlimit(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(i.new_int(i.rt.recursion_limit() as i64))
}

fn setrecursionlimit(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let Some(n) = args.first().and_then(|v| i.as_i64(*v)) else {
        return i.type_error("'limit' must be an integer");
    };
    if n < 1 {
        return i.value_error("recursion limit must be greater or equal than 1");
    }
    i.rt.set_recursion_limit(n.min(u32::MAX as i64) as u32);
    Ok(Value::NONE)
}

/// The one argument of `settrace`/`setprofile`: None or a callable.
fn hook_argument(i: &mut Interp<'_>, name: &str, args: Args<'_>) -> PyResult<Value> {
    let [func] = args else {
        let msg = format!("{name}() takes exactly one argument ({} given)", args.len());
        return i.type_error(&msg);
    };
    Ok(*func)
}

fn settrace(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let func = hook_argument(i, "settrace", args)?;
    i.set_trace(func, false);
    Ok(Value::NONE)
}

fn setprofile(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let func = hook_argument(i, "setprofile", args)?;
    i.set_trace(func, true);
    Ok(Value::NONE)
}

fn gettrace(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(i.get_trace(false))
}

fn getprofile(i: &mut Interp<'_>, _: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(i.get_trace(true))
}

fn intern(_: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    Ok(args.first().copied().unwrap_or(Value::NONE))
}
