//! The outer envelope of every sync frame: a protocol version byte, a
//! message-kind byte and a length-checked body.
//!
//! Decoding never panics and never trusts the peer: an unknown version, a
//! truncated frame or a body over the size limit is a [`FrameError`] that the
//! caller turns into a clear error frame.

use thiserror::Error;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u8 = 1;

/// The largest frame either side accepts, header included (4 MiB).
pub const MAX_FRAME_BYTES: usize = 4 * 1024 * 1024;

/// Bytes before the body: version and kind.
const HEADER_BYTES: usize = 2;

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    /// The frame is shorter than its header.
    #[error("frame too short: {len} bytes, the header alone is {HEADER_BYTES}")]
    Truncated {
        /// How many bytes arrived.
        len: usize,
    },
    /// The peer speaks a protocol version this build does not.
    #[error("unsupported protocol version {found}; this build speaks version {PROTOCOL_VERSION}")]
    UnsupportedVersion {
        /// The version byte that arrived.
        found: u8,
    },
    /// The frame is larger than [`MAX_FRAME_BYTES`].
    #[error("frame of {len} bytes is over the limit of {MAX_FRAME_BYTES} bytes")]
    TooLarge {
        /// The frame's size.
        len: usize,
    },
}

/// A frame split into its parts, borrowing the body from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// Which message the body holds; its meaning belongs to the protocol layer.
    pub kind: u8,
    /// The message body.
    pub body: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Reads a frame, checking size and version before anything else.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, FrameError> {
        if bytes.len() > MAX_FRAME_BYTES {
            return Err(FrameError::TooLarge { len: bytes.len() });
        }
        match bytes {
            [version, kind, body @ ..] => {
                if *version != PROTOCOL_VERSION {
                    return Err(FrameError::UnsupportedVersion { found: *version });
                }
                Ok(Frame { kind: *kind, body })
            }
            _ => Err(FrameError::Truncated { len: bytes.len() }),
        }
    }

    /// Writes the frame with this build's protocol version.
    pub fn encode(&self) -> Result<Vec<u8>, FrameError> {
        let len = HEADER_BYTES + self.body.len();
        if len > MAX_FRAME_BYTES {
            return Err(FrameError::TooLarge { len });
        }
        let mut out = Vec::with_capacity(len);
        out.push(PROTOCOL_VERSION);
        out.push(self.kind);
        out.extend_from_slice(self.body);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_kind_and_body() {
        let frame = Frame {
            kind: 7,
            body: "面接記録".as_bytes(),
        };
        let bytes = frame.encode().unwrap();
        assert_eq!(bytes[0], PROTOCOL_VERSION);
        assert_eq!(Frame::decode(&bytes).unwrap(), frame);
    }

    #[test]
    fn rejects_unknown_version_and_short_frames() {
        assert_eq!(
            Frame::decode(&[PROTOCOL_VERSION + 1, 0]),
            Err(FrameError::UnsupportedVersion {
                found: PROTOCOL_VERSION + 1
            })
        );
        assert_eq!(
            Frame::decode(&[PROTOCOL_VERSION]),
            Err(FrameError::Truncated { len: 1 })
        );
        assert_eq!(Frame::decode(&[]), Err(FrameError::Truncated { len: 0 }));
    }

    #[test]
    fn rejects_oversized_frames_both_ways() {
        let big = vec![0u8; MAX_FRAME_BYTES];
        let frame = Frame {
            kind: 1,
            body: &big,
        };
        assert!(matches!(frame.encode(), Err(FrameError::TooLarge { .. })));
        let mut bytes = vec![PROTOCOL_VERSION, 1];
        bytes.resize(MAX_FRAME_BYTES + 1, 0);
        assert!(matches!(
            Frame::decode(&bytes),
            Err(FrameError::TooLarge { .. })
        ));
    }
}
