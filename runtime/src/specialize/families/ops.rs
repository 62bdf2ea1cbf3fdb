//! Operators: `BinaryOp` and `CompareOp`.

use super::*;

impl Interp<'_> {
    // ------------------------------------------------------------ BinaryOp

    /// `BinaryOp op` on `a`, `b`.
    pub(crate) fn specialize_binary_op(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        a: Value,
        b: Value,
        op: BinaryOp,
    ) {
        let plain = op.plain();
        let outcome = if a.as_inline_int().is_some() && b.as_inline_int().is_some() {
            match plain {
                BinaryOp::Pow | BinaryOp::TrueDiv => Err("int operator"),
                _ => Ok(Opcode::BinaryOpInt),
            }
        } else if a.is_float() && b.is_float() {
            match plain {
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::TrueDiv => {
                    Ok(Opcode::BinaryOpFloat)
                }
                _ => Err("float operator"),
            }
        } else if is_str(a) && is_str(b) {
            match plain {
                BinaryOp::Add => Ok(Opcode::BinaryOpStrConcat),
                _ => Err("str operator"),
            }
        } else {
            Err("operand types")
        };
        self.settle(tc, at, Opcode::BinaryOp, outcome);
    }

    /// The specialized binary operators.
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
                (Some(x), Some(y)) => int_op(plain, x, y).and_then(Value::try_int),
                _ => None,
            },
            Opcode::BinaryOpFloat => match (a.as_float(), b.as_float()) {
                (Some(x), Some(y)) => match plain {
                    BinaryOp::Add => Some(Value::float(x + y)),
                    BinaryOp::Sub => Some(Value::float(x - y)),
                    BinaryOp::Mul => Some(Value::float(x * y)),
                    _ if y != 0.0 => Some(Value::float(x / y)),
                    _ => None,
                },
                _ => None,
            },
            _ => match (
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
        } else if a.is_float() && b.is_float() {
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
        fn order<T: PartialOrd>(x: T, y: T, op: CompareOp) -> bool {
            match op {
                CompareOp::Lt => x < y,
                CompareOp::Le => x <= y,
                CompareOp::Gt => x > y,
                CompareOp::Ge => x >= y,
                CompareOp::Eq => x == y,
                _ => x != y,
            }
        }
        let result = match form {
            Opcode::CompareOpIs => Some((a == b) == (op == CompareOp::Is)),
            Opcode::CompareOpInDict | Opcode::CompareOpInSet if native_key(a) => {
                let hash = crate::object::dict::hash_value(a).ok();
                let found = match (b.data(), hash) {
                    (Some(ObjectData::Dict(d)), Some(h)) if form == Opcode::CompareOpInDict => {
                        Some(d.lock().get_hashed(h, a).is_some())
                    }
                    (Some(ObjectData::Set(t)), Some(h)) if form == Opcode::CompareOpInSet => {
                        Some(t.lock().contains_hashed(h, a))
                    }
                    _ => None,
                };
                found.map(|f| f == (op == CompareOp::In))
            }
            Opcode::CompareOpInt => match (a.as_inline_int(), b.as_inline_int()) {
                (Some(x), Some(y)) => Some(order(x, y, op)),
                _ => None,
            },
            Opcode::CompareOpFloat => match (a.as_float(), b.as_float()) {
                (Some(x), Some(y)) => Some(order(x, y, op)),
                _ => None,
            },
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
