//! OpenLeash's key file: `{kid, public_key_b64, private_key_b64,
//! created_at, revoked_at}`, written by `JSON.stringify(key, null, 2)`.

use super::{Key, KeyError, PublicKey, SecretKey};
use crate::json::{self, JsonLimits, Map, Value};
use crate::time::Timestamp;

/// Largest key file accepted, in bytes. A real one is about 250 bytes.
pub const MAX_KEY_FILE_BYTES: usize = 16 * 1024;

/// The fields of a key file, as text. [`KeyFile::to_key`] checks them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFile {
    pub kid: String,
    /// Base64 DER SubjectPublicKeyInfo.
    pub public_key_b64: String,
    /// Base64 DER PKCS#8; `None` in a file that only verifies.
    pub private_key_b64: Option<String>,
    pub created_at: Option<String>,
    pub revoked_at: Option<String>,
}

const FIELDS: [&str; 5] = [
    "kid",
    "public_key_b64",
    "private_key_b64",
    "created_at",
    "revoked_at",
];

impl KeyFile {
    /// Parses key file JSON. Unknown fields are refused so that a misspelt
    /// `revoked_at` cannot silently leave a key trusted.
    pub fn parse(text: &str) -> Result<KeyFile, KeyError> {
        let limits = JsonLimits {
            max_bytes: MAX_KEY_FILE_BYTES,
            max_depth: 2,
        };
        let value = json::parse_with_limits(text, &limits)
            .map_err(|error| invalid(format!("the key file is not valid JSON: {error}")))?;
        KeyFile::from_value(&value)
    }

    /// Reads the fields of a key file given as a JSON value, with the same
    /// checks as [`KeyFile::parse`].
    pub fn from_value(value: &Value) -> Result<KeyFile, KeyError> {
        let Value::Object(map) = value else {
            return Err(invalid("a key file is a JSON object"));
        };
        if let Some((unknown, _)) = map.iter().find(|(key, _)| !FIELDS.contains(&key.as_str())) {
            return Err(invalid(format!("unknown key file field {unknown:?}")));
        }
        let kid = required_string(map, "kid")?;
        Ok(KeyFile {
            kid,
            public_key_b64: required_string(map, "public_key_b64")?,
            private_key_b64: optional_string(map, "private_key_b64")?,
            created_at: optional_string(map, "created_at")?,
            revoked_at: optional_string(map, "revoked_at")?,
        })
    }

    /// The key file as a JSON object, in OpenLeash's field order.
    pub fn to_value(&self) -> Value {
        let mut map = Map::with_capacity(5);
        let text = |value: &str| Value::String(value.to_owned());
        map.insert("kid".to_owned(), text(&self.kid));
        map.insert("public_key_b64".to_owned(), text(&self.public_key_b64));
        if let Some(private) = &self.private_key_b64 {
            map.insert("private_key_b64".to_owned(), text(private));
        }
        if let Some(created) = &self.created_at {
            map.insert("created_at".to_owned(), text(created));
        }
        map.insert(
            "revoked_at".to_owned(),
            self.revoked_at.as_deref().map_or(Value::Null, text),
        );
        Value::Object(map)
    }

    /// Checks every field and builds the key: the private key must belong
    /// to the public key and timestamps must be strict RFC 3339.
    pub fn to_key(&self) -> Result<Key, KeyError> {
        let public = PublicKey::from_spki_base64(&self.public_key_b64)?;
        let mut key = match &self.private_key_b64 {
            Some(private) => {
                let secret = SecretKey::from_pkcs8_base64(private)?;
                if secret.public_key() != public {
                    return Err(KeyError::new(
                        "KEY_MISMATCH",
                        format!(
                            "the private key of key {:?} does not belong to its public key",
                            self.kid
                        ),
                    ));
                }
                Key::signing(self.kid.clone(), secret)?
            }
            None => Key::verifying(self.kid.clone(), public)?,
        };
        key.created_at = timestamp(self.created_at.as_deref(), "created_at")?;
        key.revoked_at = timestamp(self.revoked_at.as_deref(), "revoked_at")?;
        Ok(key)
    }

