/**
 * Ending a response without tripping Node's keep-alive back-pressure guard.
 *
 * When a request arrives on a keep-alive socket whose previous response is still in the socket's write buffer
 * (`needDrain`: the write was larger than the socket's 16 KiB high-water mark and 'drain' has not fired yet),
 * Node pauses the socket and its HTTP parser. Over TLS the rest of that request (a PATCH body in a second TLS
 * record) can still reach the paused parser, which then fails with `HPE_PAUSED`; the server destroys the socket and
 * the client sees `EOF` (kubectl: "Unable to connect to the server: EOF"). This happens whenever the event loop is
 * busy when the client, having read the whole response, sends its next request — e.g. right after a CRD update.
 *
 * The cure is to not let the client finish reading a large response before the socket has drained: a body at or
 * above the high-water mark is written chunked and the terminating chunk is sent only after 'drain', so the next
 * request can only arrive once `needDrain` is false again. Small bodies keep `Content-Length`.
 */
import type { ServerResponse } from 'node:http';

/** Node's default socket high-water mark: writes this large can leave `needDrain` set. */
const SOCKET_HIGH_WATER_MARK = 16 * 1024;

/** Resolves once `res` emitted 'drain' or closed. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Sends `body` and ends the response (headers must already be set, without `Content-Length`). Bodies of 16 KiB
 * or more are sent chunked and ended after the socket drained (see the module comment for why).
 */
export function endWith(res: ServerResponse, body: string | Buffer): void {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size < SOCKET_HIGH_WATER_MARK) {
    res.end(body);
    return;
  }
  if (res.write(body)) {
    res.end();
    return;
  }
  void drained(res).then(() => {
    if (!res.destroyed) res.end();
  });
}
