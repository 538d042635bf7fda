//! `/projects` (account-level; not paginated).

use push_core::{Request, Result};

use crate::client::Client;
use crate::models::{NewProject, Project, ProjectUpdate};

/// Project calls; get one with [`Client::projects`].
#[derive(Clone, Copy, Debug)]
pub struct Projects<'a> {
    client: &'a Client,
}

impl<'a> Projects<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Every project of the account.
    pub async fn all(&self) -> Result<Vec<Project>> {
        self.client.send_json(Request::get("/projects"), 200).await
    }

    /// Creates a project. Expects `201 Created`.
    pub async fn create(&self, project: &NewProject) -> Result<Project> {
        project.validate()?;
        let req = Request::post("/projects").json_body(Client::body(project)?);
        self.client.send_json(req, 201).await
    }

    /// One project.
    pub async fn get(&self, id: u64) -> Result<Project> {
        self.client
            .send_json(Request::get(format!("/projects/{id}")), 200)
            .await
    }

    /// Changes a project (PATCH).
    pub async fn update(&self, id: u64, update: &ProjectUpdate) -> Result<Project> {
        update.validate()?;
        let req = Request::patch(format!("/projects/{id}")).json_body(Client::body(update)?);
        self.client.send_json(req, 200).await
    }

    /// Deletes a project; the server does it later and answers `202 Accepted`.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .send(Request::delete(format!("/projects/{id}")), 202)
            .await?;
        Ok(())
    }
}
