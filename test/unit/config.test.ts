import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/config/index.js';
import { referenceMarket } from '../../gateway/directory/index.js';
import { TEST_ASSERTION_KEY } from '../../lib/testbed/index.js';
import { writeMarket } from '../helpers/market.js';

describe('gateway configuration', () => {
  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ mode: 'development', host: '127.0.0.1', port: 4000 });
    // Without SUPPLIERS_FILE (development), the reference market on its `npm start` ports.
    expect(config.suppliers.map((s) => [s.name, s.domain, s.url])).toEqual([
      ['gp-aurora', 'gp', 'http://127.0.0.1:4001/graphql'],
      ['gp-birch', 'gp', 'http://127.0.0.1:4002/graphql'],
      ['gp-cedar', 'gp', 'http://127.0.0.1:4003/graphql'],
      ['hospital-leeds', 'hospital', 'http://127.0.0.1:4011/graphql'],
      ['hospital-nottingham', 'hospital', 'http://127.0.0.1:4012/graphql'],
      ['hospital-newcastle', 'hospital', 'http://127.0.0.1:4013/graphql'],
      ['summary-record', 'gp', 'http://127.0.0.1:4021/graphql'],
    ]);
    expect(config.market.domains).toEqual([
      { name: 'gp', serves: 'practice', fallback: 'summary-record' },
      { name: 'hospital', serves: 'trust' },
    ]);
    expect(config.cache.redisUrl).toBeUndefined();
    expect(config.cache.maxStalenessMs).toBe(72 * 3_600_000);
  });

  it('reports every bad variable at once, quoting its value', () => {
    const error = (() => {
      try {
        loadConfig({ GATEWAY_PORT: 'eighty', QUERY_MAX_COST: 'lots', REDIS_URL: 'localhost:6379' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('GATEWAY_PORT');
    expect(message).toContain('"eighty"');
    expect(message).toContain('QUERY_MAX_COST');
    expect(message).toContain('"lots"');
    expect(message).toContain('REDIS_URL');
    expect(() => loadConfig({ GATEWAY_MAX_REQUEST_BYTES: '1' })).toThrow(
      /GATEWAY_MAX_REQUEST_BYTES: must be at least 1024, got "1"/,
    );
  });

  it('validates breaker options per supplier, naming the variable and the value', () => {
    expect(() => loadConfig({ GP_AURORA_BREAKER_VOLUME_THRESHOLD: '0' })).toThrow(
      /GP_AURORA_BREAKER_VOLUME_THRESHOLD.*volumeThreshold.*got 0/,
    );
    expect(() => loadConfig({ BREAKER_HALF_OPEN_PROBE: 'sometimes' })).toThrow(/halfOpenProbe.*"sometimes"/);
    const config = loadConfig({ BREAKER_TIMEOUT_MS: '900', HOSPITAL_LEEDS_BREAKER_TIMEOUT_MS: '1500' });
    expect(config.suppliers.map((s) => s.breaker.timeoutMs)).toEqual([900, 900, 900, 1500, 900, 900, 900]);
  });

  it('refuses to run in production without a cache key, an ops token, token verification or a signing key', () => {
    const complete = {
      NODE_ENV: 'production',
      CACHE_ENCRYPTION_KEY: 'ab'.repeat(32),
      ASSERTION_SIGNING_KEY: TEST_ASSERTION_KEY,
      SUPPLIERS_FILE: writeMarket(referenceMarket()),
      OPS_TOKEN: 'a-long-enough-ops-token',
      AUTH_JWT_SECRET: 'x'.repeat(32),
      AUTH_JWT_ISSUER: 'https://idp.example',
      AUTH_JWT_AUDIENCE: 'gateway',
    };
    const without = (name: keyof typeof complete) =>
      Object.fromEntries(Object.entries(complete).filter(([k]) => k !== name));
    expect(() => loadConfig(without('CACHE_ENCRYPTION_KEY'))).toThrow(/CACHE_ENCRYPTION_KEY/);
    expect(() => loadConfig(without('OPS_TOKEN'))).toThrow(/OPS_TOKEN/);
    expect(() => loadConfig(without('ASSERTION_SIGNING_KEY'))).toThrow(/ASSERTION_SIGNING_KEY: required/);
    expect(() => loadConfig(without('SUPPLIERS_FILE'))).toThrow(/SUPPLIERS_FILE: required/);
    expect(() => loadConfig(without('AUTH_JWT_SECRET'))).toThrow(/AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY/);
    expect(() => loadConfig(without('AUTH_JWT_ISSUER'))).toThrow(/AUTH_JWT_ISSUER/);
    expect(() => loadConfig({ ...complete, AUTH_MODE: 'development' })).toThrow(
      /development identities are refused/,
    );
    const config = loadConfig(complete);
    expect(config.mode).toBe('production');
    expect(config.auth).toMatchObject({ mode: 'jwt', issuer: 'https://idp.example', audience: 'gateway' });
    expect(loadConfig({}).auth).toEqual({ mode: 'development' });
  });

  it('generates an ops token in development, and names operators from OPS_TOKENS', () => {
    expect(loadConfig({}).ops.generatedToken).toMatch(/^[\w-]{32}$/);
    const ops = loadConfig({ OPS_TOKENS: 'alice=alice-token-1234567,bob=bob-token-12345678' }).ops;
    expect(ops.credentials.map((c) => c.operator)).toEqual(['alice', 'bob']);
    expect(ops.generatedToken).toBeUndefined();
    expect(() => loadConfig({ OPS_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(() => loadConfig({ OPS_TOKENS: 'no-equals-sign' })).toThrow(/operator=token/);
  });

  it('never quotes a secret back: a mistyped key or token is described by its length only', () => {
    const mistyped = 'my-jwt-secret';
    const error = (() => {
      try {
        loadConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: mistyped, CACHE_ENCRYPTION_KEY: 'not-a-key' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain('AUTH_JWT_SECRET: must be at least 32 characters, got a value of 13');
    expect(error?.message).not.toContain(mistyped);
  });

  it('quotes a bad URL without its user and password, even one too malformed to parse', () => {
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    const missingColon = message({ REDIS_URL: 'redis//:hunter2-secret-pw@redis-host:6380' });
    expect(missingColon).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
    expect(missingColon).toContain('"redis//[hidden]@redis-host:6380"');
    const cluster = message({ REDIS_MODE: 'cluster', REDIS_URL: 'redis://:pw-one@a:1,redi://:pw-two@b:2' });
    expect(cluster).toContain('"redis://[hidden]@a:1,redi://[hidden]@b:2"');
    const supplier = message({ SUPPLIER_URLS: 'gp-aurora=ftp://user:pw-three@host/graphql' });
    expect(supplier).toContain('must be http(s), got "ftp://[hidden]@host/graphql"');
    for (const text of [missingColon, cluster, supplier])
      expect(text).not.toMatch(/hunter2|pw-one|pw-two|pw-three/);
  });

  it('keeps traces off unless OTEL_TRACES=on, and quotes a bad tracing setting', () => {
    expect(loadConfig({}).tracing).toEqual({
      enabled: false,
      endpoint: 'http://localhost:4318',
      serviceName: 'patient-record-gateway',
      scheduledDelayMs: 5_000,
    });
    const on = loadConfig({
      OTEL_TRACES: 'on',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318',
      OTEL_SERVICE_NAME: 'gateway-east',
    }).tracing;
    expect(on).toMatchObject({
      enabled: true,
      endpoint: 'https://collector.example:4318',
      serviceName: 'gateway-east',
    });
    expect(() => loadConfig({ OTEL_TRACES: 'yes' })).toThrow(/OTEL_TRACES: must be off or on, got "yes"/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http\(s\) URL, got "collector:4318"/,
    );
    expect(() => loadConfig({ OTEL_SERVICE_NAME: 'my gateway' })).toThrow(
      /OTEL_SERVICE_NAME: .*"my gateway"/,
    );
  });
});
