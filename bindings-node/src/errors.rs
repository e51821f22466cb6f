//! Errors thrown to JavaScript.
//!
//! The classes are defined in JavaScript (`lib/errors.js`) so that they
//! extend `Error`; `index.js` registers them once per environment (the main
//! thread and each worker) through `registerErrorClasses`. Every exported
//! function runs its body in [`guarded`], so a Rust panic becomes an
//! `OpenLeashError` with the code `INTERNAL_ERROR` instead of unwinding into
//! Node.

use std::panic::{AssertUnwindSafe, catch_unwind};

use napi::bindgen_prelude::{FnArgs, Function, JsObjectValue, Object, ObjectRef, Unknown};
use napi::{Env, Error, Result, Status};
use napi_derive::napi;
use openleash_core::action::ActionError;
use openleash_core::policy::PolicyError;

use crate::convert::{action_issues, diagnostics};

/// The error classes of one environment.
struct ErrorClasses {
    /// `{OpenLeashError, PolicyError, ActionError, ValueConversionError, ...}`,
    /// kept alive for the life of the environment.
    classes: ObjectRef<false>,
}

/// Stores the error classes that native code throws in this environment.
/// Called once by `index.js`; a later call replaces the classes.
#[napi(skip_typescript, js_name = "registerErrorClasses")]
pub fn register_error_classes(env: Env, classes: Object) -> Result<()> {
    let classes = classes.create_ref::<false>()?;
    env.set_instance_data(ErrorClasses { classes }, (), |_| {})
}

/// The class of a thrown error, by its name in `lib/errors.js`.
#[derive(Clone, Copy)]
pub enum ErrorClass {
    OpenLeash,
    Policy,
    Action,
    ValueConversion,
    Key,
    Token,
    Signature,
}

impl ErrorClass {
    fn name(self) -> &'static str {
        match self {
            ErrorClass::OpenLeash => "OpenLeashError",
            ErrorClass::Policy => "PolicyError",
            ErrorClass::Action => "ActionError",
            ErrorClass::ValueConversion => "ValueConversionError",
            ErrorClass::Key => "KeyError",
            ErrorClass::Token => "TokenError",
            ErrorClass::Signature => "SignatureError",
        }
    }
}

/// Builds an error of `class` as `new Class(message, {code, ...details})`,
/// ready to be thrown by returning it. `details` adds class-specific fields
/// such as `diagnostics`.
pub fn error(
    env: &Env,
    class: ErrorClass,
    code: &str,
    message: &str,
    details: impl FnOnce(&mut Object) -> Result<()>,
) -> Error {
    match build_error(env, class, code, message, details) {
        Ok(error) => error,
        // Building the error object failed (the environment is shutting
        // down, or memory ran out): throw what napi reported instead.
        Err(error) => error,
    }
}

fn build_error(
    env: &Env,
    class: ErrorClass,
    code: &str,
    message: &str,
    details: impl FnOnce(&mut Object) -> Result<()>,
) -> Result<Error> {
    let Some(registered) = env.get_instance_data::<ErrorClasses>()? else {
        // The addon was loaded without `index.js`: plain errors still carry
        // the code in their message.
        return Ok(Error::new(
            Status::GenericFailure,
            format!("{code}: {message}"),
        ));
    };
    let mut fields = Object::new(env)?;
    fields.set("code", code)?;
    details(&mut fields)?;
    let classes = registered.classes.get_value(env)?;
    let constructor: Function<FnArgs<(&str, Object)>, Unknown> =
        classes.get_named_property(class.name())?;
    let instance = constructor.new_instance(FnArgs::from((message, fields)))?;
    Ok(Error::from(instance))
}

/// A `TypeError` with Node's code `ERR_INVALID_ARG_TYPE`, for an argument
/// of the wrong JavaScript type.
pub fn type_error(env: &Env, message: &str) -> Error {
    match env.throw_type_error(message, Some("ERR_INVALID_ARG_TYPE")) {
        // The TypeError is now pending; with this status napi leaves it in place.
        Ok(()) => Error::new(Status::PendingException, message.to_owned()),
        Err(error) => error,
    }
}

/// A `PolicyError` carrying every diagnostic of `problem`.
pub fn policy_error(env: &Env, problem: &PolicyError) -> Error {
    error(
        env,
        ErrorClass::Policy,
        problem.code(),
        &problem.to_string(),
        |fields| fields.set("diagnostics", diagnostics(env, problem.diagnostics())?),
    )
}

/// An `ActionError` carrying every issue of `problem`.
pub fn action_error(env: &Env, problem: &ActionError) -> Error {
    error(
        env,
        ErrorClass::Action,
        problem.code(),
        &problem.to_string(),
        |fields| fields.set("issues", action_issues(env, problem.issues())?),
    )
}

/// Runs the body of an exported function. A panic, which would be a bug in
/// this crate or the core, becomes an `OpenLeashError` with the code
/// `INTERNAL_ERROR`; it never unwinds into Node.
pub fn guarded<T>(env: &Env, body: impl FnOnce() -> Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(_) => Err(error(
            env,
            ErrorClass::OpenLeash,
            "INTERNAL_ERROR",
            "the engine failed unexpectedly; this is a bug in openleash-core",
            |_| Ok(()),
        )),
    }
}

/// Panics inside [`guarded`], so that tests can check that a panic reaches
/// JavaScript as an `OpenLeashError` with the code `INTERNAL_ERROR`.
#[napi(skip_typescript, js_name = "panicForTests")]
pub fn panic_for_tests(env: Env) -> Result<()> {
    guarded(&env, || {
        #[allow(clippy::panic)]
        {
            panic!("deliberate panic for the binding's tests");
        }
    })
}
