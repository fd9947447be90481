//! Byte buffers reused on one thread.
//!
//! A large allocation is the expensive kind in glibc's `malloc`: a request of a kilobyte or more
//! first consolidates the free lists of small chunks, which a replay has just filled by freeing
//! a JSON tree. Replaying one fixture used to make several of them (the four files, the snapshot
//! text, the stored snapshot), each costing about as much as parsing a small object. Borrowing
//! those buffers from here instead makes each of them once per thread.

use std::cell::RefCell;

/// A buffer that grew beyond this is dropped after use, so one huge file does not keep its
/// memory for the rest of the run.
const KEEP_AT_MOST: usize = 1 << 20;

/// How many idle buffers a thread keeps (uses nest at most a few deep).
const POOL_SIZE: usize = 4;

thread_local! {
    static POOL: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with an empty buffer borrowed from this thread's pool and returns it afterwards.
/// Calls may nest; each gets its own buffer.
pub(crate) fn with_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut buffer = POOL
        .try_with(|pool| pool.borrow_mut().pop())
        .ok()
        .flatten()
        .unwrap_or_default();
    let result = f(&mut buffer);
    if buffer.capacity() <= KEEP_AT_MOST {
        buffer.clear();
        let _ = POOL.try_with(|pool| {
            let mut pool = pool.borrow_mut();
            if pool.len() < POOL_SIZE {
                pool.push(buffer);
            }
        });
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_back_empty_and_are_reused() {
        let first = with_buffer(|b| {
            b.extend_from_slice(b"hello");
            b.as_ptr() as usize
        });
        let second = with_buffer(|b| {
            assert!(b.is_empty(), "a reused buffer starts empty");
            assert!(b.capacity() >= 5, "the allocation is kept");
            b.as_ptr() as usize
        });
        assert_eq!(first, second);
    }

    #[test]
    fn nested_uses_get_different_buffers() {
        with_buffer(|outer| {
            outer.push(1);
            with_buffer(|inner| {
                assert!(inner.is_empty());
                inner.push(2);
            });
            assert_eq!(outer, &[1]);
        });
    }

    #[test]
    fn huge_buffers_are_not_kept() {
        with_buffer(|b| b.reserve(KEEP_AT_MOST + 1));
        with_buffer(|b| assert!(b.capacity() <= KEEP_AT_MOST));
    }
}
