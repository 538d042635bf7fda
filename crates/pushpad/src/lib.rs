#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Configuring and holding a client.
mod client;
mod config;

// One module per API area: its calls and its types.
mod notifications;
mod projects;
mod senders;
mod subscriptions;

// What the areas share.
mod encode;
mod pagination;
mod setters;
mod validate;

#[cfg(feature = "sandbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "sandbox")))]
pub mod sandbox;

pub use client::{Client, parse_error};
pub use config::{ClientBuilder, DEFAULT_BASE_URL, ENV_AUTH_TOKEN, ENV_PROJECT_ID};
pub use notifications::{
    Action, NewNotification, Notification, NotificationCreateResult, NotificationQuery,
    Notifications,
};
pub use pagination::PageStream;
pub use projects::{NewProject, Project, ProjectDefaults, ProjectUpdate, Projects};
pub use push_core::{ApiError, Clock, Error, HttpClient, Result, RetryPolicy, Secret, Sleeper};
pub use senders::{NewSender, Sender, SenderUpdate, Senders};
pub use subscriptions::{
    NewSubscription, Subscription, SubscriptionQuery, SubscriptionUpdate, Subscriptions,
};
pub use time::OffsetDateTime;
