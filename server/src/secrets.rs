//! Bearer secrets (session and device tokens): 256 random bits as hex,
//! of which only the SHA-256 is stored, so a copy of the database opens
//! nothing.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh token: 32 random bytes, hex-encoded.
pub fn new_token() -> String {
    random_hex::<32>()
}

/// `N` random bytes, hex-encoded (an identifier nobody can guess).
pub fn random_hex<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 32);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a.as_bytes());
    }
}
