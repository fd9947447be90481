//! A PostgreSQL server for tests: `TAPEDECK_TEST_POSTGRES` names one whose user may create
//! databases, and each test makes a database of its own. `.ci/postgres-server start DIR` starts
//! a throwaway server and prints its URL. Without the variable the tests that need it pass with
//! a note, except under CI (`CI` set), where they fail.
#![allow(dead_code)] // each test crate uses part of it

use postgres::{Client, NoTls};

/// The variable naming the test server.
pub const SERVER_ENV: &str = "TAPEDECK_TEST_POSTGRES";

/// The test server's URL, or `None` (with a note) when there is none outside CI.
pub fn server() -> Option<String> {
    match std::env::var(SERVER_ENV) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!(
            "{SERVER_ENV} is not set under CI: .ci/run starts a server with .ci/postgres-server"
        ),
        _ => {
            eprintln!(
                "skipped: set {SERVER_ENV}=postgres://… (`.ci/postgres-server start DIR` prints one)"
            );
            None
        }
    }
}

/// A database of its own for one test, dropped afterwards.
pub struct Database {
    /// The server's URL.
    pub server: String,
    /// The database's name.
    pub name: String,
}

impl Database {
    /// A new database, or `None` (with a note) when there is no server outside CI.
    pub fn create() -> Option<Database> {
        let server = server()?;
        let name = format!("tapedeck_test_{}", uuid::Uuid::new_v4().simple());
        admin(&server)
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Some(Database { server, name })
    }

    /// The URL of this database: the server's with its path replaced.
    pub fn url(&self) -> String {
        let (scheme, rest) = self.server.split_once("://").unwrap();
        let authority = rest.split(['/', '?']).next().unwrap();
        format!("{scheme}://{authority}/{}", self.name)
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = admin(&self.server).batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

/// A plain client of `url`, for what the store does not do (creating databases).
pub fn admin(url: &str) -> Client {
    Client::connect(url, NoTls).unwrap_or_else(|e| panic!("{SERVER_ENV}={url}: {e}"))
}
