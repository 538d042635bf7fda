#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod clock;
mod error;
mod retry;
mod secret;
mod signing;
mod transport;

#[cfg(feature = "sandbox")]
pub mod faults;
#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use clock::Clock;
pub use error::{ApiError, BoxError, Error, Result};
pub use retry::{Decision, Outcome, RetryPolicy, Sleeper, classify, parse_retry_after};
pub use secret::Secret;
pub use signing::{HmacSha256Key, constant_time_eq, hmac_sha256_hex, md5_hex};
pub use transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Endpoint, ErrorParser, HttpClient, MAX_RESPONSE_BODY,
    Method, Request, Response, Transport, TransportBuilder, USER_AGENT, default_error_parser,
};
