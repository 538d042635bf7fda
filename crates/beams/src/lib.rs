#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The client: its configuration, then the struct with its send and decode path.
mod client;
mod config;

// One module per API area, each holding its calls and its types.
mod payload;
mod publish;
mod token;
mod users;
mod webhook;

// What is checked before anything is sent.
mod validate;

#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;

pub use client::Client;
pub use config::{ClientBuilder, ENV_INSTANCE_ID, ENV_SECRET_KEY, ENV_WEBHOOK_SECRET};
pub use payload::{Apns, Fcm, PublishRequest, Web};
pub use publish::{MAX_INTERESTS_BODY, MAX_USERS_BODY};
pub use push_core::{
    ApiError, ChunkResult, Clock, Covered, Error, HttpClient, Result, RetryPolicy, Secret, Sleeper,
};
pub use token::Token;
pub use validate::{MAX_ID_LEN, MAX_INTERESTS, MAX_USERS};
pub use webhook::{
    PublishToUsersAttempt, UserNotification, WebhookEvent, WebhookEventKind, validate_webhook,
};
