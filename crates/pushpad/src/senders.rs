//! `/senders` (account-level; not paginated). A sender holds a VAPID key pair..

use push_core::{Request, Result};

use crate::client::Client;
use crate::models::{NewSender, Sender, SenderUpdate};

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
        self.client.send_json(Request::get("/senders"), 200).await
    }

    /// Creates a sender. Expects `201 Created`.
    pub async fn create(&self, sender: &NewSender) -> Result<Sender> {
        let req = Request::post("/senders").json_body(Client::body(sender)?);
        self.client.send_json(req, 201).await
    }

    /// One sender.
    pub async fn get(&self, id: u64) -> Result<Sender> {
        self.client
            .send_json(Request::get(format!("/senders/{id}")), 200)
            .await
    }

    /// Changes a sender (PATCH).
    pub async fn update(&self, id: u64, update: &SenderUpdate) -> Result<Sender> {
        let req = Request::patch(format!("/senders/{id}")).json_body(Client::body(update)?);
        self.client.send_json(req, 200).await
    }

    /// Deletes a sender (refused while projects use it). Expects `204 No Content`.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .send(Request::delete(format!("/senders/{id}")), 204)
            .await?;
        Ok(())
    }
}
