//! Signed-in users: `send_to_user` (a trigger on `#server-to-user-{id}`) and
//! `POST /apps/{id}/users/{user_id}/terminate_connections`.

use push_core::{Request, Result, path_segment};
use serde::Serialize;

use crate::client::{Client, decode};
use crate::events::{TriggerOptions, TriggerResponse, event_data};
use crate::validate::{self, SERVER_TO_USER_PREFIX};

impl Client {
    /// Sends `event` to every connection of a signed-in user (the channel
    /// `#server-to-user-{user_id}`).
    ///
    /// # Errors
    /// As [`trigger`](Self::trigger); a malformed user id.
    pub async fn send_to_user<T: Serialize + ?Sized>(
        &self,
        user_id: &str,
        event: &str,
        data: &T,
    ) -> Result<TriggerResponse> {
        validate::user_id(user_id)?;
        let channels = [format!("{SERVER_TO_USER_PREFIX}{user_id}")];
        let data = event_data(data)?;
        let body = self.event_body(&channels, event, &data, &TriggerOptions::new())?;
        let response = self.inner.transport.send(self.events_request(body)).await?;
        decode(&response)
    }

    /// Disconnects every connection of a signed-in user.
    ///
    /// # Errors
    /// A malformed user id; [`Error::Api`](crate::Error::Api) when Channels refuses; transport errors.
    pub async fn terminate_user_connections(&self, user_id: &str) -> Result<()> {
        validate::user_id(user_id)?;
        let path = format!(
            "/apps/{}/users/{}/terminate_connections",
            self.inner.app_id,
            path_segment("user_id", user_id)?
        );
        let _: serde_json::Value = self.post(Request::post(path), b"{}".to_vec()).await?;
        Ok(())
    }
}
