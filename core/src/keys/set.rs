//! Keys with ids, and the set of keys an issuer signs with and a verifier
//! trusts.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use super::prepared::PreparedKey;
use super::{KeyError, PublicKey, SecretKey};
use crate::time::Timestamp;

/// Maximum length of a key id, in bytes.
pub const MAX_KID_BYTES: usize = 256;
/// Most keys a [`KeySet`] holds.
pub const MAX_KEYS: usize = 1024;

/// A key with its id (`kid`): a signing key, or a public key that only
/// verifies.
#[derive(Clone, Debug)]
pub struct Key {
    kid: String,
    public: PublicKey,
    secret: Option<SecretKey>,
    /// When the key was made; informational.
    pub created_at: Option<Timestamp>,
    /// From this instant on, the key neither signs nor verifies: tokens it
    /// signed are refused even if they were issued earlier, because a
    /// revoked key may have been used by someone else.
    pub revoked_at: Option<Timestamp>,
    /// The verification table, shared by the clones of this key.
    prepared: Arc<Prepared>,
}

impl Key {
    /// Creates a signing key.
    pub fn signing(kid: impl Into<String>, secret: SecretKey) -> Result<Key, KeyError> {
        Ok(Key {
            kid: check_kid(kid.into())?,
            public: secret.public_key(),
            secret: Some(secret),
            created_at: None,
            revoked_at: None,
            prepared: Arc::default(),
        })
    }

    /// Creates a key that only verifies.
    pub fn verifying(kid: impl Into<String>, public: PublicKey) -> Result<Key, KeyError> {
        Ok(Key {
            kid: check_kid(kid.into())?,
            public,
            secret: None,
            created_at: None,
            revoked_at: None,
            prepared: Arc::default(),
        })
    }

    /// Generates a signing key from the operating system's randomness,
    /// created at `now`.
    pub fn generate(kid: impl Into<String>, now: Timestamp) -> Result<Key, KeyError> {
        let mut key = Key::signing(kid, SecretKey::generate()?)?;
        key.created_at = Some(now);
        Ok(key)
    }

    /// Returns the key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Returns the public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Returns the private key, when this key signs.
    pub fn secret_key(&self) -> Option<&SecretKey> {
        self.secret.as_ref()
    }

    /// Returns the same key without its private half.
    pub fn to_verifying(&self) -> Key {
        Key {
            secret: None,
            ..self.clone()
        }
    }

    /// Verifies an Ed25519 signature as [`PublicKey::verify`] does. Once the
    /// key has verified two signatures, it builds a table of multiples of
    /// the key (80 KiB, about 80 µs natively and 0.3 ms in WebAssembly).
    /// Verifying from the table is about twice as fast where AVX-512 IFMA is
    /// missing and in WebAssembly (docs/benchmarks.md). A key that verifies once, such as one given
    /// per call to a binding, never pays for the table, and forged
    /// signatures never make a key build one.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(bytes) = <&[u8; super::SIGNATURE_BYTES]>::try_from(signature) else {
            return false;
        };
        if let Some(table) = self.prepared.table.get() {
            return table.verify(message, bytes);
        }
        if !self.public.verify(message, signature) {
            return false;
        }
        if self.prepared.verified.swap(true, Ordering::Relaxed) {
            self.prepared
                .table
                .get_or_init(|| PreparedKey::new(self.public.dalek()));
        }
        true
    }

    /// Returns whether the key is revoked at `at`.
    pub fn is_revoked_at(&self, at: Timestamp) -> bool {
        self.revoked_at.is_some_and(|revoked| revoked <= at)
    }
}

/// A key's verification table, and whether the key has verified a
/// signature before.
#[derive(Debug, Default)]
struct Prepared {
    verified: AtomicBool,
    table: OnceLock<PreparedKey>,
}

