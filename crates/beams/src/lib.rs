//! Placeholder: the beams crate is built in its own issue.
#![deny(missing_docs)]

pub use push_core::{Error, Result};
