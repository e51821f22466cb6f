//! Keys: generating key files, their public and PASERK forms, and the
//! `KeySet` class.
//!
//! A key crosses as a key file `dict`, a base64 DER public key `str` or a
//! PASERK `str` (`k4.public.`, or `k4.secret.` for a signing key), read by
//! the core's host conversions. Reading a key decompresses a curve point,
//! and a private key also derives its public key, together tens of
//! microseconds, so it runs with the GIL released.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use openleash_core::host;
use openleash_core::host_signing;
use openleash_core::keys::KeyFile;
use openleash_core::{Key, KeyError, KeySet};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::convert::{argument_value, to_python};
use crate::errors::{key_error, no_panic};
use crate::ids::random_uuid;
use crate::options::timestamp_or_now;

/// Reads the key passed as the argument `name` (see the module
/// documentation for the forms).
pub fn read_key(py: Python<'_>, object: &Bound<'_, PyAny>, name: &str) -> PyResult<Key> {
    let value = argument_value(object, name)?;
    py.detach(|| host::key_from_value(&value))
        .map_err(|error| key_error(&error))
}

/// Returns the keys a verifier trusts: the current keys of a `KeySet`, or a
/// set of the one key read from the argument `name`.
pub fn trusted_keys(
    py: Python<'_>,
    object: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<Arc<KeySet>> {
    if let Ok(set) = object.cast::<PyKeySet>() {
        return Ok(set.get().snapshot());
    }
    let key = read_key(py, object, name)?;
    let set = KeySet::from_keys([key]).map_err(|error| key_error(&error))?;
    Ok(Arc::new(set))
}

/// The key that signs a token: the active key of a `KeySet`, or the key
/// read from the argument `name`.
pub enum Signer {
    Set(Arc<KeySet>),
    Key(Box<Key>),
}

impl Signer {
    pub fn read(py: Python<'_>, object: &Bound<'_, PyAny>, name: &str) -> PyResult<Signer> {
        if let Ok(set) = object.cast::<PyKeySet>() {
            return Ok(Signer::Set(set.get().snapshot()));
        }
        read_key(py, object, name).map(|key| Signer::Key(Box::new(key)))
    }

    /// Returns the signing key at `now`. A key set without an active key
    /// gives `TOKEN_NO_SIGNING_KEY`, and one that has revoked the active
    /// key's material, under any id, `TOKEN_REVOKED_KEY`. A key without a
    /// private half is returned as it is, because the core's issuing
    /// rejects it with the same code.
    pub fn key(&self, now: openleash_core::Timestamp) -> Result<&Key, openleash_core::TokenError> {
        match self {
            Signer::Set(set) => host_signing::signing_key(set, now),
            Signer::Key(key) => Ok(key),
        }
    }
}

/// Generate a new Ed25519 signing key and return it as an OpenLeash key
/// file: `kid`, `public_key_b64`, `private_key_b64`, `created_at` and
/// `revoked_at` (None). `kid` defaults to a random UUID v4, `now` (the
/// creation time) to the system clock.
#[pyfunction]
#[pyo3(signature = (kid = None, *, now = None))]
pub fn generate_key<'py>(
    py: Python<'py>,
    kid: Option<String>,
    now: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    no_panic(|| {
        let now = timestamp_or_now(now, "now")?;
        let kid = kid.unwrap_or_else(random_uuid);
        let key = py
            .detach(|| Key::generate(kid, now))
            .map_err(|error| key_error(&error))?;
        to_python(py, &KeyFile::from_key(&key).to_value())
    })
}

/// Return the public forms of a key given as a key file, a base64 DER
/// public key or a PASERK: `public_key_b64`, `paserk` (`k4.public.`) and
/// `paserk_id` (`k4.pid.`). Raises OpenLeashKeyError.
#[pyfunction]
pub fn public_key_info<'py>(
    py: Python<'py>,
    key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    no_panic(|| {
        let key = read_key(py, key, "key")?;
        to_python(py, &host::public_key_info(key.public_key()))
    })
}

/// Return the `k4.secret.` PASERK of a key file with a private key (or of a
/// `k4.secret.` PASERK, normalized). Raises OpenLeashKeyError, with code
/// `KEY_NOT_SIGNING` for a key that has no private half.
// NOTE: no function returns the `k4.sid` id of a secret key, so the k4.sid
// PASERK vectors are checked by the core's tests only.
#[pyfunction]
pub fn secret_key_paserk(py: Python<'_>, key_file: &Bound<'_, PyAny>) -> PyResult<String> {
    no_panic(|| {
        let key = read_key(py, key_file, "key_file")?;
        let paserk = host_signing::secret_paserk(&key).map_err(|error| key_error(&error))?;
        Ok(paserk.as_str().to_owned())
    })
}

