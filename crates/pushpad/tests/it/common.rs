use push_pushpad::{Client, RetryPolicy};
use wiremock::MockServer;

pub(crate) const TOKEN: &str = "5374d7dfeffa2eb49965624ba7596a09";

pub(crate) fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN)
        .project_id(123)
        .base_url(format!("{}/api/v1", server.uri()))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}
