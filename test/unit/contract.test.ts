import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkSupplierContract,
  compose,
  CONTRACT_SDL,
  SUBGRAPHS,
  subgraphSdl,
  SUPERGRAPH_FILE,
} from '../../schema/index.js';

const supplierSdl = (patientFields: string, extra = '') => `${CONTRACT_SDL}
extend type Patient @key(fields: "nhsNumber") {
  nhsNumber: String! @external
  ${patientFields}
}
${extra}`;

describe('supplier contract', () => {
  it('is met by both reference suppliers', () => {
    for (const s of SUBGRAPHS.filter((d) => d.role === 'domain')) {
      expect(checkSupplierContract(subgraphSdl(s.name)), s.name).toEqual([]);
    }
  });

  it('accepts a minimal new supplier', () => {
    expect(checkSupplierContract(supplierSdl('carePlans: [String!]'))).toEqual([]);
  });

  it('refuses non-null fields on Patient: one supplier must never null the whole patient', () => {
    const violations = checkSupplierContract(supplierSdl('carePlans: [String!]!'));
    expect(violations.map((v) => v.rule)).toEqual(['NON_NULL_PATIENT_FIELD']);
    expect(violations[0]!.message).toContain('Patient.carePlans');
  });

  it('refuses root fields: the patient lookup belongs to the gateway', () => {
    const rules = checkSupplierContract(
      supplierSdl('x: String', 'extend type Query { patient(nhsNumber: String!): Patient }'),
    );
    expect(rules.map((v) => v.rule)).toEqual(['ROOT_FIELD']);
  });

  it('refuses a Patient without the nhsNumber key', () => {
    const sdl = `${CONTRACT_SDL}\nextend type Patient @key(fields: "id") { id: ID! @external notes: String }`;
    expect(checkSupplierContract(sdl).map((v) => v.rule)).toContain('PATIENT_KEY');
  });

  it('refuses a changed or missing shared type', () => {
    const changed = supplierSdl('x: String').replace('display: String!', 'display: String');
    expect(checkSupplierContract(changed).map((v) => v.rule)).toEqual(['SHARED_TYPE_CHANGED']);
    const missing = supplierSdl('x: String').replace(/"An NHS organisation[\s\S]*?\n}\n/, '');
    expect(checkSupplierContract(missing).map((v) => v.rule)).toEqual(['SHARED_TYPE_MISSING']);
  });

  it('refuses a field that can reveal where a patient is, unless it is marked @revealsLocation', () => {
    const unmarked = checkSupplierContract(supplierSdl('dispensedBy: Organisation'));
    expect(unmarked.map((v) => v.rule)).toEqual(['UNMARKED_LOCATION_FIELD']);
    expect(unmarked[0]!.message).toContain('Patient.dispensedBy');
    const nested = checkSupplierContract(
      supplierSdl('visits: [Visit!]', 'type Visit { id: ID! site: [Organisation!] homeAddress: String }'),
    );
    expect(nested.map((v) => v.message.split(' ')[0])).toEqual(['Visit.site', 'Visit.homeAddress']);
    expect(checkSupplierContract(supplierSdl('dispensedBy: Organisation @revealsLocation'))).toEqual([]);
  });

  it('refuses a marked field that cannot be withheld because it is non-null', () => {
    const sdl = supplierSdl(
      'visits: [Visit!]',
      'type Visit { id: ID! site: Organisation! @revealsLocation }',
    );
    expect(checkSupplierContract(sdl).map((v) => v.rule)).toEqual(['NON_NULL_MARKED_FIELD']);
  });

  it('reports unparseable SDL instead of throwing', () => {
    expect(checkSupplierContract('type {').map((v) => v.rule)).toEqual(['SDL_SYNTAX']);
  });
});

describe('supergraph', () => {
  const sources = SUBGRAPHS.map((s) => ({ name: s.name, url: s.defaultUrl, sdl: subgraphSdl(s.name) }));

  it('composes from the subgraphs and matches the committed schema/supergraph.graphql (run `npm run compose`)', () => {
    const result = compose(sources);
    expect(result.ok && result.supergraphSdl).toBe(readFileSync(SUPERGRAPH_FILE, 'utf8'));
  });

  it('fails composition when two suppliers disagree on a field', () => {
    const conflicting = sources.map((s) =>
      s.name === 'hospital'
        ? { ...s, sdl: s.sdl.replace('trust: Organisation', 'medications: [String!]') }
        : s,
    );
    const result = compose(conflicting);
    expect(result.ok).toBe(false);
  });
});
