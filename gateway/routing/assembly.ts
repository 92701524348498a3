import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError } from 'graphql';
import { shownSupplier, type PatientOutcome } from '../availability/index.js';
import { FAILURE_REASONS } from '../breakers/index.js';
import type { CachedEntity } from '../cache/index.js';
import { withhold, type WithholdPlan } from '../confidentiality/index.js';
import type { Target } from '../directory/index.js';
import type { SupplierAnswer } from '../suppliers/index.js';
import { mergeEntities } from './merge.js';

/** What one of the patient's suppliers ended up contributing. */
interface Contribution {
  readonly target: Target;
  outcome: PatientOutcome;
  entity?: Record<string, unknown>;
}

interface Patient {
  readonly nhsNumber: string;
  readonly confidential: boolean;
  /** The patient's suppliers in route order: contributions are merged in this order. */
  readonly order: readonly string[];
  readonly contributions: Contribution[];
  /** Errors on this patient, paths below the entity. */
  readonly errors: GraphQLFormattedError[];
  /** Data from outside the patient's own suppliers: the fallback's answer, or an empty answer. */
  extra?: Record<string, unknown>;
  /** The fallback's outcome for a patient whose organisation no supplier serves. */
  extraOutcome?: PatientOutcome;
}

const below = (path: GraphQLFormattedError['path']) => path ?? [];

/**
 * Builds one record domain's `_entities` answer patient by patient, as the suppliers answer: what each
 * supplier gave, how each is labelled (LIVE, STALE, FALLBACK, UNAVAILABLE), and an error for everything
 * missing that says which supplier, which organisations and why. Nothing is ever silently missing.
 */
export class PatientAssembly {
  private readonly patients: Patient[];

  constructor(
    private readonly domain: string,
    patients: readonly {
      readonly nhsNumber: string;
      readonly confidential: boolean;
      readonly targets: readonly Target[];
    }[],
  ) {
    this.patients = patients.map((p) => ({
      nhsNumber: p.nhsNumber,
      confidential: p.confidential,
      order: p.targets.map((t) => t.supplier),
      contributions: [],
      errors: [],
    }));
  }

  /** A target supplier's answer for patient `i`. */
  answer(i: number, target: Target, answer: SupplierAnswer): void {
    const patient = this.patients[i]!;
    const outcome = this.outcome(patient, target, 'LIVE');
    const contribution: Contribution = { target, outcome };
    switch (answer.kind) {
      case 'live':
        contribution.entity = answer.entity;
        if (answer.receivedAt !== undefined)
          contribution.outcome = { ...outcome, receivedAt: answer.receivedAt };
        patient.errors.push(...answer.errors);
        break;
      case 'refused':
        patient.errors.push(...answer.errors);
        break;
      case 'stale':
        contribution.entity = answer.entity as Record<string, unknown>;
        contribution.outcome = {
          ...outcome,
          status: 'STALE',
          receivedAt: answer.receivedAt,
          reason: answer.reason,
        };
        break;
      case 'unavailable':
        contribution.outcome = { ...outcome, status: 'UNAVAILABLE', reason: answer.reason };
        break;
    }
    // Kept in the patient's own order (the record locator's), whatever order the answers arrive in.
    patient.contributions.push(contribution);
    patient.contributions.sort(
      (a, b) => patient.order.indexOf(a.target.supplier) - patient.order.indexOf(b.target.supplier),
    );
  }

  /** Whether `supplier` answered for patient `i` (live, or an answer such as "no record"). */
  answered(i: number, supplier: string): boolean {
    return this.contribution(i, supplier)?.outcome.status === 'LIVE';
  }

  /** Whether `supplier` gave nothing at all for patient `i`. */
  needsCopy(i: number, supplier: string): boolean {
    return this.contribution(i, supplier)?.outcome.status === 'UNAVAILABLE';
  }

  /** A predecessor's last-known-good copy standing in for `target` (it serves the practice since a migration). */
  previousCopy(i: number, target: Target, copy: CachedEntity): void {
    const contribution = this.contribution(i, target.supplier)!;
    contribution.entity = copy.entity as Record<string, unknown>;
    contribution.outcome = {
      ...contribution.outcome,
      status: 'STALE',
      receivedAt: copy.receivedAt,
      source: target.previous!,
    };
  }

  hasEntity(i: number): boolean {
    const patient = this.patients[i]!;
    return patient.extra !== undefined || patient.contributions.some((c) => c.entity !== undefined);
  }

