//! The text of an observation snapshot, written in one pass: what
//! `serde_json::to_string_pretty(&normalized_observation(observation, volatile))` gives, byte
//! for byte (keys sorted, two-space indent, volatile paths replaced by the placeholder), without
//! building the intermediate `Value` tree, copying every request and response into it, and
//! dropping it again — the larger part of a snapshot's cost.
//!
//! A serde serializer writes straight into one buffer; each object notes where its entries'
//! text lies and, if their keys did not arrive in order, rewrites them sorted (structs
//! serialize in declaration order and an internally tagged enum writes its tag first, while
//! `serde_json` maps arrive sorted and cost nothing extra). Volatile paths are tracked only when there are patterns. Anything the `Value` path
//! would treat differently (non-string map keys, 128-bit integers) is an error, and the caller
//! falls back to the `Value` path.

use super::snapshot::VOLATILE_PLACEHOLDER;
use crate::json_pointer::PointerPattern;
use serde::Serialize;
use serde::ser::{self, Impossible};
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

/// `value` as pretty JSON with sorted keys and every place a `volatile` pattern matches
/// replaced by `"[volatile]"`; `None` if it holds something only the `Value` path renders.
pub fn pretty_sorted_masked<T: Serialize + ?Sized>(
    value: &T,
    volatile: &[PointerPattern],
) -> Option<String> {
    let mut out = Out {
        buf: Vec::with_capacity(16 * 1024),
        volatile,
        tokens: Vec::new(),
        tracking: !volatile.is_empty(),
        entries: Vec::new(),
        scratch: Vec::new(),
    };
    if out.masked() {
        out.placeholder();
    } else {
        value
            .serialize(Node {
                out: &mut out,
                depth: 0,
            })
            .ok()?;
    }
    String::from_utf8(out.buf).ok()
}

