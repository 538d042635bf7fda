//! `/projects/{id}/subscriptions`.

use push_core::{Error, Request, Result};

use crate::client::Client;
use crate::encode::with_query;
use crate::models::{NewSubscription, Subscription, SubscriptionQuery, SubscriptionUpdate};
use crate::pagination::PageStream;
use crate::validate;

/// Subscription calls; get one with [`Client::subscriptions`].
#[derive(Clone, Copy, Debug)]
pub struct Subscriptions<'a> {
    client: &'a Client,
    project_id: Option<u64>,
}

impl<'a> Subscriptions<'a> {
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

    fn base(&self) -> Result<String> {
        Ok(format!(
            "/projects/{}/subscriptions",
            self.client.resolve_project(self.project_id)?
        ))
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
        self.client.send_json(Request::get(path), 200).await
    }

    /// `base` with the query `paging` then the filters, refused when the URL would be too long
    /// to send (naming the list that made it so).
    fn filtered(
        &self,
        base: String,
        mut pairs: Vec<(&'static str, String)>,
        query: &SubscriptionQuery,
    ) -> Result<String> {
        let base_url = self.client.inner.transport.base_url();
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
    /// As [`Subscriptions::all`] for the filters.
    pub async fn count(&self, query: &SubscriptionQuery) -> Result<u64> {
        let base = self.base()?;
        query.validate()?;
        let path = self.filtered(base, Vec::new(), query)?;
        let resp = self.client.send(Request::head(path), 200).await?;
        let raw = resp
            .header("x-total-count")
            .ok_or_else(|| Error::decode("response has no X-Total-Count header"))?;
        raw.trim()
            .parse::<u64>()
            .map_err(|_| Error::decode(format!("X-Total-Count is not a number: {raw:?}")))
    }

    /// Imports a subscription. Expects `201 Created`.
    pub async fn create(&self, subscription: &NewSubscription) -> Result<Subscription> {
        let base = self.base()?;
        let req = Request::post(base).json_body(Client::body(subscription)?);
        self.client.send_json(req, 201).await
    }

    /// One subscription.
    pub async fn get(&self, id: u64) -> Result<Subscription> {
        let base = self.base()?;
        self.client
            .send_json(Request::get(format!("{base}/{id}")), 200)
            .await
    }

    /// Changes uid and/or tags (PATCH).
    pub async fn update(&self, id: u64, update: &SubscriptionUpdate) -> Result<Subscription> {
        let base = self.base()?;
        let req = Request::patch(format!("{base}/{id}")).json_body(Client::body(update)?);
        self.client.send_json(req, 200).await
    }

    /// Deletes a subscription. Expects `204 No Content`.
    pub async fn delete(&self, id: u64) -> Result<()> {
        let base = self.base()?;
        self.client
            .send(Request::delete(format!("{base}/{id}")), 204)
            .await?;
        Ok(())
    }
}