/// Keys by id: the active one signs, every key verifies until it is
/// revoked. Safe to share between threads.
///
/// The keys are held as an immutable snapshot that each change replaces
/// (copy on write), so a verification or an `Authorizer` call works on the
/// snapshot taken when it started, without holding a lock.
#[pyclass(name = "KeySet", module = "openleash_core", frozen)]
pub struct PyKeySet {
    keys: Mutex<Arc<KeySet>>,
}

impl PyKeySet {
    fn lock(&self) -> MutexGuard<'_, Arc<KeySet>> {
        // Every change completes or leaves the set as it was, so a lock
        // poisoned by a panic still guards a consistent set.
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the current keys.
    pub fn snapshot(&self) -> Arc<KeySet> {
        Arc::clone(&self.lock())
    }

    /// Applies `change` to a copy of the keys and publishes the copy only
    /// when the change succeeds.
    fn change(&self, change: impl FnOnce(&mut KeySet) -> Result<(), KeyError>) -> PyResult<()> {
        let mut current = self.lock();
        let mut next = KeySet::clone(&current);
        change(&mut next).map_err(|error| key_error(&error))?;
        *current = Arc::new(next);
        Ok(())
    }
}

#[pymethods]
impl PyKeySet {
    /// A set of `keys` (key files, base64 public keys or PASERKs); none is
    /// active until `set_active` or `rotate` chooses one.
    #[new]
    #[pyo3(signature = (keys = None), text_signature = "(keys=())")]
    fn new(py: Python<'_>, keys: Option<&Bound<'_, PyAny>>) -> PyResult<PyKeySet> {
        no_panic(|| {
            let mut set = KeySet::new();
            if let Some(keys) = keys {
                // A mapping is iterable too, over its keys: one key file
                // would be read as its field names.
                if keys.is_instance_of::<PyDict>() || keys.is_instance_of::<PyString>() {
                    return Err(PyTypeError::new_err(
                        "keys must be a list of keys: put a single key file or key string in a list",
                    ));
                }
                for (index, item) in keys.try_iter()?.enumerate() {
                    let key = read_key(py, &item?, &format!("keys[{index}]"))?;
                    set.insert(key).map_err(|error| key_error(&error))?;
                }
            }
            Ok(PyKeySet {
                keys: Mutex::new(Arc::new(set)),
            })
        })
    }

    /// Add a key. Raises OpenLeashKeyError (`KEY_DUPLICATE_KID` for an id
    /// already in the set, `KEY_SET_FULL` past 1,024 keys).
    fn add(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<()> {
        no_panic(|| {
            let key = read_key(py, key, "key")?;
            self.change(|set| set.insert(key))
        })
    }

    /// Make the key `kid` the one that signs. It must have a private key
    /// (`KEY_NOT_SIGNING`) and be in the set (`KEY_UNKNOWN_KID`).
    fn set_active(&self, kid: String) -> PyResult<()> {
        no_panic(|| self.change(|set| set.set_active(&kid)))
    }

    /// Add a signing key and make it active. The previous key stays in the
    /// set, so the tokens it signed keep verifying.
    fn rotate(&self, py: Python<'_>, key_file: &Bound<'_, PyAny>) -> PyResult<()> {
        no_panic(|| {
            let key = read_key(py, key_file, "key_file")?;
            self.change(|set| set.rotate(key))
        })
    }

    /// Revoke the key `kid` from `at` on (default: now). From then on it
    /// neither signs nor verifies, also for tokens it signed earlier.
    #[pyo3(signature = (kid, *, at = None))]
    fn revoke(&self, kid: String, at: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        no_panic(|| {
            let at = timestamp_or_now(at, "at")?;
            self.change(|set| set.revoke(&kid, at))
        })
    }

    /// The id of the key that signs, or None.
    #[getter]
    fn active_kid(&self) -> Option<String> {
        self.snapshot().active().map(|key| key.kid().to_owned())
    }

    /// The key ids, in the order the keys were added.
    #[getter]
    fn kids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let snapshot = self.snapshot();
        PyList::new(py, snapshot.iter().map(|key| PyString::new(py, key.kid())))
    }

    fn __len__(&self) -> usize {
        self.snapshot().len()
    }

    fn __contains__(&self, kid: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(kid) = kid.cast::<PyString>() else {
            return Ok(false);
        };
        Ok(self.snapshot().get(&kid.to_cow()?).is_some())
    }

    fn __repr__(&self) -> String {
        let snapshot = self.snapshot();
        match snapshot.active() {
            Some(key) => format!("<KeySet keys={} active={:?}>", snapshot.len(), key.kid()),
            None => format!("<KeySet keys={} active=None>", snapshot.len()),
        }
    }
}
