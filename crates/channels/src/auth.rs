//! Authorization of private, presence and encrypted channel subscriptions, and user
//! sign-in: the JSON an auth endpoint returns to pusher-js.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use push_core::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::signing::auth_string;
use crate::validate::{self, PRESENCE_PREFIX, PRIVATE_PREFIX};

impl Client {
    /// Authorizes a connection to subscribe to a private, presence or private-encrypted
    /// channel. Presence channels need `member`; the others must not have one.
    ///
    /// ```
    /// use push_channels::PresenceMember;
    ///
    /// let client = push_channels::Client::builder("1", "278d425bdf160c739803", "7ad3773142a6692b25b8").build()?;
    /// let auth = client.authorize_channel("1234.1234", "private-foobar", None)?;
    /// assert_eq!(auth.auth, "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");
    ///
    /// let member = PresenceMember::new("user-1").user_info(&serde_json::json!({"name": "Alice"}))?;
    /// let auth = client.authorize_channel("1234.1234", "presence-room", Some(&member))?;
    /// assert_eq!(auth.channel_data.as_deref(), Some(r#"{"user_id":"user-1","user_info":{"name":"Alice"}}"#));
    /// # Ok::<(), push_channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed socket id or channel, a public channel, a
    /// presence channel without member (or another with one), an empty user id;
    /// [`Error::Config`] for an encrypted channel when no master key is configured.
    pub fn authorize_channel(
        &self,
        socket_id: &str,
        channel: &str,
        member: Option<&PresenceMember>,
    ) -> Result<ChannelAuth> {
        validate::socket_id(socket_id)?;
        validate::channel_name(channel)?;
        let inner = &*self.inner;
        let is_presence = channel.starts_with(PRESENCE_PREFIX);
        if !is_presence && !channel.starts_with(PRIVATE_PREFIX) {
            return Err(Error::invalid_input(
                "channel",
                "only private-, private-encrypted- and presence- channels need authorization",
            ));
        }
        let channel_data = match (is_presence, member) {
            (true, Some(member)) => {
                validate::presence_user_id(member.user_id())?;
                if let Some(info) = member.user_info_json() {
                    validate::presence_user_info(info)?;
                }
                Some(member.to_json())
            }
            (true, None) => {
                return Err(Error::invalid_input(
                    "member",
                    "a presence channel needs member data",
                ));
            }
            (false, Some(_)) => {
                return Err(Error::invalid_input(
                    "member",
                    "member data belongs to presence channels only",
                ));
            }
            (false, None) => None,
        };
        let auth = match &channel_data {
            Some(data) => auth_string(
                &inner.key,
                &inner.secret,
                &[
                    socket_id.as_bytes(),
                    b":",
                    channel.as_bytes(),
                    b":",
                    data.as_bytes(),
                ],
            ),
            None => auth_string(
                &inner.key,
                &inner.secret,
                &[socket_id.as_bytes(), b":", channel.as_bytes()],
            ),
        };
        let result = ChannelAuth {
            auth,
            channel_data,
            shared_secret: None,
        };
        if validate::is_encrypted_channel(channel) {
            let key = self.master_key()?;
            return Ok(result.with_shared_secret(&key.shared_secret(channel)));
        }
        Ok(result)
    }

    /// Signs in a user on a connection (pusher-js `signin`).
    ///
    /// ```
    /// use push_channels::UserData;
    ///
    /// let client = push_channels::Client::builder("1", "key", "secret").build()?;
    /// let auth = client.authenticate_user("123.456", &UserData::new("user-1"))?;
    /// assert_eq!(auth.user_data, r#"{"id":"user-1"}"#);
    /// # Ok::<(), push_channels::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed socket id, user id or watchlist entry.
    pub fn authenticate_user(&self, socket_id: &str, user: &UserData) -> Result<UserAuth> {
        validate::socket_id(socket_id)?;
        // The service asks only for a non-empty id; watchlist entries are the app's own ids.
        validate::user_id(user.id())?;
        let user_data = user.to_json();
        let auth = auth_string(
            &self.inner.key,
            &self.inner.secret,
            &[socket_id.as_bytes(), b"::user::", user_data.as_bytes()],
        );
        Ok(UserAuth { auth, user_data })
    }

