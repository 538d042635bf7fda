//! Notifications: `POST` and `GET /projects/{id}/notifications`, `GET /notifications/{id}`,
//! `DELETE /notifications/{id}/cancel`, and the types they send and answer.

use push_core::{Error, Method, Request, Result};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::client::{Client, ProjectScope};
use crate::encode::{self, answer_time, request_time, with_query};
use crate::pagination::PageStream;
use crate::setters::{setter, strings};
use crate::validate;

/// The path of a project's notifications.
pub(crate) fn path(project: u64) -> String {
    format!("/projects/{project}/notifications")
}

/// Notification calls; get one with [`Client::notifications`].
#[derive(Clone, Copy, Debug)]
pub struct Notifications<'a> {
    scope: ProjectScope<'a>,
}

impl<'a> Notifications<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self {
            scope: ProjectScope::new(client),
        }
    }

    /// Uses this project instead of the client's default for the calls that follow.
    #[must_use]
    pub fn in_project(self, project_id: u64) -> Self {
        Self {
            scope: self.scope.with(project_id),
        }
    }

    /// Sends (or schedules) a notification. Expects `201 Created`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field for what Pushpad documents as invalid (see the
    /// crate docs), with nothing sent.
    pub async fn create(&self, notification: &NewNotification) -> Result<NotificationCreateResult> {
        let project = self.scope.project()?;
        notification.validate()?;
        let client = self.scope.client();
        let body = Client::body(notification)?;
        let request = match client.default_notifications(project) {
            Some(endpoint) => Request::to(Method::Post, endpoint),
            None => Request::post(path(project)),
        };
        client.send_json(request.json_body(body), 201).await
    }

    /// One page of the project's notifications of the last 35 days, newest first
    /// (`query.page` from 1; unset, the first).
    pub async fn all(&self, query: &NotificationQuery) -> Result<Vec<Notification>> {
        let project = self.scope.project()?;
        query.validate()?;
        let pairs: Vec<(&str, String)> = query
            .page
            .map(|page| ("page", page.to_string()))
            .into_iter()
            .collect();
        self.scope
            .client()
            .get(with_query(path(project), &pairs))
            .await
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
        self.scope
            .client()
            .get(format!("/notifications/{id}"))
            .await
    }

    /// Cancels a scheduled notification. Expects `204 No Content`.
    pub async fn cancel(&self, id: u64) -> Result<()> {
        self.scope
            .client()
            .delete(format!("/notifications/{id}/cancel"), 204)
            .await
    }
}

/// Which page of notifications to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotificationQuery {
    /// Page number, from 1 (the API's default is 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

impl NotificationQuery {
    /// The first page.
    pub fn new() -> Self {
        Self::default()
    }
    setter!(/// Sets the page (from 1).
        page: u32);

    pub(crate) fn validate(&self) -> Result<()> {
        validate::page("page", self.page)
    }
}

/// An action button on a notification.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// The button label.
    #[serde(default)]
    pub title: String,
    /// Opened when the button is clicked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    /// Button icon URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// An id for a JavaScript callback; word characters only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

impl Action {
    /// A button with a label.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            ..Self::default()
        }
    }
    setter!(/// Sets the link opened on click.
        target_url: String);
    setter!(/// Sets the icon URL.
        icon: String);
    setter!(/// Sets the callback id.
        action: String);
}

