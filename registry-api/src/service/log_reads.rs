//! Reading the transparency log for others: the RFC 6962 proofs `GET /v1/log/proof/*` serves,
//! and the newest entries the website's log page lists.

use protocol::api::{
    ConsistencyProofResponse, InclusionProofResponse, LogEntrySummary, LogSummary,
};
use protocol::log::hash_to_base64;

use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::log::{self, Log};

/// Fails with 404 when the log is smaller than `size`.
async fn check_size(db: &Db, size: u64) -> Result<()> {
    let have = db::log::size(db).await?;
    if size > have {
        return Err(Error::NotFound(format!(
            "the log has {have} entries, not {size}"
        )));
    }
    Ok(())
}

/// The inclusion proof of leaf `index` in the tree of `size` entries, with the leaf's record.
pub async fn inclusion_proof(db: &Db, index: u64, size: u64) -> Result<InclusionProofResponse> {
    if index >= size {
        return Err(Error::BadRequest(format!(
            "leaf {index} is not in a tree of {size} entries: need index < size"
        )));
    }
    check_size(db, size).await?;
    let entry = db::log::entries(db, index, index + 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(format!("no log entry {index}")))?;
    let proof = log::inclusion(db, index, size).await?;
    Ok(InclusionProofResponse {
        index,
        tree_size: size,
        record: String::from_utf8_lossy(&entry.record).into_owned(),
        proof: proof.iter().map(hash_to_base64).collect(),
    })
}

/// The consistency proof between tree sizes `from` and `to`.
pub async fn consistency_proof(db: &Db, from: u64, to: u64) -> Result<ConsistencyProofResponse> {
    if from == 0 || from > to {
        return Err(Error::BadRequest(format!(
            "no consistency proof from {from} to {to}: need 1 <= from <= to"
        )));
    }
    check_size(db, to).await?;
    let proof = log::consistency(db, from, to).await?;
    Ok(ConsistencyProofResponse {
        from,
        to,
        proof: proof.iter().map(hash_to_base64).collect(),
    })
}

/// The current checkpoint and the newest `entries` entries, newest first.
pub async fn summary(db: &Db, log: &Log, entries: u64) -> Result<LogSummary> {
    let cp = log::checkpoint(db, log).await?;
    let rows = db::log::entries(db, cp.size.saturating_sub(entries), cp.size).await?;
    Ok(LogSummary {
        checkpoint: cp.note,
        tree_size: cp.size,
        entries: rows
            .into_iter()
            .rev()
            .map(|e| LogEntrySummary {
                index: e.idx,
                kind: e.kind,
                record: String::from_utf8_lossy(&e.record).into_owned(),
            })
            .collect(),
    })
}