    /// The base64 key of an encrypted channel, as pusher-js receives it in `shared_secret`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a channel that is not `private-encrypted-*`;
    /// [`Error::Config`] without a master key.
    pub fn channel_shared_secret(&self, channel: &str) -> Result<String> {
        use base64::Engine as _;
        validate::channel_name(channel)?;
        if !validate::is_encrypted_channel(channel) {
            return Err(Error::invalid_input(
                "channel",
                "not a private-encrypted- channel",
            ));
        }
        let key = self.master_key()?;
        Ok(base64::engine::general_purpose::STANDARD.encode(key.shared_secret(channel)))
    }
}

/// What pusher-js POSTs to the channel-authorization endpoint when it subscribes to a private,
/// presence or encrypted channel: `socket_id` and `channel_name` (a form by default, JSON when
/// the client is configured so). Read it with your framework's form or JSON extractor (axum's
/// `Form<AuthRequest>`); other fields the client adds (`params`) are ignored.
///
/// ```
/// use push_channels::{AuthRequest, Client};
///
/// let request: AuthRequest = serde_json::from_str(
///     r#"{"socket_id":"1234.1234","channel_name":"private-foobar"}"#,
/// )?;
/// let client = Client::new("1", "278d425bdf160c739803", "7ad3773142a6692b25b8")?;
/// let auth = client.authorize_channel(&request.socket_id, &request.channel_name, None)?;
/// assert!(auth.auth.starts_with("278d425bdf160c739803:"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct AuthRequest {
    /// The connection asking (`123.456`).
    pub socket_id: String,
    /// The channel it wants to subscribe to.
    pub channel_name: String,
}

/// What pusher-js POSTs to the user-authentication endpoint when it calls `signin()`:
/// `socket_id`. Read it as [`AuthRequest`] is read.
///
/// ```
/// use push_channels::{Client, UserAuthRequest, UserData};
///
/// let request: UserAuthRequest = serde_json::from_str(r#"{"socket_id":"1234.1234"}"#)?;
/// let client = Client::new("1", "key", "secret")?;
/// let auth = client.authenticate_user(&request.socket_id, &UserData::new("user-1"))?;
/// assert_eq!(auth.user_data, r#"{"id":"user-1"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct UserAuthRequest {
    /// The connection signing in.
    pub socket_id: String,
}

/// The member data of a presence subscription: the user id and optional public info.
///
/// ```
/// use push_channels::PresenceMember;
///
/// let member = PresenceMember::new("user-1").user_info(&serde_json::json!({"name": "Alice"}))?;
/// assert_eq!(member.to_json(), r#"{"user_id":"user-1","user_info":{"name":"Alice"}}"#);
/// # Ok::<(), push_channels::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceMember {
    user_id: String,
    user_info: Option<String>,
}

impl PresenceMember {
    /// A member with no info.
    pub fn new(user_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            user_info: None,
        }
    }

    /// Public info other members see (any JSON value: a name, an avatar URL, ...).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the value cannot be serialised.
    pub fn user_info<T: Serialize + ?Sized>(mut self, info: &T) -> Result<Self> {
        self.user_info = Some(compact_json("user_info", info)?);
        Ok(self)
    }

    /// The user id.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The `user_info` JSON, when set.
    pub(crate) fn user_info_json(&self) -> Option<&str> {
        self.user_info.as_deref()
    }

    /// The `channel_data` text: compact JSON, `user_id` first.
    pub fn to_json(&self) -> String {
        object_json(&[
            ("user_id", Some(&json_string(&self.user_id))),
            ("user_info", self.user_info.as_ref()),
        ])
    }
}

/// The user data of a sign-in: an id, and optional info and watchlist.
///
/// ```
/// use push_channels::UserData;
///
/// let user = UserData::new("user-1")
///     .user_info(&serde_json::json!({"name": "Alice"}))?
///     .watchlist(["user-2"]);
/// assert_eq!(
///     user.to_json(),
///     r#"{"id":"user-1","user_info":{"name":"Alice"},"watchlist":["user-2"]}"#,
/// );
/// # Ok::<(), push_channels::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData {
    id: String,
    user_info: Option<String>,
    watchlist: Option<Vec<String>>,
}

