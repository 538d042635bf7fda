//! What each scenario sends. The provider scenarios send the same event or notification body as
//! the bare baseline, through each SDK's public API.

use std::sync::Arc;

use crate::Scenario;

/// The name of the baseline every other scenario is compared with.
pub(crate) const BARE: &str = "bare reqwest POST";

/// The Channels trigger body the baseline sends: what `channels` sends for the same call.
const BODY: &str = r#"{"name":"my-event","channels":["my-channel"],"data":"{\"message\":\"hello world, this is a 100-byte-ish payload for the bench\"}"}"#;

pub(crate) fn all(url: &str) -> Result<Vec<Scenario>, String> {
    let client = reqwest::Client::builder()
        .build()
        .map_err(|e| e.to_string())?;
    let bare_url = format!("{url}/apps/1/events");
    let bare = Scenario {
        name: BARE,
        call: Arc::new(move |_| {
            let client = client.clone();
            let url = bare_url.clone();
            Box::pin(async move {
                let resp = client
                    .post(url)
                    .header("content-type", "application/json")
                    .body(BODY)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = resp.status();
                resp.bytes().await.map_err(|e| e.to_string())?;
                if status.is_success() {
                    Ok(())
                } else {
                    Err(status.to_string())
                }
            })
        }),
    };
    Ok(vec![bare])
}
