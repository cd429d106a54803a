//! The size check a push's items pass before automerge sees them, fed
//! arbitrary bytes: it answers without panicking, and whatever it lets
//! through decodes (or fails to) within the limits it promised.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tsunagu_sync::record::Record;
use tsunagu_sync::record::limits::{self, MAX_CHUNK_DECODED_BYTES};

fuzz_target!(|data: &[u8]| {
    if let Ok(size) = limits::inspect(data) {
        assert!(size.decoded_bytes <= MAX_CHUNK_DECODED_BYTES);
        assert!(size.ops <= limits::MAX_DOCUMENT_OPS);
        let _ = Record::from_changes(&[data.to_vec()], b"fuzz");
    }
});
