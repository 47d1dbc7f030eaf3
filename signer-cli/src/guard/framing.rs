//! The MCP stdio transport's framing: one JSON-RPC message per line, ended by `\n`. Lines are
//! read with a size cap, so a peer cannot make the gateway buffer without bound.

use std::io::{self, BufRead};

/// One read from a stream.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// A whole line, with its `\n` (the last line of a stream may lack it).
    Line(Vec<u8>),
    /// A line longer than the cap; nothing of it is kept.
    TooLong,
    /// The stream ended.
    Eof,
}

/// Read the next line of at most `cap` bytes (the newline included).
pub(crate) fn read_frame(reader: &mut impl BufRead, cap: usize) -> io::Result<Frame> {
    let mut line = Vec::new();
    loop {
        let available = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(if line.is_empty() {
                Frame::Eof
            } else {
                Frame::Line(line)
            });
        }
        let (take, done) = match memchr(available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if line.len() + take > cap {
            return Ok(Frame::TooLong);
        }
        line.extend_from_slice(&available[..take]);
        reader.consume(take);
        if done {
            return Ok(Frame::Line(line));
        }
    }
}

fn memchr(buf: &[u8]) -> Option<usize> {
    buf.iter().position(|&b| b == b'\n')
}

/// The line without its `\n` or `\r\n`.
pub(crate) fn content(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_eof_and_cap() {
        let mut r = io::BufReader::with_capacity(4, &b"ab\ncdef\nlast"[..]);
        assert_eq!(
            read_frame(&mut r, 100).unwrap(),
            Frame::Line(b"ab\n".to_vec())
        );
        assert_eq!(
            read_frame(&mut r, 100).unwrap(),
            Frame::Line(b"cdef\n".to_vec())
        );
        assert_eq!(
            read_frame(&mut r, 100).unwrap(),
            Frame::Line(b"last".to_vec())
        );
        assert_eq!(read_frame(&mut r, 100).unwrap(), Frame::Eof);
        let mut r = io::BufReader::with_capacity(4, &b"0123456789\n"[..]);
        assert_eq!(read_frame(&mut r, 8).unwrap(), Frame::TooLong);
        assert_eq!(content(b"x\r\n"), b"x");
    }
}