    /// The file for `key`: with its private key when it has one.
    pub fn from_key(key: &Key) -> KeyFile {
        KeyFile {
            kid: key.kid().to_owned(),
            public_key_b64: key.public_key().to_spki_base64(),
            private_key_b64: key
                .secret_key()
                .map(|secret| secret.to_pkcs8_base64().as_str().to_owned()),
            created_at: key.created_at.map(|at| at.to_rfc3339_millis()),
            revoked_at: key.revoked_at.map(|at| at.to_rfc3339_millis()),
        }
    }

    /// The JSON text, indented by two spaces like OpenLeash's files, with
    /// `revoked_at: null` for a key in force and no `private_key_b64` for a
    /// verify-only key.
    pub fn to_json(&self) -> String {
        let string = |text: &str| json::to_json(&Value::String(text.to_owned()));
        let mut lines = vec![
            format!("  \"kid\": {}", string(&self.kid)),
            format!("  \"public_key_b64\": {}", string(&self.public_key_b64)),
        ];
        if let Some(private) = &self.private_key_b64 {
            lines.push(format!("  \"private_key_b64\": {}", string(private)));
        }
        if let Some(created) = &self.created_at {
            lines.push(format!("  \"created_at\": {}", string(created)));
        }
        lines.push(format!(
            "  \"revoked_at\": {}",
            self.revoked_at.as_deref().map_or("null".to_owned(), string)
        ));
        format!("{{\n{}\n}}", lines.join(",\n"))
    }
}

fn required_string(map: &Map, field: &str) -> Result<String, KeyError> {
    match map.get(field) {
        Some(Value::String(text)) if !text.is_empty() => Ok(text.clone()),
        Some(other) => Err(invalid(format!(
            "key file field {field:?} must be a non-empty string, found {}",
            other.type_name()
        ))),
        None => Err(invalid(format!("key file field {field:?} is missing"))),
    }
}

fn optional_string(map: &Map, field: &str) -> Result<Option<String>, KeyError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(invalid(format!(
            "key file field {field:?} must be a string or null, found {}",
            other.type_name()
        ))),
    }
}

fn timestamp(text: Option<&str>, field: &str) -> Result<Option<Timestamp>, KeyError> {
    text.map(|text| {
        Timestamp::parse_rfc3339(text).map_err(|_| {
            invalid(format!(
                "key file field {field:?} is not an RFC 3339 date-time: {text:?}"
            ))
        })
    })
    .transpose()
}

fn invalid(message: impl Into<String>) -> KeyError {
    KeyError::new("KEY_INVALID_FILE", message)
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

    const FILE: &str = r#"{"kid": "k", "public_key_b64": "MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=",
        "private_key_b64": "MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "created_at": "2024-01-15T10:30:00.000Z", "revoked_at": null}"#;

    #[test]
    fn openleash_key_files_round_trip() {
        let key = KeyFile::parse(FILE).unwrap().to_key().unwrap();
        assert_eq!(key.kid(), "k");
        assert!(key.secret_key().is_some());
        let written = KeyFile::from_key(&key).to_json();
        let again = KeyFile::parse(&written).unwrap().to_key().unwrap();
        assert_eq!(again.public_key(), key.public_key());
        assert_eq!(again.created_at, key.created_at);
        assert!(written.contains("\"revoked_at\": null"));
    }

    #[test]
    fn key_files_are_checked() {
        let code = |text: &str| {
            KeyFile::parse(text)
                .and_then(|file| file.to_key())
                .unwrap_err()
                .code()
        };
        assert_eq!(
            code(&FILE.replace("revoked_at", "revoke_at")),
            "KEY_INVALID_FILE"
        );
        assert_eq!(code(&FILE.replace("\"k\"", "\"\"")), "KEY_INVALID_FILE");
        assert_eq!(
            code(&FILE.replace("2024-01-15T10:30:00.000Z", "yesterday")),
            "KEY_INVALID_FILE"
        );
        assert_eq!(code(&FILE.replace("2ik=", "2il=")), "KEY_INVALID_BASE64");
        // A private key that belongs to another public key.
        assert_eq!(code(&FILE.replace("O2onvM62", "O2onvM63")), "KEY_MISMATCH");
        let padded = format!("{}{}", " ".repeat(MAX_KEY_FILE_BYTES), FILE);
        assert_eq!(code(&padded), "KEY_INVALID_FILE");
        assert!(
            KeyFile::parse(&format!(
                "{}{FILE}",
                " ".repeat(MAX_KEY_FILE_BYTES - FILE.len())
            ))
            .is_ok()
        );
    }
}
