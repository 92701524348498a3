import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config/index.js';
import {
  marketProblems,
  referenceMarket,
  SupplierDirectory,
  type Market,
  type Migration,
} from '../../gateway/directory/index.js';
import { writeMarket } from '../helpers/market.js';

const market = referenceMarket();
const withSuppliers = (change: (suppliers: Market['suppliers']) => Market['suppliers']): Market => ({
  ...market,
  suppliers: change(market.suppliers),
});
const codes = (m: Market) => marketProblems(m).map((p) => p.code);

describe('the supplier market', () => {
  it('accepts the reference market: three GP systems, three trusts, a national fallback', () => {
    expect(marketProblems(market)).toEqual([]);
    expect(market.suppliers.filter((s) => s.domain === 'gp')).toHaveLength(4);
    expect(market.suppliers.filter((s) => s.domain === 'hospital')).toHaveLength(3);
  });

  it.each([
    [
      'a supplier of a domain that does not exist',
      withSuppliers((s) => [...s, { ...s[0]!, name: 'pharmacy-x', domain: 'pharmacy', organisations: [] }]),
      'UNKNOWN_DOMAIN',
    ],
    [
      'an organisation nobody declared',
      withSuppliers((s) =>
        s.map((x) => (x.name === 'gp-aurora' ? { ...x, organisations: [...x.organisations, 'Z99999'] } : x)),
      ),
      'UNKNOWN_ORGANISATION',
    ],
    [
      'a GP system claiming a trust',
      withSuppliers((s) =>
        s.map((x) => (x.name === 'gp-aurora' ? { ...x, organisations: [...x.organisations, 'RR8'] } : x)),
      ),
      'WRONG_ORGANISATION_TYPE',
    ],
    [
      'two suppliers claiming one practice',
      withSuppliers((s) =>
        s.map((x) => (x.name === 'gp-birch' ? { ...x, organisations: [...x.organisations, 'A81001'] } : x)),
      ),
      'ORGANISATION_CLAIMED_TWICE',
    ],
    [
      'a practice served by no supplier',
      withSuppliers((s) => s.map((x) => (x.name === 'gp-cedar' ? { ...x, organisations: ['C84010'] } : x))),
      'ORGANISATION_NOT_SERVED',
    ],
    [
      'two suppliers with one name',
      withSuppliers((s) => [...s, { ...s[1]!, organisations: [] }]),
      'DUPLICATE_NAME',
    ],
    [
      'a fallback that lists organisations',
      withSuppliers((s) =>
        s.map((x) => (x.name === 'summary-record' ? { ...x, organisations: ['A81001'] } : x)),
      ),
      'BAD_FALLBACK',
    ],
  ])('refuses %s, with a documented code', (_, broken, code) => {
    expect(codes(broken)).toContain(code);
  });

  it('loads a market file in JSON or YAML, and quotes what is wrong in one, with its path', () => {
    const yaml = `domains:\n  - { name: gp, serves: practice }\n  - { name: hospital, serves: trust }\norganisations:\n  - { odsCode: A81001, name: Densham, type: practice }\n  - { odsCode: RR8, name: Leeds, type: trust }\nsuppliers:\n  - { name: gp-one, domain: gp, url: "http://127.0.0.1:5001/graphql", organisations: [A81001] }\n  - { name: trust-one, domain: hospital, url: "http://127.0.0.1:5002/graphql", organisations: [RR8] }\n`;
    const fromYaml = loadConfig({ SUPPLIERS_FILE: writeMarket(yaml, 'market.yaml') });
    expect(fromYaml.suppliers.map((s) => s.name)).toEqual(['gp-one', 'trust-one']);
    const bad = {
      ...market,
      suppliers: [{ ...market.suppliers[0]!, url: 'ftp://x' }, ...market.suppliers.slice(1)],
    };
    expect(() => loadConfig({ SUPPLIERS_FILE: writeMarket(bad) })).toThrow(
      /suppliers\.0\.url: must be an http\(s\) URL, got "ftp:\/\/x"/,
    );
    const claimed = withSuppliers((s) =>
      s.map((x) => (x.name === 'gp-birch' ? { ...x, organisations: [...x.organisations, 'A81001'] } : x)),
    );
    expect(() => loadConfig({ SUPPLIERS_FILE: writeMarket(claimed) })).toThrow(
      /ORGANISATION_CLAIMED_TWICE: organisation "A81001" is claimed by both "gp-aurora" and "gp-birch"/,
    );
    expect(() => loadConfig({ SUPPLIERS_FILE: writeMarket('domains: [', 'm.yaml') })).toThrow(
      /is not valid YAML/,
    );
    expect(() => loadConfig({ SUPPLIERS_FILE: '/nonexistent/market.json' })).toThrow(
      /cannot read "\/nonexistent\/market.json" \(ENOENT\)/,
    );
  });

  it('takes supplier URLs chosen at run time, and refuses ones for suppliers it does not know', () => {
    const config = loadConfig({ SUPPLIER_URLS: 'gp-aurora=http://127.0.0.1:6001/graphql' });
    expect(config.suppliers.find((s) => s.name === 'gp-aurora')!.url).toBe('http://127.0.0.1:6001/graphql');
    expect(() => loadConfig({ SUPPLIER_URLS: 'gp-zeta=http://x/graphql' })).toThrow(
      /SUPPLIER_URLS: "gp-zeta=http:\/\/x\/graphql" does not name a supplier/,
    );
  });
});

describe('the supplier directory', () => {
  const at = Date.parse('2026-11-21T09:00:00Z');
  let now = at;
  const migrations = new Map<string, Migration>();
  const directory = new SupplierDirectory(market, { now: () => now, migrations: () => migrations });

  it("routes each organisation to its supplier, grouping a patient's organisations by supplier", () => {
    expect(directory.targets(['A81002'])).toEqual({
      targets: [{ supplier: 'gp-aurora', organisations: ['A81002'] }],
      notServed: [],
    });
    expect(directory.targets(['RX1', 'RR8', 'P81999'])).toEqual({
      targets: [
        { supplier: 'hospital-nottingham', organisations: ['RX1'] },
        { supplier: 'hospital-leeds', organisations: ['RR8'] },
      ],
      notServed: ['P81999'],
    });
  });

  it('follows a migration at its cut-over time, remembering the previous supplier for 90 days', () => {
    migrations.set('A81001', {
      organisation: 'A81001',
      domain: 'gp',
      from: 'gp-aurora',
      to: 'gp-birch',
      cutover: new Date(at + 60_000).toISOString(),
    });
    expect(directory.servingAt('A81001')).toEqual({ supplier: 'gp-aurora' });
    now = at + 60_000;
    expect(directory.servingAt('A81001')).toEqual({ supplier: 'gp-birch', previous: 'gp-aurora' });
    expect(directory.organisationsOf('gp-birch')).toEqual(['A81001', 'B82005', 'B82010', 'D82044']);
    now = at + 60_000 + 91 * 24 * 3_600_000;
    expect(directory.servingAt('A81001')).toEqual({ supplier: 'gp-birch' });
  });
});
