// A relying party's edge function, as a module worker (Cloudflare Workers,
// Deno Deploy and similar runtimes). Before it performs an agent's action,
// it checks the agent's request signature and the proof token that the
// agent's OpenLeash authorizer issued for exactly this action.
//
// The runtime hands the compiled WebAssembly module in as a binding (or the
// worker imports `openleash-core-wasm/openleash_core_wasm_bg.wasm`), so
// nothing is fetched: `initSync` instantiates it on the first request.

import {
  ReplayGuard,
  SignatureError,
  TokenError,
  actionHash,
  initSync,
  parseJson,
  verifyRequest,
  verifyToken,
  type ActionRequest,
} from 'openleash-core-wasm';

export interface Env {
  /** openleash_core_wasm_bg.wasm, compiled by the runtime. */
  OPENLEASH_WASM: WebAssembly.Module;
  /** The authorizer's public key: base64 DER or a k4.public PASERK. */
  ISSUER_PUBLIC_KEY: string;
  /** Each agent's public key by agent id. */
  AGENT_KEYS: Record<string, string>;
}

let guard: ReplayGuard | undefined;

function errorResponse(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    initSync({ module: env.OPENLEASH_WASM });
    // One guard per worker instance: it remembers nonces for 5 minutes.
    guard ??= new ReplayGuard();

    const body = new Uint8Array(await request.arrayBuffer());
    const agentId = request.headers.get('X-Agent-Id') ?? '';
    const agentKey = env.AGENT_KEYS[agentId];
    if (agentKey === undefined) {
      return errorResponse(401, 'UNKNOWN_AGENT', `no key for agent ${JSON.stringify(agentId)}`);
    }
    try {
      verifyRequest({
        headers: request.headers,
        method: request.method,
        path: new URL(request.url).pathname,
        publicKey: agentKey,
        body,
        guard,
      });
      const action = parseJson(new TextDecoder().decode(body)) as unknown as ActionRequest;
      const proof = (request.headers.get('Authorization') ?? '').replace(/^Bearer /, '');
      const verified = verifyToken(proof, env.ISSUER_PUBLIC_KEY, {
        leewaySeconds: 5,
        expect: { action_hash: actionHash(action), agent_id: agentId },
      });
      return Response.json({ accepted: true, decision_id: verified.claims.decision_id });
    } catch (error) {
      if (error instanceof SignatureError || error instanceof TokenError) {
        return errorResponse(401, error.code, error.message);
      }
      throw error;
    }
  },
};
