//! Users: `DELETE /customer_api/v1/instances/{instance_id}/users/{user_id}`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use push_core::{Error, Request, Result};

use crate::client::Client;
use crate::validate;

/// Characters left as they are in a user id path segment (RFC 3986 unreserved); everything
/// else, `/` included, is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

impl Client {
    /// Deletes a user and all their devices. Beams answers 200 with no body; any success is
    /// taken as done.
    ///
    /// The id is sent as one path segment, percent-encoded (`/` too), so any id reaches Beams
    /// as given. The request is a `DELETE`, so the default retry policy also repeats it after
    /// a timeout or a 500, 502 or 504.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] on a bad id, and on `.` and `..`, which URLs resolve as dot
    /// segments (the request would go to another path); [`Error::Api`] from Beams.
    pub async fn delete_user(&self, user_id: &str) -> Result<()> {
        validate::user_id("user_id", user_id)?;
        if user_id == "." || user_id == ".." {
            return Err(Error::invalid_input(
                "user_id",
                "\".\" and \"..\" cannot be sent as a path segment",
            ));
        }
        let path = format!(
            "/customer_api/v1/instances/{}/users/{}",
            self.inner.instance_id,
            utf8_percent_encode(user_id, SEGMENT)
        );
        self.send(Request::delete(path)).await?;
        Ok(())
    }
}
