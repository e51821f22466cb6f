//! `evaluateRegistered`, the entry point of every evaluation, called
//! through Node-API directly rather than through napi-rs.
//!
//! napi-rs wraps each exported function in borrow bookkeeping: a shared
//! allocation, thread-local stacks and, for a method, an entry in a global
//! locked table. Measured on this crate's benchmark machine, a method with
//! `evaluate`'s arguments that does nothing costs about 570 ns per call,
//! and the same function registered here about 110 ns. The difference is
//! about 7% of a decision's cost. So the one call made per decision reads
//! its arguments with raw Node-API calls, and finds its policy or stack by
//! a handle instead of unwrapping `this`.
//!
//! Handles come from the native `evaluate` methods of `Policy` and
//! `PolicyStack`, for which napi-rs checks `this`. They register the
//! target's evaluator (a cheap clone, because the compiled rules are
//! shared) in a table of the current thread. `index.js` keeps the handle
//! per target in a `WeakMap`. The table entry lives as long as the
//! JavaScript object, whose finalizer drops it.
//!
//! A handle names a position in the table and the generation of that
//! position. The generation goes up each time a freed position is taken
//! again. So a handle kept past its target, or made up, names no policy,
//! and evaluating with it throws.
//!
//! This is the crate's only unsafe code: the Node-API calls themselves.

#![allow(unsafe_code)]

use std::cell::{OnceCell, RefCell};
use std::ptr;
use std::thread::ThreadId;

use napi::bindgen_prelude::{Either, FromNapiValue, Object};
use napi::{Env, Error, JsError, JsValue, Result, Status, sys};
use napi_derive::napi;
use openleash_core::{Decision, EvaluationOptions};

use crate::decision::decision_parts;
use crate::errors::{ErrorClass, error, guarded, type_error};
use crate::json::json_prefix;
use crate::options::{evaluation_options, os_random};

/// The policy or stack that a handle evaluates against.
pub enum Evaluator {
    Policy(openleash_core::Policy),
    Stack(openleash_core::PolicyStack),
}

impl Evaluator {
    fn decide(&self, action: &[u8], options: &EvaluationOptions) -> Decision {
        match self {
            Evaluator::Policy(policy) => policy.decide_json_bytes(action, options, &mut os_random),
            Evaluator::Stack(stack) => stack.decide_json_bytes(action, options, &mut os_random),
        }
    }
}

/// One position of the registry.
struct Slot {
    /// Goes up each time the position is taken again.
    generation: u32,
    evaluator: Option<Evaluator>,
}

/// Generations stay below this, so that a handle, `generation * 2^32 +
/// position`, is an integer that a JavaScript number represents exactly. A position
/// whose generation reaches it is not taken again.
const GENERATIONS: u32 = 1 << 21;

/// Returns the handle of `position` at `generation`.
fn handle_of(position: u32, generation: u32) -> f64 {
    f64::from(generation) * 4_294_967_296.0 + f64::from(position)
}

/// Splits a handle into its position and generation. Returns `None` for a
/// number that is no handle, because it is negative, too large or not an
/// integer.
fn parts_of(handle: f64) -> Option<(usize, u32)> {
    if !(handle >= 0.0 && handle < handle_of(0, GENERATIONS) && handle.fract() == 0.0) {
        return None;
    }
    // The checks above keep both casts exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = handle as u64;
    let position = usize::try_from(whole & 0xFFFF_FFFF).ok()?;
    let generation = u32::try_from(whole >> 32).ok()?;
    Some((position, generation))
}

/// The evaluators of this thread's JavaScript environment, by handle.
#[derive(Default)]
struct Registry {
    slots: Vec<Slot>,
    /// Positions of empty slots, reused before the table grows.
    free: Vec<u32>,
}

impl Registry {
    /// Looks up the evaluator a handle names, if it is still registered.
    fn evaluator(&self, handle: f64) -> Option<&Evaluator> {
        let (position, generation) = parts_of(handle)?;
        let slot = self.slots.get(position)?;
        if slot.generation != generation {
            return None;
        }
        slot.evaluator.as_ref()
    }
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
}

/// A policy's or stack's place in the registry, taken on first use and
/// given back when the JavaScript object is collected.
#[derive(Default)]
pub struct Registration {
    /// The handle, and the thread whose registry contains it.
    registered: OnceCell<(f64, ThreadId)>,
}

