//! Arrays (sequences, tuples, tuple structs and tuple variants).

use super::node::leave_variant;
use super::{Error, Out};
use serde::Serialize;
use serde::ser;
use std::borrow::Cow;

/// An array being written.
pub(super) struct Seq<'a, 'p> {
    pub(super) out: &'a mut Out<'p>,
    pub(super) depth: usize,
    pub(super) len: usize,
    /// Inside a tuple variant's `{"variant": ...}`.
    pub(super) in_variant: bool,
}

impl Seq<'_, '_> {
    pub(super) fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let index = self.len;
        self.len += 1;
        self.out
            .buf
            .extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
        self.out.indent(self.depth + 1);
        self.out
            .child(|| Cow::Owned(index.to_string()), value, self.depth + 1)
    }

    pub(super) fn finish(self) {
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

/// The four array-like serde traits, all one [`Seq`].
macro_rules! seq_traits {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Seq<'_, '_> {
            type Ok = ();
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Result<(), Error> {
                self.finish();
                Ok(())
            }
        }
    )*};
}

seq_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);