/// The text so far, and where the serializer is: the path is tracked only while some pattern
/// can still match below it.
struct Out<'p> {
    buf: Vec<u8>,
    volatile: &'p [PointerPattern],
    tokens: Vec<String>,
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
                    .all(|(p, t)| p == "*" || p == t)
        })
    }

    fn placeholder(&mut self) {
        self.scalar(VOLATILE_PLACEHOLDER);
    }

    fn scalar<T: Serialize + ?Sized>(&mut self, value: &T) {
        if serde_json::to_writer(&mut self.buf, value).is_err() {
            self.buf.extend_from_slice(b"null");
        }
    }

    fn indent(&mut self, depth: usize) {
        self.buf.resize(self.buf.len() + 2 * depth, b' ');
    }

    /// Writes a child at `token` at `depth`: the placeholder when a pattern matches it.
    fn child<T: Serialize + ?Sized>(
        &mut self,
        token: impl FnOnce() -> String,
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
        self.scalar(variant);
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

/// Writes one value at `depth`.
struct Node<'a, 'p> {
    out: &'a mut Out<'p>,
    depth: usize,
}

/// An array being written.
struct Seq<'a, 'p> {
    out: &'a mut Out<'p>,
    depth: usize,
    len: usize,
    /// Inside a tuple variant's `{"variant": ...}`.
    in_variant: bool,
}

/// An object being written: each entry's key and where its text (indent, key, value; without
/// the separator) lies in the buffer, so that the entries can be put in key order at the end.
struct Map<'a, 'p> {
    out: &'a mut Out<'p>,
    depth: usize,
    /// Where the first entry's separator starts (just after `{`).
    start: usize,
    /// Where this object's entries start in [`Out::entries`].
    first: usize,
    sorted: bool,
    /// A map entry whose key is written: where the entry starts, and the key's text.
    pending: Option<(usize, Range<usize>)>,
    in_variant: bool,
}

/// One written entry of an object.
struct Entry {
    key: Key,
    text: Range<usize>,
}

/// An entry's key: a struct field's name, or a map key's JSON text in the buffer.
enum Key {
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

impl<'a, 'p> Node<'a, 'p> {
    fn seq(self, in_variant: bool) -> Seq<'a, 'p> {
        self.out.buf.push(b'[');
        Seq {
            out: self.out,
            depth: self.depth,
            len: 0,
            in_variant,
        }
    }

    fn map(self, in_variant: bool) -> Map<'a, 'p> {
        self.out.buf.push(b'{');
        let start = self.out.buf.len();
        let first = self.out.entries.len();
        Map {
            out: self.out,
            depth: self.depth,
            start,
            first,
            sorted: true,
            pending: None,
            in_variant,
        }
    }

    /// Steps into a tuple or struct variant's body. A volatile pattern on the body itself is
    /// left to the `Value` path (the body's fields are about to be fed in and cannot be
    /// skipped).
    fn enter_variant(self, variant: &'static str) -> Result<Node<'a, 'p>, Error> {
        if self.out.tracking {
            self.out.tokens.push(variant.to_string());
            if self.out.masked() {
                return Err(Error);
            }
        }
        self.out.open_variant(variant, self.depth);
        Ok(Node {
            out: self.out,
            depth: self.depth + 1,
        })
    }
}

/// Closes a tuple or struct variant's `{"variant": ...}` after its body at `depth`.
fn leave_variant(out: &mut Out<'_>, depth: usize) {
    if out.tracking {
        out.tokens.pop();
    }
    out.close_variant(depth - 1);
}

impl<'a, 'p> ser::Serializer for Node<'a, 'p> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Seq<'a, 'p>;
    type SerializeTuple = Seq<'a, 'p>;
    type SerializeTupleStruct = Seq<'a, 'p>;
    type SerializeTupleVariant = Seq<'a, 'p>;
    type SerializeMap = Map<'a, 'p>;
    type SerializeStruct = Map<'a, 'p>;
    type SerializeStructVariant = Map<'a, 'p>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out.scalar(&v);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.out.scalar(&v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.out.scalar(&v);
        Ok(())
    }
    fn serialize_i128(self, _: i128) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_u128(self, _: u128) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        // As `Value` stores it (non-finite: null).
        self.out.scalar(&serde_json::Value::from(v));
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.out.scalar(&serde_json::Value::from(v));
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.out.scalar(&v);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.out.scalar(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut seq = self.seq(false);
        for b in v {
            seq.push(b)?;
        }
        seq.finish();
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.out.buf.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.out.scalar(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.out.open_variant(variant, self.depth);
        self.out
            .child(|| variant.to_string(), value, self.depth + 1)?;
        self.out.close_variant(self.depth);
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a, 'p>, Error> {
        Ok(self.seq(false))
    }
    fn serialize_tuple(self, _: usize) -> Result<Seq<'a, 'p>, Error> {
        Ok(self.seq(false))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Seq<'a, 'p>, Error> {
        Ok(self.seq(false))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Seq<'a, 'p>, Error> {
        Ok(self.enter_variant(variant)?.seq(true))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a, 'p>, Error> {
        Ok(self.map(false))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Map<'a, 'p>, Error> {
        Ok(self.map(false))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Map<'a, 'p>, Error> {
        Ok(self.enter_variant(variant)?.map(true))
    }
}

impl Seq<'_, '_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let index = self.len;
        self.len += 1;
        self.out
            .buf
            .extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
        self.out.indent(self.depth + 1);
        self.out.child(|| index.to_string(), value, self.depth + 1)
    }

    fn finish(self) {
        if self.len > 0 {
            self.out.buf.push(b'\n');
            self.out.indent(self.depth);
        }
        self.out.buf.push(b']');
        if self.in_variant {
            leave_variant(self.out, self.depth);
        }
    }
}

impl ser::SerializeSeq for Seq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeTuple for Seq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Seq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Seq<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish();
        Ok(())
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
        let token = out
            .tracking
            .then(|| String::from_utf8_lossy(&key.bytes(&out.buf, 0)).into_owned());
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
        self.out.scalar(name);
        self.finish_entry(from, Key::Field(name), value)
    }

    fn finish(self) {
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

impl ser::SerializeStruct for Map<'_, '_> {
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

impl ser::SerializeStructVariant for Map<'_, '_> {
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

/// Writes a map key: strings only (anything else goes the `Value` way).
struct KeyName<'a, 'p> {
    out: &'a mut Out<'p>,
}

impl ser::Serializer for KeyName<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.out.scalar(v);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.out.scalar(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_i8(self, _: i8) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_i16(self, _: i16) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_i32(self, _: i32) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_i64(self, _: i64) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_u8(self, _: u8) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_u16(self, _: u16) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_u32(self, _: u32) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_u64(self, _: u64) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_char(self, _: char) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(Error)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(Error)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(Error)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Error)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Error)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(Error)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error)
    }
}
