//! String formatting: `str % args`, the format-spec mini-language
//! (`format(v, spec)`, f-string `{x:spec}`), and `str.format`.
//!
//! Number rendering is CPython-exact: Rust's fixed and scientific float
//! formatting is correctly rounded from the exact binary value (ties to
//! even), which is what CPython's dtoa-based formatting does.
//!
//! Rooting: every value these functions hand to Python code (`__repr__`,
//! `__str__`, `__format__`, attribute and item lookups) is either an
//! argument of the caller (rooted there) or pushed with
//! [`Interp::push_root`] for the duration.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use crate::error::PyResult;
use crate::interp::Interp;
use crate::object::repr::float_repr;
use crate::object::ObjectData;
use crate::value::{Unpacked, Value};

use super::{Args, Kwargs};

/// A number as formatting sees it.
enum Number {
    Int(BigInt),
    Float(f64),
}

/// The int value of an int or bool.
fn int_value(v: Value) -> Option<BigInt> {
    match v.unpack() {
        Unpacked::Int(i) => Some(BigInt::from(i)),
        Unpacked::Bool(b) => Some(BigInt::from(b as i64)),
        Unpacked::Object(o) => match &o.data {
            ObjectData::Int(b) => Some(b.clone()),
            _ => None,
        },
        _ => None,
    }
}

fn is_str(v: Value) -> bool {
    v.as_object().is_some_and(|o| o.as_str().is_some())
}

// ------------------------------------------------------------ float text

/// `{:.p$e}` in CPython's shape: mantissa and a signed exponent of at
/// least two digits. `f` is finite and non-negative.
fn sci(f: f64, precision: usize, alternate: bool, upper: bool) -> String {
    let text = format!("{:.*e}", precision, f);
    let (mantissa, exp) = text.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let mut out = mantissa.to_string();
    if alternate && precision == 0 {
        out.push('.');
    }
    out.push(if upper { 'E' } else { 'e' });
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.abs()));
    out
}

/// The decimal exponent of `f` once rounded to `digits` significant digits.
fn rounded_exponent(f: f64, digits: usize) -> i32 {
    if f == 0.0 {
        return 0;
    }
    let text = format!("{:.*e}", digits.saturating_sub(1), f);
    text.split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0)
}

/// Removes trailing zeros after a decimal point (and the point itself).
fn strip_zeros(s: &str) -> String {
    if !s.contains('.') {
        return s.to_string();
    }
    let t = s.trim_end_matches('0');
    t.trim_end_matches('.').to_string()
}

/// `%g` text: `precision` significant digits, positional for exponents in
/// `[-4, precision)`. With `repr_style`, fixed output keeps a `.0`
/// (the spec mini-language's default type).
fn general(f: f64, precision: usize, alternate: bool, upper: bool, repr_style: bool) -> String {
    let p = precision.max(1);
    let exp = rounded_exponent(f, p);
    if (-4..p as i32).contains(&exp) {
        let decimals = (p as i32 - 1 - exp) as usize;
        let text = format!("{:.*}", decimals, f);
        if alternate {
            if text.contains('.') {
                text
            } else {
                text + "."
            }
        } else {
            let t = strip_zeros(&text);
            if repr_style && !t.contains('.') {
                t + ".0"
            } else {
                t
            }
        }
    } else {
        let text = sci(f, p - 1, alternate, upper);
        if alternate {
            return text;
        }
        let (m, e) = text.split_at(text.find(['e', 'E']).expect("sci has an exponent"));
        strip_zeros(m) + e
    }
}

/// The text of a non-negative finite-or-special float for presentation
/// type `ty` (`None`: the default type, which follows `repr`).
fn float_body(f: f64, ty: Option<char>, precision: Option<usize>, alternate: bool) -> String {
    let upper = matches!(ty, Some('F' | 'E' | 'G'));
    if f.is_nan() || f.is_infinite() {
        let t = if f.is_nan() { "nan" } else { "inf" };
        let t = if upper { t.to_uppercase() } else { t.into() };
        return if ty == Some('%') { t + "%" } else { t };
    }
    match ty {
        Some('f' | 'F') => {
            let text = format!("{:.*}", precision.unwrap_or(6), f);
            if alternate && !text.contains('.') {
                text + "."
            } else {
                text
            }
        }
        Some('e' | 'E') => sci(f, precision.unwrap_or(6), alternate, upper),
        Some('g' | 'G' | 'n') => general(f, precision.unwrap_or(6), alternate, upper, false),
        Some('%') => {
            let text = format!("{:.*}", precision.unwrap_or(6), f * 100.0);
            let text = if alternate && !text.contains('.') {
                text + "."
            } else {
                text
            };
            text + "%"
        }
        _ => match precision {
            Some(p) => general(f, p, alternate, false, true),
            None => {
                let r = float_repr(f);
                if alternate && !r.contains('.') && !r.contains('e') {
                    r + "."
                } else {
                    r
                }
            }
        },
    }
}

