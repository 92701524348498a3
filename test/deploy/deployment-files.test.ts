/**
 * The deployment files, checked statically: CI has no Docker daemon and no cluster. Every Kubernetes
 * manifest must be valid for its kind and agree with the gateway (the variables it reads, the paths it
 * serves, the files it writes) and with the other manifests; the Dockerfile must build a non-root
 * production image that carries every file the gateway reads at run time. docs/deployment.md explains
 * the files; this test keeps them true.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { configVariables, loadConfig } from '../../gateway/config/index.js';
import { projectFile } from '../../lib/paths.js';
import { SUBGRAPHS } from '../../schema/index.js';

const MANIFESTS = projectFile('deploy/kubernetes');
/** Created by the site, never committed: docs/deployment.md says how, key by key. */
const SECRET = 'prag-gateway-secrets';
/** Variables holding secrets: lib/env.ts never quotes them, and REDIS_URL carries a password. */
const SECRET_VARIABLE = /SECRET|TOKEN|KEY|PASSWORD|^REDIS_URL$/i;
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

// Manifests are read as plain data; each field this test relies on is asserted where it is used.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access,
   @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return */
const yamlFiles = readdirSync(MANIFESTS).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
const docs: { file: string; body: any }[] = yamlFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(join(MANIFESTS, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return { file, body: doc.toJS() };
  }),
);
const ofKind = (kind: string): any[] => docs.filter((d) => d.body?.kind === kind).map((d) => d.body);
const configMaps = new Map<string, Record<string, string>>(
  ofKind('ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]),
);
const deployment = ofKind('Deployment')[0];
const pod = deployment.spec.template;
const container = pod.spec.containers[0];
const settings = configMaps.get(container.envFrom?.[0]?.configMapRef?.name)!;
const portNumber = (port: string | number): number =>
  typeof port === 'number' ? port : container.ports.find((p: any) => p.name === port)?.containerPort;
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
/** The mount holding `path`, and the volume behind it. */
const mountOf = (path: string) => {
  const mount = container.volumeMounts.find((m: any) => path.startsWith(`${m.mountPath}/`));
  return { mount, volume: pod.spec.volumes.find((v: any) => v.name === mount?.name) };
};
const guide = readFileSync(projectFile('docs/deployment.md'), 'utf8');

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('are each valid for their kind; none is of an unknown kind, names a namespace or is a Secret', () => {
    expect(docs.length).toBeGreaterThan(0);
    for (const { file, body } of docs) {
      const kind = `${body?.apiVersion}/${body?.kind}`;
      expect(body?.kind, `${file}: secrets are created by the site, never committed`).not.toBe('Secret');
      const Model = MODELS[kind];
      expect(Model, `${file}: ${kind} is not a kind this test knows`).toBeDefined();
      expect(() => new Model!(body as never).validate(), `${file}: ${body.metadata?.name}`).not.toThrow();
      expect(body.metadata.namespace, `${file} names a namespace`).toBeUndefined();
    }
    expect(ofKind('Deployment')).toHaveLength(1);
    expect(pod.spec.containers).toHaveLength(1);
    const kustomization = parseYaml(readFileSync(join(MANIFESTS, 'kustomization.yaml'), 'utf8'));
    expect([...kustomization.resources].sort(), 'the kustomization lists every manifest').toEqual(yamlFiles);
    expect(kustomization.namespace).toBeUndefined();
  });

  it('set only variables the gateway reads, every secret from the Secret the guide documents', () => {
    const known = configVariables();
    const breaker = known.filter((v) => v.startsWith('BREAKER_')); // also <SUPPLIER>_BREAKER_...
    const accepted = (name: string) => known.includes(name) || breaker.some((v) => name.endsWith(`_${v}`));
    expect(settings, 'the Deployment takes its settings from a ConfigMap (envFrom)').toBeDefined();
    for (const name of Object.keys(settings)) {
      expect(accepted(name), `ConfigMap key ${name} is not a gateway variable`).toBe(true);
      expect(SECRET_VARIABLE.test(name), `${name} is secret: it belongs in ${SECRET}`).toBe(false);
    }
    for (const variable of container.env) {
      expect(accepted(variable.name), `env ${variable.name} is not a gateway variable`).toBe(true);
      const ref = variable.valueFrom?.secretKeyRef;
      if (SECRET_VARIABLE.test(variable.name))
        expect(ref, `${variable.name} is not from a Secret`).toBeDefined();
      if (!ref) continue;
      expect(ref.name).toBe(SECRET);
      expect(guide, `the guide does not create ${ref.key}`).toMatch(
        new RegExp(`--from-(literal|file)=${ref.key}=`),
      );
    }
  });

  it('refer only to ConfigMaps, keys, volumes and accounts that exist, or that the guide documents', () => {
    for (const { configMapRef } of container.envFrom) expect(configMaps.has(configMapRef.name)).toBe(true);
    for (const { valueFrom } of container.env) {
      const ref = valueFrom?.configMapKeyRef;
      if (ref) expect(configMaps.get(ref.name), `${ref.name}/${ref.key}`).toHaveProperty([ref.key]);
    }
    for (const volume of pod.spec.volumes) {
      for (const item of volume.configMap?.items ?? []) {
        expect(configMaps.get(volume.configMap.name), `volume ${volume.name}`).toHaveProperty([item.key]);
      }
      if (volume.configMap) expect(configMaps.has(volume.configMap.name), volume.name).toBe(true);
      if (volume.secret) expect(volume.secret.secretName).toBe(SECRET);
      if (volume.persistentVolumeClaim) expect(guide).toContain(volume.persistentVolumeClaim.claimName);
    }
    const volumes = pod.spec.volumes.map((v: any) => v.name);
    for (const mount of container.volumeMounts) expect(volumes, `mount ${mount.name}`).toContain(mount.name);
    expect(ofKind('ServiceAccount').map((a) => a.metadata.name)).toContain(pod.spec.serviceAccountName);
  });

  it('give a pod all that production needs: the gateway loads its configuration from them', () => {
    const { mount, volume } = mountOf(settings.SUPPLIERS_FILE!);
    const path = settings.SUPPLIERS_FILE!.slice(mount.mountPath.length + 1);
    const item = volume?.configMap?.items.find((i: any) => i.path === path);
    expect(item, `SUPPLIERS_FILE ${settings.SUPPLIERS_FILE} is not a mounted ConfigMap key`).toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), 'prag-deploy-')), basename(path));
    writeFileSync(file, configMaps.get(volume.configMap.name)![item.key]!);
    // Stand-ins of the right shape for each secret the Deployment takes from the Secret.
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const standIns: Record<string, string> = {
      CACHE_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ASSERTION_SIGNING_KEY: p256.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      AUTH_JWT_PUBLIC_KEY: p256.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      OPS_TOKENS: `oncall=${randomBytes(24).toString('hex')}`,
      REDIS_URL: 'redis://:stand-in@redis:6379',
    };
    const env: Record<string, string> = { ...settings, SUPPLIERS_FILE: file };
    for (const { name, value, valueFrom } of container.env) {
      if (valueFrom?.secretKeyRef) env[name] = standIns[name] ?? 'no stand-in';
      else env[name] = valueFrom?.fieldRef ? 'prag-gateway-7d9f8c-x2x4z' : value;
    }
    const config = loadConfig(env);
    expect(config.mode).toBe('production');
    expect(config.ops.generatedToken).toBeUndefined();
    expect(config.cache.redisUrl, 'replicas share decisions and the registry through Redis').toBeDefined();
    expect(config.market.suppliers.length).toBeGreaterThan(0);
    expect(config.patientIndexFile, 'production would serve the synthetic population').toBeDefined();
  });

  it('probe the ops port on the paths the gateway serves there, and listen beyond the pod', () => {
    const opsServer = readFileSync(projectFile('gateway/ops/server.ts'), 'utf8');
    const probes = { readinessProbe: '/readyz', livenessProbe: '/healthz', startupProbe: '/healthz' };
    for (const [probe, path] of Object.entries(probes)) {
      expect(container[probe]?.httpGet?.path, probe).toBe(path);
      expect(portNumber(container[probe].httpGet.port), `${probe} port`).toBe(Number(settings.OPS_PORT));
      expect(opsServer).toContain(`path === '${path}'`);
    }
    expect(portNumber('clinical')).toBe(Number(settings.GATEWAY_PORT));
    expect([settings.GATEWAY_HOST, settings.OPS_HOST]).toEqual(['0.0.0.0', '0.0.0.0']);
  });

  it('run non-root on a read-only root, writing only to their own volumes and reading mounted files', () => {
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
    for (const name of ['AUDIT_LOG', 'REGISTRY_STATE_FILE']) {
      const { mount, volume } = mountOf(settings[name]!);
      expect(volume?.emptyDir ?? volume?.persistentVolumeClaim, `${name} is not on a volume`).toBeDefined();
      expect(mount.readOnly ?? false, `${name} is on a read-only mount`).toBe(false);
    }
    for (const name of ['SUPPLIERS_FILE', 'PATIENT_INDEX_FILE']) {
      expect(mountOf(settings[name]!).mount?.readOnly, `${name} is not on a read-only mount`).toBe(true);
    }
  });

  it('select the Deployment: Services, disruption budget, autoscaler and network policy', () => {
    const labels = pod.metadata.labels;
    expect(selects(deployment.spec.selector.matchLabels, labels)).toBe(true);
    const services = ofKind('Service');
    expect(services.map((s) => s.spec.ports[0].targetPort).sort()).toEqual(['clinical', 'ops']);
    for (const service of services) {
      expect(selects(service.spec.selector, labels), service.metadata.name).toBe(true);
      for (const port of service.spec.ports) expect(portNumber(port.targetPort)).toBeDefined();
    }
    const [pdb] = ofKind('PodDisruptionBudget');
    expect(selects(pdb.spec.selector.matchLabels, labels)).toBe(true);
    const allowed = pdb.spec.maxUnavailable ?? deployment.spec.replicas - pdb.spec.minAvailable;
    expect(allowed, 'the budget must let one replica go at a time').toBe(1);
    const [hpa] = ofKind('HorizontalPodAutoscaler');
    const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name };
    expect(hpa.spec.scaleTargetRef).toEqual(target);
    expect(hpa.spec.minReplicas).toBe(deployment.spec.replicas);
    const [policy] = ofKind('NetworkPolicy');
    expect(selects(policy.spec.podSelector.matchLabels, labels)).toBe(true);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const ports = (rules: any[]) => rules.flatMap((r) => (r.ports ?? []).map((p: any) => portNumber(p.port)));
    expect(ports(policy.spec.ingress).sort()).toEqual([portNumber('clinical'), portNumber('ops')].sort());
    expect(ports(policy.spec.egress), 'DNS').toContain(53);
  });

  it('let a stopping replica drain: preStop, grace, requests in flight and flush fit the grace period', () => {
    const [graceMs, timeoutMs] = [Number(settings.DRAIN_GRACE_MS), Number(settings.DRAIN_TIMEOUT_MS)];
    expect(graceMs).toBeGreaterThan(0);
    expect(timeoutMs).toBeGreaterThan(0);
    // The gateway exits by itself at grace + timeout + 5 s (gateway/main.ts): the kubelet's SIGKILL must not come first.
    const needed = container.lifecycle.preStop.sleep.seconds + (graceMs + timeoutMs) / 1000 + 5;
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(needed);
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });
});

