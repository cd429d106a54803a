//! What a device and the server say when the device's token rotates
//! (`POST /sync/device/rotate`, the server's `device_tokens`): the device
//! presents its current token as usual and, when the server did not know
//! it, the tokens it retired; the server answers with a fresh one.

use serde::{Deserialize, Serialize};

/// The request's body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotateRequest {
    /// Tokens this device used before, newest first (empty unless its
    /// current one was refused as unknown: a server put back from a backup
    /// knows one of these).
    #[serde(default)]
    pub earlier: Vec<String>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotatedToken {
    /// The device's token from now on.
    pub token: String,
}
