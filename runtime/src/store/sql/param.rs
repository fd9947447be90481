//! A statement parameter, in the few SQL types the schema uses.

use std::borrow::Cow;

/// One bound value: each backend converts it to its own wire type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param<'a> {
    /// `TEXT` (or NULL).
    Text(Option<Cow<'a, str>>),
    /// `INTEGER` (`BIGINT` on PostgreSQL), or NULL.
    Int(Option<i64>),
    /// `DOUBLE PRECISION`.
    Float(f64),
    /// `BOOLEAN` (or NULL).
    Bool(Option<bool>),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(text: &'a str) -> Self {
        Param::Text(Some(Cow::Borrowed(text)))
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(text: &'a String) -> Self {
        Param::Text(Some(Cow::Borrowed(text)))
    }
}

impl From<String> for Param<'_> {
    fn from(text: String) -> Self {
        Param::Text(Some(Cow::Owned(text)))
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(text: Option<&'a str>) -> Self {
        Param::Text(text.map(Cow::Borrowed))
    }
}

impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(text: &'a Option<String>) -> Self {
        Param::Text(text.as_deref().map(Cow::Borrowed))
    }
}

impl From<Option<String>> for Param<'_> {
    fn from(text: Option<String>) -> Self {
        Param::Text(text.map(Cow::Owned))
    }
}

impl From<i64> for Param<'_> {
    fn from(n: i64) -> Self {
        Param::Int(Some(n))
    }
}

impl From<u32> for Param<'_> {
    fn from(n: u32) -> Self {
        Param::Int(Some(i64::from(n)))
    }
}

impl From<u64> for Param<'_> {
    /// Values beyond `i64::MAX` (never a count or a version in practice) are clamped.
    fn from(n: u64) -> Self {
        Param::Int(Some(i64::try_from(n).unwrap_or(i64::MAX)))
    }
}

impl From<Option<u64>> for Param<'_> {
    fn from(n: Option<u64>) -> Self {
        Param::Int(n.map(|n| i64::try_from(n).unwrap_or(i64::MAX)))
    }
}

impl From<f64> for Param<'_> {
    fn from(x: f64) -> Self {
        Param::Float(x)
    }
}

impl From<Option<bool>> for Param<'_> {
    fn from(b: Option<bool>) -> Self {
        Param::Bool(b)
    }
}

/// The parameters of a statement: `params![a, b]` is `&[Param::from(a), Param::from(b)]`.
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::store::sql::Param::from($value)),*]
    };
}
pub(crate) use params;
