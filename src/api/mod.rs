//! The Linq Partner API v2 contacts endpoints: wire model, error bodies, errors and the
//! HTTP client.

pub mod client;
pub mod error;
pub mod error_body;
pub mod model;
pub mod retry;

pub use client::LinqClient;
pub use error::{Advice, ApiError};
pub use error_body::ErrorBody;
pub use model::{Contact, ContactOwner, ContactPage, ContactPatch, Pagination, UpdateRequest};
