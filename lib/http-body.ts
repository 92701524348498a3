import type { IncomingMessage, ServerResponse } from 'node:http';

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
 * answers a refused one with `closeWhenAnswered`.
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
 * For an answer sent before the request body was read to its end: the connection closes once the answer
 * is written, and is cut `graceMs` later if the client is still sending, so nobody can hold a socket open by
 * streaming a body that will never be read.
 */
export function closeWhenAnswered(res: ServerResponse, graceMs = 2_000): void {
  res.setHeader('connection', 'close');
  const socket = res.socket;
  res.once('finish', () => setTimeout(() => socket?.destroy(), graceMs).unref());
}
