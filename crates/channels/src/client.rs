//! The Channels client: the struct, how a request is signed and sent, and how an answer is
//! decoded. The calls live with their types in `events`, `queries`, `users`, `auth` and
//! `webhook`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use push_core::{
    ApiError, Clock, Endpoint, Error, HmacSha256Key, Method, Request, Response, Result, Transport,
};
use serde::de::DeserializeOwned;

use crate::config::ClientBuilder;
use crate::encryption::{MasterKey, NonceSource};
use crate::signing::{PostSigner, signed_query};

/// The value of the `X-Pusher-Library` header.
pub const LIBRARY: &str = concat!("push-rs-channels ", env!("CARGO_PKG_VERSION"));

/// A Pusher Channels client. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> push_channels::Result<()> {
/// let client = push_channels::Client::builder("123456", "app-key", "app-secret")
///     .cluster("eu")
///     .build()?;
/// client.trigger("my-channel", "my-event", &serde_json::json!({"message": "hi"})).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) transport: Transport,
    /// The two trigger URLs, parsed once (the signed query is set per request), and the
    /// signers of their queries.
    pub(crate) events: Endpoint,
    pub(crate) batch_events: Endpoint,
    pub(crate) events_signer: PostSigner,
    pub(crate) batch_events_signer: PostSigner,
    pub(crate) app_id: String,
    pub(crate) key: String,
    pub(crate) secret: HmacSha256Key,
    pub(crate) master_key: Option<MasterKey>,
    pub(crate) max_data_bytes: Option<usize>,
    pub(crate) clock: Clock,
    pub(crate) nonce_source: NonceSource,
    pub(crate) webhook_max_age: Option<Duration>,
    pub(crate) chunk_concurrency: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("app_id", &self.inner.app_id)
            .field("key", &self.inner.key)
            .field("base_url", &self.inner.transport.base_url())
            .field("encryption", &self.inner.master_key.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a [`ClientBuilder`].
    pub fn builder(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> ClientBuilder {
        ClientBuilder::new(app_id, key, secret)
    }

    /// A client from `https://key:secret@host[:port]/apps/{app_id}`.
    ///
    /// # Errors
    /// See [`ClientBuilder::from_url`] and [`ClientBuilder::build`].
    pub fn from_url(url: &str) -> Result<Self> {
        ClientBuilder::from_url(url)?.build()
    }

    /// A client from `PUSHER_URL` or `PUSHER_APP_ID`/`PUSHER_KEY`/`PUSHER_SECRET`/
    /// `PUSHER_CLUSTER`.
    ///
    /// # Errors
    /// See [`ClientBuilder::from_env`] and [`ClientBuilder::build`].
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    /// A client for the app, on the default cluster (`mt1`) with the default settings.
    ///
    /// ```
    /// let client = push_channels::Client::new("123456", "app-key", "app-secret")?;
    /// assert_eq!(client.base_url(), "https://api-mt1.pusher.com");
    /// # Ok::<(), push_channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] as [`ClientBuilder::build`] describes.
    pub fn new(
        app_id: impl Into<String>,
        key: impl Into<String>,
        secret: impl Into<String>,
    ) -> Result<Self> {
        ClientBuilder::new(app_id, key, secret).build()
    }

    pub(crate) fn from_parts(
        builder: ClientBuilder,
        base_url: &str,
        master_key: Option<MasterKey>,
    ) -> Result<Self> {
        // Channels answers errors as plain text (`Invalid signature: ...`): push-core's default
        // parser keeps it as the message.
        let transport = builder
            .options
            .transport(base_url)
            .header("X-Pusher-Library", LIBRARY)
            .build()?;
        let events = transport.endpoint(&format!("/apps/{}/events", builder.app_id))?;
        let batch_events = transport.endpoint(&format!("/apps/{}/batch_events", builder.app_id))?;
        let secret = HmacSha256Key::new(builder.secret.expose().as_bytes());
        let events_signer = PostSigner::new(&builder.key, &secret, events.path())?;
        let batch_events_signer = PostSigner::new(&builder.key, &secret, batch_events.path())?;
        Ok(Self {
            inner: Arc::new(Inner {
                transport,
                events,
                batch_events,
                events_signer,
                batch_events_signer,
                secret,
                clock: builder.options.clock(),
                app_id: builder.app_id,
                key: builder.key,
                master_key,
                max_data_bytes: builder.max_data_bytes,
                nonce_source: builder.nonce_source,
                webhook_max_age: builder.webhook_max_age,
                chunk_concurrency: builder.chunk_concurrency,
            }),
        })
    }

    /// The app id.
    pub fn app_id(&self) -> &str {
        &self.inner.app_id
    }

    /// The app key (public: pusher-js uses it too).
    pub fn key(&self) -> &str {
        &self.inner.key
    }

    /// Where requests go: `scheme://host[:port]`.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base_url()
    }

    /// The signed query string for a request (Pusher's `createSignedQueryString`), for an
    /// endpoint this crate has no method for. `params` are the request's own parameters;
    /// `body` the exact bytes that will be sent (empty for none).
    ///
    /// ```
    /// use push_channels::Method;
    ///
    /// let client = push_channels::Client::builder("3", "278d425bdf160c739803", "7ad3773142a6692b25b8")
    ///     .clock(push_core::Clock::fixed(1353088179))
    ///     .build()?;
    /// let body = br#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;
    /// let query = client.signed_query(Method::Post, "/apps/3/events", &[], body)?;
    /// assert!(query.ends_with("auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"));
    ///
    /// // The signature's own parameters cannot be given twice.
    /// assert!(client.signed_query(Method::Get, "/apps/3/channels", &[("body_md5", "x")], b"").is_err());
    /// # Ok::<(), push_channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] as [`signing::signed_query`](crate::signing::signed_query)
    /// describes: a reserved, repeated or malformed parameter name, or a malformed path.
    pub fn signed_query(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, &str)],
        body: &[u8],
    ) -> Result<String> {
        signed_query(
            &self.inner.key,
            &self.inner.secret,
            method,
            path,
            params,
            body,
            self.inner.clock.unix_seconds(),
        )
    }

    pub(crate) fn master_key(&self) -> Result<&MasterKey> {
        self.inner.master_key.as_ref().ok_or_else(|| {
            Error::config(
                "encrypted channels need an encryption master key (ClientBuilder::encryption_master_key)",
            )
        })
    }

    pub(crate) fn encrypt(&self, channel: &str, data: &str) -> Result<String> {
        let key = self.master_key()?;
        let nonce = self.inner.nonce_source.next()?;
        key.encrypt(channel, data.as_bytes(), nonce)
    }

    /// Signs and sends `request` (a `POST` without a query yet) with `body`.
    pub(crate) async fn post<T: DeserializeOwned>(
        &self,
        request: Request,
        body: Vec<u8>,
    ) -> Result<T> {
        let query = self.signed_query(Method::Post, request.path(), &[], &body)?;
        let request = request.query(query).json_body(body);
        let response = self.inner.transport.send(request).await?;
        decode(&response)
    }

    /// The signed `POST` of `body` to `/apps/{app_id}/events`.
    ///
    /// The trigger paths build their request with this and await the transport's `send` on
    /// it in their own future, then [`decode`] the answer: a request handed to a helper
    /// `async fn` would be held twice, once by each frame, while the request runs.
    pub(crate) fn events_request(&self, body: Vec<u8>) -> Request {
        let inner = &*self.inner;
        signed_post(
            &inner.events,
            &inner.events_signer,
            body,
            inner.clock.unix_seconds(),
        )
    }

    /// The signed `POST` of `body` to `/apps/{app_id}/batch_events` (see
    /// [`events_request`](Self::events_request)).
    pub(crate) fn batch_events_request(&self, body: Vec<u8>) -> Request {
        let inner = &*self.inner;
        let now = inner.clock.unix_seconds();
        signed_post(&inner.batch_events, &inner.batch_events_signer, body, now)
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, &str)],
    ) -> Result<T> {
        let query = self.signed_query(Method::Get, path, params, &[])?;
        let request = Request::new(Method::Get, format!("{path}?{query}"));
        let response = self.inner.transport.send(request).await?;
        decode(&response)
    }
}

