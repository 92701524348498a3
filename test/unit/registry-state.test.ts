import { describe, expect, it } from 'vitest';
import {
  EMPTY_REGISTRY,
  effective,
  registryState,
  servedBy,
  supergraphFor,
  versionState,
  type Bootstrap,
  type DomainEntrySpec,
  type SupplierEntrySpec,
} from '../../gateway/registry/index.js';
import { referenceMarket } from '../../gateway/directory/index.js';
import { loadSupergraph, ownSdl } from '../../schema/index.js';

const market = referenceMarket();
const bootstrap: Bootstrap = {
  market,
  domainSdl: new Map(market.domains.map((d) => [d.name, ownSdl(d.name)])),
  supergraphSdl: loadSupergraph(),
};
const actor = (by = 'alice', at = '2026-11-21T09:00:00.000Z') => ({ by, reason: 'onboarding', at });
const dogwood: SupplierEntrySpec = {
  kind: 'supplier',
  name: 'gp-dogwood',
  domain: 'gp',
  url: 'http://127.0.0.1:4004/graphql',
  organisations: ['P81999'],
  newOrganisations: [{ odsCode: 'P81999', name: 'Lakeside Practice' }],
  contact: 'servicedesk@dogwood.example',
};
const gpWithIndication: DomainEntrySpec = {
  kind: 'domain',
  name: 'gp',
  serves: 'practice',
  fallback: 'summary-record',
  sdl: ownSdl('gp').replace('  lastIssuedDate: Date\n', '  lastIssuedDate: Date\n  indication: String\n'),
};

describe('registry state', () => {
  it('puts a published version in service at once, or holds it for approval', () => {
    const direct = registryState.publish(EMPTY_REGISTRY, dogwood, [], actor(), false);
    expect(direct.version).toBe(1);
    expect(direct.state.revision).toBe(1);
    expect(direct.state.entries['supplier/gp-dogwood']!.active).toBe(1);
    const held = registryState.publish(EMPTY_REGISTRY, dogwood, [], actor(), true);
    const entry = held.state.entries['supplier/gp-dogwood']!;
    expect(entry.active).toBe(0);
    expect(versionState(entry, entry.versions[0]!)).toBe('pending-approval');
    const approved = registryState.decide(held.state, 'supplier/gp-dogwood', 1, 'approve', actor('olu'));
    expect(approved.entries['supplier/gp-dogwood']!.active).toBe(1);
    expect(approved.entries['supplier/gp-dogwood']!.events.map((e) => [e.action, e.active])).toEqual([
      ['publish', 0],
      ['approve', 1],
    ]);
    expect(() => registryState.decide(approved, 'supplier/gp-dogwood', 1, 'reject', actor('olu'))).toThrow(
      expect.objectContaining({ code: 'NOT_PENDING' }),
    );
  });

  it('rolls back to the version in service before, and refuses targets that never were', () => {
    let state = registryState.publish(EMPTY_REGISTRY, dogwood, [], actor(), false).state;
    state = registryState.publish(
      state,
      { ...dogwood, url: 'http://127.0.0.1:4005/graphql' },
      [],
      actor(),
      false,
    ).state;
    state = registryState.publish(
      state,
      { ...dogwood, url: 'http://127.0.0.1:4006/graphql' },
      [],
      actor(),
      true,
    ).state;
    const entry = state.entries['supplier/gp-dogwood']!;
    expect(entry.active).toBe(2);
    expect(registryState.previousActive(entry)).toBe(1);
    expect(() => registryState.rollback(state, entry.key, 3, actor())).toThrow(
      expect.objectContaining({ code: 'NOT_A_ROLLBACK_TARGET' }),
    );
    expect(() => registryState.rollback(state, entry.key, 2, actor())).toThrow(
      expect.objectContaining({ code: 'NOT_A_ROLLBACK_TARGET' }),
    );
    expect(() => registryState.rollback(state, entry.key, 9, actor())).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_VERSION' }),
    );
    const back = registryState.rollback(state, entry.key, 1, actor());
    expect(back.entries[entry.key]!.active).toBe(1);
    expect(registryState.previousActive(back.entries[entry.key]!)).toBe(2);
    expect(registryState.rollback(back, entry.key, 0, actor()).entries[entry.key]!.active).toBe(0);
  });

  it('lays supplier entries over the configured market, declaring their new organisations', () => {
    const state = registryState.publish(EMPTY_REGISTRY, dogwood, [], actor(), false).state;
    const { market: served } = effective(bootstrap, state);
    expect(served.suppliers.find((s) => s.name === 'gp-dogwood')).toMatchObject({
      organisations: ['P81999'],
    });
    expect(served.organisations).toContainEqual({
      odsCode: 'P81999',
      name: 'Lakeside Practice',
      type: 'practice',
    });
    // Back to version 0: a supplier that was never configured is gone again.
    const gone = registryState.rollback(state, 'supplier/gp-dogwood', 0, actor());
    expect(effective(bootstrap, gone).market.suppliers.some((s) => s.name === 'gp-dogwood')).toBe(false);
    // An entry for a configured supplier replaces it; version 0 brings the configured one back.
    const moved = registryState.publish(
      EMPTY_REGISTRY,
      { ...dogwood, name: 'gp-aurora', organisations: ['A81001', 'A81002'], newOrganisations: [] },
      [],
      actor(),
      false,
    ).state;
    expect(effective(bootstrap, moved).market.suppliers.find((s) => s.name === 'gp-aurora')!.url).toBe(
      dogwood.url,
    );
    const restored = registryState.rollback(moved, 'supplier/gp-aurora', 0, actor());
    expect(effective(bootstrap, restored).market.suppliers.find((s) => s.name === 'gp-aurora')).toEqual(
      market.suppliers.find((s) => s.name === 'gp-aurora'),
    );
  });

  it('serves the committed supergraph until a domain contract changes, then composes a new one', () => {
    expect(supergraphFor(bootstrap, bootstrap.domainSdl)).toMatchObject({
      ok: true,
      supergraphSdl: loadSupergraph(),
    });
    const state = registryState.publish(EMPTY_REGISTRY, gpWithIndication, [], actor(), false).state;
    const served = servedBy(bootstrap, state);
    if ('problem' in served) throw new Error(served.problem);
    expect(served.supergraph.sdl).not.toBe(loadSupergraph());
    expect(served.supergraph.sdl).toContain('indication: String');
  });

  it('refuses to serve a state whose market breaks the rules', () => {
    const twice = registryState.publish(
      EMPTY_REGISTRY,
      { ...dogwood, organisations: ['A81001'], newOrganisations: [] },
      [],
      actor(),
      false,
    ).state;
    expect(servedBy(bootstrap, twice)).toEqual({
      problem: expect.stringContaining('ORGANISATION_CLAIMED_TWICE'),
    });
  });
});
