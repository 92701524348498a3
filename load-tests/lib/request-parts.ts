/**
 * A CPU profile of the gateway under load, split into the parts of a clinician request: what the
 * safeguards cost (assertions, breakers, the last-known-good cache, the audit trail, the patient index)
 * against what any federation gateway pays (HTTP in and out, the executor). Each sample goes to the
 * innermost frame on its stack that belongs to a part, so work a part asks of Node or V8 (a socket write,
 * a signature in OpenSSL) is that part's, and a part that calls another (the executor calling a supplier
 * data source) keeps only its own time.
 */

export interface ProfileFrame {
  readonly functionName: string;
  readonly url: string;
}

export interface RequestPart {
  readonly name: string;
  /** True when a frame of the profile is this part's own code. */
  readonly owns: (frame: ProfileFrame) => boolean;
}

const byUrl =
  (pattern: RegExp) =>
  (frame: ProfileFrame): boolean =>
    pattern.test(frame.url);

/** The built project's folders or files (without `.js`), e.g. `gateway/cache` or `lib/http-body`. */
const project = (paths: string) => new RegExp(`/dist/(?:${paths})(?:/|\\.js$)`);
const packages = (names: string) => new RegExp(`/node_modules/(?:${names})/`);

/**
 * The parts, most specific first where one frame could be claimed by two. Libraries every part uses
 * (lru-cache, node:crypto, streams) belong to none, so their time goes to the part that called them.
 */
export const REQUEST_PARTS: readonly RequestPart[] = [
  { name: 'garbage collection', owns: (f) => f.functionName === '(garbage collector)' },
  { name: 'signing supplier assertions', owns: byUrl(project('gateway/auth/assertions')) },
  {
    name: 'clinician authentication (JWT)',
    owns: (f) => project('gateway/auth').test(f.url) || packages('jose').test(f.url),
  },
  {
    name: 'supplier HTTP (undici)',
    owns: (f) => packages('undici').test(f.url) || project('gateway/suppliers/transport').test(f.url),
  },
  {
    name: 'supplier calls: breaker, timeout, routing, answer checks',
    owns: byUrl(project('gateway/(?:breakers|suppliers|routing|directory)')),
  },
  {
    name: 'last-known-good cache (seal, Redis)',
    owns: (f) => project('gateway/(?:cache|redis)').test(f.url) || packages('ioredis|@ioredis').test(f.url),
  },
  { name: 'audit trail', owns: byUrl(project('gateway/(?:audit|confidentiality)')) },
  { name: 'patient index', owns: byUrl(project('gateway/patient-index')) },
  {
    name: 'request limits',
    owns: (f) => project('gateway/limits').test(f.url) || packages('@escape\\.tech/[^/]+').test(f.url),
  },
  {
    name: 'availability, usage, metrics, tracing',
    owns: (f) =>
      project('gateway/(?:availability|usage|observability)').test(f.url) ||
      packages('prom-client|@opentelemetry/[^/]+').test(f.url),
  },
  {
    name: 'inbound HTTP (parse, body, respond)',
    owns: (f) =>
      project('gateway/http|lib/http-body').test(f.url) ||
      /^node:_http_(?:server|outgoing|incoming|common)$/.test(f.url),
  },
  {
    name: 'Apollo executor and server, graphql-js',
    owns: (f) =>
      project('gateway/(?:execution|supergraph|errors)').test(f.url) ||
      packages('@apollo/[^/]+|graphql|dataloader').test(f.url),
  },
];

export const OTHER_PART = 'other (Node, V8, microtasks, start-up)';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: ProfileFrame;
  readonly children?: readonly number[];
}

export interface CpuProfileData {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface PartShare {
  readonly name: string;
  /** Sampled time in this part, ms. */
  readonly ms: number;
  /** Share of the busy time (every sample but idle). */
  readonly share: number;
}

/** Busy time by part, largest first; `idleMs` is the time the thread waited. */
export function attributeProfile(
  profile: CpuProfileData,
  parts: readonly RequestPart[] = REQUEST_PARTS,
): { readonly busyMs: number; readonly idleMs: number; readonly parts: readonly PartShare[] } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOf = new Map<number, string>();
  const claim = (id: number): string => {
    const known = partOf.get(id);
    if (known !== undefined) return known;
    const frame = nodes.get(id)!.callFrame;
    const own = parts.find((p) => p.owns(frame))?.name;
    const up = parent.get(id);
    const part = own ?? (up === undefined ? OTHER_PART : claim(up));
    partOf.set(id, part);
    return part;
  };
  const time = new Map<string, number>();
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    if (nodes.get(id)?.callFrame.functionName === '(idle)') idle += us;
    else time.set(claim(id), (time.get(claim(id)) ?? 0) + us);
  });
  const busy = [...time.values()].reduce((a, b) => a + b, 0);
  return {
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    parts: [...time]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : 0 })),
  };
}
