//! `POST/GET /projects/{id}/notifications`, `GET /notifications/{id}`,
//! `DELETE /notifications/{id}/cancel`.

use push_core::{Method, Request, Result};

use crate::client::Client;
use crate::encode::with_query;
use crate::models::{NewNotification, Notification, NotificationCreateResult, NotificationQuery};
use crate::pagination::PageStream;

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

    /// One page of the project's notifications of the last 35 days, newest first
    /// (`query.page` from 1; unset, the first).
    pub async fn all(&self, query: &NotificationQuery) -> Result<Vec<Notification>> {
        let project = self.client.resolve_project(self.project_id)?;
        query.validate()?;
        let pairs: Vec<(&str, String)> = query
            .page
            .map(|page| ("page", page.to_string()))
            .into_iter()
            .collect();
        let req = Request::get(with_query(path(project), &pairs));
        self.client.send_json(req, 200).await
    }

    /// Every notification from `query.page` on (default: the first page), page after page.
    ///
    /// The API documents no page size and no total for notifications, so the walk stops at
    /// the first empty page (one request more than there are pages).
    pub fn stream(&self, query: NotificationQuery) -> PageStream<'a, Notification> {
        let this = *self;
        PageStream::walk(query.page.unwrap_or(1), move |page| {
            let query = query.clone().page(page);
            async move { Ok((this.all(&query).await?, false)) }
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