/// A notification to create. Only `body` is required; unset fields are not sent, so the
/// project's defaults apply.
///
/// `uids` and `tags` have distinct "not set" (everyone) and "empty list" (nobody) states.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewNotification {
    /// The main text.
    pub body: String,
    /// Title (default: the project name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Opened on click (default: the project website).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    /// Icon URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// Badge URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_url: Option<String>,
    /// Large image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Seconds to keep the notification for an offline device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
    /// Keep the notification open until the user acts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_interaction: Option<bool>,
    /// No sound or vibration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silent: Option<bool>,
    /// Time-sensitive: wake sleeping devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent: Option<bool>,
    /// A string passed to action callbacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_data: Option<String>,
    /// Bookmark in the dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starred: Option<bool>,
    /// Schedule (sent as RFC 3339 in UTC; the server allows at most 5 days ahead).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "request_time"
    )]
    pub send_at: Option<OffsetDateTime>,
    /// Action buttons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<Action>>,
    /// Up to 3 metric names (created in the project settings first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_metrics: Option<Vec<String>>,
    /// Target these user ids only (`Some(vec![])` sends to nobody).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uids: Option<Vec<String>>,
    /// Target these tags or boolean expressions like `"(a && b) || !c"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl NewNotification {
    /// A notification with this body.
    pub fn new(body: impl Into<String>) -> Self {
        Self {
            body: body.into(),
            ..Self::default()
        }
    }
    setter!(/// Sets the title.
        title: String);
    setter!(/// Sets the click URL.
        target_url: String);
    setter!(/// Sets the icon URL.
        icon_url: String);
    setter!(/// Sets the badge URL.
        badge_url: String);
    setter!(/// Sets the image URL.
        image_url: String);
    setter!(/// Sets the time to live in seconds.
        ttl: u32);
    setter!(/// Sets `require_interaction`.
        require_interaction: bool);
    setter!(/// Sets `silent`.
        silent: bool);
    setter!(/// Sets `urgent`.
        urgent: bool);
    setter!(/// Sets the custom data string.
        custom_data: String);
    setter!(/// Sets `starred`.
        starred: bool);
    setter!(/// Schedules the notification (sent in UTC).
        send_at: OffsetDateTime);
    /// Sets the action buttons.
    #[must_use]
    pub fn actions(mut self, actions: impl IntoIterator<Item = Action>) -> Self {
        self.actions = Some(actions.into_iter().collect());
        self
    }
    /// Sets the custom metrics.
    #[must_use]
    pub fn custom_metrics<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.custom_metrics = Some(strings(items));
        self
    }
    /// Targets these user ids.
    #[must_use]
    pub fn uids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.uids = Some(strings(items));
        self
    }
    /// Targets these tags or tag expressions.
    #[must_use]
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.tags = Some(strings(items));
        self
    }

    /// The rules Pushpad documents for a notification (action ids of word characters, at
    /// most 3 custom metrics), and a `send_at` that ISO 8601 in UTC can write. Everything
    /// else (blank texts included) is the server's to judge.
    pub(crate) fn validate(&self) -> Result<()> {
        for (i, a) in self.actions.iter().flatten().enumerate() {
            if let Some(name) = &a.action {
                validate::action_name(format!("actions[{i}].action"), name)?;
            }
        }
        if let Some(metrics) = &self.custom_metrics
            && metrics.len() > validate::MAX_CUSTOM_METRICS
        {
            return Err(Error::invalid_input(
                "custom_metrics",
                format!(
                    "at most {} metrics per notification, got {}",
                    validate::MAX_CUSTOM_METRICS,
                    metrics.len()
                ),
            ));
        }
        if self.send_at.is_some_and(|at| encode::in_utc(at).is_none()) {
            return Err(Error::invalid_input(
                "send_at",
                "must be a time between the years 0 and 9999 in UTC",
            ));
        }
        Ok(())
    }
}

/// The answer to a create call. Serialises to the JSON it was read from: the fields the
/// answer left out stay out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NotificationCreateResult {
    /// The new notification's id.
    pub id: u64,
    /// Devices it will be delivered to (absent for scheduled notifications).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<u64>,
    /// Which of the requested uids are subscribed (only when uids were given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uids: Option<Vec<String>>,
    /// When it will be sent (scheduled notifications only).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "answer_time")]
    pub send_at: Option<OffsetDateTime>,
}

/// A notification as the API returns it. Fields the API may omit or send as `null` are
/// `Option`s, so sparse bodies decode; serialising writes every field (`null` for `None`),
/// as the API does, and times as the API writes them (UTC, milliseconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Notification {
    /// The notification's id.
    pub id: u64,
    /// The project it belongs to.
    pub project_id: Option<u64>,
    /// Title.
    pub title: Option<String>,
    /// The main text.
    pub body: Option<String>,
    /// Opened on click.
    pub target_url: Option<String>,
    /// Icon URL.
    pub icon_url: Option<String>,
    /// Badge URL.
    pub badge_url: Option<String>,
    /// Large image URL.
    pub image_url: Option<String>,
    /// Seconds kept for an offline device.
    pub ttl: Option<u64>,
    /// Stays open until the user acts.
    pub require_interaction: Option<bool>,
    /// No sound or vibration.
    pub silent: Option<bool>,
    /// Time-sensitive.
    pub urgent: Option<bool>,
    /// The string passed to action callbacks.
    pub custom_data: Option<String>,
    /// Action buttons.
    pub actions: Option<Vec<Action>>,
    /// Bookmarked in the dashboard.
    pub starred: Option<bool>,
    /// When it is (or was) scheduled for.
    #[serde(default, with = "answer_time")]
    pub send_at: Option<OffsetDateTime>,
    /// Metric names.
    pub custom_metrics: Option<Vec<String>>,
    /// The user ids it targets.
    pub uids: Option<Vec<String>>,
    /// The tags or tag expressions it targets.
    pub tags: Option<Vec<String>>,
    /// When it was created.
    #[serde(default, with = "answer_time")]
    pub created_at: Option<OffsetDateTime>,
    /// Deliveries that succeeded.
    pub successfully_sent_count: Option<u64>,
    /// Clicks or opens.
    pub opened_count: Option<u64>,
    /// Deliveries still queued.
    pub scheduled_count: Option<u64>,
    /// Delivery has not started (it may still be cancelled).
    pub scheduled: Option<bool>,
    /// Cancelled by the user or the system.
    pub cancelled: Option<bool>,
}
