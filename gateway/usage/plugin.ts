import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { calculateReferencedFieldsByType, usageReportingSignature } from '@apollo/utils.usagereporting';
import { Kind, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
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

/** What the usage record of an operation takes from its document, worked out once per document. */
interface Shape {
  readonly signature: string;
  readonly fields: readonly string[];
  readonly text?: string;
  /** The record id per client name. */
  readonly ids: Map<string, string>;
}
const shapes = new WeakMap<DocumentNode, Map<string, Shape>>();

function shapeOf(
  document: DocumentNode,
  operationName: string | null,
  schema: GraphQLSchema,
  source: string,
) {
  let byName = shapes.get(document);
  if (!byName) shapes.set(document, (byName = new Map<string, Shape>()));
  let shape = byName.get(operationName ?? '');
  if (shape) return shape;
  const signature = usageReportingSignature(document, operationName ?? '');
  const referenced = calculateReferencedFieldsByType({
    document,
    schema,
    resolvedOperationName: operationName,
  });
  shape = {
    signature,
    fields: Object.entries(referenced).flatMap(([type, { fieldNames }]) =>
      fieldNames.map((f) => `${type}.${f}`),
    ),
    // A comment could hold anything (the parser drops it, so hasLiterals cannot see it).
    ...(hasLiterals(document) || source.includes('#') ? {} : { text: source }),
    ids: new Map(),
  };
  byName.set(operationName ?? '', shape);
  return shape;
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
          // Apollo Server and the prepared path reuse one parsed document per query text and schema, so
          // the signature and fields are worked out once per distinct query, not per request.
          const shape = shapeOf(document, operationName ?? null, schema, source);
          let id = shape.ids.get(client);
          if (id === undefined) {
            id = createHash('sha256').update(`${client}\n${shape.signature}`).digest('hex').slice(0, 32);
            if (shape.ids.size < 100) shape.ids.set(client, id);
          }
          store.record({
            id,
            name: operationName ?? null,
            client,
            fields: shape.fields,
            ...(shape.text === undefined ? {} : { text: shape.text }),
          });
        },
      };
    },
  };
}
