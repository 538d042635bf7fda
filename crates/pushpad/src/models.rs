//! Request and response models. Response fields the API may omit or send as `null` are
//! `Option`s, so sparse bodies always decode.

use push_core::{Error, Result};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{encode, validate};

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
    /// Sets the link opened on click.
    pub fn target_url(mut self, url: impl Into<String>) -> Self {
        self.target_url = Some(url.into());
        self
    }
    /// Sets the icon URL.
    pub fn icon(mut self, url: impl Into<String>) -> Self {
        self.icon = Some(url.into());
        self
    }
    /// Sets the callback id.
    pub fn action(mut self, name: impl Into<String>) -> Self {
        self.action = Some(name.into());
        self
    }
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
        with = "encode::request_time"
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

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: String) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$name = Some(value.into());
            self
        }
    };
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = Some(value);
            self
        }
    };
}

fn strings<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
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
    pub fn actions(mut self, actions: impl IntoIterator<Item = Action>) -> Self {
        self.actions = Some(actions.into_iter().collect());
        self
    }
    /// Sets the custom metrics.
    pub fn custom_metrics<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.custom_metrics = Some(strings(items));
        self
    }
    /// Targets these user ids.
    pub fn uids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.uids = Some(strings(items));
        self
    }
    /// Targets these tags or tag expressions.
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "encode::answer_time"
    )]
    pub send_at: Option<OffsetDateTime>,
}

/// A notification as the API returns it. Serialising writes every field (`null` for `None`),
/// as the API does, and times as the API writes them (UTC, milliseconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Notification {
    pub id: u64,
    #[serde(default)]
    pub project_id: Option<u64>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub target_url: Option<String>,
    #[serde(default)]
    pub icon_url: Option<String>,
    #[serde(default)]
    pub badge_url: Option<String>,
    #[serde(default)]
    pub image_url: Option<String>,
    #[serde(default)]
    pub ttl: Option<u64>,
    #[serde(default)]
    pub require_interaction: Option<bool>,
    #[serde(default)]
    pub silent: Option<bool>,
    #[serde(default)]
    pub urgent: Option<bool>,
    #[serde(default)]
    pub custom_data: Option<String>,
    #[serde(default)]
    pub actions: Option<Vec<Action>>,
    #[serde(default)]
    pub starred: Option<bool>,
    #[serde(default, with = "encode::answer_time")]
    pub send_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub custom_metrics: Option<Vec<String>>,
    #[serde(default)]
    pub uids: Option<Vec<String>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, with = "encode::answer_time")]
    pub created_at: Option<OffsetDateTime>,
    /// Deliveries that succeeded.
    #[serde(default)]
    pub successfully_sent_count: Option<u64>,
    /// Clicks or opens.
    #[serde(default)]
    pub opened_count: Option<u64>,
    /// Deliveries still queued.
    #[serde(default)]
    pub scheduled_count: Option<u64>,
    /// Delivery has not started (it may still be cancelled).
    #[serde(default)]
    pub scheduled: Option<bool>,
    /// Cancelled by the user or the system.
    #[serde(default)]
    pub cancelled: Option<bool>,
}

/// A browser subscription as the API returns it. Serialises to the JSON it was read from
/// (every field, `null` for `None`; times as the API writes them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Subscription {
    pub id: u64,
    #[serde(default)]
    pub project_id: Option<u64>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub p256dh: Option<String>,
    #[serde(default)]
    pub auth: Option<String>,
    #[serde(default)]
    pub uid: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, with = "encode::answer_time")]
    pub last_click_at: Option<OffsetDateTime>,
    #[serde(default, with = "encode::answer_time")]
    pub created_at: Option<OffsetDateTime>,
}

/// Filters and paging for listing (and counting) subscriptions.
///
/// The filters travel in the request URL, which can be at most 65 534 bytes long: with the
/// default base URL that is roughly 3 000 uids of 10 characters. A longer query is refused as
/// [`Error::InvalidInput`] naming `uids` or `tags`, before anything is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SubscriptionQuery {
    /// Page number, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Page size (server default 30).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
    /// Subscriptions with one of these uids.
    pub uids: Vec<String>,
    /// Subscriptions with one of these tags, or matching these boolean expressions.
    pub tags: Vec<String>,
}

impl SubscriptionQuery {
    /// An empty query (first page, no filters).
    pub fn new() -> Self {
        Self::default()
    }
    setter!(/// Sets the page.
        page: u32);
    setter!(/// Sets the page size.
        per_page: u32);
    /// Filters by uids.
    pub fn uids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.uids = strings(items);
        self
    }
    /// Filters by tags or tag expressions.
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.tags = strings(items);
        self
    }
    pub(crate) fn validate(&self) -> Result<()> {
        validate::page("page", self.page)?;
        validate::page("per_page", self.per_page)
    }
    /// `uids[]` then `tags[]` pairs, in that order.
    pub(crate) fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        pairs.extend(self.uids.iter().map(|u| ("uids[]", u.clone())));
        pairs.extend(self.tags.iter().map(|t| ("tags[]", t.clone())));
        pairs
    }
}

