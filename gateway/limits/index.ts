/**
 * What one clinician request may ask for, decided before Apollo Server parses and validates it: the
 * operation to run must be a query that can be resolved, the patients it touches across every alias and
 * root field must not pass `maxPatients`, and its cost (see cost.ts) must not pass `maxCost`. Running here,
 * ahead of graphql-js validation, matters: validation itself is quadratic in duplicated fields.
 */
import { OperationTypeNode, parse } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { ErrorCodeName } from '../errors/index.js';
import { costOfDocument, type OperationCost } from './cost.js';

export { reservedAliasesRule } from './aliases.js';

export interface RequestLimits {
  /** Most patients one request may look up, counted over every alias and root field. */
  readonly maxPatients: number;
  /** Highest cost one request may have (cost.ts): fields as written, duplicates weighing more, × patients. */
  readonly maxCost: number;
  /** The parser's token limit (the same one Apollo Server applies). */
  readonly maxTokens: number;
}

export interface BudgetRequest {
  readonly query: string;
  readonly operationName?: unknown;
  readonly variables?: unknown;
}

export type BudgetRefusal = { readonly ok: false; readonly code: ErrorCodeName; readonly message: string };
export type BudgetVerdict =
  { readonly ok: true; readonly patients: number; readonly cost: number } | BudgetRefusal;

type Analysis = { readonly parsed: false } | { readonly parsed: true; readonly operations: OperationsCost };
type OperationsCost = ReadonlyMap<string | null, OperationCost>;

const ALLOWED = (patients: number, cost: number): BudgetVerdict => ({ ok: true, patients, cost });
const refuse = (code: ErrorCodeName, message: string): BudgetRefusal => ({ ok: false, code, message });

export class RequestBudget {
  /** Analyses by query text: a repeated query (the usual case) costs a lookup, not a parse. */
  private readonly analyses = new LRUCache<string, Analysis>({ max: 2_000 });

  constructor(readonly limits: RequestLimits) {
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`${name} must be a positive integer, got ${value}`);
    }
  }

  check(request: BudgetRequest): BudgetVerdict {
    const analysis = this.analyse(request.query);
    // Apollo Server reports what does not parse (GRAPHQL_PARSE_FAILED, or QUERY_TOO_COMPLEX for tokens).
    if (!analysis.parsed) return ALLOWED(0, 0);
    const operation = pickOperation(analysis.operations, request.operationName);
    if ('code' in operation) return operation;
    if (operation.kind !== OperationTypeNode.QUERY) {
      return refuse('OPERATION_NOT_SUPPORTED', `this endpoint answers queries only; got a ${operation.kind}`);
    }
    const { maxPatients, maxCost } = this.limits;
    if (operation.overCeiling) {
      return refuse('QUERY_TOO_COMPLEX', `the query expands to more than ${maxCost} fields`);
    }
    const variables = (typeof request.variables === 'object' && request.variables) || {};
    let patients = operation.fixedPatients;
    let cost = operation.fixedCost;
    for (const { name, costPerPatient } of operation.patientVariables) {
      const value = (variables as Record<string, unknown>)[name];
      // A single value is coerced to a list of one; a missing one is refused by Apollo (BAD_USER_INPUT).
      const count = Array.isArray(value) ? value.length : value === undefined || value === null ? 0 : 1;
      patients += count;
      cost += costPerPatient * Math.max(1, count);
    }
    if (patients > maxPatients) {
      return refuse(
        'TOO_MANY_PATIENTS',
        `the request looks up ${patients} patients (counting every alias and root field); at most ${maxPatients} per request`,
      );
    }
    if (cost > maxCost) {
      return refuse(
        'QUERY_TOO_COMPLEX',
        `the query costs ${cost}, over the limit of ${maxCost} (each field selected counts once per patient, and a field repeated in one selection costs more each time)`,
      );
    }
    return ALLOWED(patients, cost);
  }

  private analyse(query: string): Analysis {
    let analysis = this.analyses.get(query);
    if (analysis === undefined) {
      try {
        const document = parse(query, { maxTokens: this.limits.maxTokens, noLocation: true });
        analysis = { parsed: true, operations: costOfDocument(document, this.limits.maxCost) };
      } catch {
        analysis = { parsed: false };
      }
      this.analyses.set(query, analysis);
    }
    return analysis;
  }
}

/** The operation a request runs, as GraphQL-over-HTTP resolves it, or the refusal that says why not. */
function pickOperation(operations: OperationsCost, operationName: unknown): OperationCost | BudgetRefusal {
  if (typeof operationName === 'string') {
    return (
      operations.get(operationName) ??
      refuse(
        'OPERATION_RESOLUTION_FAILURE',
        `the document has no operation named ${JSON.stringify(operationName)}`,
      )
    );
  }
  if (operations.size === 1) return [...operations.values()][0]!;
  return refuse(
    'OPERATION_RESOLUTION_FAILURE',
    operations.size === 0
      ? 'the document holds no operation'
      : `the document holds ${operations.size} operations: name the one to run in "operationName"`,
  );
}
