//! The methods of `str`.
//!
//! Python indexes strings by code point; positions given to or returned
//! by these methods are converted to and from byte offsets here (a plain
//! identity for ASCII text).

use super::{arity, text, Args, Kwargs, NativeTable};
use crate::error::PyResult;
use crate::interp::{Interp, NativeFn};
use crate::modules::arg;
use crate::object::ObjectData;
use crate::value::Value;

/// The methods of `str`.
pub(super) fn methods() -> NativeTable {
    vec![
        ("upper", str_upper as NativeFn),
        ("format", super::format::str_format),
        ("lower", str_lower),
        ("casefold", str_lower),
        ("swapcase", str_swapcase),
        ("title", str_title),
        ("capitalize", str_capitalize),
        ("strip", str_strip),
        ("lstrip", str_lstrip),
        ("rstrip", str_rstrip),
        ("split", str_split),
        ("rsplit", str_rsplit),
        ("splitlines", str_splitlines),
        ("join", str_join),
        ("startswith", str_startswith),
        ("endswith", str_endswith),
        ("replace", str_replace),
        ("find", str_find),
        ("rfind", str_rfind),
        ("index", str_index),
        ("rindex", str_rindex),
        ("count", str_count),
        ("isdigit", str_isdigit),
        ("isdecimal", str_isdigit),
        ("isnumeric", str_isnumeric),
        ("isalpha", str_isalpha),
        ("isalnum", str_isalnum),
        ("isspace", str_isspace),
        ("isupper", str_isupper),
        ("islower", str_islower),
        ("istitle", str_istitle),
        ("isascii", str_isascii),
        ("isidentifier", str_isidentifier),
        ("center", str_center),
        ("ljust", str_ljust),
        ("rjust", str_rjust),
        ("zfill", str_zfill),
        ("partition", str_partition),
        ("rpartition", str_rpartition),
        ("removeprefix", str_removeprefix),
        ("removesuffix", str_removesuffix),
        ("expandtabs", str_expandtabs),
        ("__len__", str_len),
        ("__contains__", str_contains),
    ]
}

/// The receiver of a str method, after checking the argument count.
fn str_self<'a>(
    i: &mut Interp<'_>,
    args: Args<'a>,
    name: &str,
    min: usize,
    max: usize,
) -> PyResult<&'a str> {
    if args.is_empty() {
        return i.type_error(&format!(
            "descriptor '{name}' of 'str' object needs an argument"
        ));
    }
    arity(i, name, &args[1..], min, max)?;
    str_arg(i, &args[0], "self")
}

/// A str argument; `name` (may be empty) prefixes the TypeError.
fn str_arg<'a>(i: &mut Interp<'_>, v: &'a Value, name: &str) -> PyResult<&'a str> {
    // Borrowed, not copied: the str is immutable, and `v` (an argument on
    // the value stack) keeps it alive.
    match v.as_ref().and_then(|o| o.as_str()) {
        Some(s) => Ok(s.as_str()),
        None => {
            let v = *v;
            let msg = if name.is_empty() {
                format!("must be str, not {}", i.type_name(v))
            } else {
                format!("{name} must be str, not {}", i.type_name(v))
            };
            i.type_error(&msg)
        }
    }
}

/// An optional int argument (None counts as absent).
fn opt_index(i: &mut Interp<'_>, v: Option<Value>) -> PyResult<Option<i64>> {
    match v {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => match (!v.is_float())
            .then(|| i.index_operand(v).map(|v| i.as_i64(v)))
            .transpose()?
            .flatten()
        {
            Some(n) => Ok(Some(n)),
            None => {
                i.type_error("slice indices must be integers or None or have an __index__ method")
            }
        },
    }
}

/// The byte offset of code point `index` in `s` (`s.len()` past the end).
fn byte_at(s: &str, index: usize) -> usize {
    if s.is_ascii() {
        return index.min(s.len());
    }
    s.char_indices().nth(index).map_or(s.len(), |(b, _)| b)
}