describe('Dockerfile (deploy/Dockerfile)', () => {
  const dockerfile = DockerfileParser.parse(readFileSync(projectFile('deploy/Dockerfile'), 'utf8'));
  const froms = dockerfile.getFROMs();
  const line = (i: Instruction) => i.getRange().start.line;
  const inFinal = <I extends Instruction>(i: I) => line(i) >= line(froms.at(-1)!);
  const keyword = (word: string) =>
    dockerfile.getInstructions().filter((i) => inFinal(i) && i.getKeyword() === word);
  const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
  const properties = dockerfile
    .getENVs()
    .filter(inFinal)
    .flatMap((e) => e.getProperties());
  const env = new Map(properties.map((p) => [p.getName(), p.getValue()]));
  const copies = dockerfile.getCOPYs().filter(inFinal);

  it('builds in one stage and runs in another, as a numeric non-root user matching the Deployment', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const uid = args(keyword('USER').at(-1)!)[0]?.split(':')[0];
    expect(uid, 'the final stage sets a numeric USER').toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(uid)).toBe(pod.spec.securityContext.runAsUser);
  });

  it('runs in production, health-checked on /healthz, stopped by SIGTERM, exposing the configured ports', () => {
    expect(env.get('NODE_ENV')).toBe('production');
    expect(keyword('HEALTHCHECK')[0]?.getRawArgumentsContent()).toContain('/healthz');
    expect(keyword('STOPSIGNAL').map(args)).toEqual([['SIGTERM']]);
    const exposed = keyword('EXPOSE').flatMap(args).map(Number).sort();
    expect(exposed).toEqual([Number(settings.GATEWAY_PORT), Number(settings.OPS_PORT)].sort());
    expect(exposed).toEqual([Number(env.get('GATEWAY_PORT')), Number(env.get('OPS_PORT'))].sort());
    const cmd = JSON.parse(keyword('CMD')[0]!.getRawArgumentsContent()!) as string[];
    expect(cmd).toContain('dist/gateway/main.js');
    expect(cmd.join(' '), 'a heap cap').toMatch(/--max-old-space-size=\d+/);
  });

  it('fetches nothing remote with ADD and puts no secret in ENV or ARG', () => {
    for (const add of dockerfile.getInstructions().filter((i) => i.getKeyword() === 'ADD')) {
      expect(args(add).join(' ')).not.toMatch(/(https?|git|ssh):\/\/|git@/);
    }
    const names = [
      ...dockerfile.getENVs().flatMap((e) => e.getProperties().map((p) => p.getName())),
      ...dockerfile.getARGs().map((a) => a.getProperty()?.getName() ?? ''),
    ];
    for (const name of names) expect(SECRET_VARIABLE.test(name), `${name} in the image`).toBe(false);
  });

  it('takes production dependencies and the build output from the stages that made them', () => {
    const runsOfStageCopied = (path: string) => {
      const copy = copies.find((c) => c.getFromFlag() && args(c)[0]!.endsWith(path));
      const at = froms.findIndex((f) => f.getBuildStage() === copy?.getFromFlag()?.getValue());
      const [start, end] = [line(froms[at]!), froms[at + 1] ? line(froms[at + 1]!) : Infinity];
      const runs = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'RUN');
      return runs
        .filter((r) => line(r) > start && line(r) < end)
        .flatMap(args)
        .join(' ');
    };
    expect(runsOfStageCopied('/node_modules')).toContain('npm ci --omit=dev');
    expect(runsOfStageCopied('/dist')).toContain('npm run build');
  });

  it('copies every file the gateway reads at run time to where lib/paths.ts finds it', () => {
    const workdir = keyword('WORKDIR').map(args).at(-1)![0]!;
    const needed = [
      'package.json', // "type": "module" for dist/, and the root lib/paths.ts looks for
      'schema/contract.graphql',
      'schema/supergraph.graphql',
      ...SUBGRAPHS.map((s) => s.sdlFile),
      ...readdirSync(projectFile('gateway/ops/dashboard')).map((f) => `gateway/ops/dashboard/${f}`),
    ];
    // Guards the list against new readers: every literal path given to projectFile() by code the gateway runs.
    const code = ['gateway', 'lib', 'schema', 'subgraphs/synthetic'].flatMap((dir) =>
      readdirSync(projectFile(dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.includes('testbed'))
        .map((f) => readFileSync(projectFile(join(dir, f)), 'utf8')),
    );
    for (const [, path] of code.join('\n').matchAll(/projectFile\(\s*['`]([^'`$]+)/g)) {
      const covered = needed.some((file) => file.startsWith(path!));
      expect(covered, `projectFile('${path}') reads a file the image may lack`).toBe(true);
    }
    const landsAt = (copy: Copy, file: string): string[] => {
      const [dest, ...sources] = args(copy).reverse();
      const target = posix.resolve(workdir, dest!);
      return sources.flatMap((source) => {
        const from = source.replace(/^\.\//, '').replace(/\/$/, '');
        const intoFolder = dest!.endsWith('/') || sources.length > 1;
        if (file === from) return [intoFolder ? posix.join(target, basename(from)) : target];
        return file.startsWith(`${from}/`) ? [posix.join(target, file.slice(from.length + 1))] : [];
      });
    };
    for (const file of needed) {
      const targets = copies.filter((c) => !c.getFromFlag()).flatMap((c) => landsAt(c, file));
      expect(targets, `${file} is not copied into the image`).toContain(posix.join(workdir, file));
    }
  });
});