// ------------------------------------------------------------ % formatting

/// Pads `sign + prefix + digits` to `width` for printf-style formatting.
fn pad_printf(
    sign: &str,
    prefix: &str,
    body: &str,
    width: usize,
    left: bool,
    zero: bool,
) -> String {
    let len = sign.chars().count() + prefix.chars().count() + body.chars().count();
    let fill = width.saturating_sub(len);
    if left {
        format!("{sign}{prefix}{body}{}", " ".repeat(fill))
    } else if zero {
        format!("{sign}{prefix}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{sign}{prefix}{body}", " ".repeat(fill))
    }
}

/// Parsed printf conversion flags.
#[derive(Default)]
struct PrintfFlags {
    left: bool,
    plus: bool,
    space: bool,
    alternate: bool,
    zero: bool,
}

impl PrintfFlags {
    fn sign(&self, negative: bool) -> &'static str {
        if negative {
            "-"
        } else if self.plus {
            "+"
        } else if self.space {
            " "
        } else {
            ""
        }
    }
}

/// `fmt % args`.
pub(crate) fn percent_format(i: &mut Interp<'_>, fmt: &str, args: Value) -> PyResult<Value> {
    let mark = i.push_root(args);
    let r = percent_format_rooted(i, fmt, args);
    i.truncate_roots(mark);
    let text = r?;
    Ok(i.new_str(&text))
}

