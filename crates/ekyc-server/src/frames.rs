//! Best frames of VideoLivenessCompare, served for a limited time at `/frames/{token}.jpg`
//! (the action answers with a URL, as the cloud API does). Kept in memory only: a restart
//! forgets them, and the oldest go first when the cache is full.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Entry {
    token: String,
    jpeg: Vec<u8>,
    expires: Instant,
}

pub struct FrameCache {
    entries: Mutex<VecDeque<Entry>>,
    ttl: Duration,
    capacity: usize,
}

impl FrameCache {
    pub fn new(ttl: Duration, capacity: usize) -> FrameCache {
        FrameCache {
            entries: Mutex::new(VecDeque::new()),
            ttl,
            capacity: capacity.max(1),
        }
    }

    /// Keeps `jpeg` and returns its unguessable token.
    pub fn put(&self, jpeg: Vec<u8>) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|e| e.expires > now);
        while entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(Entry {
            token: token.clone(),
            jpeg,
            expires: now + self.ttl,
        });
        token
    }

    /// The frame of `token` if it has not expired.
    pub fn get(&self, token: &str) -> Option<Vec<u8>> {
        let now = Instant::now();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .iter()
            .find(|e| e.token == token && e.expires > now)
            .map(|e| e.jpeg.clone())
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_expire_and_the_oldest_make_room() {
        let cache = FrameCache::new(Duration::from_secs(60), 2);
        let a = cache.put(vec![1]);
        let b = cache.put(vec![2]);
        assert_eq!(cache.get(&a), Some(vec![1]));
        let c = cache.put(vec![3]);
        assert_eq!(cache.get(&a), None, "evicted");
        assert_eq!(cache.get(&b), Some(vec![2]));
        assert_eq!(cache.get(&c), Some(vec![3]));
        assert_eq!(cache.get("nope"), None);
        let short = FrameCache::new(Duration::from_millis(0), 4);
        let t = short.put(vec![9]);
        assert_eq!(short.get(&t), None, "expired");
    }
}
