import { TEST_OPS_TOKEN } from './gateway.js';

export interface OpsResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

/** Calls the ops API with the test token (or `token`), as an operator's tooling would. */
export async function ops<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  options: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<OpsResponse<T>> {
  const token = options.token === undefined ? TEST_OPS_TOKEN : options.token;
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T };
}

/** The value of one Prometheus sample in a /metrics exposition, or undefined. */
export function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelPart = line.slice(name.length).split(' ')[0]!;
    if (wanted.every((w) => labelPart.includes(w))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}