fn check_kid(kid: String) -> Result<String, KeyError> {
    if kid.is_empty() || kid.len() > MAX_KID_BYTES || kid.chars().any(char::is_control) {
        return Err(KeyError::new(
            "KEY_INVALID_KID",
            format!(
                "a key id is 1 to {MAX_KID_BYTES} bytes without control characters, found {} bytes",
                kid.len()
            ),
        ));
    }
    Ok(kid)
}

/// Keys by id: at most one active key signs, and every key verifies until
/// it is revoked.
///
/// Rotation adds a new key and makes it active. The previous key stays in
/// the set, so tokens it signed keep verifying until they expire or the key
/// is revoked.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<Key>,
    /// INVARIANT: when set, an index into `keys` of a key with a secret.
    active: Option<usize>,
}

impl KeySet {
    /// Creates an empty set.
    pub fn new() -> KeySet {
        KeySet::default()
    }

    /// Creates a set containing `keys`, none of them active.
    pub fn from_keys(keys: impl IntoIterator<Item = Key>) -> Result<KeySet, KeyError> {
        let mut set = KeySet::new();
        for key in keys {
            set.insert(key)?;
        }
        Ok(set)
    }

    /// Adds a key. Key ids are unique within a set.
    pub fn insert(&mut self, key: Key) -> Result<(), KeyError> {
        if self.get(key.kid()).is_some() {
            return Err(KeyError::new(
                "KEY_DUPLICATE_KID",
                format!("the key set already holds a key with id {:?}", key.kid()),
            ));
        }
        if self.keys.len() >= MAX_KEYS {
            return Err(KeyError::new(
                "KEY_SET_FULL",
                format!("a key set holds at most {MAX_KEYS} keys"),
            ));
        }
        self.keys.push(key);
        Ok(())
    }

    /// Makes the key `kid` the one that signs. It must have a private key.
    pub fn set_active(&mut self, kid: &str) -> Result<(), KeyError> {
        let position = self.position(kid)?;
        if self
            .keys
            .get(position)
            .is_none_or(|key| key.secret.is_none())
        {
            return Err(KeyError::new(
                "KEY_NOT_SIGNING",
                format!("key {kid:?} has no private key and cannot sign"),
            ));
        }
        self.active = Some(position);
        Ok(())
    }

    /// Adds `key` and makes it active: key rotation.
    pub fn rotate(&mut self, key: Key) -> Result<(), KeyError> {
        let kid = key.kid().to_owned();
        self.insert(key)?;
        self.set_active(&kid)
    }

    /// Revokes the key `kid` from `at` on. A revoked active key stays
    /// selected but refuses to sign from `at` on. Revoking again never moves
    /// the instant later: the earliest revocation stands.
    pub fn revoke(&mut self, kid: &str, at: Timestamp) -> Result<(), KeyError> {
        let position = self.position(kid)?;
        if let Some(key) = self.keys.get_mut(position) {
            key.revoked_at = Some(key.revoked_at.map_or(at, |earlier| earlier.min(at)));
        }
        Ok(())
    }

    /// Returns whether any key of the set with the same public key as `key`
    /// is revoked at `at`: revocation applies to the key material, whatever
    /// id it was also loaded under.
    pub fn is_revoked_at(&self, key: &Key, at: Timestamp) -> bool {
        self.keys
            .iter()
            .any(|other| other.public == key.public && other.is_revoked_at(at))
    }

    /// The key that signs, if one was chosen.
    pub fn active(&self) -> Option<&Key> {
        self.active.and_then(|position| self.keys.get(position))
    }

    /// The key with id `kid`.
    pub fn get(&self, kid: &str) -> Option<&Key> {
        self.keys.iter().find(|key| key.kid == kid)
    }

    /// Every key, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.keys.iter()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Returns true when the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn position(&self, kid: &str) -> Result<usize, KeyError> {
        self.keys
            .iter()
            .position(|key| key.kid == kid)
            .ok_or_else(|| {
                KeyError::new(
                    "KEY_UNKNOWN_KID",
                    format!("the key set holds no key with id {kid:?}"),
                )
            })
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;

