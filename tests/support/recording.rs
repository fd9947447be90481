//! A fresh store and a recorder over it, for the tests that record production runs.

use std::path::Path;
use std::sync::Arc;
use tapedeck::run::{Recorder, RecorderConfig};
use tapedeck::store::{SqliteStore, Store};

/// A new SQLite store in `dir` and a recorder writing to it (artifacts under
/// `dir/artifacts`), with `configure` applied to the recorder's configuration.
pub fn recorder_in(
    dir: &Path,
    configure: impl FnOnce(RecorderConfig) -> RecorderConfig,
) -> (Arc<dyn Store>, Recorder) {
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(dir.join("runs.sqlite")).expect("a new SQLite store opens"));
    let config = configure(RecorderConfig::default().artifact_root(dir.join("artifacts")));
    let recorder = Recorder::with_config(Arc::clone(&store), config);
    (store, recorder)
}