fn percent_format_rooted(i: &mut Interp<'_>, fmt: &str, args: Value) -> PyResult<String> {
    let (items, is_tuple): (Vec<Value>, bool) = match args.data() {
        Some(ObjectData::Tuple(t)) => (t.to_vec(), true),
        _ => (vec![args], false),
    };
    let is_mapping = !is_tuple
        && args.as_object().is_some_and(|o| {
            matches!(o.data, ObjectData::Dict(_) | ObjectData::Instance(_)) && !is_str(args)
        });
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut next = 0usize;
    let mut used_mapping = false;
    let mut pos = 0usize;
    macro_rules! next_arg {
        () => {{
            if next >= items.len() {
                return i.type_error("not enough arguments for format string");
            }
            next += 1;
            items[next - 1]
        }};
    }
    while pos < chars.len() {
        let c = chars[pos];
        if c != '%' {
            out.push(c);
            pos += 1;
            continue;
        }
        let start = pos;
        pos += 1;
        let mut key_value: Option<Value> = None;
        if chars.get(pos) == Some(&'(') {
            if !is_mapping {
                return i.type_error("format requires a mapping");
            }
            let mut depth = 1;
            let key_start = pos + 1;
            pos += 1;
            while pos < chars.len() && depth > 0 {
                match chars[pos] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                pos += 1;
            }
            if depth > 0 {
                return i.value_error("incomplete format key");
            }
            let key: String = chars[key_start..pos - 1].iter().collect();
            let key = i.new_str(&key);
            let km = i.push_root(key);
            let v = i.get_item(args, key);
            i.truncate_roots(km);
            key_value = Some(v?);
            used_mapping = true;
        }
        let mut flags = PrintfFlags::default();
        while let Some(&f) = chars.get(pos) {
            match f {
                '-' => flags.left = true,
                '+' => flags.plus = true,
                ' ' => flags.space = true,
                '#' => flags.alternate = true,
                '0' => flags.zero = true,
                _ => break,
            }
            pos += 1;
        }
        let mut width = 0usize;
        if chars.get(pos) == Some(&'*') {
            pos += 1;
            let w = next_arg!();
            let Some(w) = i.as_i64(w).filter(|_| !w.is_float()) else {
                return i.type_error("* wants int");
            };
            if w < 0 {
                flags.left = true;
            }
            width = w.unsigned_abs() as usize;
        } else {
            while let Some(d) = chars.get(pos).and_then(|c| c.to_digit(10)) {
                width = width.saturating_mul(10).saturating_add(d as usize);
                pos += 1;
            }
        }
        let mut precision: Option<usize> = None;
        if chars.get(pos) == Some(&'.') {
            pos += 1;
            if chars.get(pos) == Some(&'*') {
                pos += 1;
                let p = next_arg!();
                let Some(p) = i.as_i64(p).filter(|_| !p.is_float()) else {
                    return i.type_error("* wants int");
                };
                precision = Some(p.max(0) as usize);
            } else {
                let mut p = 0usize;
                while let Some(d) = chars.get(pos).and_then(|c| c.to_digit(10)) {
                    p = p.saturating_mul(10).saturating_add(d as usize);
                    pos += 1;
                }
                precision = Some(p);
            }
        }
        while matches!(chars.get(pos), Some('h' | 'l' | 'L')) {
            pos += 1;
        }
        let Some(&ty) = chars.get(pos) else {
            return i.value_error("incomplete format");
        };
        pos += 1;
        if ty == '%' {
            out.push('%');
            continue;
        }
        let v = match key_value {
            Some(v) => v,
            None => next_arg!(),
        };
        let piece = match ty {
            's' | 'r' | 'a' => {
                let mut text = if ty == 's' {
                    i.str(v)?
                } else {
                    let r = i.repr(v)?;
                    if ty == 'a' {
                        ascii_escape(&r)
                    } else {
                        r
                    }
                };
                if let Some(p) = precision {
                    text = text.chars().take(p).collect();
                }
                pad_printf("", "", &text, width, flags.left, false)
            }
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                let n = match int_value(v) {
                    Some(n) => n,
                    None => match v.as_float() {
                        Some(f) if matches!(ty, 'd' | 'i' | 'u') => {
                            if !f.is_finite() {
                                let msg = if f.is_nan() {
                                    "cannot convert float NaN to integer"
                                } else {
                                    "cannot convert float infinity to integer"
                                };
                                return Err(i.new_exception(
                                    if f.is_nan() {
                                        i.rt.types.value_error
                                    } else {
                                        i.rt.types.overflow_error
                                    },
                                    msg,
                                ));
                            }
                            num_bigint_from_f64(f.trunc())
                        }
                        _ => {
                            let msg = if matches!(ty, 'd' | 'i' | 'u') {
                                format!(
                                    "%{ty} format: a real number is required, not {}",
                                    i.type_name(v)
                                )
                            } else {
                                format!(
                                    "%{ty} format: an integer is required, not {}",
                                    i.type_name(v)
                                )
                            };
                            return i.type_error(&msg);
                        }
                    },
                };
                let mut digits = match ty {
                    'x' => n.abs().to_str_radix(16),
                    'X' => n.abs().to_str_radix(16).to_uppercase(),
                    'o' => n.abs().to_str_radix(8),
                    _ => n.abs().to_string(),
                };
                if let Some(p) = precision {
                    if digits.len() < p {
                        digits = "0".repeat(p - digits.len()) + &digits;
                    }
                }
                let prefix = match (flags.alternate, ty) {
                    (true, 'x') => "0x",
                    (true, 'X') => "0X",
                    (true, 'o') => "0o",
                    _ => "",
                };
                let sign = flags.sign(n.is_negative());
                pad_printf(sign, prefix, &digits, width, flags.left, flags.zero)
            }
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                let f = match v.unpack() {
                    Unpacked::Float(f) => f,
                    _ => match int_value(v) {
                        Some(n) => match n.to_f64().filter(|f| f.is_finite()) {
                            Some(f) => f,
                            None => {
                                return Err(i.new_exception(
                                    i.rt.types.overflow_error,
                                    "int too large to convert to float",
                                ))
                            }
                        },
                        None => {
                            let msg = format!("must be real number, not {}", i.type_name(v));
                            return i.type_error(&msg);
                        }
                    },
                };
                let body = float_body(f.abs(), Some(ty), precision, flags.alternate);
                let sign = flags.sign(f.is_sign_negative() && !f.is_nan());
                pad_printf(sign, "", &body, width, flags.left, flags.zero)
            }
            'c' => {
                let ch = if let Some(n) = int_value(v) {
                    match n.to_u32().and_then(char::from_u32) {
                        Some(c) => c,
                        None => {
                            return Err(i.new_exception(
                                i.rt.types.overflow_error,
                                "%c arg not in range(0x110000)",
                            ))
                        }
                    }
                } else {
                    match i.str_of(v) {
                        Some(s) if s.chars().count() == 1 => s.chars().next().unwrap_or(' '),
                        _ => return i.type_error("%c requires int or char"),
                    }
                };
                pad_printf("", "", &ch.to_string(), width, flags.left, false)
            }
            other => {
                let msg = format!(
                    "unsupported format character '{other}' (0x{:x}) at index {}",
                    other as u32,
                    pos - 1
                );
                let _ = start;
                return i.value_error(&msg);
            }
        };
        out.push_str(&piece);
    }
    if next < items.len() && !used_mapping && !(is_mapping && next == 0) {
        return i.type_error("not all arguments converted during string formatting");
    }
    Ok(out)
}

