//! Python exceptions as Rust errors, and their CPython-format rendering.
//!
//! A [`PyErr`] is an exception instance (a [`Value`]); native code returns
//! `Result<_, PyErr>` and the interpreter turns errors into Python-level
//! raises. Tracebacks are recorded on the exception object as it passes
//! through frames (innermost first) and printed outermost first, as
//! CPython prints them.

use crate::bytecode::Location;
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

/// The position line CPython 3.11 prints under a traceback entry's source
/// line (PEP 657), or `None` when it prints none. `line` is the source
/// line (without its newline) and `loc` the span of the instruction that
/// was running.
///
/// The rules are CPython's: the span is underlined with `^`, from its
/// start to its end on that line (a span that goes on to later lines, to
/// the end of the line's text); nothing is printed when that covers the
/// whole stripped line, unless the span is one binary operation or
/// subscript, whose operator (or brackets) is then marked with `^` and
/// the rest with `~`.
pub fn position_carets(line: &str, loc: Location) -> Option<String> {
    if loc.line == 0 || loc.end_line < loc.line {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let indent = chars.iter().take_while(|c| c.is_whitespace()).count();
    let text_len = line.trim().chars().count();
    let start = loc.col as usize;
    if start < indent || start > chars.len() {
        return None;
    }
    let (end, anchors) = if loc.end_line == loc.line {
        let end = (loc.end_col as usize).min(chars.len());
        if end <= start {
            return None;
        }
        let segment: String = chars[start..end].iter().collect();
        (end, operator_anchors(&segment))
    } else {
        (indent + text_len, None)
    };
    let end = end.max(start);
    let marked = anchors.is_some_and(|(left, right)| right > left);
    if end - start >= text_len && !marked {
        return None;
    }
    let mut out = " ".repeat(4 + start - indent);
    match anchors {
        Some((left, right)) => {
            let right = right.min(end - start);
            let left = left.min(right);
            out.push_str(&"~".repeat(left));
            out.push_str(&"^".repeat(right - left));
            out.push_str(&"~".repeat(end - start - right));
        }
        None => out.push_str(&"^".repeat(end - start)),
    }
    Some(out)
}

/// Where `segment` (an instruction's source text) marks its operator, as
/// character offsets into it: for a binary operation, its operator (the
/// first character that is not whitespace after the left operand, and the
/// next one too if it is not whitespace either); for a subscript, from the
/// end of the subscripted value to just past the closing bracket. `None`
/// for any other segment, or one that does not parse alone.
fn operator_anchors(segment: &str) -> Option<(usize, usize)> {
    use ruff_python_ast::{Expr, Stmt};
    use ruff_text_size::Ranged;
    let parsed = ruff_python_parser::parse_module(segment).ok()?;
    let [Stmt::Expr(statement)] = parsed.syntax().body.as_slice() else {
        return None;
    };
    let to_chars = |byte: usize| segment.get(..byte).map_or(0, |s| s.chars().count());
    match &*statement.value {
        Expr::BinOp(op) => {
            let (from, to) = (op.left.end().to_usize(), op.right.start().to_usize());
            let between = segment.get(from..to)?;
            let skip = between.len() - between.trim_start().len();
            let first = from + skip;
            let rest = &segment[first..to];
            let mut chars = rest.chars();
            let width = chars.next()?.len_utf8()
                + chars
                    .next()
                    .filter(|c| !c.is_whitespace())
                    .map_or(0, char::len_utf8);
            Some((to_chars(first), to_chars(first + width)))
        }
        Expr::Subscript(sub) => Some((
            to_chars(sub.value.end().to_usize()),
            to_chars(sub.slice.end().to_usize()) + 1,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, col: u32, end_line: u32, end_col: u32) -> Location {
        Location {
            line,
            col,
            end_line,
            end_col,
        }
    }

    #[test]
    fn carets_follow_cpython_rules() {
        // A call inside a longer line.
        assert_eq!(
            position_carets("x = f(1)", at(1, 4, 1, 8)).as_deref(),
            Some("        ^^^^")
        );
        // The whole stripped line: nothing.
        assert_eq!(position_carets("    f(1)", at(1, 4, 1, 8)), None);
        // A binary operation, even across the whole line: its operator.
        assert_eq!(
            position_carets("1 / 0", at(1, 0, 1, 5)).as_deref(),
            Some("    ~~^~~")
        );
        assert_eq!(
            position_carets("y = a // b", at(1, 4, 1, 10)).as_deref(),
            Some("        ~~^^~~")
        );
        // A subscript: its brackets.
        assert_eq!(
            position_carets("v = d['k'] + 1", at(1, 4, 1, 10)).as_deref(),
            Some("        ~^^^^^")
        );
        // A span going on to the next line: to the end of this one.
        assert_eq!(
            position_carets("x = f(1,", at(1, 4, 2, 2)).as_deref(),
            Some("        ^^^^")
        );
        // No position.
        assert_eq!(position_carets("x = 1", Location::default()), None);
    }

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
