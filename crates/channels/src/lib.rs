//! The Pusher Channels server SDK.
//!
//! Work in progress: this release holds only the local sandbox (feature `sandbox`), a stand-in
//! for the Channels HTTP API that verifies signatures, timestamps and `body_md5` as the service
//! does. The client arrives in a later release.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use push_core::{Error, Result};

#[cfg(feature = "sandbox")]
pub mod sandbox;