impl Registration {
    /// Returns the handle, registering `evaluator` on first use.
    pub fn handle(&self, evaluator: impl FnOnce() -> Evaluator) -> Result<f64> {
        if let Some((handle, _)) = self.registered.get() {
            return Ok(*handle);
        }
        let handle = REGISTRY.with_borrow_mut(|registry| -> Result<f64> {
            let evaluator = Some(evaluator());
            while let Some(position) = registry.free.pop() {
                if let Some(slot) = registry.slots.get_mut(position as usize)
                    && slot.evaluator.is_none()
                {
                    slot.evaluator = evaluator;
                    return Ok(handle_of(position, slot.generation));
                }
            }
            let position = u32::try_from(registry.slots.len())
                .map_err(|_| Error::new(Status::GenericFailure, "too many policies are in use"))?;
            registry.slots.push(Slot {
                generation: 0,
                evaluator,
            });
            Ok(handle_of(position, 0))
        })?;
        // INVARIANT: set once, here, on the thread whose registry contains
        // it.
        let _ = self.registered.set((handle, std::thread::current().id()));
        Ok(handle)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let Some((handle, thread)) = self.registered.get().copied() else {
            return;
        };
        // Finalizers run on the environment's own thread. Should one ever
        // run elsewhere, leaving the entry in place is safe; clearing a slot
        // of another thread's registry would not be.
        if thread != std::thread::current().id() {
            return;
        }
        // During thread shutdown the registry may already be gone, and the
        // entry with it.
        let Some((position, generation)) = parts_of(handle) else {
            return;
        };
        let _ = REGISTRY.try_with(|registry| {
            let mut registry = registry.borrow_mut();
            if let Some(slot) = registry.slots.get_mut(position)
                && slot.generation == generation
                && slot.evaluator.take().is_some()
            {
                // The next target in this position gets a new generation,
                // so this handle names nothing from now on.
                slot.generation += 1;
                if slot.generation < GENERATIONS
                    && let Ok(position) = u32::try_from(position)
                {
                    registry.free.push(position);
                }
            }
        });
    }
}

/// Adds `evaluateRegistered(handle, bytes, length, now, ttl)` to the
/// addon's exports. It evaluates the action JSON `bytes[0..length)` (UTF-8,
/// from `lib/convert.js`) against the registered target and returns the
/// decision parts of `decision.rs`, obligations included as JSON text.
/// `now` is milliseconds since the Unix epoch or an RFC 3339 string, `ttl`
/// a number of seconds or `undefined`; invalid ones throw as
/// `Policy.evaluate` documents.
#[napi(module_exports)]
pub fn register_fast_path(exports: Object, env: Env) -> Result<()> {
    let name = c"evaluateRegistered";
    let mut function = ptr::null_mut();
    // SAFETY: `env` is the live environment of this module's
    // initialization, `name` is NUL-terminated, and `evaluate_registered`
    // has the signature Node-API calls.
    let status = unsafe {
        sys::napi_create_function(
            env.raw(),
            name.as_ptr(),
            name.count_bytes() as isize,
            Some(evaluate_registered),
            ptr::null_mut(),
            &mut function,
        )
    };
    check(status, "could not create evaluateRegistered")?;
    // SAFETY: as above; `exports` and `function` are live values of `env`.
    let status =
        unsafe { sys::napi_set_named_property(env.raw(), exports.raw(), name.as_ptr(), function) };
    check(status, "could not export evaluateRegistered")
}

fn check(status: sys::napi_status, message: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(Status::GenericFailure, message.to_owned()))
    }
}

/// The Node-API callback. Never unwinds: a panic becomes an
/// `OpenLeashError` with the code `INTERNAL_ERROR`, as in [`guarded`].
unsafe extern "C" fn evaluate_registered(
    raw_env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let env = Env::from_raw(raw_env);
    // SAFETY: Node-API passes a live environment and this call's info.
    let outcome = guarded(&env, || unsafe { evaluate(&env, info) });
    match outcome {
        Ok(value) => value,
        Err(problem) => {
            // SAFETY: `raw_env` is the live environment of this call.
            unsafe { JsError::from(problem).throw_into(raw_env) };
            ptr::null_mut()
        }
    }
}

