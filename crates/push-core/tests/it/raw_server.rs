//! Tiny TCP servers that misbehave on purpose (never answer, reset mid-response).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the raw server does with each connection.
#[derive(Clone, Copy)]
pub(crate) enum Behaviour {
    /// Read the request and never answer.
    Silent,
    /// Read the request, send half a status line, then close.
    ResetMidResponse,
}

/// A server on 127.0.0.1 counting the connections it accepted.
pub(crate) struct RawServer {
    pub(crate) url: String,
    pub(crate) connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    pub(crate) async fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let _ = socket.read(&mut buf).await;
                    match behaviour {
                        Behaviour::Silent => tokio::time::sleep(Duration::from_secs(30)).await,
                        Behaviour::ResetMidResponse => {
                            let _ = socket.write_all(b"HTTP/1.1 20").await;
                            let _ = socket.shutdown().await;
                        }
                    }
                });
            }
        });
        Self {
            url,
            connections,
            task,
        }
    }

    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A URL on 127.0.0.1 where nothing listens (bound, then released).
pub(crate) fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}
