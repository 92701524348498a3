/**
 * Plain @apollo/gateway as most teams deploy it: a static supergraph, the default RemoteGraphQLDataSource,
 * Apollo Server's standalone HTTP server. No breaker, no timeout, no cache. SUPERGRAPH_FILE names the
 * supergraph composed with this run's subgraph URLs.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { announceListening } from '../../lib/launch.js';

const gateway = new ApolloGateway({ supergraphSdl: readFileSync(process.env.SUPERGRAPH_FILE!, 'utf8') });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' },
});
announceListening({ service: 'apollo-plain', url: `${url}graphql`.replace(/\/\/graphql$/, '/graphql') });
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
