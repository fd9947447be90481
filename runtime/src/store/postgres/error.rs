//! PostgreSQL errors as a user reads them, and which of them end the connection.

/// The error with the server's severity, message, detail and hint (the client's own text for
/// a database error is only "db error"), or the client's text and its cause.
pub(crate) fn message(e: &postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        return match std::error::Error::source(e) {
            Some(cause) if !e.to_string().contains(&cause.to_string()) => format!("{e}: {cause}"),
            _ => e.to_string(),
        };
    };
    let mut text = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
    if let Some(detail) = db.detail() {
        text.push_str(&format!("; detail: {detail}"));
    }
    if let Some(hint) = db.hint() {
        text.push_str(&format!("; hint: {hint}"));
    }
    text
}

/// Whether the connection cannot be used after `e`: it closed, failed below SQL (I/O, the
/// protocol), or the server ended the session (a FATAL or PANIC error). Errors in values the
/// client converts (a column of an unexpected type) keep the connection.
pub(crate) fn connection_lost(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.as_db_error() {
        Some(db) => matches!(db.severity(), "FATAL" | "PANIC"),
        None => std::error::Error::source(e).is_some_and(|cause| cause.is::<std::io::Error>()),
    }
}
