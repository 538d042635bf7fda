//! `POST/GET /projects/{id}/notifications`, `GET /notifications/{id}`,
//! `DELETE /notifications/{id}/cancel`.

use futures_util::Stream;
use push_core::{Method, Request, Result};

use crate::client::Client;
use crate::encode::with_query;
use crate::models::{NewNotification, Notification, NotificationCreateResult};
use crate::validate;

/// The path of a project's notifications.
pub(crate) fn path(project: u64) -> String {
    format!("/projects/{project}/notifications")
}

/// Notification calls; get one with [`Client::notifications`].
#[derive(Clone, Copy, Debug)]
pub struct Notifications<'a> {
    client: &'a Client,
    project_id: Option<u64>,
}

impl<'a> Notifications<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self {
            client,
            project_id: None,
        }
    }

    /// Uses this project instead of the client's default for the calls that follow.
    pub fn in_project(mut self, project_id: u64) -> Self {
        self.project_id = Some(project_id);
        self
    }

    /// Sends (or schedules) a notification. Expects `201 Created`.
    pub async fn create(&self, notification: &NewNotification) -> Result<NotificationCreateResult> {
        let project = self.client.resolve_project(self.project_id)?;
        notification.validate()?;
        let body = Client::body(notification)?;
        let inner = &self.client.inner;
        let req = match &inner.notifications {
            Some(endpoint) if inner.project_id == Some(project) => {
                Request::to(Method::Post, endpoint)
            }
            _ => Request::post(path(project)),
        };
        self.client.send_json(req.json_body(body), 201).await
    }

    /// One page (from 1; `None` = the first) of the project's notifications of the last 35 days.
    pub async fn all(&self, page: Option<u32>) -> Result<Vec<Notification>> {
        let project = self.client.resolve_project(self.project_id)?;
        validate::page("page", page)?;
        let pairs: Vec<(&str, String)> =
            page.map(|p| ("page", p.to_string())).into_iter().collect();
        let req = Request::get(with_query(path(project), &pairs));
        self.client.send_json(req, 200).await
    }

    /// Every notification, page after page, as a stream.
    ///
    /// The API documents no page size and no total for notifications, so the walk stops at
    /// the first empty page (one extra request at the end).
    pub fn stream(&self) -> impl Stream<Item = Result<Notification>> + 'a {
        let this = *self;
        crate::subscriptions::walk(move |page| async move {
            this.all(Some(page)).await.map(|v| (v, false))
        })
    }

    /// One notification with its statistics.
    pub async fn get(&self, id: u64) -> Result<Notification> {
        self.client
            .send_json(Request::get(format!("/notifications/{id}")), 200)
            .await
    }

    /// Cancels a scheduled notification. Expects `204 No Content`.
    pub async fn cancel(&self, id: u64) -> Result<()> {
        self.client
            .send(Request::delete(format!("/notifications/{id}/cancel")), 204)
            .await?;
        Ok(())
    }
}
