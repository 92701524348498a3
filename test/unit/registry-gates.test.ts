import { describe, expect, it } from 'vitest';
import { contractSchema } from '../../gateway/registry/conformance/contract-shape.js';
import { endpointPolicy } from '../../gateway/registry/gates/endpoints.js';
import { breakingChanges, inUse } from '../../gateway/registry/gates/schema-diff.js';
import { UsageStore, type OperationUse } from '../../gateway/usage/index.js';
import { createLogger } from '../../lib/logger.js';
import { ownSdl } from '../../schema/index.js';

const gp = ownSdl('gp');
const use = (name: string, fields: string[], lastSeen = 1_000): OperationUse => ({
  id: name,
  name,
  client: 'ward-app',
  fields,
  lastSeen,
});

describe('breaking changes against recorded operations', () => {
  it('finds a removed field and a changed type, and nothing in an added nullable field', async () => {
    const removed = await breakingChanges(
      contractSchema(gp),
      contractSchema(gp.replace('\n  dosage: String!', '')),
    );
    expect(removed.map((c) => c.coordinate)).toEqual(['Medication.dosage']);
    const retyped = await breakingChanges(
      contractSchema(gp),
      contractSchema(gp.replace('\n  quantity: String!', '\n  quantity: Int!')),
    );
    expect(retyped.map((c) => c.coordinate)).toEqual(['Medication.quantity']);
    const added = gp.replace(
      'type Medication {\n  id: ID!',
      'type Medication {\n  id: ID!\n  indication: String',
    );
    expect(await breakingChanges(contractSchema(gp), contractSchema(added))).toEqual([]);
  });

  it('names the operations that read a broken field, or any field of a removed type', () => {
    const uses = [
      use('Doses', ['Patient.medications', 'Medication.dosage']),
      use('Allergies', ['Patient.allergies', 'Allergy.code']),
    ];
    const field = inUse([{ coordinate: 'Medication.dosage', message: 'removed' }], uses);
    expect(field.map((c) => c.operations.map((o) => o.name))).toEqual([['Doses']]);
    const type = inUse([{ coordinate: 'Allergy', message: 'type removed' }], uses);
    expect(type[0]?.operations.map((o) => o.name)).toEqual(['Allergies']);
    expect(inUse([{ coordinate: 'Medication.quantity', message: 'removed' }], uses)).toEqual([]);
  });
});

describe('the usage store (memory tier)', () => {
  const store = (now: { t: number }) =>
    new UsageStore({
      redisUrl: undefined,
      logger: createLogger('test', { level: 'silent' }),
      now: () => now.t,
    });

  it('keeps the latest sighting of each operation and answers by window', async () => {
    const now = { t: 1_000 };
    const usage = store(now);
    usage.record({ id: 'a', name: 'A', client: 'x', fields: ['Patient.medications'], text: 'query A { a }' });
    now.t = 5_000;
    usage.record({ id: 'b', name: 'B', client: 'x', fields: ['Patient.allergies'] });
    expect((await usage.since(2_000)).map((u) => u.name)).toEqual(['B']);
    usage.record({ id: 'a', name: 'A', client: 'x', fields: ['Patient.medications'], text: 'query A { a }' });
    expect((await usage.since(2_000)).map((u) => u.name).sort()).toEqual(['A', 'B']);
    // Only operations kept with their exact text can warm plans.
    expect(await usage.warmable()).toEqual([{ text: 'query A { a }', operationName: 'A' }]);
    await usage.close();
  });

  it('forgets the longest-unseen operation beyond its limit', async () => {
    const usage = new UsageStore({
      redisUrl: undefined,
      logger: createLogger('test', { level: 'silent' }),
      now: () => 0,
      maxOperations: 2,
    });
    for (const id of ['a', 'b', 'c']) usage.record({ id, name: id, client: 'x', fields: [] });
    expect((await usage.since(0)).map((u) => u.id)).toEqual(['b', 'c']);
  });
});

describe('which endpoints the gates may call', () => {
  it('allows only the listed hosts when REGISTRY_ENDPOINT_HOSTS is set', () => {
    const policy = endpointPolicy(['gp.example.nhs.uk', '*.supplier.example'], true);
    expect(policy('https://gp.example.nhs.uk/graphql')).toBeUndefined();
    expect(policy('https://records.supplier.example/graphql')).toBeUndefined();
    expect(policy('https://supplier.example.evil.test/graphql')).toMatch(
      /not one of REGISTRY_ENDPOINT_HOSTS/,
    );
    expect(policy('http://169.254.169.254/latest/meta-data')).toMatch(/not one of/);
  });

  it('in production without a list, wants https and a host name', () => {
    const policy = endpointPolicy([], true);
    expect(policy('https://records.supplier.example/graphql')).toBeUndefined();
    expect(policy('http://records.supplier.example/graphql')).toMatch(/https/);
    expect(policy('https://10.0.0.5/graphql')).toMatch(/an address/);
    expect(policy('https://[::1]/graphql')).toMatch(/an address/);
    expect(policy('https://localhost/graphql')).toMatch(/an address/);
    expect(endpointPolicy([], false)('http://127.0.0.1:4004/graphql')).toBeUndefined();
  });
});
