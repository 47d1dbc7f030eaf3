//! Finished search answers, kept for the next identical request — the idea of Elasticsearch's
//! shard request cache. An entry is keyed by the request *and the index generation* it was
//! computed from, so any change to the index (a publish, a yank, a crawl) makes every older
//! entry unreachable at once: an answer is never staler than the index that would compute it.
//! Unreachable entries age out under the size bound (S3-FIFO eviction, `quick_cache`).

use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// What a typical answer weighs (a page of 10–20 hits with facets and highlights), to size
/// the table up front.
const TYPICAL_ANSWER_BYTES: u64 = 8 * 1024;

#[derive(Debug, Clone, Copy)]
struct ByLength;

impl Weighter<String, Bytes> for ByLength {
    fn weight(&self, key: &String, answer: &Bytes) -> u64 {
        // Never zero: zero-weight entries are never evicted.
        (key.len() + answer.len()).max(1) as u64
    }
}

/// A size-bounded cache of serialized answers; `max_bytes == 0` turns it off.
pub(super) struct AnswerCache {
    cache: Option<Cache<String, Bytes, ByLength>>,
}

impl std::fmt::Debug for AnswerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerCache")
            .field("enabled", &self.cache.is_some())
            .field("entries", &self.cache.as_ref().map_or(0, |c| c.len()))
            .finish()
    }
}

impl AnswerCache {
    pub(super) fn new(max_bytes: u64) -> AnswerCache {
        let cache = (max_bytes > 0).then(|| {
            let items = usize::try_from(max_bytes / TYPICAL_ANSWER_BYTES)
                .unwrap_or(usize::MAX)
                .max(16);
            Cache::with_weighter(items, max_bytes, ByLength)
        });
        AnswerCache { cache }
    }

    /// The answer for `request` computed from index generation `generation`, computing and
    /// keeping it when missing. Errors are not kept.
    pub(super) fn get_or_compute<E>(
        &self,
        generation: u64,
        request: &str,
        compute: impl FnOnce() -> Result<Bytes, E>,
    ) -> Result<Bytes, E> {
        let Some(cache) = &self.cache else {
            return compute();
        };
        let key = format!("{generation}\u{1f}{request}");
        if let Some(answer) = cache.get(&key) {
            return Ok(answer);
        }
        let answer = compute()?;
        cache.insert(key, answer.clone());
        Ok(answer)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.cache.as_ref().map_or(0, |c| c.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_answers_per_generation_and_never_keeps_errors() {
        let cache = AnswerCache::new(1 << 20);
        let mut computed = 0;
        let mut ask = |generation, request: &str| {
            cache
                .get_or_compute::<()>(generation, request, || {
                    computed += 1;
                    Ok(Bytes::from(format!("{generation}:{request}")))
                })
                .unwrap()
        };
        assert_eq!(ask(1, "q=redis"), "1:q=redis");
        assert_eq!(ask(1, "q=redis"), "1:q=redis");
        assert_eq!(ask(1, "q=docker"), "1:q=docker");
        // A new generation: computed again, never the old answer.
        assert_eq!(ask(2, "q=redis"), "2:q=redis");
        assert_eq!(computed, 3);

        let failed: Result<Bytes, &str> = cache.get_or_compute(2, "bad", || Err("no"));
        assert!(failed.is_err());
        let ok: Result<Bytes, &str> = cache.get_or_compute(2, "bad", || Ok(Bytes::from("yes")));
        assert_eq!(ok.unwrap(), "yes");
    }

    #[test]
    fn off_computes_every_time_and_bounds_hold() {
        let off = AnswerCache::new(0);
        let mut n = 0;
        for _ in 0..3 {
            off.get_or_compute::<()>(1, "q", || {
                n += 1;
                Ok(Bytes::from_static(b"x"))
            })
            .unwrap();
        }
        assert_eq!(n, 3);
        assert_eq!(off.len(), 0);

        let small = AnswerCache::new(64 * 1024);
        for i in 0..1_000 {
            small
                .get_or_compute::<()>(1, &format!("q={i}"), || Ok(Bytes::from(vec![b'a'; 1024])))
                .unwrap();
        }
        // 64 KiB hold at most 64 answers of 1 KiB.
        assert!(small.len() <= 64, "{}", small.len());
        assert!(small.len() > 0);
    }
}