fn num_bigint_from_f64(f: f64) -> BigInt {
    num_traits::FromPrimitive::from_f64(f).unwrap_or_default()
}

/// `ascii()` escaping of a repr: non-ASCII characters as `\x`, `\u`, `\U`.
pub(super) fn ascii_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    out
}

// ------------------------------------------------------------ format specs

/// A parsed standard format spec.
#[derive(Debug, Default, PartialEq)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    no_neg_zero: bool,
    alternate: bool,
    zero: bool,
    width: Option<usize>,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

/// Parses `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`;
/// `Err` carries the ValueError message.
fn parse_spec(spec: &str) -> Result<Spec, String> {
    let c: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut p = 0;
    let is_align = |ch: char| matches!(ch, '<' | '>' | '=' | '^');
    if c.len() >= 2 && is_align(c[1]) {
        s.fill = Some(c[0]);
        s.align = Some(c[1]);
        p = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        s.align = Some(c[0]);
        p = 1;
    }
    if let Some(&ch @ ('+' | '-' | ' ')) = c.get(p) {
        s.sign = Some(ch);
        p += 1;
    }
    if c.get(p) == Some(&'z') {
        s.no_neg_zero = true;
        p += 1;
    }
    if c.get(p) == Some(&'#') {
        s.alternate = true;
        p += 1;
    }
    if c.get(p) == Some(&'0') {
        s.zero = true;
        p += 1;
    }
    let read_number = |p: &mut usize| -> Option<usize> {
        let start = *p;
        let mut n = 0usize;
        while let Some(d) = c.get(*p).and_then(|ch| ch.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d as usize);
            *p += 1;
        }
        (*p > start).then_some(n)
    };
    s.width = read_number(&mut p);
    if let Some(&ch @ (',' | '_')) = c.get(p) {
        s.grouping = Some(ch);
        p += 1;
        if let Some(&ch2 @ (',' | '_')) = c.get(p) {
            let _ = ch2;
            return Err("Cannot specify both ',' and '_'.".into());
        }
    }
    if c.get(p) == Some(&'.') {
        p += 1;
        s.precision = read_number(&mut p);
        if s.precision.is_none() {
            return Err("Format specifier missing precision".into());
        }
    }
    if c.len() > p + 1 {
        return Err("Invalid format specifier".into());
    }
    s.ty = c.get(p).copied();
    if s.zero && s.fill.is_none() && s.align.is_none() {
        s.fill = Some('0');
        s.align = Some('=');
    }
    if let (Some(g), Some(t)) = (s.grouping, s.ty) {
        let ok = match t {
            'd' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => true,
            'b' | 'o' | 'x' | 'X' => g == '_',
            _ => false,
        };
        if !ok {
            return Err(format!("Cannot specify '{g}' with '{t}'."));
        }
    }
    Ok(s)
}

