//! Operators: `BinaryOp` and `CompareOp`.

use super::*;

impl Interp<'_> {
    // ------------------------------------------------------------ BinaryOp

    /// `BinaryOp op` on `a`, `b` (an in-place operator takes the form of
    /// its plain operator: `x += 1` is `BinaryOpInt`).
    pub(crate) fn specialize_binary_op(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        a: Value,
        b: Value,
        op: BinaryOp,
    ) {
        let plain = op.plain();
        // `+ - *` get a form each: the form is the whole dispatch (one
        // form for several operators would switch on the operator again,
        // an indirect jump shared by every site, which mispredicts).
        let outcome = if a.as_inline_int().is_some() && b.as_inline_int().is_some() {
            Ok(match plain {
                BinaryOp::Add => Opcode::BinaryOpAddInt,
                BinaryOp::Sub => Opcode::BinaryOpSubtractInt,
                BinaryOp::Mul => Opcode::BinaryOpMultiplyInt,
                _ => Opcode::BinaryOpInt,
            })
        } else if float_operands(a, b).is_some() {
            match plain {
                BinaryOp::Add => Ok(Opcode::BinaryOpAddFloat),
                BinaryOp::Sub => Ok(Opcode::BinaryOpSubtractFloat),
                BinaryOp::Mul => Ok(Opcode::BinaryOpMultiplyFloat),
                BinaryOp::TrueDiv | BinaryOp::Pow => Ok(Opcode::BinaryOpFloat),
                _ => Err("float operator"),
            }
        } else if is_str(a) && is_str(b) {
            match plain {
                BinaryOp::Add => Ok(Opcode::BinaryOpStrConcat),
                _ => Err("str operator"),
            }
        } else if plain == BinaryOp::Add && same_sequence_type(a, b) {
            Ok(Opcode::BinaryOpSeqConcat)
        } else if matches!(a.data(), Some(ObjectData::Instance(_))) {
            self.plan_binary_op_instance(tc, at, a, b, op)
        } else {
            Err("operand types")
        };
        self.settle(tc, at, Opcode::BinaryOp, outcome);
    }

    /// `BinaryOpInstance`: `a`'s class defines the operator as a plain
    /// Python function of two parameters (and, for an in-place operator,
    /// no in-place method), and `b` is a float, an inline int or an
    /// instance of that same class. For those right operands CPython never
    /// calls `b`'s reflected method first (it is not of a subclass of
    /// `a`'s type), and when the method returns NotImplemented nothing is
    /// left to try: the outcome is the TypeError.
    fn plan_binary_op_instance(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        a: Value,
        b: Value,
        op: BinaryOp,
    ) -> Result<Opcode, &'static str> {
        let class = a.as_object().ok_or("operand types")?.class();
        if !Self::instance_operand_partner(class, b) {
            return Err("right operand type");
        }
        let c = class.as_class().ok_or("class")?;
        // The tag first: a change after this point resets it.
        let version = c.version.get();
        if version == 0 {
            return Err("out of versions");
        }
        let (name, _) = crate::interp::dunder_names(op.plain());
        if op.is_inplace() && self.lookup(class, &format!("__i{}", &name[2..])).is_some() {
            return Err("in-place operator method");
        }
        let method = self.lookup(class, name).ok_or("no operator method")?;
        let entry = Self::exact_call_entry(method, 2)
            .map_err(|_| "operator method not a plain function")?;
        let cell = tc.cache(at);
        let mut cache = cell.get();
        cache.words = [
            u64::from(version),
            method.to_bits(),
            entry[1],
            0,
            0,
            0,
            0,
            0,
        ];
        cell.set(cache);
        Ok(Opcode::BinaryOpInstance)
    }

    /// Whether `b` is a right operand `BinaryOpInstance` takes for a left
    /// operand of class `class` (see `plan_binary_op_instance`).
    #[inline]
    pub(crate) fn instance_operand_partner(class: Gc<PyObject>, b: Value) -> bool {
        b.is_float()
            || b.as_inline_int().is_some()
            || b.as_ref()
                .is_some_and(|o| matches!(o.data, ObjectData::Instance(_)) && o.class() == class)
    }

    /// The guard of `BinaryOpInstance`: `a`'s class has the cached version
    /// (so the cached method is still its operator), the method is
    /// unmodified, `b` still qualifies and no frame-evaluation hook is set.
    /// Returns the method to call with `(a, b)`; deoptimizes when it fails.
    #[inline]
    pub(crate) fn binary_op_instance_guard(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        a: Value,
        b: Value,
    ) -> Option<Value> {
        let c = tc.cache(at).get().words;
        let method = a
            .as_ref()
            .filter(|o| matches!(o.data, ObjectData::Instance(_)))
            .filter(|o| {
                let class = o.class();
                class.as_class().map_or(0, |k| u64::from(k.version.peek())) == c[0]
                    && Self::instance_operand_partner(class, b)
            })
            // The class (alive: `a`'s) holds the method under that version.
            .map(|_| Value::from_bits(c[1]))
            .filter(|m| match m.data() {
                Some(ObjectData::Function(f)) => u64::from(f.version.peek()) == c[2],
                _ => false,
            })
            .filter(|_| !self.rt.has_eval_frame_hook());
        match method {
            Some(_) => self.count_hit(Opcode::BinaryOpInstance),
            None => self.count_miss(tc, at, Opcode::BinaryOpInstance),
        }
        method
    }

    /// `BinaryOpAddInt`, `BinaryOpSubtractInt`, `BinaryOpMultiplyInt`:
    /// `arith` (one of `Value::inline_int_add`...), `None` unless both are
    /// inline ints and so is the result.
    #[inline(always)]
    pub(crate) fn int_arith_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        a: Value,
        b: Value,
        arith: fn(Value, Value) -> Option<Value>,
    ) -> Option<Value> {
        let result = arith(a, b);
        match result {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        result
    }

    /// `BinaryOpAddFloat`, `BinaryOpSubtractFloat`,
    /// `BinaryOpMultiplyFloat`: `arith` on two floats or a float and an
    /// inline int.
    #[inline(always)]
    pub(crate) fn float_arith_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        a: Value,
        b: Value,
        arith: fn(f64, f64) -> f64,
    ) -> Option<Value> {
        let result = float_operands(a, b).map(|(x, y)| Value::float(arith(x, y)));
        match result {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        result
    }

    /// The other specialized binary operators computed in place (all but
    /// `BinaryOpInstance`, which calls a method).
    #[inline]
    pub(crate) fn binary_op_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        a: Value,
        b: Value,
        op: BinaryOp,
    ) -> Option<Value> {
        let plain = op.plain();
        let result = match form {
            Opcode::BinaryOpInt => match (a.as_inline_int(), b.as_inline_int()) {
                // True division of two ints below 2⁵³ is the division of
                // their exact f64s (both round once, correctly).
                (Some(x), Some(y)) if plain == BinaryOp::TrueDiv => {
                    (y != 0).then(|| Value::float(x as f64 / y as f64))
                }
                (Some(x), Some(y)) => int_op(plain, x, y).and_then(Value::try_int),
                _ => None,
            },
            Opcode::BinaryOpFloat => match float_operands(a, b) {
                Some((x, y)) => match plain {
                    BinaryOp::TrueDiv if y != 0.0 => Some(x / y),
                    BinaryOp::Pow => float_pow(x, y),
                    _ => None,
                }
                .map(Value::float),
                None => None,
            },
            Opcode::BinaryOpStrConcat => match (
                a.as_ref().and_then(|o| o.as_str()),
                b.as_ref().and_then(|o| o.as_str()),
            ) {
                (Some(x), Some(y)) if is_str(a) && is_str(b) => {
                    let mut s = String::with_capacity(x.as_str().len() + y.as_str().len());
                    s.push_str(x.as_str());
                    s.push_str(y.as_str());
                    Some(self.new_str(&s))
                }
                _ => None,
            },
            _ => match (a.data(), b.data()) {
                (Some(ObjectData::Tuple(x)), Some(ObjectData::Tuple(y))) => {
                    let mut items = Vec::with_capacity(x.len() + y.len());
                    items.extend_from_slice(x);
                    items.extend_from_slice(y);
                    Some(self.new_tuple(items))
                }
                // As the generic operation: the right list is copied under
                // its own lock, then the left one is read (or extended, in
                // place) under its lock; a new list's items are read
                // without the locks when no writer is busy.
                (Some(ObjectData::List(x)), Some(ObjectData::List(y))) if op.is_inplace() => {
                    let right = y.lock().to_vec();
                    x.lock().extend(right);
                    Some(a)
                }
                (Some(ObjectData::List(x)), Some(ObjectData::List(y))) => {
                    let items = concat_unlocked(x, y).unwrap_or_else(|| {
                        let right = y.lock().to_vec();
                        let left = x.lock();
                        let mut items =
                            crate::object::ListItems::with_capacity(left.len() + right.len());
                        items.extend_from_slice(&left);
                        drop(left);
                        items.extend_from_slice(&right);
                        items
                    });
                    Some(self.new_list_of(items))
                }
                _ => None,
            },
        };
        match result {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        result
    }

    // ------------------------------------------------------------ CompareOp

    /// `CompareOp op` on `a`, `b`.
    pub(crate) fn specialize_compare_op(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        a: Value,
        b: Value,
        op: CompareOp,
    ) {
        let ordering = matches!(
            op,
            CompareOp::Lt
                | CompareOp::Le
                | CompareOp::Gt
                | CompareOp::Ge
                | CompareOp::Eq
                | CompareOp::Ne
        );
        let outcome = if matches!(op, CompareOp::Is | CompareOp::IsNot) {
            Ok(Opcode::CompareOpIs)
        } else if matches!(op, CompareOp::In | CompareOp::NotIn) {
            match b.data() {
                _ if !native_key(a) => Err("key type"),
                Some(ObjectData::Dict(_)) => Ok(Opcode::CompareOpInDict),
                Some(ObjectData::Set(_)) => Ok(Opcode::CompareOpInSet),
                _ => Err("container type"),
            }
        } else if !ordering {
            Err("operator")
        } else if a.as_inline_int().is_some() && b.as_inline_int().is_some() {
            Ok(Opcode::CompareOpInt)
        } else if float_operands(a, b).is_some() {
            Ok(Opcode::CompareOpFloat)
        } else if is_str(a) && is_str(b) && matches!(op, CompareOp::Eq | CompareOp::Ne) {
            Ok(Opcode::CompareOpStr)
        } else {
            Err("operand types")
        };
        self.settle(tc, at, Opcode::CompareOp, outcome);
    }

    /// The specialized comparisons.
    #[inline]
    pub(crate) fn compare_op_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        a: Value,
        b: Value,
        op: CompareOp,
    ) -> Option<Value> {
        let result = match form {
            Opcode::CompareOpIs => Some((a == b) == (op == CompareOp::Is)),
            Opcode::CompareOpInDict | Opcode::CompareOpInSet => {
                // The form names the container type its guard wants.
                let kind_holds = match b.data() {
                    Some(ObjectData::Dict(_)) => form == Opcode::CompareOpInDict,
                    Some(ObjectData::Set(_)) => form == Opcode::CompareOpInSet,
                    _ => false,
                };
                crate::object::native::contains(b, a)
                    .filter(|_| kind_holds)
                    .map(|found| found == (op == CompareOp::In))
            }
            Opcode::CompareOpInt => match (a.as_inline_int(), b.as_inline_int()) {
                (Some(x), Some(y)) => super::order_holds(op, x, y),
                _ => None,
            },
            Opcode::CompareOpFloat => {
                float_operands(a, b).and_then(|(x, y)| super::order_holds(op, x, y))
            }
            Opcode::CompareOpStr => match (
                a.as_ref().and_then(|o| o.as_str()),
                b.as_ref().and_then(|o| o.as_str()),
            ) {
                (Some(x), Some(y)) if is_str(a) && is_str(b) => {
                    let equal = x.hash() == y.hash() && x.as_str() == y.as_str();
                    Some(equal == (op == CompareOp::Eq))
                }
                _ => None,
            },
            _ => None,
        };
        match result {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        result.map(Value::bool)
    }
}

