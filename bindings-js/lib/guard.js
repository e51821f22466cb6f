// A guard for agent tools: decide before a tool runs, run it only on ALLOW.

import { ActionNotAllowedError, invalidArgument } from './errors.js';

/**
 * Wraps a tool function (sync or async) in a guard. Each call builds an
 * action request from the call's arguments with `options.buildAction`,
 * evaluates it against `options.policy` (a Policy or a PolicyStack), and
 * calls the tool only when the result is ALLOW. Any other result rejects
 * with ActionNotAllowedError carrying the decision; the tool is not
 * called. Errors thrown by `buildAction`, `onDecision` or the tool itself
 * propagate unchanged.
 */
export function guardTool(tool, options) {
  if (typeof tool !== 'function') {
    throw invalidArgument('tool must be a function');
  }
  if (options === null || typeof options !== 'object') {
    throw invalidArgument('options must be an object with policy and buildAction');
  }
  const { policy, buildAction, evaluateOptions, onDecision } = options;
  if (policy === null || typeof policy !== 'object' || typeof policy.evaluate !== 'function') {
    throw invalidArgument('options.policy must be a Policy or a PolicyStack');
  }
  if (typeof buildAction !== 'function') {
    throw invalidArgument('options.buildAction must be a function');
  }
  if (evaluateOptions !== undefined && typeof evaluateOptions !== 'function') {
    throw invalidArgument('options.evaluateOptions must be a function');
  }
  if (onDecision !== undefined && typeof onDecision !== 'function') {
    throw invalidArgument('options.onDecision must be a function');
  }

  const name = tool.name === '' ? 'guardedTool' : `guarded ${tool.name}`;
  const guarded = {
    async [name](...args) {
      const action = await buildAction(...args);
      const decision = policy.evaluate(action, evaluateOptions === undefined ? undefined : evaluateOptions(...args));
      if (onDecision !== undefined) {
        await onDecision(decision, args);
      }
      if (decision.result !== 'ALLOW') {
        throw new ActionNotAllowedError(decision);
      }
      return tool.apply(this, args);
    },
  };
  return guarded[name];
}