/// Groups `digits` (ASCII) from the right in runs of `every` with `sep`.
fn group(digits: &str, sep: char, every: usize) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / every);
    for (k, ch) in digits.chars().enumerate() {
        if k > 0 && (n - k) % every == 0 {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// Applies fill and alignment; `prefix` (sign and base prefix) goes before
/// the padding for `=` alignment.
fn align(prefix: &str, body: &str, s: &Spec, default_align: char) -> String {
    let width = s.width.unwrap_or(0);
    let len = prefix.chars().count() + body.chars().count();
    if len >= width {
        return format!("{prefix}{body}");
    }
    let fill = s.fill.unwrap_or(' ');
    let n = width - len;
    let pad = |k: usize| fill.to_string().repeat(k);
    match s.align.unwrap_or(default_align) {
        '<' => format!("{prefix}{body}{}", pad(n)),
        '^' => format!("{}{prefix}{body}{}", pad(n / 2), pad(n - n / 2)),
        '=' => format!("{prefix}{}{body}", pad(n)),
        _ => format!("{}{prefix}{body}", pad(n)),
    }
}

/// Groups the integer digits `digits`; with zero padding (`0` flag, no
/// explicit alignment) pads with grouped zeros up to `min_len` chars.
fn grouped_digits(
    digits: &str,
    sep: Option<char>,
    every: usize,
    min_len: usize,
    zero: bool,
) -> String {
    let Some(sep) = sep else {
        return digits.to_string();
    };
    let mut padded = digits.to_string();
    loop {
        let g = group(&padded, sep, every);
        if !zero || g.len() >= min_len {
            return g;
        }
        padded.insert(0, '0');
    }
}

fn sign_text(negative: bool, sign: Option<char>) -> &'static str {
    match (negative, sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    }
}

fn format_int(n: &BigInt, s: &Spec, type_name: &str) -> Result<String, String> {
    let ty = s.ty.unwrap_or('d');
    if matches!(ty, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        let f = n.to_f64().unwrap_or(f64::INFINITY);
        return format_float(f, s);
    }
    if s.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".into());
    }
    let (radix, prefix, every) = match ty {
        'd' | 'n' => (10, "", 3),
        'b' => (2, "0b", 4),
        'o' => (8, "0o", 4),
        'x' => (16, "0x", 4),
        'X' => (16, "0X", 4),
        'c' => {
            if s.sign.is_some() {
                return Err("Sign not allowed with integer format specifier 'c'".into());
            }
            if s.alternate {
                return Err(
                    "Alternate form (#) not allowed with integer format specifier 'c'".into(),
                );
            }
            let ch = n
                .to_u32()
                .and_then(char::from_u32)
                .ok_or("%c arg not in range(0x110000)")?;
            return Ok(align("", &ch.to_string(), s, '>'));
        }
        other => {
            return Err(format!(
                "Unknown format code '{other}' for object of type '{type_name}'"
            ))
        }
    };
    // Machine-sized magnitudes without BigInt's general conversion.
    let mut digits = match n.magnitude().to_u64() {
        Some(m) => match radix {
            2 => format!("{m:b}"),
            8 => format!("{m:o}"),
            16 => format!("{m:x}"),
            _ => m.to_string(),
        },
        None => n.abs().to_str_radix(radix),
    };
    if ty == 'X' {
        digits = digits.to_uppercase();
    }
    let prefix = if s.alternate { prefix } else { "" };
    let head = format!("{}{prefix}", sign_text(n.is_negative(), s.sign));
    let zero_pad = s.fill == Some('0') && s.align == Some('=');
    let min_len = s.width.unwrap_or(0).saturating_sub(head.len());
    let body = grouped_digits(&digits, s.grouping, every, min_len, zero_pad);
    Ok(align(&head, &body, s, '>'))
}

fn format_float(f: f64, s: &Spec) -> Result<String, String> {
    if let Some(t) = s.ty {
        if !matches!(t, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') {
            return Err(format!(
                "Unknown format code '{t}' for object of type 'float'"
            ));
        }
    }
    let mut body = float_body(f.abs(), s.ty, s.precision, s.alternate);
    let mut negative = f.is_sign_negative() && !f.is_nan();
    if negative
        && s.no_neg_zero
        && body
            .chars()
            .all(|c| matches!(c, '0' | '.' | 'e' | 'E' | '+' | '-' | '%'))
    {
        negative = false;
    }
    let head = sign_text(negative, s.sign);
    if let Some(sep) = s.grouping {
        let split = body
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len());
        let (int_part, rest) = body.split_at(split);
        let zero_pad = s.fill == Some('0') && s.align == Some('=');
        let min_len = s
            .width
            .unwrap_or(0)
            .saturating_sub(head.len() + rest.chars().count());
        body = grouped_digits(int_part, Some(sep), 3, min_len, zero_pad) + rest;
    }
    Ok(align(head, &body, s, '>'))
}

fn format_str(text: &str, s: &Spec) -> Result<String, String> {
    if let Some(t) = s.ty.filter(|t| *t != 's') {
        return Err(format!(
            "Unknown format code '{t}' for object of type 'str'"
        ));
    }
    if s.sign.is_some() {
        return Err("Sign not allowed in string format specifier".into());
    }
    if s.alternate {
        return Err("Alternate form (#) not allowed in string format specifier".into());
    }
    if s.align == Some('=') {
        return Err("'=' alignment not allowed in string format specifier".into());
    }
    if let Some(g) = s.grouping {
        return Err(format!("Cannot specify '{g}' with 's'."));
    }
    let body: String = match s.precision {
        Some(p) => text.chars().take(p).collect(),
        None => text.to_string(),
    };
    Ok(align("", &body, s, '<'))
}

