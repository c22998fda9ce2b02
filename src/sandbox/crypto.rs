//! The server half of MTProto 2.0 message encryption.
//!
//! grammers-crypto only ships the client half (it encrypts with x = 0 and decrypts with
//! x = 8); a data center does the mirror image, so the key derivation is written here
//! and the AES-IGE primitive is borrowed from grammers-crypto.

use grammers_crypto::aes;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// A permanent authorization key as Telegram stores it: the 2048-bit key and its id.
#[derive(Clone)]
pub struct AuthKey {
    data: [u8; 256],
    id: [u8; 8],
}

impl std::fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key itself: it is as good as a logged-in session.
        write!(f, "AuthKey(id={:016x})", u64::from_le_bytes(self.id))
    }
}

impl AuthKey {
    pub fn from_bytes(data: [u8; 256]) -> Self {
        let sha = Sha1::digest(data);
        let mut id = [0; 8];
        id.copy_from_slice(&sha[12..20]);
        Self { data, id }
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut data = [0; 256];
        fill_random(&mut data);
        Self::from_bytes(data)
    }

    pub fn to_bytes(&self) -> [u8; 256] {
        self.data
    }

    pub fn id(&self) -> [u8; 8] {
        self.id
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// Shorter than a header, or the ciphertext is not a multiple of the block size.
    BadLength,
    /// The msg_key does not match the decrypted plaintext: tampered or wrong key.
    BadMsgKey,
}

/// Client → server direction.
const X_FROM_CLIENT: usize = 0;
/// Server → client direction.
const X_FROM_SERVER: usize = 8;

fn derive_aes(key: &AuthKey, msg_key: &[u8; 16], x: usize) -> ([u8; 32], [u8; 32]) {
    let a = Sha256::new()
        .chain_update(msg_key)
        .chain_update(&key.data[x..x + 36])
        .finalize();
    let b = Sha256::new()
        .chain_update(&key.data[40 + x..40 + x + 36])
        .chain_update(msg_key)
        .finalize();
    let mut aes_key = [0; 32];
    aes_key[..8].copy_from_slice(&a[..8]);
    aes_key[8..24].copy_from_slice(&b[8..24]);
    aes_key[24..].copy_from_slice(&a[24..]);
    let mut aes_iv = [0; 32];
    aes_iv[..8].copy_from_slice(&b[..8]);
    aes_iv[8..24].copy_from_slice(&a[8..24]);
    aes_iv[24..].copy_from_slice(&b[24..]);
    (aes_key, aes_iv)
}

fn msg_key_for(key: &AuthKey, plaintext: &[u8], x: usize) -> [u8; 16] {
    let large = Sha256::new()
        .chain_update(&key.data[88 + x..88 + x + 32])
        .chain_update(plaintext)
        .finalize();
    let mut msg_key = [0; 16];
    msg_key.copy_from_slice(&large[8..24]);
    msg_key
}

/// The auth key id a packet claims, if it is long enough to claim one.
pub fn packet_key_id(packet: &[u8]) -> Option<[u8; 8]> {
    packet.get(..8).map(|id| id.try_into().expect("8 bytes"))
}

/// Decrypts a packet a client sent (`auth_key_id | msg_key | ciphertext`), checking the
/// msg_key as the security guidelines require. The caller has matched the key id.
pub fn decrypt_from_client(key: &AuthKey, packet: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if packet.len() < 24 + 16 || !(packet.len() - 24).is_multiple_of(16) {
        return Err(CryptoError::BadLength);
    }
    let msg_key: [u8; 16] = packet[8..24].try_into().expect("16 bytes");
    let (aes_key, aes_iv) = derive_aes(key, &msg_key, X_FROM_CLIENT);
    let mut plaintext = packet[24..].to_vec();
    aes::ige_decrypt(&mut plaintext, &aes_key, &aes_iv);
    if msg_key_for(key, &plaintext, X_FROM_CLIENT) != msg_key {
        return Err(CryptoError::BadMsgKey);
    }
    Ok(plaintext)
}

/// Encrypts a plaintext (salt, session id, message) for a client, adding the 12–1024 bytes
/// of random padding MTProto 2.0 requires.
pub fn encrypt_for_client(key: &AuthKey, mut plaintext: Vec<u8>) -> Vec<u8> {
    let padding = 12 + (16 - (plaintext.len() + 12) % 16) % 16;
    let mut pad = [0u8; 28];
    fill_random(&mut pad[..padding]);
    plaintext.extend_from_slice(&pad[..padding]);

    let msg_key = msg_key_for(key, &plaintext, X_FROM_SERVER);
    let (aes_key, aes_iv) = derive_aes(key, &msg_key, X_FROM_SERVER);
    aes::ige_encrypt(&mut plaintext, &aes_key, &aes_iv);

    let mut packet = Vec::with_capacity(24 + plaintext.len());
    packet.extend_from_slice(&key.id);
    packet.extend_from_slice(&msg_key);
    packet.extend_from_slice(&plaintext);
    packet
}

pub fn fill_random(buf: &mut [u8]) {
    // The OS RNG failing is not something a test DC can recover from.
    getrandom::fill(buf).expect("the operating system's random source failed");
}

pub fn random_i64() -> i64 {
    let mut b = [0; 8];
    fill_random(&mut b);
    i64::from_le_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use grammers_crypto::{AuthKey as ClientKey, DequeBuffer, decrypt_data_v2, encrypt_data_v2};

    #[test]
    fn client_encrypted_packets_decrypt_here_and_back() {
        let key = AuthKey::generate();
        let client_key = ClientKey::from_bytes(key.to_bytes());

        let message = [7u8; 64];
        let mut buffer = DequeBuffer::with_capacity(64, 32);
        buffer.extend(message.iter().copied());
        encrypt_data_v2(&mut buffer, &client_key);
        assert_eq!(packet_key_id(&buffer[..]), Some(key.id()));
        let plain = decrypt_from_client(&key, &buffer[..]).unwrap();
        assert_eq!(&plain[..64], &message[..]);

        let mut reply = encrypt_for_client(&key, vec![9u8; 40]);
        let plain = decrypt_data_v2(&mut reply, &client_key).unwrap();
        assert_eq!(&plain[..40], &[9u8; 40][..]);
        assert!(plain.len() - 40 >= 12);
    }

    #[test]
    fn tampering_is_detected() {
        let key = AuthKey::generate();
        let client_key = ClientKey::from_bytes(key.to_bytes());
        let mut buffer = DequeBuffer::with_capacity(32, 32);
        buffer.extend([1u8; 32]);
        encrypt_data_v2(&mut buffer, &client_key);
        let mut packet = buffer[..].to_vec();
        let last = packet.len() - 1;
        packet[last] ^= 1;
        assert_eq!(
            decrypt_from_client(&key, &packet),
            Err(CryptoError::BadMsgKey)
        );
        assert_eq!(
            decrypt_from_client(&key, &packet[..30]),
            Err(CryptoError::BadLength)
        );
    }
}
