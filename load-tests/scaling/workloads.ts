import { population } from '../lib/patients.js';
import type { Verdict } from '../lib/targets.js';

/**
 * The work one request asks of the gateway, grown along one dimension at a time: how many patients
 * (`patients(nhsNumbers: ...)`), how many record sections, or (by the market the gateway runs) how many
 * suppliers share the GP domain. Each workload builds request bodies and checks every answer against the
 * synthetic truth: a fast wrong answer must never post a figure.
 */
export interface Workload {
  /** Keys the load cycles through (one body each). */
  readonly keys: readonly string[];
  readonly body: (key: string) => string;
  readonly verify: (raw: string, key: string) => Verdict;
}

type Domain = 'gp' | 'hospital';
/** Every section of the record with a small selection, GP and hospital alternating (1 = medications). */
export const SECTIONS: readonly { name: string; domain: Domain; selection: string }[] = [
  { name: 'medications', domain: 'gp', selection: 'id status' },
  { name: 'encounters', domain: 'hospital', selection: 'id class' },
  { name: 'allergies', domain: 'gp', selection: 'id severity' },
  { name: 'labResults', domain: 'hospital', selection: 'id value' },
  { name: 'problems', domain: 'gp', selection: 'id status' },
  { name: 'procedures', domain: 'hospital', selection: 'id date' },
  { name: 'immunisations', domain: 'gp', selection: 'id date' },
  { name: 'dischargeSummaries', domain: 'hospital', selection: 'id date' },
  { name: 'consultations', domain: 'gp', selection: 'id date' },
  { name: 'outpatientAppointments', domain: 'hospital', selection: 'id status' },
  { name: 'investigations', domain: 'gp', selection: 'id value' },
  { name: 'referrals', domain: 'gp', selection: 'id status' },
];

type Answer = Record<string, unknown> & { nhsNumber?: string };

function truthCount(n: string, section: (typeof SECTIONS)[number]): number {
  const truth = population.byNhsNumber.get(n)!;
  if (section.domain === 'gp')
    return (truth.gp as unknown as Record<string, unknown[]>)[section.name]!.length;
  return truth.hospital.flatMap((r) => (r as unknown as Record<string, unknown[]>)[section.name]!).length;
}

/** One patient's answer: present sections must hold exactly the truth's items; absent ones make it incomplete. */
function judge(answer: Answer | null | undefined, n: string, sections: typeof SECTIONS): Verdict {
  if (!answer) return { kind: 'incomplete', detail: `no patient ${n}` };
  if (answer.nhsNumber !== n) return { kind: 'wrong', detail: `asked ${n}, got ${answer.nhsNumber}` };
  let complete = true;
  for (const section of sections) {
    const items = answer[section.name];
    if (!Array.isArray(items)) {
      complete = false;
      continue;
    }
    const expected = truthCount(n, section);
    if (items.length !== expected)
      return { kind: 'wrong', detail: `${section.name} for ${n}: ${items.length}, expected ${expected}` };
  }
  return { kind: complete ? 'complete' : 'incomplete' };
}

function parse(raw: string): { data?: Record<string, unknown> } | undefined {
  try {
    return JSON.parse(raw) as { data?: Record<string, unknown> };
  } catch {
    return undefined;
  }
}

const selectionOf = (sections: typeof SECTIONS) =>
  sections.map((s) => `${s.name} { ${s.selection} }`).join(' ');

/** `patients(nhsNumbers: ...)` with `count` consecutive patients, medications and encounters each. */
export function patientsWorkload(patients: readonly string[], count: number): Workload {
  const sections = SECTIONS.slice(0, 2);
  const query = `query Clinic($ns: [String!]!) { patients(nhsNumbers: $ns) { nhsNumber ${selectionOf(sections)} } }`;
  const windowAt = (key: string) => {
    const start = Number(key);
    return Array.from({ length: count }, (_, i) => patients[(start + i) % patients.length]!);
  };
  return {
    keys: patients.map((_, i) => String(i)),
    body: (key) => JSON.stringify({ query, variables: { ns: windowAt(key) } }),
    verify: (raw, key) => {
      const list = parse(raw)?.data?.patients;
      if (!Array.isArray(list)) return { kind: 'incomplete', detail: 'no patients list' };
      const asked = windowAt(key);
      if (list.length !== asked.length)
        return { kind: 'wrong', detail: `${list.length} entries for ${count}` };
      let verdict: Verdict = { kind: 'complete' };
      for (const [i, n] of asked.entries()) {
        const one = judge(list[i] as Answer | null, n, sections);
        if (one.kind === 'wrong') return one;
        if (one.kind === 'incomplete') verdict = one;
      }
      return verdict;
    },
  };
}

/** One patient with the first `count` sections of SECTIONS. */
export function sectionsWorkload(patients: readonly string[], count: number): Workload {
  const sections = SECTIONS.slice(0, count);
  const query = `query Sections($n: String!) { patient(nhsNumber: $n) { nhsNumber ${selectionOf(sections)} } }`;
  return {
    keys: patients,
    body: (n) => JSON.stringify({ query, variables: { n } }),
    verify: (raw, n) => judge(parse(raw)?.data?.patient as Answer | undefined, n, sections),
  };
}
