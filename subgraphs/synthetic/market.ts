import type { Organisation } from './types.js';

/**
 * The reference supplier market: the organisations of a region and the competing systems that serve them.
 * Each GP practice runs one GP clinical system, each trust its own electronic patient record, and a
 * national summary record (like the Summary Care Record) holds medications and allergies for everyone.
 * `npm start` runs one process per supplier; the gateway's development directory is built from this list.
 */
export type SupplierKind = 'gp-system' | 'trust-epr' | 'summary-record';

export interface ReferenceSupplier {
  readonly name: string;
  readonly kind: SupplierKind;
  /** The record domain (subgraph) whose contract it serves. */
  readonly domain: 'gp' | 'hospital';
  /** ODS codes of the organisations it serves; the summary record serves everyone as a fallback. */
  readonly organisations: readonly string[];
  /** Its port in the reference stack (`npm start`). */
  readonly port: number;
}

export const PRACTICES: readonly Organisation[] = [
  { odsCode: 'A81001', name: 'The Densham Surgery' },
  { odsCode: 'A81002', name: 'Queens Park Medical Centre' },
  { odsCode: 'B82005', name: 'Riverside Health Centre' },
  { odsCode: 'B82010', name: 'Millbrook Medical Practice' },
  { odsCode: 'C84010', name: 'Meadowbank Practice' },
  { odsCode: 'Y02494', name: 'Harbour Lane Surgery' },
  { odsCode: 'D82044', name: 'Willowbrook Surgery' },
  { odsCode: 'E85016', name: 'Stonegate Health Centre' },
];

/** A practice outside the region: no supplier of this market serves it. */
export const OUT_OF_AREA_PRACTICE: Organisation = { odsCode: 'P81999', name: 'Lakeside Practice' };

export const TRUSTS: readonly Organisation[] = [
  { odsCode: 'RR8', name: 'Leeds Teaching Hospitals NHS Trust' },
  { odsCode: 'RX1', name: 'Nottingham University Hospitals NHS Trust' },
  { odsCode: 'RTD', name: 'The Newcastle upon Tyne Hospitals NHS Foundation Trust' },
];

export const REFERENCE_MARKET: readonly ReferenceSupplier[] = [
  { name: 'gp-aurora', kind: 'gp-system', domain: 'gp', organisations: ['A81001', 'A81002'], port: 4001 },
  {
    name: 'gp-birch',
    kind: 'gp-system',
    domain: 'gp',
    organisations: ['B82005', 'B82010', 'D82044'],
    port: 4002,
  },
  {
    name: 'gp-cedar',
    kind: 'gp-system',
    domain: 'gp',
    organisations: ['C84010', 'Y02494', 'E85016'],
    port: 4003,
  },
  { name: 'hospital-leeds', kind: 'trust-epr', domain: 'hospital', organisations: ['RR8'], port: 4011 },
  { name: 'hospital-nottingham', kind: 'trust-epr', domain: 'hospital', organisations: ['RX1'], port: 4012 },
  { name: 'hospital-newcastle', kind: 'trust-epr', domain: 'hospital', organisations: ['RTD'], port: 4013 },
  { name: 'summary-record', kind: 'summary-record', domain: 'gp', organisations: [], port: 4021 },
];

/** The supplier of the market that serves the national fallback of a domain. */
export const FALLBACKS: Readonly<Record<string, string>> = { gp: 'summary-record' };
