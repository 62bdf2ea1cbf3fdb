//! Python exceptions as Rust errors, and their CPython-format rendering.
//!
//! A [`PyErr`] is an exception instance (a [`Value`]); native code returns
//! `Result<_, PyErr>` and the interpreter turns errors into Python-level
//! raises. Tracebacks are recorded on the exception object as it passes
//! through frames (innermost first) and printed outermost first, as
//! CPython prints them.

use crate::compile::CompileError;
use crate::value::Value;

/// A raised Python exception (the exception instance).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PyErr(pub Value);

/// The result of an operation that may raise.
pub type PyResult<T> = Result<T, PyErr>;

/// Renders a compile error the way CPython prints an uncaught
/// `SyntaxError` (without a traceback: it happens before the module runs).
pub fn format_syntax_error(filename: &str, e: &CompileError) -> String {
    let kind = if e.indentation {
        "IndentationError"
    } else {
        "SyntaxError"
    };
    let stripped = e.text.trim_start();
    let removed = e.text.chars().count() - stripped.chars().count();
    let caret_col = (e.column as usize)
        .saturating_sub(1)
        .saturating_sub(removed);
    let mut out = format!("  File \"{filename}\", line {}\n", e.line);
    if !stripped.trim_end().is_empty() {
        out.push_str(&format!("    {}\n", stripped.trim_end()));
        out.push_str(&format!("    {}^\n", " ".repeat(caret_col)));
    }
    out.push_str(&format!("{kind}: {}\n", e.message));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_format_matches_cpython_shape() {
        let e = CompileError {
            message: "invalid syntax".into(),
            line: 2,
            column: 9,
            text: "    x = = 1".into(),
            indentation: false,
        };
        assert_eq!(
            format_syntax_error("t.py", &e),
            "  File \"t.py\", line 2\n    x = = 1\n        ^\nSyntaxError: invalid syntax\n"
        );
    }
}
