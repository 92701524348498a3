// Mercurius gateway on Fastify: reads each service's SDL (`_service { sdl }`) at start-up.
import Fastify from 'fastify';
import mercuriusGateway from '@mercuriusjs/gateway';

const services = JSON.parse(process.env.SERVICES);
const app = Fastify({ logger: false });
app.register(mercuriusGateway, { graphiql: false, gateway: { services } });
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.send?.({ type: 'listening', service: 'mercurius', url: `${address}/graphql` });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
