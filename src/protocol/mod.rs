//! The decisions of a write, made once for every front end and free of IO and wording:
//! what to send, what a failed answer means (refused, wait and send once more, or find
//! out by reading), and what a save or a create achieved once the server's record is
//! known. The editor drives these through effects, the command line with `.await`;
//! neither repeats a decision.

pub mod answer;
pub mod create;
pub mod delete;
pub mod merge;
pub mod revert;
pub mod save;

pub use answer::{AfterFailure, after_failure};
pub use create::{Keys, created_among};
pub use save::{Settled, Verdict};