/// `format(v, spec)`, as text.
pub(crate) fn format_value(i: &mut Interp<'_>, v: Value, spec: &str) -> PyResult<String> {
    let is_builtin = !matches!(
        v.data(),
        Some(ObjectData::Instance(_) | ObjectData::Exception(_))
    );
    if is_builtin && spec.is_empty() {
        // format(x, "") is str(x) for every builtin value.
        return i.str(v);
    }
    if is_builtin {
        let number = match v.unpack() {
            Unpacked::Float(f) => Some(Number::Float(f)),
            Unpacked::Bool(_) if spec.is_empty() => None,
            _ => int_value(v).map(Number::Int),
        };
        let r = if let Some(number) = number {
            if spec.is_empty() {
                return i.str(v);
            }
            let type_name = i.type_name(v);
            parse_spec(spec).and_then(|s| match number {
                Number::Int(n) => format_int(&n, &s, &type_name),
                Number::Float(f) => format_float(f, &s),
            })
        } else if let Some(text) = i.str_of(v) {
            if spec.is_empty() {
                return Ok(text);
            }
            parse_spec(spec).and_then(|s| format_str(&text, &s))
        } else {
            if spec.is_empty() {
                return i.str(v);
            }
            let msg = format!(
                "unsupported format string passed to {}.__format__",
                i.type_name(v)
            );
            return i.type_error(&msg);
        };
        return match r {
            Ok(t) => Ok(t),
            Err(m) if m.starts_with("%c arg") => {
                Err(i.new_exception(i.rt.types.overflow_error, &m))
            }
            Err(m) if m == "Invalid format specifier" => {
                let msg = format!("{m} '{spec}' for object of type '{}'", i.type_name(v));
                i.value_error(&msg)
            }
            Err(m) => i.value_error(&m),
        };
    }
    let name = i.new_str("__format__");
    let mark = i.push_root(name);
    let r = (|| -> PyResult<String> {
        let spec_value = i.new_str(spec);
        i.push_root(spec_value);
        let method = i.get_attr(v, name)?;
        i.push_root(method);
        let out = i.call_value(method, &[spec_value], &[])?;
        match i.str_of(out) {
            Some(t) => Ok(t),
            None => {
                let msg = format!("__format__ must return a str, not {}", i.type_name(out));
                i.type_error(&msg)
            }
        }
    })();
    i.truncate_roots(mark);
    r
}

/// `format(value, spec='')`.
pub(super) fn builtin_format(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    super::arity(i, "format", args, 1, 2)?;
    let spec = match args.get(1) {
        None => String::new(),
        Some(&s) => match i.str_of(s) {
            Some(s) => s,
            None => {
                let msg = format!("format() argument 2 must be str, not {}", i.type_name(s));
                return i.type_error(&msg);
            }
        },
    };
    let text = format_value(i, args[0], &spec)?;
    Ok(i.new_str(&text))
}

/// `object.__format__(self, spec)`: str(self) for an empty spec.
pub(super) fn object_format(i: &mut Interp<'_>, args: Args<'_>, _: Kwargs<'_>) -> PyResult<Value> {
    super::arity(i, "__format__", args, 2, 2)?;
    let spec = i.str_of(args[1]).unwrap_or_default();
    if !spec.is_empty() {
        let msg = format!(
            "unsupported format string passed to {}.__format__",
            i.type_name(args[0])
        );
        return i.type_error(&msg);
    }
    let text = i.str(args[0])?;
    Ok(i.new_str(&text))
}

/// Applies an f-string/`str.format` conversion (`r`, `s`, `a`).
fn convert(i: &mut Interp<'_>, v: Value, conversion: Option<char>) -> PyResult<Value> {
    let text = match conversion {
        None => return Ok(v),
        Some('r') => i.repr(v)?,
        Some('s') => i.str(v)?,
        Some('a') => {
            let r = i.repr(v)?;
            ascii_escape(&r)
        }
        Some(c) => {
            let msg = format!("Unknown conversion specifier {c}");
            return i.value_error(&msg);
        }
    };
    Ok(i.new_str(&text))
}

