import type { Policy, PolicyStack } from './api.js';
import type { ActionRequest, Decision, EvaluateOptions } from './types.js';

/** How a guarded tool decides. */
export interface GuardOptions<Args extends unknown[]> {
  /** The policy or stack every call is evaluated against. */
  policy: Policy | PolicyStack;
  /** Builds the action request from the tool call's arguments. */
  buildAction: (...args: Args) => ActionRequest | Promise<ActionRequest>;
  /** Evaluation options per call, such as a fixed `now` in tests. */
  evaluateOptions?: (...args: Args) => EvaluateOptions | undefined;
  /** Called with every decision before the tool runs or the call is rejected (an audit hook). */
  onDecision?: (decision: Decision, args: Args) => void | Promise<void>;
}

/**
 * Wraps a tool function in a guard: each call builds an action from its
 * arguments, evaluates it, and calls the tool only on ALLOW. Any other
 * result rejects with ActionNotAllowedError carrying the decision.
 */
export declare function guardTool<Args extends unknown[], Result>(
  tool: (...args: Args) => Result | Promise<Result>,
  options: GuardOptions<Args>,
): (...args: Args) => Promise<Awaited<Result>>;
