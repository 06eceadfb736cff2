//! One contact's delete, as `merge` makes it: sent once, through the protocol's rules
//! for a write; an answer that never came is found out by reading the contact again
//! (a 404 then means deleted), never by deleting again.

use super::edit::clock;
use super::read::{Api, Written};
use crate::api::ApiError;
use crate::protocol::delete::{self, Verdict};
use std::time::Duration;

/// How a delete ended.
#[derive(Debug, Clone)]
pub enum Removal {
    /// Known: from the answer, or (`lost`) from a read after an answer that never
    /// came; `checked_at` is the local time of that read (HH:MM:SS).
    Settled {
        verdict: Verdict,
        lost: Option<ApiError>,
        checked_at: String,
    },
    /// The server did not act (a refusal, a 404, or the request never left).
    Refused(ApiError),
    /// The server asked for a longer pause than is waited out, or asked twice.
    ComeBack {
        error: ApiError,
        after: Option<Duration>,
    },
    /// No usable answer, and the contact could not be read either.
    Unknown { error: ApiError, reread: ApiError },
}

/// `DELETE …/{id}`, then, if its answer was lost, one read of the contact.
pub async fn delete(api: &Api, id: u64) -> Removal {
    let error = match api.write(|| api.delete(id)).await {
        Written::Done(()) => {
            return Removal::Settled {
                verdict: Verdict::Deleted,
                lost: None,
                checked_at: clock(),
            };
        }
        Written::Refused(e) => return Removal::Refused(e),
        Written::ComeBack { error, after } => return Removal::ComeBack { error, after },
        Written::Lost(e) => e,
    };
    let read = api.reread(id).await;
    match (delete::after_reread(id, &read), read) {
        (Some(verdict), _) => Removal::Settled {
            verdict,
            lost: Some(error),
            checked_at: clock(),
        },
        (None, Err(reread)) => Removal::Unknown { error, reread },
        (None, Ok(other)) => Removal::Unknown {
            error,
            reread: ApiError::Decode {
                status: 200,
                reason: format!("the answer is about contact {}, not contact {id}", other.id),
            },
        },
    }
}
