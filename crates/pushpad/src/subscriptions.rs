//! Subscriptions: `/projects/{id}/subscriptions` (list, count, create) and
//! `/projects/{id}/subscriptions/{id}` (get, update, delete), and the types they send and
//! answer.

use push_core::{Error, Request, Result};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::client::ProjectScope;
use crate::encode::{answer_time, present, with_query};
use crate::pagination::PageStream;
use crate::setters::{setter, strings};
use crate::validate;

/// Subscription calls; get one with [`Client::subscriptions`](crate::Client::subscriptions).
#[derive(Clone, Copy, Debug)]
pub struct Subscriptions<'a> {
    scope: ProjectScope<'a>,
}

impl<'a> Subscriptions<'a> {
    pub(crate) fn new(client: &'a crate::Client) -> Self {
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

    fn base(&self) -> Result<String> {
        Ok(format!("/projects/{}/subscriptions", self.scope.project()?))
    }

    /// One page of subscriptions. Query order on the wire: `page`, `per_page`, `uids[]`, `tags[]`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `uids` or `tags` when the filters would make the request
    /// URL longer than the 65 534 bytes that can be sent (nothing is sent).
    pub async fn all(&self, query: &SubscriptionQuery) -> Result<Vec<Subscription>> {
        let base = self.base()?;
        query.validate()?;
        let mut paging: Vec<(&str, String)> = Vec::new();
        if let Some(p) = query.page {
            paging.push(("page", p.to_string()));
        }
        if let Some(p) = query.per_page {
            paging.push(("per_page", p.to_string()));
        }
        let path = self.filtered(base, paging, query)?;
        self.scope.client().get(path).await
    }

    /// `base` with the query `paging` then the filters, refused when the URL would be too long
    /// to send (naming the list that made it so).
    fn filtered(
        &self,
        base: String,
        mut pairs: Vec<(&'static str, String)>,
        query: &SubscriptionQuery,
    ) -> Result<String> {
        let base_url = self.scope.client().base_url();
        pairs.extend(query.filter_pairs());
        let path = with_query(base.clone(), &pairs);
        if base_url.len() + path.len() > validate::MAX_URL_LEN {
            // Which list pushed it over: the URL with the uids and without the tags.
            let without_tags = with_query(base, &pairs[..pairs.len() - query.tags.len()]);
            validate::url_fits("uids", query.uids.len(), base_url, &without_tags)?;
            validate::url_fits("tags", query.tags.len(), base_url, &path)?;
        }
        Ok(path)
    }

    /// Every matching subscription from `query.page` on (default: the first page), page after
    /// page.
    ///
    /// The walk stops after an empty page, or after a page shorter than `query.per_page`
    /// when a page size was given (the server default of 30 is not relied on).
    pub fn stream(&self, query: SubscriptionQuery) -> PageStream<'a, Subscription> {
        let this = *self;
        PageStream::walk(query.page.unwrap_or(1), move |page| {
            let query = query.clone().page(page);
            async move {
                let items = this.all(&query).await?;
                let last = query
                    .per_page
                    .is_some_and(|size| items.len() < size as usize);
                Ok((items, last))
            }
        })
    }

    /// How many subscriptions match the filters, from `X-Total-Count`.
    ///
    /// Sent as `HEAD` (like the Node, Go, Java and Ruby SDKs): no page body is transferred and
    /// the request is idempotent, so it is safely retried.
    ///
    /// # Errors
    /// As [`Subscriptions::all`] for the filters; [`Error::Decode`] when the answer has no
    /// numeric `X-Total-Count`.
    pub async fn count(&self, query: &SubscriptionQuery) -> Result<u64> {
        let base = self.base()?;
        query.validate()?;
        let path = self.filtered(base, Vec::new(), query)?;
        let resp = self.scope.client().send(Request::head(path), 200).await?;
        let raw = resp
            .header("x-total-count")
            .ok_or_else(|| Error::decode("response has no X-Total-Count header"))?;
        raw.trim()
            .parse::<u64>()
            .map_err(|_| Error::decode(format!("X-Total-Count is not a number: {raw:?}")))
    }

    /// Imports a subscription. Expects `201 Created`.
    pub async fn create(&self, subscription: &NewSubscription) -> Result<Subscription> {
        self.scope.client().post(self.base()?, subscription).await
    }

    /// One subscription.
    pub async fn get(&self, id: u64) -> Result<Subscription> {
        let path = format!("{}/{id}", self.base()?);
        self.scope.client().get(path).await
    }

    /// Changes uid and/or tags (PATCH).
    pub async fn update(&self, id: u64, update: &SubscriptionUpdate) -> Result<Subscription> {
        let path = format!("{}/{id}", self.base()?);
        self.scope.client().patch(path, update).await
    }

    /// Deletes a subscription. Expects `204 No Content`.
    pub async fn delete(&self, id: u64) -> Result<()> {
        let path = format!("{}/{id}", self.base()?);
        self.scope.client().delete(path, 204).await
    }
}

/// A browser subscription as the API returns it. Serialises to the JSON it was read from
/// (every field, `null` for `None`; times as the API writes them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Subscription {
    /// The subscription's id.
    pub id: u64,
    /// The project it belongs to.
    pub project_id: Option<u64>,
    /// The push service URL; it identifies the subscription.
    pub endpoint: Option<String>,
    /// The browser's public key.
    pub p256dh: Option<String>,
    /// The browser's auth secret.
    pub auth: Option<String>,
    /// The user id attached to it.
    pub uid: Option<String>,
    /// Its tags.
    pub tags: Option<Vec<String>>,
    /// The last click on one of its notifications (`None` before the first).
    #[serde(default, with = "answer_time")]
    pub last_click_at: Option<OffsetDateTime>,
    /// When it was created.
    #[serde(default, with = "answer_time")]
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
    #[must_use]
    pub fn uids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.uids = strings(items);
        self
    }
    /// Filters by tags or tag expressions.
    #[must_use]
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
pub struct NewSubscription {
    /// The push service URL.
    pub endpoint: String,
    /// The browser's public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p256dh: Option<String>,
    /// The browser's auth secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    /// The user id to attach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Tags to attach.
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
    #[must_use]
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
        deserialize_with = "present"
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
    #[must_use]
    pub fn uid(mut self, uid: impl Into<String>) -> Self {
        self.uid = Some(Some(uid.into()));
        self
    }
    /// Removes the uid (sends `"uid": null`).
    #[must_use]
    pub fn clear_uid(mut self) -> Self {
        self.uid = Some(None);
        self
    }
    /// Replaces the tags.
    #[must_use]
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, items: I) -> Self {
        self.tags = Some(strings(items));
        self
    }
}
