//! Where a monitor report comes from (the store, the configuration) and where it goes (the
//! JSON, JUnit and HTML files): the arguments `cargo xtask canary` and `cargo xtask monitor`
//! share.

use crate::canary::render::{html, junit};
use crate::canary::{CanaryConfig, MonitorReport};
use crate::store::Store;
use std::path::{Path, PathBuf};

/// The store, the configuration and the report files of a monitor report.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReportArgs {
    /// The store (SQLite path or `sqlite://PATH`); default `TAPEDECK_STORE`, then
    /// `tapedeck.toml`, then `target/tapedeck/runs.sqlite`.
    #[arg(long)]
    pub store: Option<String>,
    /// The configuration file (default: `tapedeck.toml` found from the workspace root up).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Also write the report as JSON (schema version 1).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write the report as JUnit XML.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write the report as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

pub(super) fn write_outputs(args: &ReportArgs, report: &MonitorReport) -> Result<(), String> {
    let write = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|e| format!("could not write {}: {e}", path.display()))
    };
    if let Some(path) = &args.json {
        write(
            path,
            serde_json::to_string_pretty(report).unwrap_or_default() + "\n",
        )?;
    }
    if let Some(path) = &args.junit {
        write(path, junit(report))?;
    }
    if let Some(path) = &args.html {
        write(path, html(report))?;
    }
    Ok(())
}

/// The store URL, absolute, and the opened store: `flag`, else `TAPEDECK_STORE`, else
/// `tapedeck.toml`'s `store`, else the default file; a relative path is taken from `workspace`.
pub(super) fn open_store(
    flag: Option<&str>,
    config: &CanaryConfig,
    workspace: &Path,
) -> Result<(Box<dyn Store>, String), String> {
    let url = flag
        .map(str::to_string)
        .or_else(|| {
            std::env::var(crate::store::STORE_ENV)
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .or_else(|| config.store.clone())
        .unwrap_or_else(|| crate::store::DEFAULT_STORE_PATH.to_string());
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(&url);
    let absolute = if url.contains("://") && !url.starts_with("sqlite://") {
        url.clone()
    } else if Path::new(path).is_absolute() {
        path.to_string()
    } else {
        workspace.join(path).to_string_lossy().into_owned()
    };
    let store = crate::store::open(&absolute).map_err(|e| e.to_string())?;
    Ok((store, absolute))
}
