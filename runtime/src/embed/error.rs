//! [`Error`]: a Python exception (or a compile error) seen from Rust.

use std::fmt;

use super::object::Object;

/// The builtin exception types an embedder names most (any other type is
/// [`ErrorKind::Other`] with its name).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[allow(missing_docs)] // each variant is the Python class of the same name
pub enum ErrorKind {
    Exception,
    TypeError,
    ValueError,
    KeyError,
    IndexError,
    AttributeError,
    NameError,
    RuntimeError,
    OverflowError,
    ZeroDivisionError,
    MemoryError,
    KeyboardInterrupt,
    SyntaxError,
    /// Any other exception class, by (qualified) name.
    Other(String),
}

impl ErrorKind {
    const NAMED: [(&'static str, ErrorKind); 13] = [
        ("Exception", ErrorKind::Exception),
        ("TypeError", ErrorKind::TypeError),
        ("ValueError", ErrorKind::ValueError),
        ("KeyError", ErrorKind::KeyError),
        ("IndexError", ErrorKind::IndexError),
        ("AttributeError", ErrorKind::AttributeError),
        ("NameError", ErrorKind::NameError),
        ("RuntimeError", ErrorKind::RuntimeError),
        ("OverflowError", ErrorKind::OverflowError),
        ("ZeroDivisionError", ErrorKind::ZeroDivisionError),
        ("MemoryError", ErrorKind::MemoryError),
        ("KeyboardInterrupt", ErrorKind::KeyboardInterrupt),
        ("SyntaxError", ErrorKind::SyntaxError),
    ];

    /// The kind for an exception class name.
    ///
    /// ```
    /// use stillpoint::ErrorKind;
    /// assert_eq!(ErrorKind::from_name("ValueError"), ErrorKind::ValueError);
    /// assert_eq!(ErrorKind::from_name("mod.Custom"), ErrorKind::Other("mod.Custom".into()));
    /// ```
    pub fn from_name(name: &str) -> ErrorKind {
        ErrorKind::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map_or_else(|| ErrorKind::Other(name.to_string()), |(_, k)| k.clone())
    }

    /// The Python class name.
    ///
    /// ```
    /// assert_eq!(stillpoint::ErrorKind::TypeError.name(), "TypeError");
    /// ```
    pub fn name(&self) -> &str {
        match self {
            ErrorKind::Other(name) => name,
            known => {
                ErrorKind::NAMED
                    .iter()
                    .find(|(_, k)| k == known)
                    .expect("every named kind is in the table")
                    .0
            }
        }
    }
}

/// One traceback line: where the exception passed, outermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracebackFrame {
    /// The source file (`<string>` and the like for source without a file).
    pub filename: String,
    /// The line (1-based).
    pub line: u32,
    /// The function (`<module>` at module level).
    pub function: String,
}

/// A Python exception seen from Rust: its type, message, traceback, and
/// the exception object itself when there is one. `Display` prints what
/// CPython prints for an uncaught exception (traceback included).
///
/// Native functions raise Python exceptions by returning an `Error`:
///
/// ```
/// use stillpoint::{Error, ErrorKind, Runtime};
/// let rt = Runtime::new();
/// rt.attach(|py| {
///     let half = py.function("half", |_py, (n,): (i64,)| {
///         if n % 2 != 0 {
///             return Err(Error::new(ErrorKind::ValueError, format!("{n} is odd")));
///         }
///         Ok(n / 2)
///     })?;
///     let err = half.call::<i64>(py, (3,)).unwrap_err();
///     assert_eq!(err.kind(), &ErrorKind::ValueError);
///     assert_eq!(err.message(), "3 is odd");
///     assert_eq!(err.to_string(), "ValueError: 3 is odd\n");
///     Ok::<(), Error>(())
/// })
/// .unwrap();
/// ```
#[derive(Clone)]
pub struct Error {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    pub(crate) traceback: Vec<TracebackFrame>,
    pub(crate) exception: Option<Object>,
    /// CPython's rendering (the whole traceback), when known.
    pub(crate) rendered: Option<String>,
}

impl Error {
    /// An error of `kind` with `message` (raised as that exception type
    /// when a native function returns it).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            traceback: Vec::new(),
            exception: None,
            rendered: None,
        }
    }

    /// A TypeError (conversions use it).
    ///
    /// ```
    /// assert_eq!(stillpoint::Error::type_error("bad").to_string(), "TypeError: bad\n");
    /// ```
    pub fn type_error(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::TypeError, message)
    }

    /// The exception type.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The message (`str(exception)`).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The traceback, outermost frame first (empty for errors made in
    /// Rust and for syntax errors).
    pub fn traceback(&self) -> &[TracebackFrame] {
        &self.traceback
    }

    /// The Python exception object, if the error came from Python.
    pub fn exception(&self) -> Option<&Object> {
        self.exception.as_ref()
    }

    /// Whether this is the exception of an interrupt
    /// ([`crate::InterruptHandle`]).
    pub fn is_interrupt(&self) -> bool {
        self.kind == ErrorKind::KeyboardInterrupt
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rendered {
            Some(text) => f.write_str(text),
            None if self.message.is_empty() => writeln!(f, "{}", self.kind.name()),
            None => writeln!(f, "{}: {}", self.kind.name(), self.message),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("traceback", &self.traceback)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for Error {}
