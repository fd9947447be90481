//! Vectors reused on one thread.
//!
//! A large allocation is the expensive kind in glibc's `malloc`: a request of a kilobyte or more
//! first consolidates the free lists of small chunks, which a replay has just filled by freeing
//! a JSON tree, and growing a vector past that size reallocates and copies it each time it
//! doubles. Replaying one fixture used to make many of them: the four files, the snapshot text
//! and the stored snapshot as byte buffers, and every JSON array and list of interactions as it
//! was parsed (a parser cannot know a sequence's length before its end). Borrowing the buffers
//! from a pool ([`with_buffer`]), and collecting sequences in a pooled vector that is copied out
//! at its exact length once complete ([`collect_exact`]), makes each large allocation once per
//! thread instead.

use std::cell::RefCell;
use std::thread::LocalKey;

/// A vector whose allocation grew beyond this many bytes is dropped after use, so one huge
/// file does not keep its memory for the rest of the run.
const KEEP_AT_MOST: usize = 1 << 20;

/// How many idle vectors a pool keeps (uses nest at most a few deep; JSON arrays nest deeper,
/// and the ones beyond this allocate as before).
const POOL_SIZE: usize = 8;

/// A thread's idle vectors of one element type (declare one with `thread_local!`).
pub(crate) type Idle<T> = RefCell<Vec<Vec<T>>>;

/// The `thread_local!` key of an [`Idle`] pool.
pub(crate) type Pool<T> = LocalKey<Idle<T>>;

thread_local! {
    static BYTES: Idle<u8> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with an empty buffer borrowed from this thread's pool and returns it afterwards.
/// Calls may nest; each gets its own buffer.
pub(crate) fn with_buffer<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    with_pooled(&BYTES, f)
}

/// Runs `f` with an empty vector borrowed from `pool` and returns it afterwards (cleared).
pub(crate) fn with_pooled<T: 'static, R>(
    pool: &'static Pool<T>,
    f: impl FnOnce(&mut Vec<T>) -> R,
) -> R {
    let mut vector = pool
        .try_with(|pool| pool.borrow_mut().pop())
        .ok()
        .flatten()
        .unwrap_or_default();
    let result = f(&mut vector);
    if vector.capacity().saturating_mul(size_of::<T>()) <= KEEP_AT_MOST {
        vector.clear();
        let _ = pool.try_with(|pool| {
            let mut pool = pool.borrow_mut();
            if pool.len() < POOL_SIZE {
                pool.push(vector);
            }
        });
    }
    result
}

/// The elements `fill` pushes, in a vector allocated once at their exact number: they are
/// collected in a vector borrowed from `pool`, then moved out. If `fill` fails, what it pushed
/// is dropped.
pub(crate) fn collect_exact<T: 'static, E>(
    pool: &'static Pool<T>,
    fill: impl FnOnce(&mut Vec<T>) -> Result<(), E>,
) -> Result<Vec<T>, E> {
    with_pooled(pool, |scratch| {
        fill(scratch)?;
        let mut exact = Vec::with_capacity(scratch.len());
        exact.append(scratch);
        Ok(exact)
    })
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

    thread_local! {
        static STRINGS: Idle<String> = const { RefCell::new(Vec::new()) };
    }

    #[test]
    fn collected_vectors_have_their_exact_length_and_the_scratch_is_kept() {
        let collect = |n: usize| {
            collect_exact::<String, ()>(&STRINGS, |items| {
                items.extend((0..n).map(|i| i.to_string()));
                Ok(())
            })
            .unwrap()
        };
        let five = collect(5);
        assert_eq!(five, ["0", "1", "2", "3", "4"]);
        assert_eq!(five.capacity(), 5);
        let nested = collect_exact::<String, ()>(&STRINGS, |outer| {
            outer.push("outer".into());
            let inner = collect(3);
            assert_eq!(
                inner.capacity(),
                3,
                "a nested collection has its own scratch"
            );
            outer.extend(inner);
            Ok(())
        })
        .unwrap();
        assert_eq!(nested, ["outer", "0", "1", "2"]);
        let kept = STRINGS.with(|pool| pool.borrow().iter().map(Vec::capacity).max());
        assert!(
            kept >= Some(5),
            "the scratch keeps its allocation: {kept:?}"
        );
        assert!(STRINGS.with(|pool| pool.borrow().iter().all(Vec::is_empty)));
    }

    #[test]
    fn a_failed_collection_drops_what_it_pushed() {
        let failed = collect_exact::<String, &str>(&STRINGS, |items| {
            items.push("partial".into());
            Err("bad element")
        });
        assert_eq!(failed, Err("bad element"));
        assert!(STRINGS.with(|pool| pool.borrow().iter().all(Vec::is_empty)));
    }

    #[test]
    fn huge_buffers_are_not_kept() {
        with_buffer(|b| b.reserve(KEEP_AT_MOST + 1));
        with_buffer(|b| assert!(b.capacity() <= KEEP_AT_MOST));
    }
}
