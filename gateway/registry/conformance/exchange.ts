/** One GraphQL call to a candidate endpoint: its answer, or why there was none. */
export type Exchange =
  | { readonly kind: 'answer'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'unreachable'; readonly message: string };

/** Largest answer read from a candidate: a conformance answer is a few kilobytes. */
const MAX_ANSWER_BYTES = 1_000_000;

/**
 * Posts an `_entities` query for pack patients. Never throws: a refused connection, a timeout, an answer
 * that is not JSON or is too large are each an `unreachable` exchange with a message saying which.
 */
export async function exchange(
  url: string,
  query: string,
  nhsNumbers: readonly string[],
  assertion: string | undefined,
  options: { readonly timeoutMs: number },
): Promise<Exchange> {
  const representations = nhsNumbers.map((nhsNumber) => ({ __typename: 'Patient', nhsNumber }));
  return post(url, { query, variables: { representations } }, assertion, options.timeoutMs);
}

export async function post(
  url: string,
  body: unknown,
  assertion: string | undefined,
  timeoutMs: number,
): Promise<Exchange> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // Apollo Server's CSRF prevention wants this on requests that could be simple.
        'apollo-require-preflight': 'true',
        ...(assertion ? { authorization: `Bearer ${assertion}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      kind: 'unreachable',
      message: timedOut
        ? `no answer within ${timeoutMs} ms`
        : `cannot connect to ${url} (${cause ?? (error as Error).message})`,
    };
  }
  const text = await readCapped(response, MAX_ANSWER_BYTES);
  if (text === undefined) {
    return { kind: 'unreachable', message: `answer over ${MAX_ANSWER_BYTES} bytes, or cut off` };
  }
  try {
    return {
      kind: 'answer',
      status: response.status,
      body: text.length === 0 ? undefined : JSON.parse(text),
    };
  } catch {
    return response.ok
      ? { kind: 'unreachable', message: `HTTP ${response.status} with a body that is not JSON` }
      : { kind: 'answer', status: response.status, body: undefined };
  }
}

/**
 * A body read as it streams in, stopped as soon as it passes `limit` bytes (declared or counted): a
 * candidate endpoint cannot make the gateway hold more than that in memory. Undefined when over the limit
 * or when the stream fails.
 */
async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > limit || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    return declared > limit ? undefined : '';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    // Leaving the loop early cancels the stream (and the connection).
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limit) return undefined;
      chunks.push(chunk);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks).toString('utf8');
}
