//! A dict's open-addressed index table behind one thin pointer.
//!
//! A `Box<[u32]>` is a pointer and a length: 16 bytes in every dict, of
//! which the length only says whether the table is built. Kept in its
//! allocation instead, it makes `Mutex<Dict>` 56 bytes, so that an
//! instance's attributes ([`crate::object::InstanceAttrs`], a dict or
//! slots) fit the 64 bytes of an object's payload with their tag.

use std::alloc::{self, Layout};
use std::ptr::NonNull;

/// The index table: `None` (not built, the dict is small), or a heap
/// block holding the table's length then its slots.
#[derive(Default)]
pub(super) struct IndexTable(Option<NonNull<u32>>);

// SAFETY: the table owns its block as a `Box<[u32]>` would, and is
// reached only through `&`/`&mut` (under the dict's lock).
unsafe impl Send for IndexTable {}
// SAFETY: as above; `&IndexTable` only reads.
unsafe impl Sync for IndexTable {}

impl IndexTable {
    /// A table of `size` slots, each `fill`.
    pub(super) fn filled(size: usize, fill: u32) -> IndexTable {
        if size == 0 {
            return IndexTable(None);
        }
        let len = u32::try_from(size).expect("an index table's size fits u32");
        let layout = Self::layout(size);
        // SAFETY: the layout is not zero-sized (a length word at least).
        let block = unsafe { alloc::alloc(layout) }.cast::<u32>();
        let Some(block) = NonNull::new(block) else {
            alloc::handle_alloc_error(layout)
        };
        // SAFETY: the block has room for the length and `size` slots.
        unsafe {
            block.as_ptr().write(len);
            std::slice::from_raw_parts_mut(block.as_ptr().add(1), size).fill(fill);
        }
        IndexTable(Some(block))
    }

    /// The block's layout for `size` slots after the length word.
    fn layout(size: usize) -> Layout {
        Layout::array::<u32>(size + 1).expect("an index table's size fits memory")
    }
}

impl std::ops::Deref for IndexTable {
    type Target = [u32];

    #[inline]
    fn deref(&self) -> &[u32] {
        match self.0 {
            None => &[],
            // SAFETY: `filled` wrote the length then that many slots, and
            // the block lives as long as `self`.
            Some(block) => unsafe {
                let len = *block.as_ptr() as usize;
                std::slice::from_raw_parts(block.as_ptr().add(1), len)
            },
        }
    }
}

impl std::ops::DerefMut for IndexTable {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u32] {
        match self.0 {
            None => &mut [],
            // SAFETY: as in `deref`, and `&mut self` is the only access.
            Some(block) => unsafe {
                let len = *block.as_ptr() as usize;
                std::slice::from_raw_parts_mut(block.as_ptr().add(1), len)
            },
        }
    }
}

impl Drop for IndexTable {
    fn drop(&mut self) {
        if let Some(block) = self.0 {
            let layout = Self::layout(self.len());
            // SAFETY: `filled` allocated the block with this layout.
            unsafe { alloc::dealloc(block.as_ptr().cast(), layout) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IndexTable;

    #[test]
    fn holds_its_slots_and_is_one_word() {
        assert_eq!(std::mem::size_of::<IndexTable>(), 8);
        assert!(IndexTable::default().is_empty());
        assert!(IndexTable::filled(0, 7).is_empty());
        let mut t = IndexTable::filled(32, u32::MAX);
        assert_eq!(t.len(), 32);
        assert!(t.iter().all(|s| *s == u32::MAX));
        t[31] = 5;
        assert_eq!(t[31], 5);
        assert_eq!(t[30], u32::MAX);
    }
}
