// openleash-core-wasm: the OpenLeash authorization engine as WebAssembly,
// for browsers, workers, edge runtimes and bundlers.
//
// Load the module once before using the API:
//
//   import init, { Policy } from 'openleash-core-wasm';
//   await init();                       // fetches openleash_core_wasm_bg.wasm
//   // or, with the bytes at hand:       initSync({ module: bytes });
//
// Node.js resolves the package to node.js instead, which loads the module
// itself and adds Policy.fromFile.
//
// NOTE: the tests load this entry in Chromium (pages and workers) and in
// Node.js; no bundler is part of them. `init()` locates the module with
// `new URL(..., import.meta.url)`, the pattern bundlers rewrite to an
// asset.

export { init as default, init, initSync } from './lib/engine.js';
export {
  Policy,
  PolicyStack,
  evaluate,
  validatePolicy,
  orderBindings,
  canonicalJson,
  actionHash,
  parseJson,
  MAX_JSON_DEPTH,
  MAX_JSON_BYTES,
  generateKey,
  publicKeyInfo,
  secretKeyPaserk,
  KeySet,
  issueProofToken,
  issueApprovalToken,
  issueSessionToken,
  verifyToken,
  Authorizer,
  signRequest,
  ReplayGuard,
  verifyRequest,
} from './lib/api.js';
export { guardTool } from './lib/guard.js';
export {
  OpenLeashError,
  PolicyError,
  ActionError,
  ValueConversionError,
  TokenError,
  SignatureError,
  KeyError,
  ActionNotAllowedError,
} from './lib/errors.js';
