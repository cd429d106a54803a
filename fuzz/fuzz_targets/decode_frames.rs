//! Any bytes, read as a frame from a device or from the server, give a
//! message or an error, never a panic; a decoded message encodes back to
//! the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tsunagu_sync::protocol::{ClientMessage, ServerMessage};

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = ClientMessage::decode(data) {
        let again = message.encode().expect("a decoded message encodes");
        assert_eq!(ClientMessage::decode(&again).expect("round trip"), message);
    }
    if let Ok(message) = ServerMessage::decode(data) {
        let again = message.encode().expect("a decoded message encodes");
        assert_eq!(ServerMessage::decode(&again).expect("round trip"), message);
    }
    let _ = ClientMessage::frame_expects_reply(data);
});
