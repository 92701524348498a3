import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configVariables } from '../../gateway/config/index.js';
import { ErrorCode } from '../../gateway/errors/index.js';
import { FAILURE_REASONS } from '../../gateway/breakers/index.js';
import { OpsErrorCode } from '../../gateway/ops/index.js';
import { supplierVariables } from '../../subgraphs/server/index.js';
import { CONFORMANCE_CHECKS, GATE_CODES, RegistryErrorCode } from '../../gateway/registry/index.js';

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

describe('documentation stays in step with the code', () => {
  it('lists every error code with its HTTP status, and every failure reason', () => {
    const errors = doc('errors.md');
    for (const [code, { status }] of Object.entries(ErrorCode)) {
      expect(errors, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
    for (const reason of Object.keys(FAILURE_REASONS)) {
      expect(errors, reason).toMatch(new RegExp(`\\|\\s*\`${reason}\`\\s*\\|`));
    }
  });

  it('lists every ops error code with its HTTP status in errors.md, and every metric', async () => {
    const operations = doc('operations.md');
    const ops = doc('errors.md').split('## Ops console API')[1]!.split('\n## ')[0]!;
    for (const [code, status] of Object.entries({ ...OpsErrorCode, INTERNAL_SERVER_ERROR: 500 })) {
      expect(ops, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
    const { GatewayMetrics } = await import('../../gateway/observability/index.js');
    const metrics = new GatewayMetrics({ cacheHealth: () => [], now: () => 0 });
    const names = (await metrics.registry.getMetricsAsJSON())
      .map((m) => m.name)
      .filter((n) => n.startsWith('patient_gateway_'));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(operations, name).toContain(`\`${name}\``);
  });

  it('lists every registry error code with its HTTP status, every gate code and every conformance check', () => {
    const errors = doc('errors.md');
    for (const [code, status] of Object.entries(RegistryErrorCode)) {
      expect(errors, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
    const registry = doc('registry.md');
    for (const code of GATE_CODES) {
      expect(errors, code).toContain(`\`${code}\``);
      expect(registry, code).toContain(`\`${code}\``);
    }
    for (const check of Object.keys(CONFORMANCE_CHECKS)) expect(registry, check).toContain(`\`${check}\``);
  });

  it('lists every environment variable the gateway and the suppliers read', () => {
    const configuration = doc('configuration.md');
    for (const name of [...configVariables(), ...supplierVariables()]) {
      expect(configuration, name).toContain(`\`${name}\``);
    }
  });
});
