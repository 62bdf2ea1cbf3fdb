//! Containers: `ForIter`, `UnpackSequence`, `StoreSubscr` and `BinarySubscr`.

use super::*;
use crate::object::ListItems;

impl Interp<'_> {
    // ------------------------------------------------------------ ForIter

    /// `ForIter` over the iterator `it`.
    pub(crate) fn specialize_for_iter(&mut self, tc: &ThreadCode, at: usize, it: Value) {
        use crate::object::IteratorData;
        let outcome = match it.data() {
            Some(ObjectData::Iterator(IteratorData::Range(_))) => Ok(Opcode::ForIterRange),
            Some(ObjectData::Iterator(IteratorData::Sequence(_))) => Ok(Opcode::ForIterSequence),
            Some(ObjectData::Iterator(_)) => Err("iterator kind"),
            Some(ObjectData::Generator(_)) => Ok(Opcode::ForIterGenerator),
            _ => Err("iterator type"),
        };
        self.settle(tc, at, Opcode::ForIter, outcome);
    }

    /// `ForIterRange` / `ForIterSequence`: `Some(Some(v))` the next value,
    /// `Some(None)` exhausted, `None` a guard failed (the caller steps the
    /// iterator the generic way).
    #[inline]
    pub(crate) fn for_iter_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        it: Value,
    ) -> Option<Option<Value>> {
        use crate::object::IteratorData;
        let item = match (it.data(), form) {
            (Some(ObjectData::Iterator(IteratorData::Range(cursor))), Opcode::ForIterRange) => {
                cursor.next().map(|v| self.new_int(v))
            }
            (
                Some(ObjectData::Iterator(IteratorData::Sequence(cursor))),
                Opcode::ForIterSequence,
            ) => cursor.next(),
            _ => {
                self.count_miss(tc, at, form);
                return None;
            }
        };
        self.count_hit(form);
        Some(item)
    }

    /// `ForIterGenerator`: resumes the generator `it` in this dispatch loop
    /// (see [`Interp::gen_resume_in_loop`]); `None` when it is not a
    /// generator, or is running (deoptimized: the generic path raises).
    #[inline]
    pub(crate) fn for_iter_gen_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        it: Value,
        exit: u32,
    ) -> Option<crate::error::PyResult<crate::interp::GenLoopStep>> {
        let step = self.gen_resume_in_loop(it, exit);
        match step {
            Some(_) => self.count_hit(Opcode::ForIterGenerator),
            None => self.count_miss(tc, at, Opcode::ForIterGenerator),
        }
        step
    }

    // ------------------------------------------------------------ UnpackSequence

    /// `UnpackSequence n` of `seq`.
    pub(crate) fn specialize_unpack(&mut self, tc: &ThreadCode, at: usize, seq: Value, n: usize) {
        let outcome = match seq.data() {
            _ if n > 8 => Err("more than eight items"),
            Some(ObjectData::Tuple(t)) if t.len() == 2 && n == 2 => {
                Ok(Opcode::UnpackSequenceTwoTuple)
            }
            Some(ObjectData::Tuple(t)) if t.len() == n => Ok(Opcode::UnpackSequenceTuple),
            Some(ObjectData::List(l)) if l.lock().len() == n => Ok(Opcode::UnpackSequenceList),
            Some(ObjectData::Tuple(_) | ObjectData::List(_)) => Err("length"),
            _ => Err("sequence type"),
        };
        self.settle(tc, at, Opcode::UnpackSequence, outcome);
    }

    /// The items of a tuple or list of exactly `n` items (`None`: a guard
    /// failed).
    #[inline]
    pub(crate) fn unpack_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        seq: Value,
        n: usize,
        out: &mut [Value; 8],
    ) -> bool {
        let ok = n <= out.len()
            && match (seq.data(), form) {
                (Some(ObjectData::Tuple(t)), Opcode::UnpackSequenceTuple) if t.len() == n => {
                    out[..n].copy_from_slice(t);
                    true
                }
                (Some(ObjectData::List(l)), Opcode::UnpackSequenceList) => {
                    // Without the lock when no writer is busy.
                    let unlocked = ListItems::read_unlocked(l, |items| {
                        let fits = items.len() == n;
                        if fits {
                            (0..n).for_each(|k| out[k] = items.get(k));
                        }
                        Some(fits)
                    });
                    match unlocked {
                        Some(fits) => fits,
                        None => {
                            let items = l.lock();
                            if items.len() == n {
                                out[..n].copy_from_slice(&items);
                                true
                            } else {
                                false
                            }
                        }
                    }
                }
                _ => false,
            };
        if ok {
            self.count_hit(form);
        } else {
            self.count_miss(tc, at, form);
        }
        ok
    }

    /// `UnpackSequenceTwoTuple`: the two items of a tuple of exactly two
    /// (`None`: the guard failed).
    #[inline]
    pub(crate) fn unpack_two_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        seq: Value,
    ) -> Option<[Value; 2]> {
        if let Some(items) = crate::object::native::two_tuple(seq) {
            self.count_hit(Opcode::UnpackSequenceTwoTuple);
            return Some(items);
        }
        self.count_miss(tc, at, Opcode::UnpackSequenceTwoTuple);
        None
    }

    // ------------------------------------------------------------ StoreSubscr

    /// `StoreSubscr` of `container[key] = ...`.
    pub(crate) fn specialize_store_subscr(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        container: Value,
        key: Value,
    ) {
        let outcome = match container.data() {
            Some(ObjectData::List(_)) if key.as_inline_int().is_some() => {
                Ok(Opcode::StoreSubscrListInt)
            }
            Some(ObjectData::Dict(_)) if native_key(key) => Ok(Opcode::StoreSubscrDict),
            Some(ObjectData::List(_) | ObjectData::Dict(_)) => Err("key type"),
            _ => Err("container type"),
        };
        self.settle(tc, at, Opcode::StoreSubscr, outcome);
    }

    /// `list[int] = v` within bounds, `dict[key] = v`: `true` when stored.
    #[inline]
    pub(crate) fn store_subscr_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        container: Value,
        key: Value,
        value: Value,
    ) -> bool {
        let stored = match (container.data(), form) {
            (Some(ObjectData::List(_)), Opcode::StoreSubscrListInt) => {
                crate::object::native::list_store(container, key, value)
            }
            (Some(ObjectData::Dict(d)), Opcode::StoreSubscrDict) if native_key(key) => {
                match crate::object::dict::hash_value(key) {
                    Ok(h) => {
                        d.lock().insert_hashed(h, key, value);
                        true
                    }
                    Err(_) => false,
                }
            }
            _ => false,
        };
        if stored {
            self.count_hit(form);
        } else {
            self.count_miss(tc, at, form);
        }
        stored
    }

    // ------------------------------------------------------------ BinarySubscr

    /// `BinarySubscr` on `container[key]`.
    pub(crate) fn specialize_binary_subscr(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        container: Value,
        key: Value,
    ) {
        let outcome = match (container.data(), key.as_inline_int()) {
            (Some(ObjectData::List(_)), Some(_)) => Ok(Opcode::BinarySubscrListInt),
            (Some(ObjectData::Tuple(_)), Some(_)) => Ok(Opcode::BinarySubscrTupleInt),
            (Some(ObjectData::Str(_)), Some(_)) => Ok(Opcode::BinarySubscrStrInt),
            (Some(ObjectData::Dict(_)), _) if native_key(key) => Ok(Opcode::BinarySubscrDict),
            (Some(ObjectData::List(_) | ObjectData::Tuple(_)), None) if matches!(key.data(), Some(ObjectData::Slice(parts)) if simple_slice(*parts, 0).is_some()) => {
                Ok(Opcode::BinarySubscrSeqSlice)
            }
            (_, None) => Err("key type"),
            _ => Err("container type"),
        };
        self.settle(tc, at, Opcode::BinarySubscr, outcome);
    }

    /// `list[int]`, `tuple[int]` and `str[int]` within bounds, `dict[key]`
    /// present, `list[a:b:c]` and `tuple[a:b:c]` with int or None parts.
    #[inline]
    pub(crate) fn binary_subscr_cached(
        &mut self,
        tc: &ThreadCode,
        at: usize,
        form: Opcode,
        container: Value,
        key: Value,
    ) -> Option<Value> {
        let found = match (container.data(), key.as_inline_int()) {
            (Some(ObjectData::List(_)), Some(_)) if form == Opcode::BinarySubscrListInt => {
                crate::object::native::sequence_item(container, key)
            }
            (Some(ObjectData::Tuple(_)), Some(_)) if form == Opcode::BinarySubscrTupleInt => {
                crate::object::native::sequence_item(container, key)
            }
            (Some(ObjectData::Str(s)), Some(i)) if form == Opcode::BinarySubscrStrInt => {
                let idx = if i < 0 { i + s.char_count() as i64 } else { i };
                let k = usize::try_from(idx).ok().filter(|k| *k < s.char_count());
                // ASCII text indexes by byte; other text by character.
                let char_text = k.map(|k| match s.is_ascii() {
                    true => &s.as_str()[k..k + 1],
                    false => {
                        let (at, c) = s.as_str().char_indices().nth(k).expect("within bounds");
                        &s.as_str()[at..at + c.len_utf8()]
                    }
                });
                char_text.map(|text| self.new_str(text))
            }
            (Some(ObjectData::List(_) | ObjectData::Tuple(_)), None)
                if form == Opcode::BinarySubscrSeqSlice =>
            {
                match key.data() {
                    Some(ObjectData::Slice(parts)) => self.slice_sequence(container, *parts),
                    _ => None,
                }
            }
            // A missing key goes the generic way (KeyError), counted as a
            // miss.
            (Some(ObjectData::Dict(_)), _) if form == Opcode::BinarySubscrDict => {
                crate::object::native::dict_item(container, key)
            }
            _ => None,
        };
        match found {
            Some(_) => self.count_hit(form),
            None => self.count_miss(tc, at, form),
        }
        found
    }
}

