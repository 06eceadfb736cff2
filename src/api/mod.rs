//! The Linq Partner API v2 contacts endpoints: wire model, errors and the HTTP client.

pub mod client;
pub mod error;
pub mod model;
pub mod retry;

pub use client::LinqClient;
pub use error::{Advice, ApiError, ErrorBody};
pub use model::{Contact, ContactOwner, ContactPage, ContactPatch, Pagination, UpdateRequest};
