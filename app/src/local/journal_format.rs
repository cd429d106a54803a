//! The save journal's file: one frame per save, appended and flushed
//! before the save counts, folded into IndexedDB after it.
//!
//! A frame is `TSJ1`, the payload's length (u32, little-endian), its
//! CRC-32 (u32, little-endian) and the payload: the number of writes
//! (u32), then per write a tag (put or delete, in `meta` or `records`),
//! the key and, for a put, the value, each as a u32 length and bytes.
//! The values are the sealed (encrypted) bytes IndexedDB gets, so the
//! journal holds nothing readable either.
//!
//! A tab killed mid-append leaves a torn last frame: reading stops at the
//! first frame whose header, length or checksum does not hold, and what
//! came before it is intact, because frames are only ever appended.

use super::writes::{META, RECORDS, Write};

const MAGIC: &[u8; 4] = b"TSJ1";
const HEADER: usize = 12;
const PUT_META: u8 = 0;
const PUT_RECORDS: u8 = 1;
const DELETE_META: u8 = 2;
const DELETE_RECORDS: u8 = 3;

/// One frame holding `writes`, ready to append.
pub fn encode_frame(writes: &[Write]) -> Vec<u8> {
    let mut payload = Vec::new();
    put_u32(&mut payload, writes.len());
    for write in writes {
        match write {
            Write::Put { store, key, value } => {
                payload.push(if *store == META {
                    PUT_META
                } else {
                    PUT_RECORDS
                });
                put_bytes(&mut payload, key.as_bytes());
                put_bytes(&mut payload, value);
            }
            Write::Delete { store, key } => {
                payload.push(if *store == META {
                    DELETE_META
                } else {
                    DELETE_RECORDS
                });
                put_bytes(&mut payload, key.as_bytes());
            }
        }
    }
    let mut frame = Vec::with_capacity(HEADER + payload.len());
    frame.extend_from_slice(MAGIC);
    put_u32(&mut frame, payload.len());
    frame.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    frame.extend_from_slice(&payload);
    frame
}

/// The writes of every whole frame in `file`, oldest first, up to the
/// first frame that is torn or damaged.
pub fn decode_frames(file: &[u8]) -> Vec<Vec<Write>> {
    let mut frames = Vec::new();
    let mut rest = file;
    while rest.len() >= HEADER && &rest[..4] == MAGIC {
        let len = u32::from_le_bytes(rest[4..8].try_into().expect("4 bytes")) as usize;
        let crc = u32::from_le_bytes(rest[8..12].try_into().expect("4 bytes"));
        let Some(payload) = rest.get(HEADER..HEADER + len) else {
            break;
        };
        if crc32fast::hash(payload) != crc {
            break;
        }
        let Some(writes) = decode_payload(payload) else {
            break;
        };
        frames.push(writes);
        rest = &rest[HEADER + len..];
    }
    frames
}

fn decode_payload(payload: &[u8]) -> Option<Vec<Write>> {
    let mut reader = Reader(payload);
    let count = reader.u32()?;
    let mut writes = Vec::with_capacity(count.min(4096));
    for _ in 0..count {
        let tag = reader.byte()?;
        let key = String::from_utf8(reader.bytes()?.to_vec()).ok()?;
        let store = if tag == PUT_META || tag == DELETE_META {
            META
        } else {
            RECORDS
        };
        writes.push(match tag {
            PUT_META | PUT_RECORDS => Write::Put {
                store,
                key,
                value: reader.bytes()?.to_vec(),
            },
            DELETE_META | DELETE_RECORDS => Write::Delete { store, key },
            _ => return None,
        });
    }
    reader.0.is_empty().then_some(writes)
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    let n = u32::try_from(n).expect("a journal field under 4 GiB");
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_u32(out, bytes.len());
    out.extend_from_slice(bytes);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = tail;
        Some(head)
    }
    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = self.u32()?;
        self.take(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn save(n: u8) -> Vec<Write> {
        vec![
            Write::Put {
                store: RECORDS,
                key: format!("record-{n}"),
                value: vec![n; 40],
            },
            Write::Put {
                store: META,
                key: "sync".into(),
                value: vec![n, 1, 2],
            },
            Write::Delete {
                store: RECORDS,
                key: "gone".into(),
            },
        ]
    }

    #[test]
    fn frames_read_back_in_order() {
        let file = [encode_frame(&save(1)), encode_frame(&save(2))].concat();
        assert_eq!(decode_frames(&file), vec![save(1), save(2)]);
    }

    #[test]
    fn a_torn_last_frame_keeps_the_ones_before_it() {
        let whole = encode_frame(&save(1));
        let second = encode_frame(&save(2));
        for cut in 0..second.len() {
            let file = [whole.as_slice(), &second[..cut]].concat();
            assert_eq!(decode_frames(&file), vec![save(1)], "cut at {cut}");
        }
    }

    #[test]
    fn a_damaged_frame_ends_the_journal_there() {
        let mut file = [encode_frame(&save(1)), encode_frame(&save(2))].concat();
        let in_second = encode_frame(&save(1)).len() + HEADER + 10;
        file[in_second] ^= 0x40;
        assert_eq!(decode_frames(&file), vec![save(1)]);
        assert_eq!(decode_frames(b"not a journal"), Vec::<Vec<Write>>::new());
        assert_eq!(decode_frames(&[]), Vec::<Vec<Write>>::new());
    }
}
