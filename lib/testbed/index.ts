/**
 * Real supplier processes (with fault injection) and a private Redis, started on free loopback ports for
 * integration tests and benchmarks, and stopped by PID; the market file a gateway in front of them needs.
 */
export { freePort, startPrivateRedis, waitForPort, type PrivateRedis } from './redis.js';
export {
  checkHaproxyConfig,
  haproxyConfig,
  startHaproxy,
  type Backend,
  type RunningHaproxy,
} from './haproxy.js';
export { startSupplier, type TestSupplier } from './suppliers.js';
export { marketFile } from './market.js';
export { TEST_ASSERTION_KEY, testJwks } from './assertion-keys.js';
export { startRedisCluster, type PrivateRedisCluster } from './redis-cluster.js';
