#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod client;
mod payload;
mod token;
mod validate;
mod webhook;

#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use client::{ChunkResult, Client, ClientBuilder, Clock, MAX_INTERESTS_BODY, MAX_USERS_BODY};
pub use payload::{Apns, Fcm, PublishRequest, Web};
pub use push_core::{ApiError, Error, Result, RetryPolicy, Secret};
pub use token::Token;
pub use validate::{MAX_ID_LEN, MAX_INTERESTS, MAX_USERS};
pub use webhook::{
    PublishToUsersAttempt, UserNotification, WebhookEvent, WebhookEventKind, validate_webhook,
};
