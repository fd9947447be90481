//! The serializer of one value: scalars in place, arrays and objects through [`Seq`] and
//! [`Map`], variants wrapped in `{"variant": ...}`.

use super::object::Map;
use super::seq::Seq;
use super::{Error, Out};
use crate::harness::snapshot::RECORDED_PLACEHOLDER;
use crate::observation::RECORDED_RESPONSE;
use serde::Serialize;
use serde::ser;
use std::borrow::Cow;

/// Writes one value at `depth`.
pub(super) struct Node<'a, 'p> {
    pub(super) out: &'a mut Out<'p>,
    pub(super) depth: usize,
}

impl<'a, 'p> Node<'a, 'p> {
    pub(super) fn seq(self, in_variant: bool) -> Seq<'a, 'p> {
        self.out.buf.push(b'[');
        Seq {
            out: self.out,
            depth: self.depth,
            len: 0,
            in_variant,
        }
    }

    pub(super) fn map(self, in_variant: bool) -> Map<'a, 'p> {
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
    pub(super) fn enter_variant(self, variant: &'static str) -> Result<Node<'a, 'p>, Error> {
        if self.out.tracking {
            self.out.tokens.push(Cow::Borrowed(variant));
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
pub(super) fn leave_variant(out: &mut Out<'_>, depth: usize) {
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
        self.out.string(v);
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
        self.out.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if name == RECORDED_RESPONSE {
            self.out.string(RECORDED_PLACEHOLDER);
            return Ok(());
        }
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
            .child(|| Cow::Borrowed(variant), value, self.depth + 1)?;
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
