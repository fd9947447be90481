//! Reading a file whose size is known, in one `read`.
//!
//! `file.take(size).read_to_end(buf)` reads at most 8 KiB in its first call when it gets no
//! size hint (and `Take` gives none), so a fixture file or a snapshot of 9 KB took two `read`
//! calls; `File::read_to_end` reads the size it was told and then once more to see the end.
//! [`read_up_to`] asks for the whole size at once and stops there.

use std::io::{self, Read};

/// Appends up to `size` bytes of `reader` to `buf` and returns how many it appended: all of
/// them, unless the input ends first. A regular file of `size` bytes takes one `read` call.
/// On an error nothing is appended.
pub(crate) fn read_up_to(
    reader: &mut impl Read,
    size: usize,
    buf: &mut Vec<u8>,
) -> io::Result<usize> {
    let start = buf.len();
    buf.resize(start + size, 0);
    let mut filled = 0;
    while filled < size {
        match reader.read(&mut buf[start + filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                buf.truncate(start);
                return Err(e);
            }
        }
    }
    buf.truncate(start + filled);
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::read_up_to;
    use std::io::{self, Read};

    /// Hands out at most `chunk` bytes per call, like a pipe or a slow file system.
    struct Chunked<'a> {
        data: &'a [u8],
        chunk: usize,
        calls: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            let n = self.data.len().min(self.chunk).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn reads_the_size_in_one_call_after_what_the_buffer_holds() {
        let data = vec![7u8; 20_000];
        let mut reader = Chunked {
            data: &data,
            chunk: usize::MAX,
            calls: 0,
        };
        let mut buf = b"head".to_vec();
        assert_eq!(
            read_up_to(&mut reader, data.len(), &mut buf).unwrap(),
            data.len()
        );
        assert_eq!(reader.calls, 1);
        assert_eq!(&buf[..4], b"head");
        assert_eq!(&buf[4..], &data[..]);
    }

    #[test]
    fn stops_at_the_size_or_at_the_end_of_the_input() {
        let data: Vec<u8> = (0..=255).collect();
        let mut reader = Chunked {
            data: &data,
            chunk: 100,
            calls: 0,
        };
        let mut buf = Vec::new();
        assert_eq!(read_up_to(&mut reader, 150, &mut buf).unwrap(), 150);
        assert_eq!(buf, &data[..150]);
        let mut buf = Vec::new();
        let mut short = Chunked {
            data: &data[..10],
            chunk: 3,
            calls: 0,
        };
        assert_eq!(read_up_to(&mut short, 50, &mut buf).unwrap(), 10);
        assert_eq!(buf, &data[..10]);
    }

    #[test]
    fn an_error_appends_nothing() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let mut buf = b"kept".to_vec();
        assert!(read_up_to(&mut Failing, 10, &mut buf).is_err());
        assert_eq!(buf, b"kept");
    }
}
