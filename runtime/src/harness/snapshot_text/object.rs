//! Objects (maps, structs, struct variants): entries written in place, then put in key order
//! if they did not arrive in it.

use super::key::KeyName;
use super::node::leave_variant;
use super::{Error, Out};
use serde::Serialize;
use serde::ser;
use std::borrow::Cow;
use std::ops::Range;

/// An object being written: each entry's key and where its text (indent, key, value; without
/// the separator) lies in the buffer, so that the entries can be put in key order at the end.
pub(super) struct Map<'a, 'p> {
    pub(super) out: &'a mut Out<'p>,
    pub(super) depth: usize,
    /// Where the first entry's separator starts (just after `{`).
    pub(super) start: usize,
    /// Where this object's entries start in [`Out::entries`].
    pub(super) first: usize,
    pub(super) sorted: bool,
    /// A map entry whose key is written: where the entry starts, and the key's text.
    pub(super) pending: Option<(usize, Range<usize>)>,
    pub(super) in_variant: bool,
}

/// One written entry of an object.
pub(super) struct Entry {
    pub(super) key: Key,
    pub(super) text: Range<usize>,
}

/// An entry's key: a struct field's name, or a map key's JSON text in the buffer.
pub(super) enum Key {
    Field(&'static str),
    Written(Range<usize>),
}

impl Key {
    /// The key's bytes (what `String`'s order compares), from `buf` starting at `base`.
    fn bytes<'b>(&'b self, buf: &'b [u8], base: usize) -> Cow<'b, [u8]> {
        match self {
            Key::Field(name) => Cow::Borrowed(name.as_bytes()),
            Key::Written(range) => {
                let quoted = &buf[range.start - base..range.end - base];
                let inner = &quoted[1..quoted.len() - 1];
                if inner.contains(&b'\\') {
                    let decoded: String = serde_json::from_slice(quoted).unwrap_or_default();
                    Cow::Owned(decoded.into_bytes())
                } else {
                    Cow::Borrowed(inner)
                }
            }
        }
    }
}

impl Key {
    /// The key as a path token: a field's name borrowed, a map key decoded.
    fn token(&self, buf: &[u8]) -> Cow<'static, str> {
        match self {
            Key::Field(name) => Cow::Borrowed(name),
            Key::Written(_) => {
                Cow::Owned(String::from_utf8_lossy(&self.bytes(buf, 0)).into_owned())
            }
        }
    }
}

impl Map<'_, '_> {
    fn is_empty(&self) -> bool {
        self.out.entries.len() == self.first
    }

    /// Starts an entry: separator, indent; returns where the entry's text starts.
    fn begin(&mut self) -> usize {
        let first = self.is_empty() && self.pending.is_none();
        let out = &mut *self.out;
        out.buf
            .extend_from_slice(if first { b"\n" } else { b",\n" });
        let from = out.buf.len();
        out.indent(self.depth + 1);
        from
    }

    /// Writes the value of the entry that began at `from`, with `key`.
    fn finish_entry<T: Serialize + ?Sized>(
        &mut self,
        from: usize,
        key: Key,
        value: &T,
    ) -> Result<(), Error> {
        let first = self.first;
        let out = &mut *self.out;
        if out.entries.len() > first {
            let last = &out.entries[out.entries.len() - 1];
            self.sorted &= last.key.bytes(&out.buf, 0) < key.bytes(&out.buf, 0);
        }
        out.buf.extend_from_slice(b": ");
        let token = out.tracking.then(|| key.token(&out.buf));
        out.child(|| token.unwrap_or_default(), value, self.depth + 1)?;
        let to = out.buf.len();
        out.entries.push(Entry {
            key,
            text: from..to,
        });
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result<(), Error> {
        let from = self.begin();
        self.out.string(name);
        self.finish_entry(from, Key::Field(name), value)
    }

    pub(super) fn finish(self) {
        if !self.sorted {
            reorder(self.out, self.start, self.first);
        }
        if !self.is_empty() {
            self.out.buf.push(b'\n');
            self.out.indent(self.depth);
        }
        self.out.entries.truncate(self.first);
        self.out.buf.push(b'}');
        if self.in_variant {
            leave_variant(self.out, self.depth);
        }
    }
}

/// Rewrites the entries `out.entries[first..]` of the object whose text starts at `start` in
/// key order; of equal keys the last one stays, as in a map.
fn reorder(out: &mut Out<'_>, start: usize, first: usize) {
    let mut written = std::mem::take(&mut out.scratch);
    written.clear();
    written.extend_from_slice(&out.buf[start..]);
    out.buf.truncate(start);
    let entries = &out.entries[first..];
    let keys: Vec<Cow<'_, [u8]>> = entries
        .iter()
        .map(|e| e.key.bytes(&written, start))
        .collect();
    let mut order: Vec<usize> = (0..entries.len()).rev().collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    order.dedup_by(|later, kept| keys[*later] == keys[*kept]);
    for (n, &i) in order.iter().enumerate() {
        let text = &entries[i].text;
        out.buf
            .extend_from_slice(if n == 0 { b"\n" } else { b",\n" });
        out.buf
            .extend_from_slice(&written[text.start - start..text.end - start]);
    }
    drop(keys);
    out.scratch = written;
}

impl ser::SerializeMap for Map<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let from = self.begin();
        let at = self.out.buf.len();
        key.serialize(KeyName { out: self.out })?;
        self.pending = Some((from, at..self.out.buf.len()));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let (from, key) = self.pending.take().ok_or(Error)?;
        self.finish_entry(from, Key::Written(key), value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

/// The two struct-like serde traits, both one [`Map`].
macro_rules! struct_traits {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Map<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), Error> {
                self.finish();
                Ok(())
            }
        }
    )*};
}

struct_traits!(SerializeStruct, SerializeStructVariant);
