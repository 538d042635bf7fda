#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod client;
mod config;
mod encryption;
mod events;
mod queries;
pub mod signing;
mod text;
mod users;
pub mod validate;
mod webhook;

#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;

pub use auth::{AuthRequest, ChannelAuth, PresenceMember, UserAuth, UserAuthRequest, UserData};
pub use client::{Client, LIBRARY};
pub use config::{ClientBuilder, DEFAULT_CLUSTER};
pub use encryption::{MasterKey, NONCE_LEN, NonceSource};
pub use events::{
    Attribute, BatchEvent, BatchResponse, ChannelAttributes, IntoChannels, TriggerOptions,
    TriggerResponse, event_data,
};
pub use push_core::{ApiError, Clock, Error, Method, Result, RetryPolicy};
pub use queries::{CachedEvent, ChannelInfo, ChannelsInfo, PresenceUser, UsersInfo};
pub use webhook::{Webhook, WebhookEvent};