/// The code point index of byte offset `byte` in `s`.
fn char_index(s: &str, byte: usize) -> usize {
    if s.is_ascii() {
        byte
    } else {
        s[..byte].chars().count()
    }
}

/// The byte range of `s[start:end]` (slice semantics, code points);
/// `None` when start is past end.
fn window(s: &str, start: Option<i64>, end: Option<i64>) -> Option<(usize, usize)> {
    let len = if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    } as i64;
    let clamp = |v: i64| if v < 0 { (v + len).max(0) } else { v.min(len) };
    let start = clamp(start.unwrap_or(0));
    let end = clamp(end.unwrap_or(len));
    if start > end {
        return None;
    }
    Some((byte_at(s, start as usize), byte_at(s, end as usize)))
}

fn str_upper(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "upper", 0, 0)?;
    Ok(i.new_str(&s.to_uppercase()))
}

fn str_lower(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "lower", 0, 0)?;
    Ok(i.new_str(&s.to_lowercase()))
}

fn str_swapcase(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "swapcase", 0, 0)?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    Ok(i.new_str(&out))
}

/// Python's `str.title`: a cased character after an uncased one starts a
/// word.
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_uppercase() || c.is_lowercase();
    }
    out
}

fn str_title(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "title", 0, 0)?;
    Ok(i.new_str(&title_case(s)))
}

fn str_capitalize(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "capitalize", 0, 0)?;
    let mut chars = s.chars();
    let out = match chars.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(&chars.as_str().to_lowercase());
            out
        }
        None => String::new(),
    };
    Ok(i.new_str(&out))
}

/// Python's whitespace (`str.isspace`, `split()`, `strip()`).
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fn strip_chars(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
) -> PyResult<(String, Option<Vec<char>>)> {
    let s = str_self(i, args, name, 0, 1)?;
    let chars = match args.get(1) {
        Some(v) if !v.is_none() => {
            let text = str_arg(i, v, &format!("{name} arg"))?;
            Some(text.chars().collect())
        }
        _ => None,
    };
    Ok((s.to_string(), chars))
}

fn str_strip(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (s, chars) = strip_chars(i, args, "strip")?;
    let r = match chars {
        Some(c) => s.trim_matches(c.as_slice()),
        None => s.trim_matches(is_py_space),
    };
    Ok(i.new_str(r))
}

fn str_lstrip(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (s, chars) = strip_chars(i, args, "lstrip")?;
    let r = match chars {
        Some(c) => s.trim_start_matches(c.as_slice()),
        None => s.trim_start_matches(is_py_space),
    };
    Ok(i.new_str(r))
}

fn str_rstrip(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (s, chars) = strip_chars(i, args, "rstrip")?;
    let r = match chars {
        Some(c) => s.trim_end_matches(c.as_slice()),
        None => s.trim_end_matches(is_py_space),
    };
    Ok(i.new_str(r))
}

/// The receiver, `sep` and `maxsplit` of split/rsplit.
fn split_args(
    i: &mut Interp<'_>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
    name: &str,
) -> PyResult<(String, Option<String>, usize)> {
    if args.is_empty() {
        return i.type_error(&format!(
            "descriptor '{name}' of 'str' object needs an argument"
        ));
    }
    if args.len() > 3 {
        let msg = format!(
            "{name}() takes at most 2 arguments ({} given)",
            args.len() - 1
        );
        return i.type_error(&msg);
    }
    let s = text(i, args[0], "self")?;
    let sep = match arg(i, args, kwargs, 1, "sep") {
        Some(v) if !v.is_none() => {
            let sep = str_arg(i, &v, "")?.to_string();
            if sep.is_empty() {
                return i.value_error("empty separator");
            }
            Some(sep)
        }
        _ => None,
    };
    let max = match opt_index(i, arg(i, args, kwargs, 2, "maxsplit"))? {
        Some(n) if n >= 0 => n as usize,
        _ => usize::MAX,
    };
    Ok((s, sep, max))
}

