//! Content codings (RFC 9110 §8.4): what margay asks for (`Accept-Encoding`) and how a body
//! sent with `Content-Encoding` is undone — gzip, deflate (zlib-wrapped, as the RFC says, and
//! raw, as some servers send it), br, and any stack of them, last applied first undone.
//!
//! ureq's own decoding is off: it drops `Content-Encoding` and `Content-Length` from the
//! headers it hands on, and margay shows every header as the server sent it. The decoders are
//! flate2's and brotli-decompressor's; only the choice between them is written here.
//!
//! A coding margay does not know is an error naming it, never bytes shown as text.

use std::io::{BufRead, BufReader, Read};

/// The `Accept-Encoding` margay sends.
pub const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// How many codings one body may stack before margay gives up (a server sending more is
/// broken or hostile).
const MAX_STACK: usize = 4;

/// One content coding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Deflate,
    Brotli,
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Brotli => "br",
        }
    }
}

/// Why a body's codings cannot be undone.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodingError {
    #[error("the body is encoded as '{0}', which margay cannot decode")]
    Unknown(String),
    #[error("the body is encoded {0} times over ({1}); margay undoes at most {MAX_STACK}")]
    TooDeep(usize, String),
}

/// The codings named by every `Content-Encoding` value, in the order they were applied.
/// `identity` is no coding.
pub fn codings<'a>(values: impl Iterator<Item = &'a str>) -> Result<Vec<Coding>, CodingError> {
    let mut out = Vec::new();
    let mut names = Vec::new();
    for name in values.flat_map(|v| v.split(',')).map(str::trim).filter(|n| !n.is_empty()) {
        names.push(name.to_string());
        match name.to_ascii_lowercase().as_str() {
            "gzip" | "x-gzip" => out.push(Coding::Gzip),
            "deflate" => out.push(Coding::Deflate),
            "br" => out.push(Coding::Brotli),
            "identity" => {}
            _ => return Err(CodingError::Unknown(name.to_string())),
        }
    }
    if out.len() > MAX_STACK {
        return Err(CodingError::TooDeep(out.len(), names.join(", ")));
    }
    Ok(out)
}

/// `reader` with `codings` undone, the last applied first. Errors inside the data surface as
/// read errors naming the coding.
pub fn decoder(reader: Box<dyn Read + Send>, codings: &[Coding]) -> Box<dyn Read + Send> {
    codings.iter().rev().fold(reader, |inner, &coding| {
        let decoded: Box<dyn Read + Send> = match coding {
            Coding::Gzip => Box::new(flate2::read::MultiGzDecoder::new(inner)),
            Coding::Deflate => deflate(inner),
            Coding::Brotli => Box::new(brotli_decompressor::Decompressor::new(inner, 64 * 1024)),
        };
        Box::new(Named { inner: decoded, coding })
    })
}

/// "deflate" means zlib-wrapped data, but servers have long sent raw deflate under that name
/// too; the first two bytes tell them apart (RFC 1950: CM = 8 and a header checksum).
fn deflate(inner: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
    let mut buffered = BufReader::new(inner);
    let zlib = match buffered.fill_buf() {
        Ok(head) if head.len() >= 2 => {
            head[0] & 0x0f == 8 && (u16::from(head[0]) << 8 | u16::from(head[1])) % 31 == 0
        }
        _ => true,
    };
    if zlib {
        Box::new(flate2::bufread::ZlibDecoder::new(buffered))
    } else {
        Box::new(flate2::bufread::DeflateDecoder::new(buffered))
    }
}

/// A decoder whose errors say which coding failed.
struct Named {
    inner: Box<dyn Read + Send>,
    coding: Coding,
}

impl Read for Named {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == std::io::ErrorKind::Interrupted || is_transport(&e) {
                return e;
            }
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                DecodeFailed { coding: self.coding.name(), detail: e.to_string() },
            )
        })
    }
}

/// An error that came from below the decoder (the connection), not from the data.
fn is_transport(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::TimedOut | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::WouldBlock
    ) || e.get_ref().is_some_and(|inner| inner.is::<DecodeFailed>() || inner.is::<ureq::Error>())
}

/// The data under a coding was not valid for it.
#[derive(Debug, thiserror::Error)]
#[error("the {coding}-encoded body could not be decoded ({detail})")]
pub struct DecodeFailed {
    pub coding: &'static str,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn decode(body: Vec<u8>, header: &str) -> std::io::Result<Vec<u8>> {
        let codings = codings(std::iter::once(header)).map_err(std::io::Error::other)?;
        let mut out = Vec::new();
        decoder(Box::new(std::io::Cursor::new(body)), &codings).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn deflate_is_decoded_zlib_wrapped_and_raw() {
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zlib.write_all(b"zlib wrapped").unwrap();
        assert_eq!(decode(zlib.finish().unwrap(), "deflate").unwrap(), b"zlib wrapped");
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(b"raw deflate").unwrap();
        assert_eq!(decode(raw.finish().unwrap(), "deflate").unwrap(), b"raw deflate");
    }

    #[test]
    fn stacks_are_undone_last_first() {
        assert_eq!(decode(gzip(&gzip(b"twice")), "gzip, gzip").unwrap(), b"twice");
        assert_eq!(decode(gzip(&gzip(b"twice")), "gzip, identity, x-gzip").unwrap(), b"twice");
        assert_eq!(decode(b"plain".to_vec(), "identity").unwrap(), b"plain");
    }

    #[test]
    fn unknown_and_too_deep_codings_are_named() {
        assert_eq!(codings(["gzip", "compress"].into_iter()), Err(CodingError::Unknown("compress".into())));
        assert!(matches!(
            codings(std::iter::once("gzip,gzip,gzip,gzip,gzip")),
            Err(CodingError::TooDeep(5, _))
        ));
    }

    #[test]
    fn corrupt_data_names_the_coding() {
        let err = decode(b"not gzip at all".to_vec(), "gzip").unwrap_err();
        assert!(err.to_string().contains("gzip-encoded body could not be decoded"), "{err}");
    }
}
