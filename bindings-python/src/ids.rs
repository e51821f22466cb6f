//! Decision and obligation ids from the operating system's randomness.
//!
//! Each thread draws random bytes from the OS in blocks and hands out 16
//! at a time, because one `getrandom` call per decision costs about as much
//! as the rest of a small evaluation. A forked child must not reuse its
//! parent's block: the package calls [`after_fork`] in the child (through
//! `os.register_at_fork`), which makes every thread's block stale.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use openleash_core::IdSource;
use openleash_core::action::Uuid;

/// Bytes drawn from the OS at a time: 32 ids.
const BLOCK_BYTES: usize = 512;

/// Incremented in a forked child; a block drawn under another value is
/// discarded.
static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

struct Block {
    bytes: [u8; BLOCK_BYTES],
    /// INVARIANT: bytes before `used` have been handed out and are never
    /// handed out again.
    used: usize,
    generation: u64,
}

thread_local! {
    static BLOCK: RefCell<Block> = const {
        RefCell::new(Block {
            bytes: [0; BLOCK_BYTES],
            used: BLOCK_BYTES,
            generation: 0,
        })
    };
}

/// Marks every thread's block stale; called in the child after a fork.
pub fn after_fork() {
    FORK_GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// An [`IdSource`] backed by `getrandom`.
pub struct OsRandomIds;

impl IdSource for OsRandomIds {
    fn fill(&mut self, bytes: &mut [u8; 16]) {
        let generation = FORK_GENERATION.load(Ordering::SeqCst);
        let taken = BLOCK.with(|block| {
            let mut block = block.borrow_mut();
            if block.used + bytes.len() > BLOCK_BYTES || block.generation != generation {
                if getrandom::fill(&mut block.bytes).is_err() {
                    return false;
                }
                block.used = 0;
                block.generation = generation;
            }
            let start = block.used;
            match block.bytes.get(start..start + bytes.len()) {
                Some(fresh) => {
                    bytes.copy_from_slice(fresh);
                    block.used = start + bytes.len();
                    true
                }
                None => false,
            }
        });
        if !taken {
            fallback(bytes);
        }
    }
}

/// A random UUID v4 in hyphenated form, for default key ids and request
/// nonces.
pub fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    OsRandomIds.fill(&mut bytes);
    Uuid::v4_from_bytes(bytes).to_hyphenated()
}

/// Ids need to be unique, not secret: without OS randomness, use the clock
/// and a process-wide counter rather than fail the decision.
fn fallback(bytes: &mut [u8; 16]) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    *bytes = (nanos ^ (u128::from(count) << 64)).to_be_bytes();
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_do_not_repeat_across_blocks() {
        let mut ids = OsRandomIds;
        let mut seen = HashSet::new();
        for _ in 0..(3 * BLOCK_BYTES / 16) {
            let mut bytes = [0u8; 16];
            ids.fill(&mut bytes);
            assert!(seen.insert(bytes));
        }
    }

    #[test]
    fn fork_discards_the_current_block() {
        let mut ids = OsRandomIds;
        let mut first = [0u8; 16];
        ids.fill(&mut first);
        after_fork();
        let stale = BLOCK.with(|block| block.borrow().generation);
        let mut second = [0u8; 16];
        ids.fill(&mut second);
        let fresh = BLOCK.with(|block| block.borrow().generation);
        assert_ne!(stale, fresh);
        assert_eq!(BLOCK.with(|block| block.borrow().used), 16);
    }
}
