//! Senders: `/senders` (list, create) and `/senders/{id}` (get, update, delete), account level
//! and not paginated, and the types they send and answer. A sender holds a VAPID key pair.

use std::fmt;

use push_core::Result;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::client::Client;
use crate::encode::answer_time;
use crate::setters::setter;

/// Sender calls; get one with [`Client::senders`].
#[derive(Clone, Copy, Debug)]
pub struct Senders<'a> {
    client: &'a Client,
}

impl<'a> Senders<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Every sender of the account.
    pub async fn all(&self) -> Result<Vec<Sender>> {
        self.client.get("/senders").await
    }

    /// Creates a sender; Pushpad generates its keys unless the request imports a pair.
    /// Expects `201 Created`.
    pub async fn create(&self, sender: &NewSender) -> Result<Sender> {
        self.client.post("/senders", sender).await
    }

    /// One sender, private key included.
    pub async fn get(&self, id: u64) -> Result<Sender> {
        self.client.get(format!("/senders/{id}")).await
    }

    /// Renames a sender (PATCH; its keys cannot change).
    pub async fn update(&self, id: u64, update: &SenderUpdate) -> Result<Sender> {
        self.client.patch(format!("/senders/{id}"), update).await
    }

    /// Deletes a sender, which the API refuses while projects use it. Expects
    /// `204 No Content`.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.delete(format!("/senders/{id}"), 204).await
    }
}

/// A sender as the API returns it. `Debug` does not print the private key; serialising writes
/// the JSON it was read from, private key included (every field, `null` for `None`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Sender {
    /// The sender's id.
    pub id: u64,
    /// Its name.
    pub name: Option<String>,
    /// The VAPID private key (PEM).
    pub vapid_private_key: Option<String>,
    /// The VAPID public key (PEM).
    pub vapid_public_key: Option<String>,
    /// When it was created.
    #[serde(default, with = "answer_time")]
    pub created_at: Option<OffsetDateTime>,
}

/// A sender to create; keys are generated unless you import yours. `Debug` does not print
/// the private key.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSender {
    /// Its name.
    pub name: String,
    /// A VAPID private key to import (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vapid_private_key: Option<String>,
    /// The matching VAPID public key (PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vapid_public_key: Option<String>,
}

impl NewSender {
    /// A sender with this name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
    /// Imports an existing key pair (PEM).
    #[must_use]
    pub fn vapid_keys(
        mut self,
        private_pem: impl Into<String>,
        public_pem: impl Into<String>,
    ) -> Self {
        self.vapid_private_key = Some(private_pem.into());
        self.vapid_public_key = Some(public_pem.into());
        self
    }
}

/// What `Debug` shows of a VAPID private key.
fn redacted(key: &Option<String>) -> Option<&'static str> {
    key.as_ref().map(|_| "[redacted]")
}

impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("vapid_private_key", &redacted(&self.vapid_private_key))
            .field("vapid_public_key", &self.vapid_public_key)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl fmt::Debug for NewSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSender")
            .field("name", &self.name)
            .field("vapid_private_key", &redacted(&self.vapid_private_key))
            .field("vapid_public_key", &self.vapid_public_key)
            .finish()
    }
}

/// Changes to a sender.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderUpdate {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl SenderUpdate {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    setter!(/// Renames.
        name: String);
}
