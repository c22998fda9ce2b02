//! The server side of Telegram's SRP 2FA check (SHA256, PBKDF2-HMAC-SHA512 ×100000,
//! modular exponentiation), so a wrong password is rejected by the same math Telegram
//! uses, not by trusting the client.

use hmac::Hmac;
use num_bigint::BigUint;
use sha2::{Digest, Sha256, Sha512};

use super::crypto::{fill_random, random_i64};

/// Telegram's 2048-bit safe prime (the one its servers send); with g = 3, p ≡ 2 (mod 3)
/// as grammers checks.
const P_HEX: &str = "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b";
pub const G: i32 = 3;

pub fn p_bytes() -> Vec<u8> {
    (0..P_HEX.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&P_HEX[i..i + 2], 16).expect("valid hex constant"))
        .collect()
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    parts.iter().for_each(|p| h.update(p));
    h.finalize().into()
}

fn pad256(n: &BigUint) -> [u8; 256] {
    let bytes = n.to_bytes_be();
    let mut out = [0; 256];
    let len = bytes.len().min(256);
    out[256 - len..].copy_from_slice(&bytes[bytes.len() - len..]);
    out
}

/// SH(data, salt) = H(salt | data | salt)
fn sh(data: &[u8], salt: &[u8]) -> [u8; 32] {
    sha256(&[salt, data, salt])
}

/// PH2(password, salt1, salt2), the password hash Telegram's SRP is built on.
fn ph2(password: &[u8], salt1: &[u8], salt2: &[u8]) -> [u8; 32] {
    let ph1 = sh(&sh(password, salt1), salt2);
    let mut dk = [0u8; 64];
    pbkdf2::pbkdf2::<Hmac<Sha512>>(&ph1, salt1, 100_000, &mut dk).expect("64-byte output is valid");
    sh(&dk, salt2)
}

/// What the server stores for a 2FA password: the salts and the verifier (computed on
/// first use, since PBKDF2 is deliberately slow and most worlds never need it).
pub struct PasswordRecord {
    pub salt1: Vec<u8>,
    pub salt2: Vec<u8>,
    pub hint: Option<String>,
    password: String,
    verifier: Option<BigUint>,
}

impl PasswordRecord {
    pub fn new(password: &str, hint: Option<String>) -> Self {
        let mut salt1 = vec![0; 40];
        let mut salt2 = vec![0; 16];
        fill_random(&mut salt1);
        fill_random(&mut salt2);
        Self {
            salt1,
            salt2,
            hint,
            password: password.to_owned(),
            verifier: None,
        }
    }

    /// v = g^x mod p
    fn verifier(&mut self) -> BigUint {
        if let Some(v) = &self.verifier {
            return v.clone();
        }
        let x = BigUint::from_bytes_be(&ph2(self.password.as_bytes(), &self.salt1, &self.salt2));
        let v = BigUint::from(G as u32).modpow(&x, &BigUint::from_bytes_be(&p_bytes()));
        self.verifier = Some(v.clone());
        v
    }
}

/// One `account.getPassword` answer: the server's ephemeral secret b and public B.
pub struct SrpSession {
    pub user: i64,
    b: BigUint,
    pub g_b: [u8; 256],
    v: BigUint,
    salt1: Vec<u8>,
    salt2: Vec<u8>,
}

fn k(p: &[u8]) -> BigUint {
    let mut g = [0u8; 256];
    g[255] = G as u8;
    BigUint::from_bytes_be(&sha256(&[p, &g]))
}

impl SrpSession {
    /// Starts a check for `record`, returning the srp_id and session.
    pub fn start(user: i64, record: &mut PasswordRecord) -> (i64, Self) {
        let p_raw = p_bytes();
        let p = BigUint::from_bytes_be(&p_raw);
        let v = record.verifier();
        let mut b_raw = [0u8; 256];
        fill_random(&mut b_raw);
        let b = BigUint::from_bytes_be(&b_raw) % &p;
        // B = (k·v + g^b) mod p
        let g_b = (k(&p_raw) * &v + BigUint::from(G as u32).modpow(&b, &p)) % &p;
        let session = Self {
            user,
            b,
            g_b: pad256(&g_b),
            v,
            salt1: record.salt1.clone(),
            salt2: record.salt2.clone(),
        };
        (random_i64(), session)
    }

    /// Checks the client's A and M1 against the password the server knows.
    pub fn verify(&self, a: &[u8], m1: &[u8]) -> bool {
        let p_raw = p_bytes();
        let p = BigUint::from_bytes_be(&p_raw);
        let big_a = BigUint::from_bytes_be(a);
        if a.len() > 256 || big_a.clone() % &p == BigUint::ZERO {
            return false;
        }
        let a_pad = pad256(&big_a);
        let u = BigUint::from_bytes_be(&sha256(&[&a_pad, &self.g_b]));
        // S = (A · v^u)^b mod p
        let s = (big_a * self.v.modpow(&u, &p) % &p).modpow(&self.b, &p);
        let k_a = sha256(&[&pad256(&s)]);
        let mut g = [0u8; 256];
        g[255] = G as u8;
        let h_p = sha256(&[&p_raw]);
        let h_g = sha256(&[&g]);
        let xor: Vec<u8> = h_p.iter().zip(h_g).map(|(a, b)| a ^ b).collect();
        let expected = sha256(&[
            &xor,
            &sha256(&[&self.salt1]),
            &sha256(&[&self.salt2]),
            &a_pad,
            &self.g_b,
            &k_a,
        ]);
        // Not secret-dependent timing worth caring about in a test DC, but cheap to do right.
        m1.len() == 32
            && expected
                .iter()
                .zip(m1)
                .fold(0u8, |acc, (x, y)| acc | (x ^ y))
                == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use grammers_crypto::two_factor_auth::{calculate_2fa, check_p_and_g};

    #[test]
    fn prime_is_what_grammers_accepts() {
        assert!(check_p_and_g(&p_bytes(), &G));
    }

    #[test]
    fn grammers_proof_verifies_only_with_the_right_password() {
        let mut record = PasswordRecord::new("hunter2", None);
        let (_, session) = SrpSession::start(1, &mut record);
        let mut a = vec![0u8; 256];
        fill_random(&mut a);
        let (m1, g_a) = calculate_2fa(
            &record.salt1,
            &record.salt2,
            &p_bytes(),
            &G,
            session.g_b.to_vec(),
            a.clone(),
            "hunter2",
        );
        assert!(session.verify(&g_a, &m1));
        let (m1, g_a) = calculate_2fa(
            &record.salt1,
            &record.salt2,
            &p_bytes(),
            &G,
            session.g_b.to_vec(),
            a,
            "hunter3",
        );
        assert!(!session.verify(&g_a, &m1));
    }
}
