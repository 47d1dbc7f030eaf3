//! Whether the registry's checkpoint is consistent with the one this client saw before:
//! the same tree, or one tree a prefix of the other (an RFC 6962 consistency proof). Anything
//! else is history rewritten or a split view, and a refusal.
//!
//! The caller fetches the proof ([`ConsistencyCheck::proof_needed`] says which) and remembers
//! the checkpoint [`ConsistencyDecision::remember`] names; the decision is here.

use super::ClientError;
use crate::api::ConsistencyProofResponse;
use crate::log::{LogVerifier, SignedCheckpoint, hash_from_base64, verify_consistency};

/// What consistency checking found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    /// Nothing seen before: this checkpoint is the first.
    First,
    /// The same tree as before.
    Same,
    /// Proven to extend (or be a prefix of) the checkpoint seen before.
    Proven { from: u64, to: u64 },
}

/// The consistency proof to ask the registry for
/// (`GET /v1/log/proof/consistency?from=FROM&to=TO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProofRequest {
    pub from: u64,
    pub to: u64,
}

/// The decision, and the checkpoint (signed note) to remember from now on, if it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyDecision {
    /// `Err` is a refusal, worded for the user ("history rewritten or split view: ...").
    pub outcome: Result<Consistency, String>,
    pub remember: Option<String>,
}

/// A new checkpoint against the one remembered.
#[derive(Debug, Clone)]
pub struct ConsistencyCheck {
    old: Option<SignedCheckpoint>,
    new: SignedCheckpoint,
}

impl ConsistencyCheck {
    /// `remembered` is the signed note seen before (none on first use); it must verify with
    /// the pinned key.
    pub fn new(
        verifier: &LogVerifier,
        remembered: Option<&str>,
        new: &SignedCheckpoint,
    ) -> Result<Self, ClientError> {
        let old = remembered
            .map(|note| verifier.verify_checkpoint(note))
            .transpose()
            .map_err(|e| ClientError::RememberedCheckpoint {
                reason: e.to_string(),
            })?;
        Ok(ConsistencyCheck {
            old,
            new: new.clone(),
        })
    }

    /// The proof the decision needs, if any: the two sizes differ and the smaller is not empty.
    pub fn proof_needed(&self) -> Option<ProofRequest> {
        let old = self.old.as_ref()?;
        let (small, big) = (old.size.min(self.new.size), old.size.max(self.new.size));
        (small != big && small > 0).then_some(ProofRequest {
            from: small,
            to: big,
        })
    }