/// The POST of `body` to a trigger path, with the query `signer` signs at `now`.
fn signed_post(endpoint: &Endpoint, signer: &PostSigner, body: Vec<u8>, now: u64) -> Request {
    let query = signer.query(&body, now);
    Request::to(Method::Post, endpoint)
        .query(query)
        .json_body(body)
}

/// Some Pusher-protocol servers (soketi) answer a refused request with a 2xx status and a body
/// `{"error": "...", "code": 401}`; report it as the error it is rather than a success.
fn error_in_success(body: &[u8]) -> Option<Error> {
    #[derive(serde::Deserialize)]
    struct Refusal {
        error: String,
        code: u16,
    }
    if !body.windows(7).any(|w| w == b"\"error\"") {
        return None;
    }
    let refusal: Refusal = serde_json::from_slice(body).ok()?;
    (400..600).contains(&refusal.code).then(|| {
        ApiError::new(refusal.code, body)
            .with_message(refusal.error)
            .into()
    })
}

/// Decodes a 2xx answer; an empty body counts as `{}` (the documented answer of a trigger),
/// so an answer that needs fields (`occupied`, `channels`, `users`) fails to decode instead of
/// being invented.
pub(crate) fn decode<T: DeserializeOwned>(response: &Response) -> Result<T> {
    let body = response.body();
    let empty = body.iter().all(u8::is_ascii_whitespace);
    if !empty && let Some(err) = error_in_success(body) {
        return Err(err);
    }
    let json: &[u8] = if empty { b"{}" } else { body };
    serde_json::from_slice(json).map_err(|e| {
        let what = if empty {
            "an empty body"
        } else {
            "a body that is not the expected JSON"
        };
        Error::decode(format!(
            "Channels answered {} with {what}: {e}",
            response.status()
        ))
    })
}
