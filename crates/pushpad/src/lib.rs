#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod config;
mod encode;
mod models;
mod notifications;
mod pagination;
mod projects;
mod senders;
mod subscriptions;
mod validate;

#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use client::{Client, parse_error};
pub use config::{ClientBuilder, DEFAULT_BASE_URL, ENV_AUTH_TOKEN, ENV_PROJECT_ID};
pub use models::{
    Action, NewNotification, NewProject, NewSender, NewSubscription, Notification,
    NotificationCreateResult, NotificationQuery, Project, ProjectUpdate, Sender, SenderUpdate,
    Subscription, SubscriptionQuery, SubscriptionUpdate,
};
pub use notifications::Notifications;
pub use pagination::PageStream;
pub use projects::Projects;
pub use push_core::{ApiError, Clock, Error, HttpClient, Result, RetryPolicy, Secret, Sleeper};
pub use senders::Senders;
pub use subscriptions::Subscriptions;
pub use time::OffsetDateTime;
