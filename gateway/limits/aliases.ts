import { GraphQLError, isInterfaceType, isObjectType, type ValidationRule } from 'graphql';

/**
 * Aliases the gateway keeps for itself. A client alias must not:
 * - begin with `__` (reserved by the GraphQL specification; the gateway names its own selections so, e.g.
 *   the identity check's `__gatewayIdentity`, which a client therefore can never collide with);
 * - be the name of a different field of the same type (`nhsNumber: medications`): the query planner merges
 *   supplier answers by response key and adds key fields such as `Patient.nhsNumber` itself, so such an
 *   alias makes one field's value overwrite another's.
 * Either is a GRAPHQL_VALIDATION_FAILED error naming the alias.
 */
export const reservedAliasesRule: ValidationRule = (context) => ({
  Field(node) {
    const alias = node.alias?.value;
    if (alias === undefined || alias === node.name.value) return;
    if (alias.startsWith('__')) {
      context.reportError(
        new GraphQLError(`The alias "${alias}" is reserved: aliases must not begin with "__".`, {
          nodes: node,
        }),
      );
      return;
    }
    const parent = context.getParentType();
    if ((isObjectType(parent) || isInterfaceType(parent)) && parent.getFields()[alias]) {
      context.reportError(
        new GraphQLError(
          `The alias "${alias}" names another field of ${parent.name}: choose an alias that is not a field name.`,
          { nodes: node },
        ),
      );
    }
  },
});
