// A static file server on 127.0.0.1 and a port the system picks, for the
// browser test and benchmark. It serves only what is mapped:
//
//   /pkg/...     the package under test (its folder)
//   /test/...    bindings-js/test of this checkout (the test pages)
//   /repo/...    the repository (test data, shared helpers, examples), with
//                /repo/bindings-js/ mapped to the package under test, so
//                that the example page loads it
//   /list/DIR    the sorted file names of repository folder DIR, as JSON
//
// Paths that leave their folder are refused.

import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The file under `root` for a URL path, or null when it leaves `root`. */
function within(root, path) {
  const file = resolve(root, `.${normalize(`/${decodeURIComponent(path)}`)}`);
  return file === root || file.startsWith(root + sep) ? file : null;
}

/** Starts the server; resolves to `{origin, close}`. */
export async function startServer({ packageDir, testDir, repoRoot }) {
  const routes = [
    ['/pkg/', resolve(packageDir)],
    ['/test/', resolve(testDir)],
    ['/repo/bindings-js/', resolve(packageDir)],
    ['/repo/', resolve(repoRoot)],
  ];
  const server = createServer(async (request, response) => {
    const { pathname } = new URL(request.url, 'http://localhost');
    try {
      if (pathname.startsWith('/list/')) {
        const folder = within(resolve(repoRoot), pathname.slice('/list/'.length));
        const names = folder === null ? null : (await readdir(folder)).sort();
        respond(response, names === null ? 404 : 200, TYPES['.json'], JSON.stringify(names));
        return;
      }
      const route = routes.find(([prefix]) => pathname.startsWith(prefix));
      const file = route === undefined ? null : within(route[1], pathname.slice(route[0].length));
      if (file === null || !(await stat(file)).isFile()) {
        respond(response, 404, 'text/plain', 'not found');
        return;
      }
      const type = TYPES[extname(file)] ?? 'text/plain; charset=utf-8';
      respond(response, 200, type, await readFile(file));
    } catch {
      respond(response, 404, 'text/plain', 'not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(done)),
  };
}

function respond(response, status, type, body) {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

