//! The text of an observation snapshot, written in one pass: what
//! `serde_json::to_string_pretty(&normalized_observation(observation, volatile))` gives, byte
//! for byte (keys sorted, two-space indent, volatile paths and recorded responses replaced by
//! their placeholders), without
//! building the intermediate `Value` tree, copying every request and response into it, and
//! dropping it again — the larger part of a snapshot's cost.
//!
//! A serde serializer writes straight into one buffer; each object notes where its entries'
//! text lies and, if their keys did not arrive in order, rewrites them sorted (structs
//! serialize in declaration order and an internally tagged enum writes its tag first, while
//! `serde_json` maps arrive sorted and cost nothing extra). A response marked as recorded (the
//! [`RECORDED_RESPONSE`](crate::observation::RECORDED_RESPONSE) newtype) is written as
//! `"[recorded]"` without being walked. Volatile paths are tracked only
//! while a pattern can still match below them. Anything the `Value` path would treat
//! differently (non-string map keys, 128-bit integers) is an error, and the caller falls back
//! to the `Value` path.

mod key;
mod node;
mod object;
mod seq;

use super::snapshot::VOLATILE_PLACEHOLDER;
use crate::json_pointer::PointerPattern;
use node::Node;
use object::Entry;
use serde::Serialize;
use serde::ser;
use std::borrow::Cow;
use std::fmt;

/// `value` as pretty JSON with sorted keys and every place a `volatile` pattern matches
/// replaced by `"[volatile]"`; `None` if it holds something only the `Value` path renders.
pub fn pretty_sorted_masked<T: Serialize + ?Sized>(
    value: &T,
    volatile: &[PointerPattern],
) -> Option<String> {
    let mut text = Vec::with_capacity(16 * 1024);
    write_pretty_sorted_masked(value, volatile, &mut text)
        .then(|| String::from_utf8(text).ok())
        .flatten()
}

/// [`pretty_sorted_masked`] into `text` (cleared first); `false` if `value` holds something
/// only the `Value` path renders. The text is UTF-8.
pub fn write_pretty_sorted_masked<T: Serialize + ?Sized>(
    value: &T,
    volatile: &[PointerPattern],
    text: &mut Vec<u8>,
) -> bool {
    text.clear();
    let mut out = Out {
        buf: std::mem::take(text),
        volatile,
        tokens: Vec::new(),
        tracking: !volatile.is_empty(),
        entries: Vec::new(),
        scratch: Vec::new(),
    };
    let written = if out.masked() {
        out.placeholder();
        true
    } else {
        value
            .serialize(Node {
                out: &mut out,
                depth: 0,
            })
            .is_ok()
    };
    *text = out.buf;
    written
}

/// The text so far, and where the serializer is: the path is tracked only while some pattern
/// can still match below it.
struct Out<'p> {
    buf: Vec<u8>,
    volatile: &'p [PointerPattern],
    /// The path of the value being written (struct fields borrowed, map keys owned).
    tokens: Vec<Cow<'static, str>>,
    tracking: bool,
    /// The entries of the objects being written, innermost last (one stack for all of them).
    entries: Vec<Entry>,
    /// Room for an object's text while its entries are put in order.
    scratch: Vec<u8>,
}

impl Out<'_> {
    fn masked(&self) -> bool {
        self.volatile.iter().any(|p| p.matches(&self.tokens))
    }

    /// Whether some pattern matches the current path or a place below it.
    fn alive(&self) -> bool {
        self.volatile.iter().any(|p| {
            let pattern = p.tokens();
            pattern.len() >= self.tokens.len()
                && pattern
                    .iter()
                    .zip(&self.tokens)
                    .all(|(p, t)| p == "*" || p == t.as_ref())
        })
    }

    fn placeholder(&mut self) {
        self.string(VOLATILE_PLACEHOLDER);
    }

    fn scalar<T: Serialize + ?Sized>(&mut self, value: &T) {
        if serde_json::to_writer(&mut self.buf, value).is_err() {
            self.buf.extend_from_slice(b"null");
        }
    }

    /// Writes `s` as a JSON string, byte for byte as `serde_json` does; copied whole when
    /// nothing in it needs escaping, which is nearly always.
    fn string(&mut self, s: &str) {
        if needs_escape(s.as_bytes()) {
            self.scalar(s);
        } else {
            self.buf.reserve(s.len() + 2);
            self.buf.push(b'"');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.push(b'"');
        }
    }

    fn indent(&mut self, depth: usize) {
        self.buf.resize(self.buf.len() + 2 * depth, b' ');
    }

    /// Writes a child at `token` at `depth`: the placeholder when a pattern matches it.
    fn child<T: Serialize + ?Sized>(
        &mut self,
        token: impl FnOnce() -> Cow<'static, str>,
        value: &T,
        depth: usize,
    ) -> Result<(), Error> {
        if !self.tracking {
            return value.serialize(Node { out: self, depth });
        }
        self.tokens.push(token());
        let written = if !self.alive() {
            self.tracking = false;
            let written = value.serialize(Node {
                out: &mut *self,
                depth,
            });
            self.tracking = true;
            written
        } else if self.masked() {
            self.placeholder();
            Ok(())
        } else {
            value.serialize(Node {
                out: &mut *self,
                depth,
            })
        };
        self.tokens.pop();
        written
    }

    /// Opens `{"variant": ` at `depth`; the body follows at `depth + 1`.
    fn open_variant(&mut self, variant: &'static str, depth: usize) {
        self.buf.extend_from_slice(b"{\n");
        self.indent(depth + 1);
        self.string(variant);
        self.buf.extend_from_slice(b": ");
    }

    fn close_variant(&mut self, depth: usize) {
        self.buf.push(b'\n');
        self.indent(depth);
        self.buf.push(b'}');
    }
}

/// Something only the `Value` path renders.
#[derive(Debug)]
pub struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not renderable in one pass")
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(_: T) -> Error {
        Error
    }
}
/// Whether a JSON string needs escapes: a `"`, a `\\` or a control character (what
/// `serde_json` escapes). Eight bytes at a time: a byte is below 0x20, or equal to `"` or `\\`,
/// exactly when the classic "has a byte below n" word tests say so (a borrow between bytes
/// only happens after a byte that already matched).
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH;
    let special = |w: u64| {
        below(w, 0x20)
            | below(w ^ (ONES * u64::from(b'"')), 1)
            | below(w ^ (ONES * u64::from(b'\\')), 1)
            != 0
    };
    let mut words = bytes.chunks_exact(8);
    if words.by_ref().any(|w| {
        special(u64::from_le_bytes([
            w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
        ]))
    }) {
        return true;
    }
    words
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}
