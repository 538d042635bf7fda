//! Users: `DELETE /customer_api/v1/instances/{instance_id}/users/{user_id}`.

use push_core::{Request, Result, path_segment};

use crate::client::Client;
use crate::validate;

impl Client {
    /// Deletes a user and all their devices. Beams answers 200 with no body; any success is
    /// taken as done.
    ///
    /// The id is sent as one path segment, percent-encoded (`/` too), so any id reaches Beams
    /// as given. The request is a `DELETE`, so the default retry policy also repeats it after
    /// a timeout or a 500, 502 or 504.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) on a bad id, and on `.` and `..`, which URLs resolve as dot
    /// segments (the request would go to another path); [`Error::Api`](crate::Error::Api) from Beams.
    pub async fn delete_user(&self, user_id: &str) -> Result<()> {
        validate::user_id("user_id", user_id)?;
        let path = format!(
            "/customer_api/v1/instances/{}/users/{}",
            self.inner.instance_id,
            path_segment("user_id", user_id)?
        );
        self.send(Request::delete(path)).await?;
        Ok(())
    }
}