/// A subscription to import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct NewSubscription {
    pub endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p256dh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl NewSubscription {
    /// A subscription with this push endpoint.
    pub fn new(endpoint: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into(),
            ..Self::default()
        }
    }
    setter!(/// Sets the p256dh key.
        p256dh: String);
    setter!(/// Sets the auth secret.
        auth: String);
    setter!(/// Sets the user id.
        uid: String);
    /// Sets the tags.
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.tags = Some(strings(items));
        self
    }
}

/// Changes to a subscription. `uid` has three states: unchanged (not sent), cleared
/// (`null`, via [`SubscriptionUpdate::clear_uid`]) and set; reading JSON keeps them apart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionUpdate {
    /// `None`: unchanged; `Some(None)`: cleared; `Some(Some(uid))`: set.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "encode::present"
    )]
    pub uid: Option<Option<String>>,
    /// Replaces the tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl SubscriptionUpdate {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the uid.
    pub fn uid(mut self, uid: impl Into<String>) -> Self {
        self.uid = Some(Some(uid.into()));
        self
    }
    /// Removes the uid (sends `"uid": null`).
    pub fn clear_uid(mut self) -> Self {
        self.uid = Some(None);
        self
    }
    /// Replaces the tags.
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.tags = Some(strings(items));
        self
    }
}

/// A project as the API returns it. Serialises to the JSON it was read from (every field,
/// `null` for `None`; times as the API writes them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Project {
    pub id: u64,
    #[serde(default)]
    pub sender_id: Option<u64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub icon_url: Option<String>,
    #[serde(default)]
    pub badge_url: Option<String>,
    #[serde(default)]
    pub notifications_ttl: Option<u64>,
    #[serde(default)]
    pub notifications_require_interaction: Option<bool>,
    #[serde(default)]
    pub notifications_silent: Option<bool>,
    #[serde(default, with = "encode::answer_time")]
    pub created_at: Option<OffsetDateTime>,
}

/// A project to create.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct NewProject {
    pub sender_id: u64,
    pub name: String,
    pub website: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_ttl: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_require_interaction: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_silent: Option<bool>,
}

impl NewProject {
    /// The required fields.
    pub fn new(sender_id: u64, name: impl Into<String>, website: impl Into<String>) -> Self {
        Self {
            sender_id,
            name: name.into(),
            website: website.into(),
            ..Self::default()
        }
    }
    setter!(/// Sets the icon URL.
        icon_url: String);
    setter!(/// Sets the badge URL.
        badge_url: String);
    setter!(/// Default TTL (0..=2419200 s).
        notifications_ttl: u32);
    setter!(/// Default `require_interaction`.
        notifications_require_interaction: bool);
    setter!(/// Default `silent`.
        notifications_silent: bool);
    pub(crate) fn validate(&self) -> Result<()> {
        project_ttl(self.notifications_ttl)
    }
}

fn project_ttl(ttl: Option<u32>) -> Result<()> {
    match ttl {
        Some(t) if t > validate::MAX_PROJECT_TTL => Err(Error::invalid_input(
            "notifications_ttl",
            format!("must be at most {}", validate::MAX_PROJECT_TTL),
        )),
        _ => Ok(()),
    }
}

/// Changes to a project (unset fields are unchanged).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ProjectUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_ttl: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_require_interaction: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_silent: Option<bool>,
}

impl ProjectUpdate {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }
    setter!(/// Renames.
        name: String);
    setter!(/// Sets the website.
        website: String);
    setter!(/// Sets the icon URL.
        icon_url: String);
    setter!(/// Sets the badge URL.
        badge_url: String);
    setter!(/// Default TTL (0..=2419200 s).
        notifications_ttl: u32);
    setter!(/// Default `require_interaction`.
        notifications_require_interaction: bool);
    setter!(/// Default `silent`.
        notifications_silent: bool);
    pub(crate) fn validate(&self) -> Result<()> {
        project_ttl(self.notifications_ttl)
    }
}

/// A sender (VAPID key pair). `Debug` does not print the private key; serialising writes the
/// JSON it was read from, private key included (every field, `null` for `None`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
#[allow(missing_docs)]
pub struct Sender {
    pub id: u64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub vapid_private_key: Option<String>,
    #[serde(default)]
    pub vapid_public_key: Option<String>,
    #[serde(default, with = "encode::answer_time")]
    pub created_at: Option<OffsetDateTime>,
}

/// A sender to create; keys are generated unless you import yours. `Debug` does not print
/// the private key.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct NewSender {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vapid_private_key: Option<String>,
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

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("vapid_private_key", &redacted(&self.vapid_private_key))
            .field("vapid_public_key", &self.vapid_public_key)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl std::fmt::Debug for NewSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
    /// New name.
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