impl UserData {
    /// A user with no info and no watchlist.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            user_info: None,
            watchlist: None,
        }
    }

    /// Info about the user, shared with the Channels service.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the value cannot be serialised.
    pub fn user_info<T: Serialize + ?Sized>(mut self, info: &T) -> Result<Self> {
        self.user_info = Some(compact_json("user_info", info)?);
        Ok(self)
    }

    /// User ids whose online status this user follows.
    pub fn watchlist<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.watchlist = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// The user id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The `user_data` text: compact JSON, `id` first.
    pub fn to_json(&self) -> String {
        let watchlist = self.watchlist.as_ref().map(|ids| {
            let items: Vec<String> = ids.iter().map(|id| json_string(id)).collect();
            format!("[{}]", items.join(","))
        });
        object_json(&[
            ("id", Some(&json_string(&self.id))),
            ("user_info", self.user_info.as_ref()),
            ("watchlist", watchlist.as_ref()),
        ])
    }
}

/// What an auth endpoint returns for a channel subscription; serialises to exactly the JSON
/// pusher-js expects.
///
/// ```
/// # let client = push_channels::Client::builder("1", "key", "secret").build()?;
/// let auth = client.authorize_channel("123.456", "private-room", None)?;
/// let body = serde_json::to_string(&auth)?;
/// assert!(body.starts_with(r#"{"auth":"key:"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ChannelAuth {
    /// `key:signature`.
    pub auth: String,
    /// The presence member data that was signed (presence channels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_data: Option<String>,
    /// The channel's key, base64 (encrypted channels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_secret: Option<String>,
}

impl ChannelAuth {
    /// The JSON body to answer the auth request with.
    pub fn to_json(&self) -> String {
        object_json(&[
            ("auth", Some(&json_string(&self.auth))),
            (
                "channel_data",
                self.channel_data.as_ref().map(|d| json_string(d)).as_ref(),
            ),
            (
                "shared_secret",
                self.shared_secret.as_ref().map(|s| json_string(s)).as_ref(),
            ),
        ])
    }

    pub(crate) fn with_shared_secret(mut self, secret: &[u8; 32]) -> Self {
        self.shared_secret = Some(BASE64.encode(secret));
        self
    }
}

/// What a user-authentication endpoint returns for a sign-in.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UserAuth {
    /// `key:signature`.
    pub auth: String,
    /// The user data that was signed.
    pub user_data: String,
}

impl UserAuth {
    /// The JSON body to answer the sign-in request with.
    pub fn to_json(&self) -> String {
        object_json(&[
            ("auth", Some(&json_string(&self.auth))),
            ("user_data", Some(&json_string(&self.user_data))),
        ])
    }
}

/// `key:[redacted]`: the key is public, the signature a credential.
fn redacted_auth(auth: &str) -> String {
    match auth.split_once(':') {
        Some((key, _)) => format!("{key}:[redacted]"),
        None => "[redacted]".to_owned(),
    }
}

impl fmt::Debug for ChannelAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelAuth")
            .field("auth", &redacted_auth(&self.auth))
            .field("channel_data", &self.channel_data)
            .field(
                "shared_secret",
                &self.shared_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl fmt::Debug for UserAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserAuth")
            .field("auth", &redacted_auth(&self.auth))
            .field("user_data", &self.user_data)
            .finish()
    }
}

fn compact_json<T: Serialize + ?Sized>(field: &'static str, value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::invalid_input(field, format!("cannot be serialised: {e}")))
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    // Serialising a &str cannot fail.
    serde_json::to_string(text).unwrap_or_default()
}

/// A JSON object from already-encoded members, skipping the absent ones, in order.
fn object_json(members: &[(&str, Option<&String>)]) -> String {
    let mut out = String::from("{");
    for (name, value) in members {
        if let Some(value) = value {
            if out.len() > 1 {
                out.push(',');
            }
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            out.push_str(value);
        }
    }
    out.push('}');
    out
}
