import { describe, expect, it } from 'vitest';
import { benchOptions } from '../../load-tests/lib/options.js';

describe('npm run bench options', () => {
  it('runs every target but the on-request ones by default, and publishes a full run', () => {
    const options = benchOptions([]);
    expect(options.targets).toContain('gateway');
    expect(options.targets).toContain('mercurius');
    expect(options.targets).not.toContain('gateway-flags');
    expect(options.gatewayNodeFlags).toEqual([]);
    expect(options.publish).toBe(true);
  });

  it('adds Node flags to the gateway-flags target, and an experiment is never published', () => {
    const options = benchOptions([
      '--targets=gateway,gateway-flags',
      '--gateway-node-flags=--max-semi-space-size=8  --single-threaded-gc',
    ]);
    expect(options.targets).toEqual(['gateway', 'gateway-flags']);
    expect(options.gatewayNodeFlags).toEqual(['--max-semi-space-size=8', '--single-threaded-gc']);
    expect(options.publish).toBe(false);
  });

  it('quotes what is not a Node flag', () => {
    expect(() =>
      benchOptions(['--targets=gateway-flags', '--gateway-node-flags=--max-semi-space-size=8 ; rm']),
    ).toThrow('got ";"');
  });

  it('refuses the flags without the target, and the target without flags', () => {
    expect(() => benchOptions(['--gateway-node-flags=--max-semi-space-size=8'])).toThrow(/go together/);
    expect(() => benchOptions(['--targets=gateway-flags'])).toThrow(/go together/);
  });
});
