//! One pusher-js connection (`e2e/node/client.js`), commanded over stdin and observed over
//! stdout, one JSON object per line.

use std::collections::VecDeque;
use std::fmt;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};

/// The driver exits by itself after this long, whatever happens to the harness.
const LIFETIME_MS: u64 = 150_000;

/// A pusher-js connection.
pub(crate) struct Driver {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::UnboundedReceiver<Value>,
    /// Received but not yet claimed by a wait, oldest first (log lines are not kept).
    pending: VecDeque<Value>,
    /// Everything received, in order.
    history: Vec<Value>,
    socket_id: String,
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver")
            .field("name", &self.name)
            .field("socket_id", &self.socket_id)
            .finish_non_exhaustive()
    }
}

impl Driver {
    /// Starts a connection as `user_id` (the id the auth endpoint signs for it) and waits
    /// until it is connected.
    pub(crate) async fn connect(
        name: &str,
        user_id: &str,
        soketi_port: u16,
        endpoint_url: &str,
        wait: Duration,
    ) -> Result<Self, String> {
        let dir = crate::peers::node_dir();
        let config = json!({
            "key": crate::soketi::APP_KEY,
            "host": "127.0.0.1",
            "port": soketi_port,
            "authEndpoint": format!("{endpoint_url}/auth"),
            "signinEndpoint": format!("{endpoint_url}/signin"),
            "userId": user_id,
            "lifetimeMs": LIFETIME_MS,
        });
        let mut child = Command::new("node")
            .arg(crate::peers::client_script(&dir))
            .arg(config.to_string())
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start node client.js: {e}"))?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| "client.js has no stdout".to_owned())?;
        let (tx, lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                let value = serde_json::from_str(&line).unwrap_or(Value::String(line));
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let mut driver = Self {
            name: name.to_owned(),
            child,
            stdin,
            lines,
            pending: VecDeque::new(),
            history: Vec::new(),
            socket_id: String::new(),
        };
        driver.socket_id = driver
            .wait_for("the connection", wait, |m| {
                (m["type"] == "state" && m["current"] == "connected")
                    .then(|| Ok(m["socket_id"].as_str().unwrap_or_default().to_owned()))
            })
            .await?;
        Ok(driver)
    }

    /// The socket id soketi gave this connection.
    pub(crate) fn socket_id(&self) -> &str {
        &self.socket_id
    }

    /// Sends a command to client.js.
    pub(crate) async fn command(&mut self, command: Value) -> Result<(), String> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| format!("{}: stdin already closed", self.name))?;
        let mut line = command.to_string();
        line.push('\n');
        stdin
            .write_all(line.as_bytes())
            .await
            .map_err(|e| format!("{}: cannot send {command}: {e}", self.name))
    }

    /// Waits up to `limit` for the first message, older ones first, for which `check` gives an
    /// answer; that message is consumed.
    pub(crate) async fn wait_for<T>(
        &mut self,
        what: &str,
        limit: Duration,
        mut check: impl FnMut(&Value) -> Option<Result<T, String>>,
    ) -> Result<T, String> {
        for index in 0..self.pending.len() {
            if let Some(answer) = check(&self.pending[index]) {
                self.pending.remove(index);
                return answer.map_err(|e| format!("{}: {e}", self.name));
            }
        }
        let deadline = Instant::now() + limit;
        loop {
            match timeout_at(deadline, self.lines.recv()).await {
                Err(_) => {
                    return Err(format!(
                        "{}: no {what} within {} ms; last messages: {}",
                        self.name,
                        limit.as_millis(),
                        self.recent()
                    ));
                }
                Ok(None) => {
                    return Err(format!(
                        "{}: client.js exited while waiting for {what}; last messages: {}",
                        self.name,
                        self.recent()
                    ));
                }
                Ok(Some(message)) => {
                    self.history.push(message.clone());
                    if let Some(answer) = check(&message) {
                        return answer.map_err(|e| format!("{}: {e}", self.name));
                    }
                    if message["type"] == "fatal" {
                        return Err(format!("{}: client.js failed: {}", self.name, message));
                    }
                    if message["type"] != "log" {
                        self.pending.push_back(message);
                    }
                }
            }
        }
    }

    /// The last few messages other than log lines, for failure messages.
    fn recent(&self) -> String {
        let recent: Vec<String> = self
            .history
            .iter()
            .filter(|m| m["type"] != "log" && m["type"] != "raw")
            .rev()
            .take(6)
            .map(Value::to_string)
            .collect();
        let logs: Vec<String> = self
            .history
            .iter()
            .filter(|m| m["type"] == "log")
            .rev()
            .take(3)
            .map(|m| m["message"].to_string())
            .collect();
        format!("{recent:?}; last log lines: {logs:?}")
    }

    /// Subscribes to `channel` and waits for success; gives the `subscribed` message (with the
    /// presence members).
    pub(crate) async fn subscribe(
        &mut self,
        channel: &str,
        limit: Duration,
    ) -> Result<Value, String> {
        self.command(json!({"cmd": "subscribe", "channel": channel}))
            .await?;
        self.wait_for(&format!("subscription to {channel}"), limit, |m| {
            if m["channel"] != channel {
                return None;
            }
            match m["type"].as_str() {
                Some("subscribed") => Some(Ok(m.clone())),
                Some("subscription_error") => Some(Err(format!(
                    "subscription to {channel} refused: {}",
                    m["error"]
                ))),
                _ => None,
            }
        })
        .await
    }

    /// Waits for `event` on `channel` as [`Driver::event`] does, and checks that its data is
    /// `want`.
    pub(crate) async fn event_is(
        &mut self,
        channel: &str,
        event: &str,
        want: &Value,
        limit: Duration,
    ) -> Result<(), String> {
        let got = self.event(channel, event, limit).await?;
        if &got == want {
            Ok(())
        } else {
            let who = &self.name;
            Err(format!(
                "{who}'s {event} on {channel}: got {got}, want {want}"
            ))
        }
    }

    /// Waits for `event` on `channel` and gives its data as pusher-js handed it over. Fails
    /// early when pusher-js drops an encrypted event it cannot decrypt.
    pub(crate) async fn event(
        &mut self,
        channel: &str,
        event: &str,
        limit: Duration,
    ) -> Result<Value, String> {
        self.wait_for(&format!("event {event} on {channel}"), limit, |m| {
            if m["type"] == "event" && m["channel"] == channel && m["event"] == event {
                return Some(Ok(m["data"].clone()));
            }
            let message = m["message"].as_str().unwrap_or_default();
            (m["type"] == "log" && message.contains("Dropping encrypted event"))
                .then(|| Err(format!("pusher-js dropped {event} on {channel}: {message}")))
        })
        .await
    }

    /// Whether `event` on `channel` was ever received.
    pub(crate) fn received(&self, channel: &str, event: &str) -> bool {
        self.history
            .iter()
            .any(|m| m["type"] == "event" && m["channel"] == channel && m["event"] == event)
    }

    /// Asks client.js to exit and waits a moment for it; killed (by PID) on drop otherwise.
    pub(crate) async fn close(mut self) {
        let _ = self.command(json!({"cmd": "exit"})).await;
        self.stdin = None;
        let _ = tokio::time::timeout(Duration::from_secs(2), self.child.wait()).await;
    }
}
