use push_pushpad::{Client, ClientBuilder, RetryPolicy};
use wiremock::MockServer;

pub(crate) const TOKEN: &str = "5374d7dfeffa2eb49965624ba7596a09";

/// A builder for project 123 of a Pushpad at `{uri}/api/v1`.
pub(crate) fn builder_at(uri: &str) -> ClientBuilder {
    Client::builder(TOKEN)
        .project_id(123)
        .base_url(format!("{uri}/api/v1"))
}

/// A client for project 123 of a Pushpad at `{uri}/api/v1`, retrying as `policy` says.
pub(crate) fn client_at(uri: &str, policy: RetryPolicy) -> Client {
    builder_at(uri).retry_policy(policy).build().unwrap()
}

/// A client of the mock server that never retries.
pub(crate) fn client(server: &MockServer) -> Client {
    client_at(&server.uri(), RetryPolicy::none())
}