/// A list of new strs.
fn str_list(i: &mut Interp<'_>, parts: &[&str]) -> Value {
    // Allocation never collects: the parts need no rooting.
    let items = parts.iter().map(|p| i.new_str(p)).collect();
    i.new_list(items)
}

fn str_split(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let (s, sep, max) = split_args(i, args, kwargs, "split")?;
    let parts: Vec<&str> = match &sep {
        Some(sep) => s.splitn(max.saturating_add(1), sep).collect(),
        None => {
            let mut parts = Vec::new();
            let mut rest = s.trim_start_matches(is_py_space);
            while !rest.is_empty() {
                if parts.len() == max {
                    parts.push(rest);
                    break;
                }
                let end = rest.find(is_py_space).unwrap_or(rest.len());
                parts.push(&rest[..end]);
                rest = rest[end..].trim_start_matches(is_py_space);
            }
            parts
        }
    };
    Ok(str_list(i, &parts))
}

fn str_rsplit(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    let (s, sep, max) = split_args(i, args, kwargs, "rsplit")?;
    let mut parts: Vec<&str> = match &sep {
        Some(sep) => s.rsplitn(max.saturating_add(1), sep).collect(),
        None => {
            let mut parts = Vec::new();
            let mut rest = s.trim_end_matches(is_py_space);
            while !rest.is_empty() {
                if parts.len() == max {
                    parts.push(rest);
                    break;
                }
                let start = match rest.rfind(is_py_space) {
                    Some(b) => b + rest[b..].chars().next().map_or(1, char::len_utf8),
                    None => 0,
                };
                parts.push(&rest[start..]);
                rest = rest[..start].trim_end_matches(is_py_space);
            }
            parts
        }
    };
    parts.reverse();
    Ok(str_list(i, &parts))
}

/// Python's line boundaries (`str.splitlines`).
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn str_splitlines(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    if args.is_empty() {
        return i.type_error("descriptor 'splitlines' of 'str' object needs an argument");
    }
    let s = text(i, args[0], "self")?;
    let keepends = match arg(i, args, kwargs, 1, "keepends") {
        Some(v) => i.is_true(v)?,
        None => false,
    };
    let mut parts = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((b, c)) = chars.next() {
        if !is_line_break(c) {
            continue;
        }
        let mut end = b + c.len_utf8();
        if c == '\r' {
            if let Some((_, '\n')) = chars.peek() {
                chars.next();
                end += 1;
            }
        }
        parts.push(if keepends {
            &s[start..end]
        } else {
            &s[start..b]
        });
        start = end;
    }
    if start < s.len() {
        parts.push(&s[start..]);
    }
    Ok(str_list(i, &parts))
}

fn str_join(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let sep = str_self(i, args, "join", 1, 1)?;
    let items = i.collect_iterable(args[1])?;
    let mut out = String::new();
    for (n, item) in items.iter().enumerate() {
        let obj = item.as_object();
        let Some(s) = obj.as_ref().and_then(|o| o.as_str()) else {
            let msg = format!(
                "sequence item {n}: expected str instance, {} found",
                i.type_name(*item)
            );
            return i.type_error(&msg);
        };
        if n > 0 {
            out.push_str(sep);
        }
        out.push_str(s.as_str());
    }
    Ok(i.new_str(&out))
}

