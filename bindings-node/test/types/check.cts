// Type checks of the `require` entry's declarations.

import { Policy, guardTool, ActionNotAllowedError, type EvaluateOptions } from 'openleash-core';
import openleash = require('openleash-core');

const options: EvaluateOptions = { now: new Date(), defaultProofTtlSeconds: 60 };
const policy = Policy.fromYaml('version: 1\ndefault: deny\nrules: []\n');
const same: boolean = policy instanceof openleash.Policy;

const guarded = guardTool(async (amount: number) => amount * 2, {
  policy,
  buildAction: (amount: number) => ({
    action_id: '3b241101-e2bb-4255-8caf-4136c566a962',
    action_type: 'purchase',
    requested_at: '2025-03-01T12:00:00Z',
    principal: { agent_id: 'a' },
    subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
    payload: { amount },
  }),
  evaluateOptions: () => options,
});
const doubled: Promise<number> = guarded(2);

// @ts-expect-error: the guarded tool keeps the tool's parameters
guarded('two');

doubled.catch((error: unknown) => {
  if (error instanceof ActionNotAllowedError) {
    console.log(error.decision.reason, same);
  }
});