/// The operands of a float form as `f64`s: two floats, or a float and an
/// inline int. Python converts the int to the nearest float first, and an
/// inline int (48 bits) converts exactly, so the arithmetic and the
/// comparisons are Python's.
#[inline]
pub(crate) fn float_operands(a: Value, b: Value) -> Option<(f64, f64)> {
    let (x, y) = (a.as_float(), b.as_float());
    if x.is_none() && y.is_none() {
        return None;
    }
    let exact = |f: Option<f64>, v: Value| f.or_else(|| v.as_inline_int().map(|i| i as f64));
    Some((exact(x, a)?, exact(y, b)?))
}

/// `x ** y` for finite floats where Python's result is the platform
/// `pow` and finite; `None` where the generic operation must decide (a
/// zero base with a negative exponent, a negative base with a fractional
/// one, an overflow, a NaN or an infinity).
#[inline]
fn float_pow(x: f64, y: f64) -> Option<f64> {
    if !x.is_finite() || !y.is_finite() || (x == 0.0 && y < 0.0) || (x < 0.0 && y.fract() != 0.0) {
        return None;
    }
    Some(x.powf(y)).filter(|r| r.is_finite())
}

/// Whether `a + b` concatenates two exact lists or two exact tuples.
#[inline]
fn same_sequence_type(a: Value, b: Value) -> bool {
    matches!(
        (a.data(), b.data()),
        (Some(ObjectData::List(_)), Some(ObjectData::List(_)))
            | (Some(ObjectData::Tuple(_)), Some(ObjectData::Tuple(_)))
    )
}

/// The items of `x + y` read without either list's lock (each read
/// alone, as the locked operation reads them one after the other); `None`
/// when a writer was busy.
#[inline]
fn concat_unlocked(
    x: &crate::object::Mutex<crate::object::ListItems>,
    y: &crate::object::Mutex<crate::object::ListItems>,
) -> Option<crate::object::ListItems> {
    use crate::object::ListItems;
    let mut items =
        ListItems::with_capacity(ListItems::len_unlocked(x) + ListItems::len_unlocked(y));
    for list in [x, y] {
        ListItems::read_unlocked(list, |read| {
            read.copy_to(0..read.len(), &mut items);
            Some(())
        })?;
    }
    Some(items)
}