    /// Decides, with the proof the registry sent for [`proof_needed`](Self::proof_needed)
    /// (`Err` with why there is none when fetching it failed; ignored when none was needed).
    pub fn decide(
        &self,
        proof: Option<Result<&ConsistencyProofResponse, String>>,
    ) -> ConsistencyDecision {
        let new = &self.new;
        let Some(old) = &self.old else {
            return ConsistencyDecision {
                outcome: Ok(Consistency::First),
                remember: Some(new.note.clone()),
            };
        };
        let (small, big) = if old.size <= new.size {
            (old, new)
        } else {
            (new, old)
        };
        let keep = |outcome| ConsistencyDecision {
            outcome,
            remember: None,
        };
        if small.size == big.size {
            return keep(if small.root == big.root {
                Ok(Consistency::Same)
            } else {
                Err(format!(
                    "history rewritten or split view: the registry's checkpoint for tree size {} \
                     has root {}, but this client saw root {} for that size before",
                    new.size,
                    new.root_base64(),
                    old.root_base64()
                ))
            });
        }
        let proven = ConsistencyDecision {
            outcome: Ok(Consistency::Proven {
                from: small.size,
                to: big.size,
            }),
            // Only a larger tree replaces the one remembered.
            remember: (new.size > old.size).then(|| new.note.clone()),
        };
        if small.size == 0 {
            return proven;
        }
        let refused = |why: String| {
            keep(Err(format!(
                "history rewritten or split view: the registry's log (size {}) is not consistent \
                 with the checkpoint this client saw before (size {}): {why}",
                new.size, old.size
            )))
        };
        let resp = match proof {
            Some(Ok(resp)) => resp,
            Some(Err(why)) => return refused(format!("no consistency proof: {why}")),
            None => return refused("no consistency proof: none was fetched".to_string()),
        };
        let hashes = match resp
            .proof
            .iter()
            .map(|h| hash_from_base64(h))
            .collect::<crate::Result<Vec<_>>>()
        {
            Ok(p) => p,
            Err(e) => return refused(e.to_string()),
        };
        match verify_consistency(&hashes, small.size, small.root, big.size, big.root) {
            Ok(()) => proven,
            Err(e) => refused(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::test_log::TestLog;
    use crate::log::LogSigner;

    /// A log of `n` leaves (the key record and `n - 1` releases).
    fn log_of(n: usize) -> TestLog {
        let mut log = TestLog::new();
        for i in 1..n {
            log.publish(&format!("1.0.{i}"));
        }
        log
    }

    fn check(log: &TestLog, old: Option<u64>, new: u64) -> ConsistencyCheck {
        let old = old.map(|s| log.checkpoint(s).note);
        ConsistencyCheck::new(&log.verifier, old.as_deref(), &log.checkpoint(new)).unwrap()
    }

    #[test]
    fn the_first_checkpoint_is_remembered() {
        let log = log_of(3);
        let c = check(&log, None, 3);
        assert_eq!(c.proof_needed(), None);
        let d = c.decide(None);
        assert_eq!(d.outcome, Ok(Consistency::First));
        assert_eq!(d.remember, Some(log.checkpoint(3).note));
    }

    #[test]
    fn the_same_tree_needs_no_proof() {
        let log = log_of(3);
        let c = check(&log, Some(3), 3);
        assert_eq!(c.proof_needed(), None);
        assert_eq!(
            c.decide(None),
            ConsistencyDecision {
                outcome: Ok(Consistency::Same),
                remember: None
            }
        );
    }

    #[test]
    fn a_grown_tree_is_proven_and_remembered() {
        let log = log_of(5);
        let c = check(&log, Some(3), 5);
        assert_eq!(c.proof_needed(), Some(ProofRequest { from: 3, to: 5 }));
        let proof = log.consistency(3, 5);
        let d = c.decide(Some(Ok(&proof)));
        assert_eq!(d.outcome, Ok(Consistency::Proven { from: 3, to: 5 }));
        assert_eq!(d.remember, Some(log.checkpoint(5).note));
    }

    #[test]
    fn an_older_tree_is_proven_but_not_remembered() {
        let log = log_of(5);
        let c = check(&log, Some(5), 3);
        assert_eq!(c.proof_needed(), Some(ProofRequest { from: 3, to: 5 }));
        let d = c.decide(Some(Ok(&log.consistency(3, 5))));
        assert_eq!(d.outcome, Ok(Consistency::Proven { from: 3, to: 5 }));
        assert_eq!(d.remember, None);
    }

    #[test]
    fn a_rewritten_history_is_refused() {
        let log = log_of(5);
        // Another log with the same signer: same size, other leaves.
        let mut other = TestLog {
            leaves: Vec::new(),
            ..log_of(1)
        };
        other.signer = LogSigner::from_key_file(&log.signer.to_key_file(), None).unwrap();
        other.verifier = log.verifier.clone();
        for v in ["9.0.0", "9.0.1", "9.0.2", "9.0.3", "9.0.4"] {
            other.publish(v);
        }
        let forked = other.checkpoint(5);
        let old = log.checkpoint(5).note;
        let c = ConsistencyCheck::new(&log.verifier, Some(&old), &forked).unwrap();
        let d = c.decide(None);
        let refusal = d.outcome.unwrap_err();
        assert!(
            refusal.starts_with("history rewritten or split view"),
            "{refusal}"
        );
        assert!(refusal.contains("for tree size 5"), "{refusal}");
        assert_eq!(d.remember, None);

        // A grown fork: its proof against the old tree does not verify.
        other.publish("9.0.5");
        let forked = other.checkpoint(6);
        let c = ConsistencyCheck::new(&log.verifier, Some(&old), &forked).unwrap();
        let d = c.decide(Some(Ok(&other.consistency(5, 6))));
        let refusal = d.outcome.unwrap_err();
        assert!(
            refusal.contains("is not consistent with the checkpoint"),
            "{refusal}"
        );
        // No proof at all is a refusal too.
        let d = c.decide(Some(Err("404 Not Found".into())));
        assert!(
            d.outcome
                .unwrap_err()
                .ends_with("no consistency proof: 404 Not Found")
        );
        assert!(c.decide(None).outcome.is_err());
    }

    #[test]
    fn a_remembered_checkpoint_of_another_key_is_an_error() {
        let log = log_of(2);
        let other = log_of(2);
        let err = ConsistencyCheck::new(
            &log.verifier,
            Some(&other.checkpoint(2).note),
            &log.checkpoint(2),
        )
        .unwrap_err();
        assert!(
            matches!(err, ClientError::RememberedCheckpoint { .. }),
            "{err:?}"
        );
    }
}
