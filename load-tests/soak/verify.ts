import { population } from '../lib/patients.js';

/** What one answer was, checked against the synthetic truth. */
export type Outcome =
  | 'live' // every section present and right
  | 'labelled' // a section missing or stale, and the answer says so (STALE, FALLBACK, UNAVAILABLE, an error)
  | 'wrong' // a section present with the wrong content, or another patient's
  | 'unlabelled' // a section missing and nothing says why
  | 'failed'; // no usable answer (HTTP error, connection refused)

export const SOAK_QUERY =
  'query Soak($n: String!) { patient(nhsNumber: $n) { nhsNumber medications { id } encounters { id } } }';

interface Answer {
  data?: {
    patient?: { nhsNumber?: string; medications?: unknown[] | null; encounters?: unknown[] | null } | null;
  };
  errors?: { path?: (string | number)[]; extensions?: { code?: string } }[];
  extensions?: { availability?: Record<string, { domain: string; status: string }> };
}

/**
 * Every section is either present and exactly right, or missing with a reason the clinician can see: a
 * field error on that section, or the domain's availability saying UNAVAILABLE. STALE and FALLBACK
 * sections are present (their content is last-good, so only the count is checked against the truth).
 */
export function verify(status: number, raw: string, n: string): { outcome: Outcome; detail?: string } {
  if (status !== 200) return { outcome: 'failed', detail: `HTTP ${status}` };
  let body: Answer;
  try {
    body = JSON.parse(raw) as Answer;
  } catch {
    return { outcome: 'failed', detail: 'not JSON' };
  }
  const truth = population.byNhsNumber.get(n)!;
  const patient = body.data?.patient;
  if (!patient) return { outcome: 'unlabelled', detail: 'no patient' };
  if (patient.nhsNumber !== n) return { outcome: 'wrong', detail: 'another patient' };
  const availability = Object.values(body.extensions?.availability ?? {});
  const sections = [
    {
      field: 'medications',
      domain: 'gp',
      expected: truth.gp?.medications.length ?? 0,
      value: patient.medications,
    },
    {
      field: 'encounters',
      domain: 'hospital',
      expected: truth.hospital.flatMap((r) => r.encounters).length,
      value: patient.encounters,
    },
  ];
  let labelled = availability.some((a) => a.status !== 'LIVE');
  for (const s of sections) {
    if (Array.isArray(s.value)) {
      // A fallback (summary record) or one trust of several may hold part of the record: labelled, so fine.
      const partial = availability.some((a) => a.domain === s.domain && a.status !== 'LIVE');
      if (s.value.length !== s.expected && !partial) {
        return { outcome: 'wrong', detail: `${s.field}: ${s.value.length} items, expected ${s.expected}` };
      }
      continue;
    }
    const fieldError = body.errors?.some((e) => e.path?.[1] === s.field && e.extensions?.code);
    const domainDown = availability.some((a) => a.domain === s.domain && a.status === 'UNAVAILABLE');
    if (!fieldError && !domainDown && s.expected > 0) {
      return { outcome: 'unlabelled', detail: `${s.field} missing without a reason` };
    }
    labelled = true;
  }
  return { outcome: labelled ? 'labelled' : 'live' };
}
