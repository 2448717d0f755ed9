import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { endWith } from './respond.js';

interface Seen {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How `res.end` was called: with the body (one piece) or empty, and whether the socket still needed draining. */
interface EndCall {
  withBody: boolean;
  needDrain: boolean;
}

async function serve(body: string | Buffer, onEnd: (call: EndCall) => void): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    const end = res.end.bind(res);
    res.end = ((...a: Parameters<typeof res.end>) => {
      onEnd({ withBody: typeof a[0] === 'string' || Buffer.isBuffer(a[0]), needDrain: res.writableNeedDrain });
      return end(...a);
    }) as typeof res.end;
    endWith(res, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

function get(server: Server): Promise<Seen> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

const cases = [
  { name: 'small string body: one end() with the body', body: 'x'.repeat(1000), large: false },
  { name: 'small buffer body: one end() with the body', body: Buffer.alloc(16 * 1024 - 1, 1), large: false },
  { name: 'large string body: written, ended empty once the socket drained', body: 'y'.repeat(2 * 1024 * 1024), large: true },
  { name: 'large buffer body: written, ended empty once the socket drained', body: Buffer.alloc(16 * 1024, 2), large: true },
];

for (const c of cases) {
  test(`endWith: ${c.name}`, async () => {
    const ends: EndCall[] = [];
    const server = await serve(c.body, (call) => ends.push(call));
    try {
      const seen = await get(server);
      assert.equal(seen.body.length, Buffer.byteLength(c.body));
      assert.ok(seen.body.equals(Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body)), 'body arrives intact');
      // the terminating chunk tells the client the response is complete: for a large body it must follow 'drain'
      assert.equal(seen.headers['transfer-encoding'], 'chunked');
      assert.deepEqual(ends, [{ withBody: !c.large, needDrain: false }]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
}