    fn key(kid: &str, seed: u8) -> Key {
        Key::signing(kid, SecretKey::from_seed(&[seed; 32])).unwrap()
    }

    #[test]
    fn table_is_built_after_two_valid_signatures() {
        let signer = key("k", 9);
        let signature = signer.secret_key().unwrap().sign(b"message");
        let mut forged = signature;
        forged[40] ^= 1;

        // Forged signatures never build the table.
        for _ in 0..3 {
            assert!(!signer.verify(b"message", &forged));
        }
        assert!(signer.prepared.table.get().is_none());
        assert!(signer.verify(b"message", &signature));
        assert!(signer.prepared.table.get().is_none());
        // A clone shares the table and the record of verifications.
        let verifier = signer.to_verifying();
        assert!(verifier.verify(b"message", &signature));
        assert!(signer.prepared.table.get().is_some());
        assert!(verifier.verify(b"message", &signature));
        assert!(!verifier.verify(b"message", &forged));
        assert!(!verifier.verify(b"messagf", &signature));
        assert!(!verifier.verify(b"message", &signature[..63]));
        assert!(!key("other", 10).verify(b"message", &signature));
    }

    #[test]
    fn rotation_keeps_old_keys_for_verification() {
        let mut set = KeySet::new();
        set.rotate(key("a", 1)).unwrap();
        assert_eq!(set.active().unwrap().kid(), "a");
        set.rotate(key("b", 2)).unwrap();
        assert_eq!(set.active().unwrap().kid(), "b");
        assert_eq!(set.get("a").unwrap().kid(), "a");
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn duplicate_unknown_and_verify_only_keys_are_errors() {
        let mut set = KeySet::from_keys([key("a", 1)]).unwrap();
        assert_eq!(
            set.insert(key("a", 2)).unwrap_err().code(),
            "KEY_DUPLICATE_KID"
        );
        assert_eq!(set.set_active("z").unwrap_err().code(), "KEY_UNKNOWN_KID");
        set.insert(key("v", 3).to_verifying()).unwrap();
        assert_eq!(set.set_active("v").unwrap_err().code(), "KEY_NOT_SIGNING");
        assert_eq!(
            set.revoke("z", Timestamp::UNIX_EPOCH).unwrap_err().code(),
            "KEY_UNKNOWN_KID"
        );
    }

    #[test]
    fn revocation_takes_effect_at_its_instant() {
        let mut set = KeySet::from_keys([key("a", 1)]).unwrap();
        let at = Timestamp::from_unix_millis(1_000).unwrap();
        set.revoke("a", at).unwrap();
        let key = set.get("a").unwrap();
        assert!(!key.is_revoked_at(Timestamp::from_unix_millis(999).unwrap()));
        assert!(key.is_revoked_at(at));
    }

    #[test]
    fn key_ids_are_bounded() {
        let secret = SecretKey::from_seed(&[1; 32]);
        assert!(Key::signing("x".repeat(MAX_KID_BYTES), secret.clone()).is_ok());
        let error = Key::signing("x".repeat(MAX_KID_BYTES + 1), secret.clone()).unwrap_err();
        assert_eq!(error.code(), "KEY_INVALID_KID");
        assert_eq!(
            Key::signing("", secret.clone()).unwrap_err().code(),
            "KEY_INVALID_KID"
        );
        assert_eq!(
            Key::signing("a\nb", secret).unwrap_err().code(),
            "KEY_INVALID_KID"
        );
    }

    #[test]
    fn key_sets_are_bounded() {
        let public = SecretKey::from_seed(&[1; 32]).public_key();
        let mut set = KeySet::new();
        for index in 0..MAX_KEYS {
            set.insert(Key::verifying(index.to_string(), public).unwrap())
                .unwrap();
        }
        let error = set
            .insert(Key::verifying("one more", public).unwrap())
            .unwrap_err();
        assert_eq!(error.code(), "KEY_SET_FULL");
    }
}
