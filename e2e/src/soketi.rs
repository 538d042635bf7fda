//! soketi, started safely: listening on 127.0.0.1, metrics off, its UDP discovery pinned to
//! loopback, bounded by `timeout`, stopped by its PID on drop.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::process::{WorkDir, free_tcp_port, free_udp_port, stop};

/// The app soketi serves (the Channels documentation's example credentials).
pub(crate) const APP_ID: &str = "123456";
pub(crate) const APP_KEY: &str = "278d425bdf160c739803";
pub(crate) const APP_SECRET: &str = "7ad3773142a6692b25b8";

/// soketi is killed by `timeout` after this long whatever happens to the harness.
const LIFETIME_SECS: u64 = 150;
/// soketi answers `GET /` within this after starting (it takes ~1-2 s here).
const READY_LIMIT: Duration = Duration::from_secs(30);

/// A running soketi.
#[derive(Debug)]
pub(crate) struct Soketi {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: WorkDir,
}

impl Soketi {
    /// Starts soketi for the app, posting webhooks to `webhook_url`, and waits until it answers.
    pub(crate) async fn start(webhook_url: &str) -> Result<Self, String> {
        let node_dir = crate::peers::node_dir();
        let dir = WorkDir::new("soketi")?;
        let port = free_tcp_port()?;
        let metrics_port = free_tcp_port()?;
        let cluster_port = free_udp_port()?;
        // REQUIRED (../shared/soketi/README.md): soketi's discovery broadcasts to
        // 255.255.255.255 and binds 0.0.0.0 unless pinned to loopback here.
        let config = json!({
            "debug": false,
            "host": "127.0.0.1",
            "port": port,
            "metrics.enabled": false,
            "metrics.host": "127.0.0.1",
            "metrics.port": metrics_port,
            "cluster.address": "127.0.0.1",
            "cluster.unicast": "127.0.0.1",
            "cluster.broadcast": "127.0.0.1",
            "cluster.port": cluster_port,
            "shutdownGracePeriod": 10,
            // Connections that never sign in are kept for the whole run.
            "userAuthenticationTimeout": 300_000,
            "appManager.array.apps": [{
                "id": APP_ID,
                "key": APP_KEY,
                "secret": APP_SECRET,
                "enabled": true,
                // On, so a pusher-js client event reaches the client_event webhook.
                "enableClientMessages": true,
                "enableUserAuthentication": true,
                "maxConnections": -1,
                "maxBackendEventsPerSecond": -1,
                "maxClientEventsPerSecond": -1,
                "maxReadRequestsPerSecond": -1,
                "webhooks": [{
                    "url": webhook_url,
                    "event_types": ["channel_occupied", "channel_vacated", "member_added", "member_removed", "client_event"],
                }],
            }],
        });
        let config_path = dir.path().join("soketi.json");
        std::fs::write(&config_path, config.to_string())
            .map_err(|e| format!("cannot write {}: {e}", config_path.display()))?;
        let log = dir.path().join("soketi.log");
        let log_file = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let log_err = log_file
            .try_clone()
            .map_err(|e| format!("cannot share {}: {e}", log.display()))?;
        let mut command = Command::new("timeout");
        command
            .args(["--kill-after=2", &LIFETIME_SECS.to_string(), "node"])
            .arg(crate::peers::soketi_entry(&node_dir))
            .arg("start")
            .arg(format!("--config={}", config_path.display()))
            .current_dir(&node_dir)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err);
        // soketi reads SOKETI_* variables over its config file: none may loosen the pinning.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("SOKETI_") {
                command.env_remove(name);
            }
        }
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start soketi (timeout node ...): {e}"))?;
        let mut soketi = Self {
            child,
            port,
            log,
            _dir: dir,
        };
        soketi.wait_ready().await?;
        Ok(soketi)
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "soketi exited before answering ({status}):\n{}",
                    self.log_tail()
                ));
            }
            if http_get(self.port, "/")
                .await
                .is_some_and(|(status, body)| status == 200 && body.trim() == "OK")
            {
                return Ok(());
            }
            if started.elapsed() > READY_LIMIT {
                return Err(format!(
                    "soketi did not answer GET / within {} s:\n{}",
                    READY_LIMIT.as_secs(),
                    self.log_tail()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The port of its HTTP API and WebSocket endpoint on 127.0.0.1.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The end of what soketi printed.
    pub(crate) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Soketi {
    fn drop(&mut self) {
        // SIGTERM to `timeout`, which passes it on to node; SIGKILL if it lingers.
        stop(&mut self.child, Duration::from_secs(3));
    }
}

/// The status and body of `GET target` on 127.0.0.1:`port`, or `None` when nothing answers in
/// time.
pub(crate) async fn http_get(port: u16, target: &str) -> Option<(u16, String)> {
    let exchange = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        let request =
            format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.ok()?;
        let text = String::from_utf8_lossy(&response).into_owned();
        let (head, body) = text.split_once("\r\n\r\n")?;
        let status = head.split(' ').nth(1)?.parse().ok()?;
        Some((status, body.to_owned()))
    };
    tokio::time::timeout(Duration::from_secs(2), exchange)
        .await
        .ok()
        .flatten()
}
