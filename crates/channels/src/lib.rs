#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Configuration and the client itself.
mod client;
mod config;

// One module per API area: its calls and its types.
mod auth;
mod events;
mod fanout;
mod queries;
mod users;
mod webhook;

// What the areas share.
mod encryption;
mod json;
pub mod signing;
mod text;
pub mod validate;

#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;

pub use auth::{AuthRequest, ChannelAuth, PresenceMember, UserAuth, UserAuthRequest, UserData};
pub use client::{Client, LIBRARY};
pub use config::{ClientBuilder, DEFAULT_CHUNK_CONCURRENCY, DEFAULT_CLUSTER};
pub use encryption::{MasterKey, NONCE_LEN, NonceSource};
pub use events::{
    Attribute, BatchEvent, BatchResponse, ChannelAttributes, IntoChannels, TriggerOptions,
    TriggerResponse, event_data,
};
pub use push_core::{
    ApiError, ChunkResult, Clock, Covered, Error, HttpClient, Method, Result, RetryPolicy, Secret,
    Sleeper,
};
pub use queries::{CachedEvent, ChannelInfo, ChannelsInfo, PresenceUser, UsersInfo};
pub use webhook::{Webhook, WebhookEvent};