/// startswith/endswith: the affixes (a str or a tuple of strs), within
/// the optional window.
fn affix_check(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
    test: fn(&str, &str) -> bool,
) -> PyResult<Value> {
    let s = str_self(i, args, name, 1, 3)?;
    let start = opt_index(i, args.get(2).copied())?;
    let end = opt_index(i, args.get(3).copied())?;
    let candidates = match args[1].data() {
        Some(ObjectData::Tuple(t)) => t.to_vec(),
        _ => vec![args[1]],
    };
    let Some((a, b)) = window(s, start, end) else {
        return Ok(Value::FALSE);
    };
    let hay = &s[a..b];
    for c in candidates {
        let Some(p) = i.str_of(c) else {
            let msg = format!(
                "{name} first arg must be str or a tuple of str, not {}",
                i.type_name(c)
            );
            return i.type_error(&msg);
        };
        if test(hay, &p) {
            return Ok(Value::TRUE);
        }
    }
    Ok(Value::FALSE)
}

fn str_startswith(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    affix_check(i, args, "startswith", |h, p| h.starts_with(p))
}

fn str_endswith(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    affix_check(i, args, "endswith", |h, p| h.ends_with(p))
}

fn str_replace(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "replace", 2, 3)?;
    let old = str_arg(i, &args[1], "replace() argument 1")?;
    let new = str_arg(i, &args[2], "replace() argument 2")?;
    let count = match opt_index(i, args.get(3).copied())? {
        Some(n) if n >= 0 => n as usize,
        _ => usize::MAX,
    };
    let out = if old.is_empty() {
        // An empty pattern matches before every character and at the end.
        let mut out = String::new();
        let mut done = 0;
        for c in s.chars() {
            if done < count {
                out.push_str(new);
                done += 1;
            }
            out.push(c);
        }
        if done < count {
            out.push_str(new);
        }
        out
    } else {
        s.replacen(old, new, count)
    };
    Ok(i.new_str(&out))
}

/// find/rfind/index/rindex: the code point index of `sub` in the window.
fn search(i: &mut Interp<'_>, args: Args<'_>, name: &str, rev: bool) -> PyResult<Option<i64>> {
    let s = str_self(i, args, name, 1, 3)?;
    let sub = str_arg(i, &args[1], "")?;
    let start = opt_index(i, args.get(2).copied())?;
    let end = opt_index(i, args.get(3).copied())?;
    let Some((a, b)) = window(s, start, end) else {
        return Ok(None);
    };
    let hay = &s[a..b];
    let found = if rev { hay.rfind(sub) } else { hay.find(sub) };
    Ok(found.map(|pos| char_index(s, a + pos) as i64))
}

fn str_find(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let r = search(i, args, "find", false)?;
    Ok(i.new_int(r.unwrap_or(-1)))
}

fn str_rfind(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let r = search(i, args, "rfind", true)?;
    Ok(i.new_int(r.unwrap_or(-1)))
}

fn str_index(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    match search(i, args, "index", false)? {
        Some(n) => Ok(i.new_int(n)),
        None => i.value_error("substring not found"),
    }
}

fn str_rindex(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    match search(i, args, "rindex", true)? {
        Some(n) => Ok(i.new_int(n)),
        None => i.value_error("substring not found"),
    }
}

fn str_count(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "count", 1, 3)?;
    let sub = str_arg(i, &args[1], "")?;
    let start = opt_index(i, args.get(2).copied())?;
    let end = opt_index(i, args.get(3).copied())?;
    let Some((a, b)) = window(s, start, end) else {
        return Ok(i.new_int(0));
    };
    let hay = &s[a..b];
    let n = if sub.is_empty() {
        hay.chars().count() + 1
    } else {
        hay.matches(sub).count()
    };
    Ok(i.new_int(n as i64))
}

/// A predicate over every character (false for the empty string).
fn all_chars(
    i: &mut Interp<'_>,
    args: Args<'_>,
    name: &str,
    test: fn(char) -> bool,
) -> PyResult<Value> {
    let s = str_self(i, args, name, 0, 0)?;
    Ok(Value::bool(!s.is_empty() && s.chars().all(test)))
}

fn str_isdigit(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    all_chars(i, args, "isdigit", |c| {
        c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
    })
}

fn str_isnumeric(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    all_chars(i, args, "isnumeric", char::is_numeric)
}

