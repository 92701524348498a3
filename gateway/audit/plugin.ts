import type { ApolloServerPlugin } from '@apollo/server';
import type { Clock } from '../../lib/clock.js';
import type { GatewayContext } from '../context.js';
import { requestedPatientFields } from './fields.js';
import { userOf, type RecordAccess } from './record.js';
import type { AuditSink } from './sink.js';

/**
 * Writes one audit record per patient a request asked about — found or not — with who asked, which fields,
 * and for each supplier whether the patient's sections were live, stale (and how old) or unavailable. It
 * runs for every request that reaches GraphQL execution; there is no setting that turns it off.
 */
export function auditPlugin(sink: AuditSink, clock: Clock): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, document, operationName }) {
          if (contextValue.lookups.length === 0) return;
          const at = new Date(clock.now()).toISOString();
          const user = userOf(contextValue.identity);
          const requested = requestedPatientFields(document);
          // One record per patient looked up: aliases asking for the same patient twice are one access.
          // Each names every supplier that served the patient, unmasked (restricted patients included).
          const seen = new Set<string>();
          const records: RecordAccess[] = [];
          for (const lookup of contextValue.lookups) {
            const key = `${lookup.outcome}:${lookup.nhsNumber}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const record: RecordAccess = {
              type: 'record-access',
              at,
              requestId: contextValue.requestId,
              user,
              patient: lookup.nhsNumber,
              outcome: lookup.outcome,
              operation: operationName ?? null,
              requested,
              suppliers:
                lookup.outcome === 'found' ? contextValue.availability.forPatient(lookup.nhsNumber) : {},
            };
            records.push(record);
          }
          sink.write(...records);
        },
      };
    },
  };
}
