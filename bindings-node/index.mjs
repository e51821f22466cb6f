// The ES module entry point of openleash-core. It re-exports the CommonJS
// module, so both module systems share one set of classes: an error thrown
// through `require` is `instanceof` the class seen through `import`.
import openleash from './index.js';

export const {
  Policy,
  PolicyStack,
  evaluate,
  validatePolicy,
  orderBindings,
  canonicalJson,
  actionHash,
  parseJson,
  guardTool,
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
  OpenLeashError,
  PolicyError,
  ActionError,
  ValueConversionError,
  KeyError,
  TokenError,
  SignatureError,
  ActionNotAllowedError,
} = openleash;

export default openleash;