fn str_isalpha(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    all_chars(i, args, "isalpha", char::is_alphabetic)
}

fn str_isalnum(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    all_chars(i, args, "isalnum", char::is_alphanumeric)
}

fn str_isspace(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    all_chars(i, args, "isspace", is_py_space)
}

fn str_isascii(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "isascii", 0, 0)?;
    Ok(Value::bool(s.is_ascii()))
}

/// isupper/islower: some cased character, and none of the other case.
fn cased(i: &mut Interp<'_>, args: Args<'_>, name: &str, upper: bool) -> PyResult<Value> {
    let s = str_self(i, args, name, 0, 0)?;
    let mut any_cased = false;
    for c in s.chars() {
        if c.is_uppercase() || c.is_lowercase() {
            any_cased = true;
            if c.is_uppercase() != upper {
                return Ok(Value::FALSE);
            }
        }
    }
    Ok(Value::bool(any_cased))
}

fn str_isupper(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    cased(i, args, "isupper", true)
}

fn str_islower(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    cased(i, args, "islower", false)
}

fn str_istitle(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "istitle", 0, 0)?;
    let mut prev_cased = false;
    let mut any = false;
    for c in s.chars() {
        if c.is_uppercase() {
            if prev_cased {
                return Ok(Value::FALSE);
            }
            prev_cased = true;
            any = true;
        } else if c.is_lowercase() {
            if !prev_cased {
                return Ok(Value::FALSE);
            }
            prev_cased = true;
            any = true;
        } else {
            prev_cased = false;
        }
    }
    Ok(Value::bool(any))
}

fn str_isidentifier(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "isidentifier", 0, 0)?;
    Ok(Value::bool(is_identifier(s)))
}

/// `str.isidentifier`: a letter or `_`, then letters, digits or `_`.
pub(crate) fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// center/ljust/rjust: the receiver, the width and the fill character.
fn pad_args(i: &mut Interp<'_>, args: Args<'_>, name: &str) -> PyResult<(String, usize, char)> {
    let s = str_self(i, args, name, 1, 2)?;
    let width = match (!args[1].is_float()).then(|| i.as_i64(args[1])).flatten() {
        Some(w) => w.max(0) as usize,
        None => {
            let msg = format!(
                "'{}' object cannot be interpreted as an integer",
                i.type_name(args[1])
            );
            return i.type_error(&msg);
        }
    };
    let fill = match args.get(2) {
        Some(v) => {
            let f = str_arg(i, v, &format!("{name}() argument 2"))?;
            let mut chars = f.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => c,
                _ => return i.type_error("The fill character must be exactly one character long"),
            }
        }
        None => ' ',
    };
    Ok((s.to_string(), width, fill))
}

fn padded(s: &str, left: usize, right: usize, fill: char) -> String {
    let mut out = String::with_capacity(s.len() + left + right);
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(s);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

/// CPython's split of `center` padding: the odd extra goes left only
/// when the width is odd.
fn center_left(total: usize, width: usize) -> usize {
    total / 2 + (total & width & 1)
}

fn str_center(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (s, width, fill) = pad_args(i, args, "center")?;
    let total = width.saturating_sub(s.chars().count());
    let left = center_left(total, width);
    Ok(i.new_str(&padded(&s, left, total - left, fill)))
}

fn str_ljust(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (s, width, fill) = pad_args(i, args, "ljust")?;
    let total = width.saturating_sub(s.chars().count());
    Ok(i.new_str(&padded(&s, 0, total, fill)))
}

fn str_rjust(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let (s, width, fill) = pad_args(i, args, "rjust")?;
    let total = width.saturating_sub(s.chars().count());
    Ok(i.new_str(&padded(&s, total, 0, fill)))
}

fn str_zfill(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "zfill", 1, 1)?;
    let width = i.as_i64(args[1]).unwrap_or(0).max(0) as usize;
    let total = width.saturating_sub(s.chars().count());
    let (sign, digits) = match s.chars().next() {
        Some(c @ ('+' | '-')) => (Some(c), &s[1..]),
        _ => (None, s),
    };
    let mut out = String::new();
    out.extend(sign);
    out.extend(std::iter::repeat_n('0', total));
    out.push_str(digits);
    Ok(i.new_str(&out))
}

