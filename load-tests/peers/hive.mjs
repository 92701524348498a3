// Hive Gateway, programmatic: one process (no forked workers), this run's supergraph, logging off.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const gateway = createGatewayRuntime({
  supergraph: readFileSync(process.env.SUPERGRAPH_FILE, 'utf8'),
  logging: false,
});
const server = createServer(gateway);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  process.send?.({ type: 'listening', service: 'hive', url: `http://127.0.0.1:${port}/graphql` });
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