/// f-string `{v!conv:spec}`: conversion 0 none, 1 repr, 2 str, 3 ascii.
pub(crate) fn fstring_value(
    i: &mut Interp<'_>,
    v: Value,
    conversion: u32,
    spec: &str,
) -> PyResult<Value> {
    let conv = match conversion {
        1 => Some('r'),
        2 => Some('s'),
        3 => Some('a'),
        _ => None,
    };
    let mark = i.root_mark();
    let r = (|| -> PyResult<Value> {
        let v = convert(i, v, conv)?;
        i.push_root(v);
        if spec.is_empty() && is_str(v) {
            return Ok(v);
        }
        let text = format_value(i, v, spec)?;
        Ok(i.new_str(&text))
    })();
    i.truncate_roots(mark);
    r
}

// ------------------------------------------------------------ str.format

/// Field numbering state of one `str.format` call.
struct Fields<'x> {
    args: &'x [Value],
    kwargs: &'x [(Value, Value)],
    auto: Option<usize>,
    manual: bool,
}

/// `str.format(*args, **kwargs)`.
pub(super) fn str_format(
    i: &mut Interp<'_>,
    args: Args<'_>,
    kwargs: Kwargs<'_>,
) -> PyResult<Value> {
    let Some(fmt) = args.first().and_then(|&s| i.str_of(s)) else {
        return i.type_error("descriptor 'format' requires a 'str' object");
    };
    let mut fields = Fields {
        args: &args[1..],
        kwargs,
        auto: None,
        manual: false,
    };
    let text = render(i, &fmt, &mut fields, 2)?;
    Ok(i.new_str(&text))
}

fn render(i: &mut Interp<'_>, fmt: &str, fields: &mut Fields<'_>, depth: u32) -> PyResult<String> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut p = 0;
    while p < chars.len() {
        let c = chars[p];
        if c == '}' {
            if chars.get(p + 1) == Some(&'}') {
                out.push('}');
                p += 2;
                continue;
            }
            return i.value_error("Single '}' encountered in format string");
        }
        if c != '{' {
            out.push(c);
            p += 1;
            continue;
        }
        if chars.get(p + 1) == Some(&'{') {
            out.push('{');
            p += 2;
            continue;
        }
        // Find the matching close brace (nested braces in the spec).
        let start = p + 1;
        let mut nesting = 1;
        let mut q = start;
        while q < chars.len() {
            match chars[q] {
                '{' => nesting += 1,
                '}' => {
                    nesting -= 1;
                    if nesting == 0 {
                        break;
                    }
                }
                _ => {}
            }
            q += 1;
        }
        if q >= chars.len() {
            return i.value_error("expected '}' before end of string");
        }
        let field: String = chars[start..q].iter().collect();
        p = q + 1;
        if depth == 0 {
            return i.value_error("Max string recursion exceeded");
        }
        // Split name, conversion, spec (the name ends at the first '!' or ':'
        // outside brackets).
        let mut name_end = field.len();
        let mut in_bracket = false;
        for (k, ch) in field.char_indices() {
            match ch {
                '[' => in_bracket = true,
                ']' => in_bracket = false,
                '!' | ':' if !in_bracket => {
                    name_end = k;
                    break;
                }
                _ => {}
            }
        }
        let name = &field[..name_end];
        let rest = &field[name_end..];
        let (conversion, spec) = if let Some(r) = rest.strip_prefix('!') {
            let mut it = r.chars();
            let conv = it.next();
            let after: String = it.collect();
            let spec = match after.strip_prefix(':') {
                Some(s) => s.to_string(),
                None if after.is_empty() => String::new(),
                None => {
                    return i.value_error("expected ':' after conversion specifier");
                }
            };
            if conv.is_none() {
                return i.value_error("end of string while looking for conversion specifier");
            }
            (conv, spec)
        } else if let Some(s) = rest.strip_prefix(':') {
            (None, s.to_string())
        } else {
            (None, String::new())
        };
        let mark = i.root_mark();
        let r = (|| -> PyResult<String> {
            let value = lookup_field(i, name, fields)?;
            i.push_root(value);
            let spec = if spec.contains('{') {
                render(i, &spec, fields, depth - 1)?
            } else {
                spec
            };
            let value = convert(i, value, conversion)?;
            i.push_root(value);
            format_value(i, value, &spec)
        })();
        i.truncate_roots(mark);
        out.push_str(&r?);
    }
    Ok(out)
}

