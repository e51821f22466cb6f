// Types of openleash-core for `import`: the same declarations as for
// `require`, because index.mjs re-exports the CommonJS module (also as the
// default export).
import * as openleash from './index.js';

export * from './index.js';
export default openleash;
