//! A short memory of who is behind a session or an API token, in this process only, so
//! that a burst of requests does not look the same row up once per request.
//!
//! Off unless the operator asks for it ([`Store::remember_callers`]): a change made by
//! another process (`partinnov user disable` while the server runs, for one) reaches this
//! process only once its entries have expired, where without the memory it applies to the
//! very next request. Changes made through this process's own [`Store`] forget the
//! entries they concern at once: signing out, revoking a token, deactivating an account,
//! resetting a password (which ends the account's sessions). A backup is only restored
//! into an empty database, where nothing can have been remembered.

use std::{
    collections::HashMap,
    fmt,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use crate::{Caller, Store, UserId};

/// Entries kept at most; past that, expired ones go, then all of them.
const CAPACITY: usize = 10_000;

/// What a session or token stood for when it was looked up.
#[derive(Clone)]
pub(crate) struct Known {
    pub(crate) caller: Caller,
    /// The session's CSRF token (none for an API token).
    pub(crate) csrf: Option<String>,
}

struct Entry {
    known: Known,
    until: Instant,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    /// Bumped by every invalidation, so that a lookup that read the database before it
    /// does not store what it read after it.
    generation: u64,
}

#[derive(Default)]
pub(crate) struct CallerCache {
    ttl: Duration,
    inner: Mutex<Inner>,
}

impl fmt::Debug for CallerCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallerCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl CallerCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The entry for `key` if it has not expired, else the generation to hand back to
    /// [`CallerCache::put`] after reading the database.
    pub(crate) fn get(&self, key: &str) -> Result<Known, u64> {
        if self.ttl.is_zero() {
            return Err(0);
        }
        let mut inner = self.lock();
        match inner.entries.get(key) {
            Some(e) if e.until > Instant::now() => Ok(e.known.clone()),
            Some(_) => {
                inner.entries.remove(key);
                Err(inner.generation)
            }
            None => Err(inner.generation),
        }
    }

    /// Remembers `known` under `key` for the TTL, or less if `left` (what remains of the
    /// session) is shorter, unless something was invalidated since `generation`.
    pub(crate) fn put(&self, key: String, known: Known, left: Duration, generation: u64) {
        if self.ttl.is_zero() || left.is_zero() {
            return;
        }
        let now = Instant::now();
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        if inner.entries.len() >= CAPACITY {
            inner.entries.retain(|_, e| e.until > now);
            if inner.entries.len() >= CAPACITY {
                inner.entries.clear();
            }
        }
        let until = now + self.ttl.min(left);
        inner.entries.insert(key, Entry { known, until });
    }

    pub(crate) fn forget(&self, key: &str) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.remove(key);
    }

    pub(crate) fn forget_user(&self, user: UserId) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.entries.retain(|_, e| e.known.caller.user_id != user);
    }
}

impl Store {
    /// Remembers each session's and token's caller for `ttl` in this process (zero, the
    /// default, remembers nothing). See the module's documentation for what that delays.
    #[must_use]
    pub fn remember_callers(mut self, ttl: Duration) -> Self {
        self.callers = std::sync::Arc::new(CallerCache::new(ttl));
        self
    }
}
