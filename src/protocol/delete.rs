//! The decisions of a delete. The API cannot undo one, so a delete is sent once: a 429
//! is honoured as for any write (the server did not act), and after any answer that
//! may follow a delete done (a timeout, a 5xx, a cut connection) the contact is read
//! again, never deleted again: a 404 then means it is gone. The journal keeps the whole
//! record, the only way back (a new contact with the same values, under a new id).

use crate::api::{ApiError, Contact};

/// What became of a delete, once known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The server answered 2xx.
    Deleted,
    /// The answer was lost, and reading the contact again finds none: deleted.
    DeletedAsRead,
    /// The answer was lost, and the contact is still there: not deleted as of that read.
    StillThere,
}

impl Verdict {
    pub fn is_deleted(self) -> bool {
        !matches!(self, Verdict::StillThere)
    }
}

/// The verdict of the read made after a lost answer to `DELETE …/{id}`; `None` when
/// that read failed in another way than "not found" (or answered about another
/// contact), so the outcome is still unknown.
pub fn after_reread(id: u64, read: &Result<Contact, ApiError>) -> Option<Verdict> {
    match read {
        Ok(contact) if contact.id == id => Some(Verdict::StillThere),
        Ok(_) => None,
        Err(e) if e.is_not_found() => Some(Verdict::DeletedAsRead),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::http_error;

    #[test]
    fn a_404_after_a_lost_answer_means_deleted_and_a_record_means_not() {
        let still = Contact {
            id: 7,
            ..Contact::default()
        };
        assert_eq!(
            after_reread(7, &Ok(still.clone())),
            Some(Verdict::StillThere)
        );
        assert_eq!(
            after_reread(7, &Err(http_error(404, None))),
            Some(Verdict::DeletedAsRead)
        );
        assert_eq!(
            after_reread(8, &Ok(still)),
            None,
            "another contact's record"
        );
        assert_eq!(after_reread(7, &Err(http_error(500, None))), None);
        assert!(Verdict::DeletedAsRead.is_deleted());
        assert!(!Verdict::StillThere.is_deleted());
    }
}