impl Interp<'_> {
    /// `seq[start:stop:step]` (`parts`) for an exact list or tuple and
    /// parts that are inline ints or None, with a non-zero step: tier 1's
    /// `BinarySubscrSeqSlice` and tier 2's `SliceSequence`. `None`: the
    /// generic operation decides, or raises.
    #[inline]
    pub(crate) fn slice_sequence(&self, seq: Value, parts: [Value; 3]) -> Option<Value> {
        match seq.data()? {
            ObjectData::List(l) => {
                // Without the lock when no writer is busy (the bounds and
                // the items read together, as under it). Parts that are
                // not a simple slice give up here, not under the lock.
                let unlocked = ListItems::read_unlocked(l, |items| {
                    Some(simple_slice(parts, items.len()).map(|s| {
                        let mut picked = ListItems::with_capacity(s.len);
                        match s.step {
                            1 => items
                                .copy_to(s.start as usize..s.start as usize + s.len, &mut picked),
                            _ => picked.extend(s.indices().map(|i| items.get(i))),
                        }
                        picked
                    }))
                });
                if let Some(picked) = unlocked {
                    return picked.map(|picked| self.new_list_of(picked));
                }
                // One lock: the bounds and the items are read together.
                let items = l.lock();
                simple_slice(parts, items.len()).map(|s| {
                    let picked = match s.step {
                        1 => crate::object::ListItems::from(&items[s.start as usize..][..s.len]),
                        _ => s.indices().map(|i| items[i]).collect::<Vec<_>>().into(),
                    };
                    drop(items);
                    self.new_list_of(picked)
                })
            }
            ObjectData::Tuple(t) => simple_slice(parts, t.len()).map(|s| {
                if s.step == 1 && s.len == t.len() {
                    // The whole tuple is the tuple itself.
                    seq
                } else {
                    match s.step {
                        1 => self.new_tuple_of(t[s.start as usize..][..s.len].into()),
                        _ => self.new_tuple(s.indices().map(|i| t[i]).collect()),
                    }
                }
            }),
            _ => None,
        }
    }
}

/// The bounds of `seq[start:stop:step]` (`parts`) on a sequence of `len`
/// items when the parts are inline ints or None, with a non-zero step
/// (`None`: the generic operation decides, or raises).
#[inline]
fn simple_slice(parts: [Value; 3], len: usize) -> Option<crate::interp::SliceIndices> {
    let part = |v: Value| match v.as_inline_int() {
        Some(i) => Some(Some(i)),
        None if v.is_none() => Some(None),
        None => None,
    };
    let step = part(parts[2])?.unwrap_or(1);
    if step == 0 {
        return None;
    }
    Some(crate::interp::SliceIndices::new(
        part(parts[0])?,
        part(parts[1])?,
        step,
        len,
    ))
}