/// Reads the arguments, evaluates and returns the parts string.
///
/// # Safety
///
/// `env` and `info` must be those of the current Node-API callback.
unsafe fn evaluate(env: &Env, info: sys::napi_callback_info) -> Result<sys::napi_value> {
    let raw = env.raw();
    let mut count = 5usize;
    let mut arguments = [ptr::null_mut(); 5];
    // SAFETY: `arguments` has room for `count` values; Node-API fills
    // missing arguments with `undefined`.
    let status = unsafe {
        sys::napi_get_cb_info(
            raw,
            info,
            &mut count,
            arguments.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    check(status, "could not read the arguments")?;
    let [handle, bytes, length, now, ttl] = arguments;
    let invalid = || type_error(env, "evaluateRegistered: invalid arguments");

    let mut handle_value = 0.0f64;
    // SAFETY: `handle` is a live value of this call; the status
    // reports whether it was a number.
    let status = unsafe { sys::napi_get_value_double(raw, handle, &mut handle_value) };
    if status != sys::Status::napi_ok {
        return Err(invalid());
    }
    let mut length_value = 0u32;
    // SAFETY: `length` is a live value of this call.
    let status = unsafe { sys::napi_get_value_uint32(raw, length, &mut length_value) };
    if status != sys::Status::napi_ok {
        return Err(invalid());
    }

    let mut kind = 0;
    let mut byte_length = 0usize;
    let mut data = ptr::null_mut();
    // SAFETY: `bytes` is a live value of this call; the status
    // reports whether it was a typed array.
    let status = unsafe {
        sys::napi_get_typedarray_info(
            raw,
            bytes,
            &mut kind,
            &mut byte_length,
            &mut data,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok || kind != sys::TypedarrayType::uint8_array {
        return Err(invalid());
    }
    let action: &[u8] = if data.is_null() || byte_length == 0 {
        &[]
    } else {
        // SAFETY: Node-API reports the array's first byte and its length.
        // The array is an argument of this call, so it stays alive, and no
        // JavaScript runs before the slice's last use below, so it cannot
        // be detached or resized meanwhile.
        unsafe { std::slice::from_raw_parts(data.cast::<u8>(), byte_length) }
    };

    // SAFETY: `now` and `ttl` are live values of this call.
    let now = unsafe { time_argument(raw, now) }.ok_or_else(invalid)?;
    // SAFETY: as above.
    let ttl = unsafe { optional_number(raw, ttl) }.ok_or_else(invalid)?;
    let options = evaluation_options(env, now, ttl)?;

    let decided = REGISTRY.with_borrow(|registry| {
        let evaluator = registry.evaluator(handle_value)?;
        Some(evaluator.decide(json_prefix(action, length_value), &options))
    });
    let Some(decision) = decided else {
        return Err(error(
            env,
            ErrorClass::OpenLeash,
            "INTERNAL_ERROR",
            "evaluateRegistered: no policy is registered under this handle",
            |_| Ok(()),
        ));
    };
    let text = decision_parts(&decision);
    // SAFETY: `text` outlives the call, which copies it.
    unsafe { create_string(raw, &text) }
}

/// Reads `now`: a number of milliseconds or a string.
///
/// # Safety
///
/// `value` must be a live value of the current callback's environment.
unsafe fn time_argument(env: sys::napi_env, value: sys::napi_value) -> Option<Either<f64, String>> {
    let mut kind = 0;
    // SAFETY: per the contract above.
    if unsafe { sys::napi_typeof(env, value, &mut kind) } != sys::Status::napi_ok {
        return None;
    }
    if kind == sys::ValueType::napi_number {
        let mut number = 0.0;
        // SAFETY: as above; the value is a number.
        let status = unsafe { sys::napi_get_value_double(env, value, &mut number) };
        return (status == sys::Status::napi_ok).then_some(Either::A(number));
    }
    if kind == sys::ValueType::napi_string {
        // SAFETY: as above; the value is a string.
        let text = unsafe { String::from_napi_value(env, value) }.ok()?;
        return Some(Either::B(text));
    }
    None
}

/// Reads an optional number: `Some(None)` for `undefined`, `None` for a
/// value of another type.
///
/// # Safety
///
/// `value` must be a live value of the current callback's environment.
unsafe fn optional_number(env: sys::napi_env, value: sys::napi_value) -> Option<Option<f64>> {
    let mut kind = 0;
    // SAFETY: per the contract above.
    if unsafe { sys::napi_typeof(env, value, &mut kind) } != sys::Status::napi_ok {
        return None;
    }
    if kind == sys::ValueType::napi_undefined {
        return Some(None);
    }
    if kind != sys::ValueType::napi_number {
        return None;
    }
    let mut number = 0.0;
    // SAFETY: as above; the value is a number.
    let status = unsafe { sys::napi_get_value_double(env, value, &mut number) };
    (status == sys::Status::napi_ok).then_some(Some(number))
}

/// Creates a JavaScript string. ASCII text, the usual case, is copied as
/// Latin-1, which V8 takes without decoding.
///
/// # Safety
///
/// `env` must be the current callback's environment.
unsafe fn create_string(env: sys::napi_env, text: &str) -> Result<sys::napi_value> {
    let length = isize::try_from(text.len())
        .map_err(|_| Error::new(Status::GenericFailure, "the decision is too long"))?;
    let mut value = ptr::null_mut();
    // SAFETY: `text` is valid for `length` bytes; Node-API copies them.
    let status = unsafe {
        if text.is_ascii() {
            sys::napi_create_string_latin1(env, text.as_ptr().cast(), length, &mut value)
        } else {
            sys::napi_create_string_utf8(env, text.as_ptr().cast(), length, &mut value)
        }
    };
    check(status, "could not create the decision string")?;
    Ok(value)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::{GENERATIONS, handle_of, parts_of};

    #[test]
    fn handles_name_their_position_and_generation() {
        for (position, generation) in [(0, 0), (7, 1), (u32::MAX, GENERATIONS - 1)] {
            let expected = (usize::try_from(position).unwrap(), generation);
            assert_eq!(parts_of(handle_of(position, generation)), Some(expected));
        }
    }

    #[test]
    fn numbers_that_are_no_handle_name_nothing() {
        for number in [
            -1.0,
            -0.5,
            0.5,
            f64::NAN,
            f64::INFINITY,
            handle_of(0, GENERATIONS),
            2f64.powi(53),
        ] {
            assert_eq!(parts_of(number), None, "{number}");
        }
    }
}
