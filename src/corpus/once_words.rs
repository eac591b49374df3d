//! [`OnceWords`]: a list of word hashes worked out on first use, in one pointer's room.
//!
//! A timeline keeps a slot for every event of every article it compares (1.2 million for
//! the scale benchmark's 200 topics at 100,000 articles) and fills those it compares. A
//! `OnceLock<Box<[u32]>>` is 24 bytes; this is 8, and the words stay one pointer away as
//! before: the length is stored in front of them, in the same allocation.

use std::fmt;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

/// Word hashes set at most once, readable from any thread.
pub struct OnceWords {
    /// Null until set; then the start of a boxed `[len, words...]` that this slot owns.
    head: AtomicPtr<u32>,
}

impl OnceWords {
    pub const fn new() -> OnceWords {
        OnceWords {
            head: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// The words, if set.
    pub fn get(&self) -> Option<&[u32]> {
        let head = self.head.load(Ordering::Acquire);
        // SAFETY: a non-null head was made by `boxed` and is freed only by `drop`, which
        // cannot run while `self` is borrowed.
        (!head.is_null()).then(|| unsafe { words(head) })
    }

    /// The words, worked out by `f` if not yet set. Threads that race each run `f`; the
    /// first to finish sets the words, and the others' are dropped.
    pub fn get_or_init(&self, f: impl FnOnce() -> Vec<u32>) -> &[u32] {
        if let Some(words) = self.get() {
            return words;
        }
        let new = boxed(&f());
        let head = match self.head.compare_exchange(
            ptr::null_mut(),
            new,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => new,
            Err(set) => {
                // SAFETY: `new` came from `boxed` and was never shared.
                unsafe { free(new) };
                set
            }
        };
        // SAFETY: as in `get`.
        unsafe { words(head) }
    }
}

/// `words` boxed behind their length; the box is owned by the pointer returned.
fn boxed(words: &[u32]) -> *mut u32 {
    let len = u32::try_from(words.len()).expect("a passage has fewer than 2^32 words");
    let mut all = Vec::with_capacity(words.len() + 1);
    all.push(len);
    all.extend_from_slice(words);
    Box::into_raw(all.into_boxed_slice()).cast::<u32>()
}

/// The words behind `head`.
///
/// # Safety
/// `head` came from `boxed` and is not yet freed, for as long as the slice is used.
unsafe fn words<'a>(head: *const u32) -> &'a [u32] {
    // SAFETY: per the caller, `head` points at the length, followed by that many words.
    unsafe { std::slice::from_raw_parts(head.add(1), *head as usize) }
}

/// Frees what `boxed` made.
///
/// # Safety
/// `head` came from `boxed`, is freed once, and is not read afterwards.
unsafe fn free(head: *mut u32) {
    // SAFETY: per the caller; the box was `len + 1` words long.
    unsafe {
        let len = *head as usize;
        drop(Box::from_raw(ptr::slice_from_raw_parts_mut(head, len + 1)));
    }
}

impl Drop for OnceWords {
    fn drop(&mut self) {
        let head = *self.head.get_mut();
        if !head.is_null() {
            // SAFETY: the slot owns its box and is being dropped.
            unsafe { free(head) };
        }
    }
}

impl Default for OnceWords {
    fn default() -> OnceWords {
        OnceWords::new()
    }
}

impl Clone for OnceWords {
    fn clone(&self) -> OnceWords {
        let head = self.get().map_or(ptr::null_mut(), boxed);
        OnceWords {
            head: AtomicPtr::new(head),
        }
    }
}

impl fmt::Debug for OnceWords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OnceWords").field(&self.get()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_once_then_read_back_and_cloned() {
        let slot = OnceWords::new();
        assert_eq!(slot.get(), None);
        assert_eq!(slot.get_or_init(|| vec![3, 1, 4]), &[3, 1, 4]);
        // Set already: `f` is not run again.
        assert_eq!(slot.get_or_init(|| unreachable!()), &[3, 1, 4]);
        let copy = slot.clone();
        drop(slot);
        assert_eq!(copy.get(), Some(&[3, 1, 4][..]));
        assert_eq!(OnceWords::new().clone().get(), None);
        let empty = OnceWords::default();
        assert_eq!(empty.get_or_init(Vec::new), &[] as &[u32]);
        assert_eq!(format!("{empty:?}"), "OnceWords(Some([]))");
    }

    #[test]
    fn racing_threads_all_read_the_one_list_set() {
        let slot = OnceWords::new();
        let seen: Vec<Vec<u32>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8u32)
                .map(|i| {
                    let slot = &slot;
                    s.spawn(move || slot.get_or_init(|| vec![i; 100 + i as usize]).to_vec())
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let set = slot.get().unwrap().to_vec();
        assert!(seen.iter().all(|w| *w == set));
        assert_eq!(set.len(), 100 + set[0] as usize);
    }
}
