//! Why `tapedeck.toml` could not be used, and reading it within bounds.

use crate::fixture::locate::{InvalidUtf8, position_of};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

/// The largest `tapedeck.toml` read. The file holds a dozen keys; anything near this size is
/// not a configuration file.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// How much of the offending line an error quotes.
const QUOTED_CHARS: usize = 100;

/// Why the configuration could not be read. Every message names the file, says where in it
/// (line and column, the key) and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: cannot read it: {source}; {}", path.display(), io_hint(source.kind()))]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error(
        "{}{}: {message}\nsee the documented keys in the README section \"tapedeck.toml\"",
        path.display(),
        position.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default()
    )]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Line and column (1-based) of the offending value, when the message does not carry
        /// them itself (TOML syntax errors quote the line).
        position: Option<(usize, usize)>,
        /// What is wrong, with the key path, and what to do.
        message: String,
    },
}

impl ConfigError {
    /// An invalid file, at the byte `offset` of `text` if known.
    pub(crate) fn invalid(
        path: &Path,
        text: &str,
        offset: Option<usize>,
        message: String,
    ) -> ConfigError {
        let position = offset.map(|o| {
            let p = position_of(text.as_bytes(), o);
            (p.line, p.column)
        });
        ConfigError::Invalid {
            path: path.to_path_buf(),
            position,
            message,
        }
    }
}

impl ConfigError {
    /// A TOML syntax or type error of `text`, at its position, in words a user can act on,
    /// with the offending line quoted.
    pub(crate) fn from_toml(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
        let span = error.span();
        let found = span
            .as_ref()
            .and_then(|s| text.get(s.clone()))
            .unwrap_or("")
            .trim();
        let message = toml_message(error.message().trim_end(), found);
        let Some(span) = span else {
            return ConfigError::invalid(path, text, None, message);
        };
        // Byte-based, so a span that is not on a character boundary cannot panic a slice.
        let column = position_of(text.as_bytes(), span.start).column;
        let line_start = span.start.min(text.len()) + 1 - column;
        let line_text = text
            .get(line_start..)
            .and_then(|rest| rest.lines().next())
            .unwrap_or("");
        let quoted: String = line_text.chars().take(QUOTED_CHARS).collect();
        let cut = if quoted.len() < line_text.len() {
            " …"
        } else {
            ""
        };
        let message = format!("{message}\n  | {quoted}{cut}");
        ConfigError::invalid(path, text, Some(span.start), message)
    }
}

/// The TOML parser's `message`, reworded where it speaks serde rather than TOML, with a hint.
/// `found` is the text the parser pointed at.
fn toml_message(message: &str, found: &str) -> String {
    match message {
        "duplicate key" => format!(
            "duplicate key `{found}`: each key and each table may appear once; merge the two"
        ),
        "cannot recurse further; max recursion depth met" => {
            "values nested too deeply; tapedeck.toml needs at most two levels of tables".into()
        }
        _ => message
            .replace(
                "expected a sequence",
                "expected a list, e.g. [\"booking/*\"]",
            )
            .replace(
                "expected a boolean",
                "expected true or false (without quotes)",
            ),
    }
}

/// What to do about an I/O error.
fn io_hint(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotFound => "check the path, or leave --config out to use the workspace's",
        ErrorKind::PermissionDenied => "make the file readable by this user",
        ErrorKind::IsADirectory => "the path is a folder; point at the tapedeck.toml inside it",
        _ => "check that the path is a readable file",
    }
}

/// The text of the configuration file at `path`: at most [`MAX_CONFIG_BYTES`], UTF-8.
pub(crate) fn read_config_text(path: &Path) -> Result<String, ConfigError> {
    let io = |source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            position: None,
            message: format!(
                "the file is over the limit of {MAX_CONFIG_BYTES} bytes (1 MiB); it was not \
                 parsed. tapedeck.toml holds a few keys: check that the path is the right file"
            ),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let bad = InvalidUtf8::at(e.as_bytes(), e.utf8_error());
        ConfigError::Invalid {
            path: path.to_path_buf(),
            position: Some((bad.position.line, bad.position.column)),
            message: format!("the file is not valid UTF-8: {bad}; re-save it as UTF-8"),
        }
    })
}
