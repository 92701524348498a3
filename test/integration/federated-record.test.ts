import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app.js';
import { generatePopulation } from '../../subgraphs/synthetic/index.js';
import { graphql, startTestGateway } from '../helpers/gateway.js';
import { startSupplier, type TestSupplier } from '../../lib/testbed/index.js';

const population = generatePopulation();
const { fixtures } = population;

const FULL_RECORD = `query Record($n: String!) {
  patient(nhsNumber: $n) {
    nhsNumber
    demographics { givenName familyName birthDate deceasedDate address { postcode } telecom registeredPracticeOds securityLabel }
    registeredPractice { odsCode name }
    medications { medication { code display } status startDate }
    allergies { code { display } status }
    problems { code { code } }
    immunisations { vaccine { display } }
    consultations { date }
    investigations { test { display } value }
    referrals { specialty }
    trust { odsCode }
    encounters { class admittedAt reason { display } }
    dischargeSummaries { encounterId }
    labResults { test { display } value unit abnormal }
    procedures { code { code } }
    outpatientAppointments { status }
  }
}`;

describe('federated patient record over real supplier processes', () => {
  let gp: TestSupplier;
  let hospital: TestSupplier;
  let gateway: RunningGateway;

  beforeAll(async () => {
    [gp, hospital] = await Promise.all([startSupplier('gp'), startSupplier('hospital')]);
    // No idle probes: tests here count the requests each supplier received.
    gateway = await startTestGateway({ gp, hospital }, { BREAKER_IDLE_PROBE_MS: '0' });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([gp?.stop(), hospital?.stop()]);
  });

  it('answers a whole record from both suppliers, matching what each supplier holds', async () => {
    const { status, body, headers } = await graphql(gateway.url, FULL_RECORD, { n: fixtures.sample });
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body.errors).toBeUndefined();
    const patient = body.data!.patient as Record<string, unknown[]> & {
      demographics: Record<string, unknown>;
    };
    const truth = population.byNhsNumber.get(fixtures.sample)!;
    expect(patient.demographics.familyName).toBe(truth.demographics.familyName);
    expect(patient.medications).toEqual(
      truth.gp!.medications.map((m) => ({
        medication: { code: m.medication.code, display: m.medication.display },
        status: m.status,
        startDate: m.startDate,
      })),
    );
    expect(patient.encounters).toHaveLength(truth.hospital.flatMap((r) => r.encounters).length);
    expect(patient.labResults).toHaveLength(truth.hospital.flatMap((r) => r.labResults).length);
    expect(body.extensions?.availability).toEqual({
      gp: { domain: 'gp', status: 'LIVE', breaker: 'CLOSED' },
      hospital: { domain: 'hospital', status: 'LIVE', breaker: 'CLOSED' },
    });
  });

  it('turns off the usage telemetry @apollo/gateway would otherwise send to Apollo from every process', () => {
    // Read by ApolloGateway's constructor; without it, it probes cloud metadata services and exports metrics.
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('1');
  });

  it('accepts the NHS number as clinicians write it, with spaces', async () => {
    const spaced = `${fixtures.sample.slice(0, 3)} ${fixtures.sample.slice(3, 6)} ${fixtures.sample.slice(6)}`;
    const { body } = await graphql(gateway.url, '{ patient(nhsNumber: "' + spaced + '") { nhsNumber } }');
    expect(body.data).toEqual({ patient: { nhsNumber: fixtures.sample } });
  });

  it('rejects an invalid NHS number with INVALID_NHS_NUMBER, without calling any supplier', async () => {
    const before = await gp.stats();
    const { status, body } = await graphql(
      gateway.url,
      '{ patient(nhsNumber: "9876544321") { nhsNumber medications { id } } }',
    );
    expect(status).toBe(200);
    expect(body.data).toEqual({ patient: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_NHS_NUMBER',
      problem: 'CHECK_DIGIT_MISMATCH',
    });
    expect((await gp.stats()).requests).toBe(before.requests);
  });

  it('answers an unknown patient with null and PATIENT_NOT_FOUND', async () => {
    const { body } = await graphql(gateway.url, FULL_RECORD, { n: fixtures.unknown });
    expect(body.data).toEqual({ patient: null });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['PATIENT_NOT_FOUND']);
  });

  it('tells "no record held by this GP system" apart from "GP supplier down"', async () => {
    const { body } = await graphql(gateway.url, FULL_RECORD, { n: fixtures.noGpRecord });
    const patient = body.data!.patient as Record<string, unknown>;
    expect(patient.medications).toBeNull();
    expect(patient.encounters).not.toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['patient'],
        extensions: expect.objectContaining({ code: 'NO_RECORD_FOUND', serviceName: 'gp' }),
      }),
    ]);
    expect(body.extensions?.availability).toMatchObject({ gp: { status: 'LIVE' } });
  });

  it('applies PDS restrictions to a restricted patient, saying what was withheld', async () => {
    const { body } = await graphql(gateway.url, FULL_RECORD, { n: fixtures.restricted });
    const patient = body.data!.patient as Record<string, unknown> & { demographics: Record<string, unknown> };
    expect(patient.demographics).toMatchObject({
      securityLabel: 'RESTRICTED',
      address: null,
      telecom: null,
      registeredPracticeOds: null,
    });
    expect(patient.demographics.familyName).toEqual(expect.any(String));
    // Whichever subgraph holds them, fields that reveal where the patient is registered or treated are withheld.
    expect(patient.registeredPractice).toBeNull();
    expect(patient.trust).toBeNull();
    expect(patient.medications).toEqual(expect.any(Array));
    const withheld = body.errors!.filter((e) => e.extensions?.code === 'CONFIDENTIAL_WITHHELD');
    expect(withheld.map((e) => [e.path, e.extensions?.fields])).toEqual(
      expect.arrayContaining([
        [['patient', 'demographics', 'address'], ['address']],
        [['patient', 'demographics', 'telecom'], ['telecom']],
        [['patient', 'demographics', 'registeredPracticeOds'], ['registeredPracticeOds']],
        [['patient'], ['registeredPractice']],
        [['patient'], ['trust']],
      ]),
    );
    expect(body.errors).toHaveLength(withheld.length);
  });

  it('withholds a marked field however the query reaches it: aliased, in fragments, in a clinic list', async () => {
    const query = `query($ns: [String!]!) { patients(nhsNumbers: $ns) { nhsNumber
      where: registeredPractice { odsCode } ... on Patient { hospital: trust { name } } ...Gp } }
      fragment Gp on Patient { registeredPractice { name } }`;
    const oneTrust = population.patients.find(
      (p) => p.hospital.length === 1 && p.demographics.securityLabel === 'U',
    )!;
    const { body } = await graphql(gateway.url, query, {
      ns: [oneTrust.demographics.nhsNumber, fixtures.restricted],
    });
    const [open, restricted] = body.data!.patients as Record<string, unknown>[];
    expect(open).toMatchObject({
      where: { odsCode: expect.any(String) },
      hospital: { name: expect.any(String) },
    });
    expect(restricted).toMatchObject({ where: null, hospital: null, registeredPractice: null });
    const fields = body
      .errors!.filter((e) => e.extensions?.code === 'CONFIDENTIAL_WITHHELD')
      .flatMap((e) => (e.extensions?.fields as string[]).map((f) => `${e.path!.join('.')}:${f}`));
    expect(fields.sort()).toEqual([
      'patients.1:hospital',
      'patients.1:registeredPractice',
      'patients.1:where',
    ]);
  });

  it('returns empty hospital sections for a patient the trust has never seen, and the deceased date', async () => {
    const empty = await graphql(gateway.url, FULL_RECORD, { n: fixtures.noHospitalHistory });
    expect((empty.body.data!.patient as Record<string, unknown>).encounters).toEqual([]);
    const deceased = await graphql(gateway.url, FULL_RECORD, { n: fixtures.deceased });
    expect(
      (deceased.body.data!.patient as { demographics: { deceasedDate: string } }).demographics.deceasedDate,
    ).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('asks each supplier once for a whole clinic list (one batched backend lookup)', async () => {
    const numbers = population.patients.slice(10, 30).map((p) => p.demographics.nhsNumber);
    const [gpBefore, hospitalBefore] = await Promise.all([gp.stats(), hospital.stats()]);
    const { body } = await graphql(
      gateway.url,
      'query($ns: [String!]!) { patients(nhsNumbers: $ns) { nhsNumber medications { id } encounters { id } } }',
      { ns: [...numbers, '123', fixtures.unknown] },
    );
    const list = body.data!.patients as ({ nhsNumber: string } | null)[];
    expect(list.slice(0, 20).map((p) => p?.nhsNumber)).toEqual(numbers);
    expect(list.slice(20)).toEqual([null, null]);
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['patients', 20], 'INVALID_NHS_NUMBER'],
      [['patients', 21], 'PATIENT_NOT_FOUND'],
    ]);
    const [gpAfter, hospitalAfter] = await Promise.all([gp.stats(), hospital.stats()]);
    expect(gpAfter.requests - gpBefore.requests).toBe(1);
    expect(gpAfter.backendLookups - gpBefore.backendLookups).toBe(1);
    expect(hospitalAfter.backendLookups - hospitalBefore.backendLookups).toBe(1);
  });

  it('refuses more NHS numbers than a request may carry, counting every alias, before looking anyone up', async () => {
    const before = await gp.stats();
    const many = Array.from({ length: 51 }, () => fixtures.sample);
    const listed = await graphql(
      gateway.url,
      'query($ns: [String!]!) { patients(nhsNumbers: $ns) { nhsNumber medications { id } } }',
      { ns: many },
    );
    expect(listed.status).toBe(400);
    expect(listed.body.errors?.[0]?.extensions?.code).toBe('TOO_MANY_PATIENTS');
    const thirty = JSON.stringify(many.slice(0, 30));
    const aliased = await graphql(
      gateway.url,
      `{ a: patients(nhsNumbers: ${thirty}) { nhsNumber } b: patients(nhsNumbers: ${thirty}) { nhsNumber } }`,
    );
    expect(aliased.status).toBe(400);
    expect(aliased.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('looks up 60 patients'),
      extensions: { code: 'TOO_MANY_PATIENTS' },
    });
    expect((await gp.stats()).requests).toBe(before.requests);
  });

  it('follows GraphQL-over-HTTP for malformed requests', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(gateway.url, { method: 'POST', headers: { 'content-type': type }, body });
    const parse = await post('{"query":"{ patient(nhsNumber: "}');
    expect(parse.status).toBe(400);
    expect(
      ((await parse.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe('GRAPHQL_PARSE_FAILED');
    const invalid = await post('{"query":"{ patient(nhsNumber: \\"9434765919\\") { shoeSize } }"}');
    expect(invalid.status).toBe(400);
    const notJson = await post('{"query": ');
    expect(notJson.status).toBe(400);
    expect(
      ((await notJson.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe('BAD_REQUEST');
    const huge = await post(JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(70_000) }));
    expect(huge.status).toBe(413);
    const elsewhere = await fetch(gateway.url.replace('/graphql', '/admin'));
    expect(elsewhere.status).toBe(404);
    // GraphQL-over-HTTP: a mutation over GET is 405 Method Not Allowed.
    const mutationByGet = await fetch(`${gateway.url}?query=${encodeURIComponent('mutation { x }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(mutationByGet.status).toBe(405);
  });

  it('refuses hostile queries with QUERY_TOO_COMPLEX', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: nhsNumber`).join(' ');
    const wide = await graphql(gateway.url, `{ patient(nhsNumber: "${fixtures.sample}") { ${aliases} } }`);
    expect(wide.status).toBe(400);
    expect(wide.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const tokens = Array.from({ length: 2_100 }, () => 'nhsNumber').join(' ');
    const long = await graphql(gateway.url, `{ patient(nhsNumber: "${fixtures.sample}") { ${tokens} } }`);
    expect(long.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});
