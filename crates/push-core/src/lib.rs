#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod chunk;
mod clock;
mod error;
mod options;
mod request;
mod response;
mod retry;
mod retry_loop;
mod secret;
mod signing;
mod transport;
mod url;

#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;

// What a user of a provider crate touches.
pub use builder::HttpClient;
pub use chunk::{ChunkResult, Covered};
pub use clock::Clock;
pub use error::{ApiError, BoxError, Error, Result};
pub use request::Method;
pub use retry::{RetryPolicy, Sleeper};
pub use secret::Secret;

// Plumbing the provider crates share: not part of the documented API, no stability promise.
#[doc(hidden)]
pub use builder::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, TransportBuilder, USER_AGENT};
#[doc(hidden)]
pub use options::ClientOptions;
#[doc(hidden)]
pub use request::Request;
#[doc(hidden)]
pub use response::{ErrorParser, MAX_RESPONSE_BODY, Response, default_error_parser};
#[doc(hidden)]
pub use retry::{Decision, Outcome, classify, parse_retry_after};
#[doc(hidden)]
pub use signing::{HmacSha256Key, constant_time_eq, hmac_sha256_hex, md5_hex};
#[doc(hidden)]
pub use transport::Transport;
#[doc(hidden)]
pub use url::{Endpoint, path_segment, redacted_url};