fn partition(i: &mut Interp<'_>, args: Args<'_>, name: &str, rev: bool) -> PyResult<Value> {
    let s = str_self(i, args, name, 1, 1)?;
    let sep = str_arg(i, &args[1], "")?;
    if sep.is_empty() {
        return i.value_error("empty separator");
    }
    let found = if rev { s.rfind(sep) } else { s.find(sep) };
    let parts = match found {
        Some(b) => [&s[..b], sep, &s[b + sep.len()..]],
        None if rev => ["", "", s],
        None => [s, "", ""],
    };
    let items = parts.iter().map(|p| i.new_str(p)).collect();
    Ok(i.new_tuple(items))
}

fn str_partition(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    partition(i, args, "partition", false)
}

fn str_rpartition(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    partition(i, args, "rpartition", true)
}

fn str_removeprefix(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "removeprefix", 1, 1)?;
    let p = str_arg(i, &args[1], "removeprefix() argument")?;
    Ok(i.new_str(s.strip_prefix(p).unwrap_or(s)))
}

fn str_removesuffix(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "removesuffix", 1, 1)?;
    let p = str_arg(i, &args[1], "removesuffix() argument")?;
    Ok(i.new_str(s.strip_suffix(p).unwrap_or(s)))
}

fn str_expandtabs(i: &mut Interp<'_>, args: Args<'_>, kwargs: Kwargs<'_>) -> PyResult<Value> {
    if args.is_empty() {
        return i.type_error("descriptor 'expandtabs' of 'str' object needs an argument");
    }
    let s = text(i, args[0], "self")?;
    let size = opt_index(i, arg(i, args, kwargs, 1, "tabsize"))?.unwrap_or(8);
    let mut out = String::new();
    let mut column = 0i64;
    for c in s.chars() {
        match c {
            '\t' => {
                if size > 0 {
                    let n = size - column % size;
                    out.extend(std::iter::repeat_n(' ', n as usize));
                    column += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                column = 0;
            }
            _ => {
                out.push(c);
                column += 1;
            }
        }
    }
    Ok(i.new_str(&out))
}

fn str_len(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "__len__", 0, 0)?;
    Ok(i.new_int(s.chars().count() as i64))
}

fn str_contains(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    let s = str_self(i, args, "__contains__", 1, 1)?;
    let Some(sub) = i.str_of(args[1]) else {
        let msg = format!(
            "'in <string>' requires string as left operand, not {}",
            i.type_name(args[1])
        );
        return i.type_error(&msg);
    };
    Ok(Value::bool(s.contains(&*sub)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_follows_cpython() {
        assert_eq!(title_case("hello world"), "Hello World");
        assert_eq!(title_case("they're bill's"), "They'Re Bill'S");
        assert_eq!(title_case("a1b c"), "A1B C");
    }

    #[test]
    fn windows_use_code_points() {
        assert_eq!(window("héllo", Some(1), Some(3)), Some((1, 4)));
        assert_eq!(window("abc", Some(-2), None), Some((1, 3)));
        assert_eq!(window("abc", Some(2), Some(1)), None);
        assert_eq!(char_index("héllo", 4), 3);
    }

    #[test]
    fn center_padding_matches_cpython() {
        // 'ab'.center(5) == '  ab ' but 'abc'.center(6) == ' abc  '.
        assert_eq!(center_left(3, 5), 2);
        assert_eq!(center_left(3, 6), 1);
        assert_eq!(center_left(2, 4), 1);
    }
}