fn lookup_field(i: &mut Interp<'_>, name: &str, fields: &mut Fields<'_>) -> PyResult<Value> {
    let first_end = name.find(['.', '[']).unwrap_or(name.len());
    let (head, mut tail) = name.split_at(first_end);
    let mut value = if head.is_empty() {
        if fields.manual {
            return i.value_error(
                "cannot switch from manual field specification to automatic field numbering",
            );
        }
        let k = fields.auto.map_or(0, |k| k + 1);
        fields.auto = Some(k);
        match fields.args.get(k) {
            Some(&v) => v,
            None => {
                let msg = format!("Replacement index {k} out of range for positional args tuple");
                return Err(i.new_exception(i.rt.types.index_error, &msg));
            }
        }
    } else if let Ok(k) = head.parse::<usize>() {
        if fields.auto.is_some() {
            return i.value_error(
                "cannot switch from automatic field numbering to manual field specification",
            );
        }
        fields.manual = true;
        match fields.args.get(k) {
            Some(&v) => v,
            None => {
                let msg = format!("Replacement index {k} out of range for positional args tuple");
                return Err(i.new_exception(i.rt.types.index_error, &msg));
            }
        }
    } else {
        let found = fields
            .kwargs
            .iter()
            .find(|(k, _)| i.str_of(*k).as_deref() == Some(head))
            .map(|(_, v)| *v);
        match found {
            Some(v) => v,
            None => return Err(i.new_exception(i.rt.types.key_error, head)),
        }
    };
    let mark = i.root_mark();
    let r = (|| -> PyResult<Value> {
        while !tail.is_empty() {
            i.push_root(value);
            if let Some(t) = tail.strip_prefix('.') {
                let end = t.find(['.', '[']).unwrap_or(t.len());
                let attr = i.new_str(&t[..end]);
                i.push_root(attr);
                value = i.get_attr(value, attr)?;
                tail = &t[end..];
            } else if let Some(t) = tail.strip_prefix('[') {
                let Some(end) = t.find(']') else {
                    return i.value_error("Missing ']' in format string");
                };
                let key_text = &t[..end];
                let key = match key_text.parse::<i64>() {
                    Ok(n) => i.new_int(n),
                    Err(_) => i.new_str(key_text),
                };
                i.push_root(key);
                value = i.get_item(value, key)?;
                tail = &t[end + 1..];
            } else {
                return i.value_error("Only '.' or '[' may follow ']' in format field specifier");
            }
        }
        Ok(value)
    })();
    i.truncate_roots(mark);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt_float(f: f64, spec: &str) -> String {
        format_float(f, &parse_spec(spec).unwrap()).unwrap()
    }

    fn fmt_int(n: i64, spec: &str) -> String {
        format_int(&BigInt::from(n), &parse_spec(spec).unwrap(), "int").unwrap()
    }

    #[test]
    fn float_specs_match_cpython() {
        assert_eq!(fmt_float(4.56789, ".2f"), "4.57");
        assert_eq!(fmt_float(2.675, ".2f"), "2.67");
        assert_eq!(fmt_float(1e20, ".3"), "1e+20");
        assert_eq!(fmt_float(1.0, ".3"), "1.0");
        assert_eq!(fmt_float(0.0001, "g"), "0.0001");
        assert_eq!(fmt_float(1234567.0, "g"), "1.23457e+06");
        assert_eq!(fmt_float(-1.5, "+010.2f"), "-000001.50");
        assert_eq!(fmt_float(1234567.891, ",.2f"), "1,234,567.89");
        assert_eq!(fmt_float(0.25, ".1%"), "25.0%");
        assert_eq!(fmt_float(12345.0, "e"), "1.234500e+04");
    }

    #[test]
    fn int_specs_match_cpython() {
        assert_eq!(fmt_int(1234567, ","), "1,234,567");
        assert_eq!(fmt_int(255, "#x"), "0xff");
        assert_eq!(fmt_int(255, "08b"), "11111111");
        assert_eq!(fmt_int(-42, "=+8"), "-     42");
        assert_eq!(fmt_int(42, "^7"), "  42   ");
        assert_eq!(fmt_int(1234, "08,"), "0,001,234");
        assert_eq!(fmt_int(65535, "_x"), "ffff");
        assert_eq!(fmt_int(1048575, "_x"), "f_ffff");
    }

    #[test]
    fn bad_specs_are_rejected() {
        assert!(parse_spec(".").is_err());
        assert!(parse_spec("abc").is_err());
        assert!(parse_spec(",s").is_err());
    }
}