  /** Data that comes from no supplier of the patient's (an empty answer: nobody holds records). */
  addEntity(i: number, entity: Record<string, unknown>): void {
    this.patients[i]!.extra = entity;
  }

  /** The national fallback's answer for a patient nothing else could be shown for. */
  fallback(i: number, fallback: string, answer: SupplierAnswer, now: number): void {
    if (answer.kind !== 'live' && answer.kind !== 'stale') return; // stays UNAVAILABLE, with its error
    const patient = this.patients[i]!;
    const receivedAt = answer.kind === 'stale' ? answer.receivedAt : (answer.receivedAt ?? now);
    patient.extra = answer.entity as Record<string, unknown>;
    for (const c of patient.contributions) {
      if (c.outcome.status === 'UNAVAILABLE')
        c.outcome = { ...c.outcome, status: 'FALLBACK', receivedAt, source: fallback };
    }
    if (patient.contributions.length === 0) {
      patient.extraOutcome = {
        ...this.outcome(patient, { supplier: fallback, organisations: [] }, 'FALLBACK'),
        receivedAt,
        source: fallback,
      };
    }
  }

  /** Organisations of patient `i` that no supplier of this gateway serves. */
  notServed(i: number, organisations: readonly string[]): void {
    const patient = this.patients[i]!;
    patient.errors.push({
      message: `no supplier connected to this gateway serves the patient's ${this.domain} records`,
      path: [],
      extensions: {
        code: 'ORGANISATION_NOT_SERVED',
        domain: this.domain,
        ...(patient.confidential ? {} : { organisations }),
      },
    });
  }

  outcomes(): PatientOutcome[] {
    return this.patients.flatMap((p) => [
      ...p.contributions.map((c) => c.outcome),
      ...(p.extraOutcome ? [p.extraOutcome] : []),
    ]);
  }

  /** The `_entities` answer: one entity per patient, in order, and every error, located at its patient. */
  response(plan: WithholdPlan): GatewayGraphQLResponse {
    const errors: GraphQLFormattedError[] = [];
    const entities = this.patients.map((patient, i) => {
      const located = (e: GraphQLFormattedError) =>
        errors.push({ ...e, path: ['_entities', i, ...below(e.path)] });
      patient.errors.forEach(located);
      for (const c of patient.contributions) {
        if (c.outcome.status === 'UNAVAILABLE' || c.outcome.status === 'FALLBACK')
          located(this.unavailable(patient, c));
      }
      const parts = [
        ...patient.contributions.flatMap((c) => (c.entity ? [c.entity] : [])),
        ...(patient.extra ? [patient.extra] : []),
      ];
      if (parts.length === 0) return null;
      const entity = mergeEntities(parts);
      if (!patient.confidential || plan.length === 0) return entity;
      const result = withhold(entity, plan);
      if (result.withheld.length > 0) {
        located({
          message:
            "withheld: this patient's record is restricted, so details that reveal where they live, are registered or are treated are not shown",
          extensions: { code: 'CONFIDENTIAL_WITHHELD', fields: result.withheld },
        });
      }
      return result.entity;
    });
    return { data: { _entities: entities }, ...(errors.length > 0 ? { errors } : {}) };
  }

  private unavailable(patient: Patient, c: Contribution): GraphQLFormattedError {
    const supplier = shownSupplier(c.outcome);
    const reason = c.outcome.reason ?? 'SUPPLIER_ERROR';
    const fallback = c.outcome.status === 'FALLBACK' ? c.outcome.source : undefined;
    return {
      message:
        `${this.domain} sections from ${supplier} are unavailable: ${FAILURE_REASONS[reason]}, and no usable cached copy exists` +
        (fallback ? `; what the national fallback (${fallback}) holds is shown instead` : ''),
      extensions: {
        code: 'SUPPLIER_UNAVAILABLE',
        reason,
        supplier,
        domain: this.domain,
        ...(patient.confidential ? {} : { organisations: c.target.organisations }),
        ...(fallback ? { fallback } : {}),
      },
    };
  }

  private outcome(patient: Patient, target: Target, status: PatientOutcome['status']): PatientOutcome {
    return {
      nhsNumber: patient.nhsNumber,
      domain: this.domain,
      supplier: target.supplier,
      status,
      organisations: target.organisations,
      confidential: patient.confidential,
    };
  }

  private contribution(i: number, supplier: string): Contribution | undefined {
    return this.patients[i]!.contributions.find((c) => c.target.supplier === supplier);
  }
}
