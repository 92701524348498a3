import type { IncomingMessage } from 'node:http';

/** The request body was larger than the caller allows. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/**
 * Reads a request body as UTF-8, refusing it once it passes `limit` bytes, or at once when its declared
 * length already does. A refused body is not kept: the rest is read and dropped, so the caller can still
 * answer 413 (destroying the request instead would reset the connection before the client sees the
 * answer, as happened to chunked bodies). Every HTTP server in the project reads bodies through this, and
 * answers a refused one after calling `discardRestOf`.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const refuse = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      reject(new BodyTooLarge(limit));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) refuse();
      else chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
    if (Number(req.headers['content-length'] ?? 0) > limit) refuse();
  });
}

/**
 * After refusing a body part-way (413): the rest is being read and dropped (readBody resumed it), and the
 * connection is kept, so a client still sending reads the answer instead of a reset, and can send its next
 * request. A client that does not finish within `graceMs` has its connection cut, so nobody can hold a
 * socket by streaming a body that will never be read.
 */
export function discardRestOf(req: IncomingMessage, graceMs = 2_000): void {
  if (req.complete) return;
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), graceMs);
  timer.unref();
  req.once('end', () => clearTimeout(timer));
}
