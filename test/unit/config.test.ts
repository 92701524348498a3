import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/config/index.js';

describe('gateway configuration', () => {
  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ mode: 'development', host: '127.0.0.1', port: 4000 });
    expect(config.suppliers.map((s) => [s.name, s.url])).toEqual([
      ['gp', 'http://127.0.0.1:4001/graphql'],
      ['hospital', 'http://127.0.0.1:4002/graphql'],
    ]);
    expect(config.cache.redisUrl).toBeUndefined();
    expect(config.cache.maxStalenessMs).toBe(72 * 3_600_000);
  });

  it('reports every bad variable at once, quoting its value', () => {
    const error = (() => {
      try {
        loadConfig({ GATEWAY_PORT: 'eighty', GP_URL: 'ftp://x', REDIS_URL: 'localhost:6379' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('GATEWAY_PORT');
    expect(message).toContain('"eighty"');
    expect(message).toContain('GP_URL');
    expect(message).toContain('"ftp://x"');
    expect(message).toContain('REDIS_URL');
  });

  it('validates breaker options per supplier, naming the variable and the value', () => {
    expect(() => loadConfig({ GP_BREAKER_VOLUME_THRESHOLD: '0' })).toThrow(
      /GP_BREAKER_VOLUME_THRESHOLD.*volumeThreshold.*got 0/,
    );
    expect(() => loadConfig({ BREAKER_HALF_OPEN_PROBE: 'sometimes' })).toThrow(/halfOpenProbe.*"sometimes"/);
    const config = loadConfig({ BREAKER_TIMEOUT_MS: '900', HOSPITAL_BREAKER_TIMEOUT_MS: '1500' });
    expect(config.suppliers.map((s) => s.breaker.timeoutMs)).toEqual([900, 1500]);
  });

  it('refuses to run in production without a cache encryption key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/CACHE_ENCRYPTION_KEY/);
    expect(loadConfig({ NODE_ENV: 'production', CACHE_ENCRYPTION_KEY: 'ab'.repeat(32) }).mode).toBe(
      'production',
    );
  });
});
