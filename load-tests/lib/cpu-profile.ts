import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Share of sampled time by package (node_modules name), project folder, or V8/Node category. */
  readonly byPackage: readonly { readonly name: string; readonly share: number }[];
  /** Share of time spent in each function or anything it called (inclusive). */
  readonly inclusive: readonly { readonly name: string; readonly share: number }[];
}

function owner(url: string, fallback: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  const project = /\/dist\/([^/]+)\//.exec(url);
  if (project) return `project:${project[1]}`;
  if (url.startsWith('node:')) return url;
  return url ? url.split('/').pop()! : fallback;
}

/** Reads a V8 .cpuprofile (from `node --cpu-prof`) into self time per package and inclusive time per function. */
export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, time] of self) {
    const node = nodes.get(id)!;
    const pkg = owner(node.callFrame.url, node.callFrame.functionName || '(anonymous)');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = nodes.get(at)!.callFrame;
      const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
      if (!seen.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + time);
      seen.add(name);
    }
  }
  const ranked = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, share: t / total }));
  return {
    totalMs: total / 1000,
    byPackage: ranked(byPackage),
    inclusive: ranked(inclusive).filter((r) => !r.name.startsWith('(root)')),
  };
}
