//! Projects: `/projects` (list, create) and `/projects/{id}` (get, update, delete), account
//! level and not paginated, and the types they send and answer.

use push_core::Result;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::client::Client;
use crate::encode::answer_time;
use crate::setters::setter;
use crate::validate;

/// Project calls; get one with [`Client::projects`].
#[derive(Clone, Copy, Debug)]
pub struct Projects<'a> {
    client: &'a Client,
}

impl<'a> Projects<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Every project of the account.
    pub async fn all(&self) -> Result<Vec<Project>> {
        self.client.get("/projects").await
    }

    /// Creates a project. Expects `201 Created`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) naming `notifications_ttl` when it is over 28 days.
    pub async fn create(&self, project: &NewProject) -> Result<Project> {
        project.defaults.validate()?;
        self.client.post("/projects", project).await
    }

    /// One project.
    pub async fn get(&self, id: u64) -> Result<Project> {
        self.client.get(format!("/projects/{id}")).await
    }

    /// Changes a project (PATCH).
    ///
    /// # Errors
    /// As [`Projects::create`].
    pub async fn update(&self, id: u64, update: &ProjectUpdate) -> Result<Project> {
        update.defaults.validate()?;
        self.client.patch(format!("/projects/{id}"), update).await
    }

    /// Deletes a project; the server does it later and answers `202 Accepted`.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.delete(format!("/projects/{id}"), 202).await
    }
}

/// A project as the API returns it. Serialises to the JSON it was read from (every field,
/// `null` for `None`; times as the API writes them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Project {
    /// The project's id.
    pub id: u64,
    /// The sender (VAPID key pair) its notifications are signed with.
    pub sender_id: Option<u64>,
    /// Its name; the default notification title.
    pub name: Option<String>,
    /// Its website; the default notification link.
    pub website: Option<String>,
    /// The default notification icon.
    pub icon_url: Option<String>,
    /// The default notification badge.
    pub badge_url: Option<String>,
    /// The default time to live, in seconds.
    pub notifications_ttl: Option<u64>,
    /// The default `require_interaction`.
    pub notifications_require_interaction: Option<bool>,
    /// The default `silent`.
    pub notifications_silent: Option<bool>,
    /// When it was created.
    #[serde(default, with = "answer_time")]
    pub created_at: Option<OffsetDateTime>,
}

/// The notification defaults a project holds, as a create or an update sends them: unset
/// fields are not sent (the API's defaults apply on create; unchanged on update).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDefaults {
    /// The default notification icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// The default notification badge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_url: Option<String>,
    /// The default time to live (0..=2419200 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_ttl: Option<u32>,
    /// The default `require_interaction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_require_interaction: Option<bool>,
    /// The default `silent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications_silent: Option<bool>,
}

impl ProjectDefaults {
    /// The API's rule: a time to live of at most 28 days.
    fn validate(&self) -> Result<()> {
        validate::project_ttl(self.notifications_ttl)
    }
}

/// The setters of a [`ProjectDefaults`] held as `defaults`, for the types that send one.
macro_rules! defaults_setters {
    () => {
        /// Sets the default notification icon URL.
        #[must_use]
        pub fn icon_url(mut self, url: impl Into<String>) -> Self {
            self.defaults.icon_url = Some(url.into());
            self
        }
        /// Sets the default notification badge URL.
        #[must_use]
        pub fn badge_url(mut self, url: impl Into<String>) -> Self {
            self.defaults.badge_url = Some(url.into());
            self
        }
        /// Sets the default time to live (0..=2419200 s).
        #[must_use]
        pub fn notifications_ttl(mut self, seconds: u32) -> Self {
            self.defaults.notifications_ttl = Some(seconds);
            self
        }
        /// Sets the default `require_interaction`.
        #[must_use]
        pub fn notifications_require_interaction(mut self, on: bool) -> Self {
            self.defaults.notifications_require_interaction = Some(on);
            self
        }
        /// Sets the default `silent`.
        #[must_use]
        pub fn notifications_silent(mut self, on: bool) -> Self {
            self.defaults.notifications_silent = Some(on);
            self
        }
    };
}

/// A project to create.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProject {
    /// The sender its notifications are signed with.
    pub sender_id: u64,
    /// Its name.
    pub name: String,
    /// Its website.
    pub website: String,
    /// Its notification defaults, sent as fields of the project.
    #[serde(flatten)]
    pub defaults: ProjectDefaults,
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
    defaults_setters!();
}

/// Changes to a project (unset fields are unchanged; the sender cannot change).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectUpdate {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// New notification defaults, sent as fields of the project.
    #[serde(flatten)]
    pub defaults: ProjectDefaults,
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
    defaults_setters!();
}
