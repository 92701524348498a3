import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { calculateReferencedFieldsByType, usageReportingSignature } from '@apollo/utils.usagereporting';
import { Kind, visit, type DocumentNode } from 'graphql';
import type { UsageStore } from './store.js';

/** Whether a document holds a literal value (an NHS number can only arrive as one, or as a variable). */
function hasLiterals(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: () => void (found = true),
    [Kind.INT]: () => void (found = true),
    [Kind.FLOAT]: () => void (found = true),
  });
  return found;
}

/**
 * Records each operation the gateway resolves (validated against the schema in service): its signature,
 * the fields it reads, the client that sent it (`apollographql-client-name`, else `unknown`), and its exact
 * text when that holds no literal (the text is what plans are cached by, so warming uses it as sent).
 */
export function usagePlugin(store: UsageStore): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const client = request.http?.headers.get('apollographql-client-name')?.slice(0, 64) || 'unknown';
      return {
        async didResolveOperation({ document, operationName, schema, source }) {
          const signature = usageReportingSignature(document, operationName ?? '');
          const referenced = calculateReferencedFieldsByType({
            document,
            schema,
            resolvedOperationName: operationName ?? null,
          });
          const fields = Object.entries(referenced).flatMap(([type, { fieldNames }]) =>
            fieldNames.map((f) => `${type}.${f}`),
          );
          store.record({
            id: createHash('sha256').update(`${client}\n${signature}`).digest('hex').slice(0, 32),
            name: operationName ?? null,
            client,
            fields,
            // A comment could hold anything (the parser drops it, so hasLiterals cannot see it).
            ...(hasLiterals(document) || source.includes('#') ? {} : { text: source }),
          });
        },
      };
    },
  };
}
