/**
 * The Grafana dashboard and the Prometheus files in deploy/ ask only for what the gateway exports: every
 * PromQL expression parses, and names only series, labels and label values the gateway's own registry
 * exports (built here as the gateway builds it, prom-client's default metrics included) or that Prometheus
 * adds (`up`, and the target labels scrape.yaml gives); and every alert carries what on-call needs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PromqlChecker } from './promql-check.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

const scrape = parseYaml(read('deploy/prometheus/scrape.yaml')) as {
  scrape_configs: { job_name: string; static_configs?: { labels?: Record<string, string> }[] }[];
};
/** Labels Prometheus attaches to every series it scrapes from the gateway. */
const TARGET_LABELS = new Set(['job', 'instance']);
for (const config of scrape.scrape_configs)
  for (const target of config.static_configs ?? [])
    Object.keys(target.labels ?? {}).forEach((l) => TARGET_LABELS.add(l));
type Panel = { id: number; title: string; type: string; datasource?: { uid: string }; panels?: Panel[] };
type Target = { refId: string; expr: string; legendFormat?: string };
type Variable = { name: string; type: string; query?: string | { query: string } };
const dashboard = JSON.parse(read('deploy/grafana/patient-record-gateway.json')) as {
  schemaVersion: number;
  templating: { list: Variable[] };
  panels: (Panel & { targets?: Target[] })[];
};
type Rule = {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string; runbook_url?: string };
};
const rules = parseYaml(read('deploy/prometheus/alerts.yaml')) as { groups: { rules: Rule[] }[] };

/** Replaces Grafana's variables as Grafana does before the query reaches Prometheus. */
function interpolate(checker: PromqlChecker, where: string, expr: string): string {
  const defined = new Set(dashboard.templating.list.map((v) => v.name));
  return expr.replace(/\$(?:\{(\w+)(?::\w+)?\}|(\w+))/g, (_, braced?: string, bare?: string) => {
    const name = (braced ?? bare)!;
    if (['__rate_interval', '__interval', '__range'].includes(name)) return '5m';
    if (!defined.has(name)) checker.fail(where, `uses $${name}, which the dashboard does not define`);
    return 'value';
  });
}

describe('the observability files in deploy/ ask only for what the gateway exports', () => {
  it.each([
    ['rate(patient_gateway_breaker_transitions[5m])', 'is not a metric the gateway exports'],
    ['patient_gateway_cache_tier_up{supplier="gp-aurora"}', 'has no label supplier'],
    ['patient_gateway_breaker_state{state=~"opened|isolated"}', 'never has state="opened"'],
    ['sum(rate(patient_gateway_sections_served_total[5m])', 'does not parse'],
    ['sum by (tier) (patient_gateway_sections_served_total)', 'groups by tier'],
    ['histogram_quantile(0.9, sum(patient_gateway_supplier_request_duration_seconds_bucket))', 'without le'],
    ['rate(patient_gateway_sections_served_total)', 'needs a range'],
    ['patient_gateway_ready / patient_gateway_cache_tier_up', 'carry different labels'],
    ['patient_gateway_ready / on(tier) patient_gateway_cache_tier_up', 'matches on tier'],
  ])('finds what is wrong with %s', (expr, problem) => {
    const checker = new PromqlChecker(TARGET_LABELS);
    checker.check('case', expr);
    expect(checker.problems).toEqual([expect.stringContaining(problem)]);
  });

  it('finds a legend naming a label aggregated away', () => {
    const checker = new PromqlChecker(TARGET_LABELS);
    checker.printed('case', checker.check('case', 'sum(patient_gateway_ready)'), '{{instance}}');
    expect(checker.problems).toEqual(["case: prints instance, which the expression's result does not carry"]);
  });

  it('the dashboard: every query, variable and legend', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    const checker = new PromqlChecker(TARGET_LABELS);
    const variables = dashboard.templating.list;
    expect(variables.find((v) => v.name === 'datasource')).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });
    expect(variables.find((v) => v.name === 'supplier')).toMatchObject({ multi: true, includeAll: true });
    for (const variable of variables.filter((v) => v.type === 'query')) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query!.query;
      const where = `variable ${variable.name}`;
      const [, selector, label] = /^label_values\((.+),\s*(\w+)\)$/.exec(query) ?? [];
      if (!selector) checker.fail(where, `is not label_values(selector, label): ${query}`);
      else
        checker.printed(where, checker.check(where, interpolate(checker, where, selector)), `{{${label}}}`);
    }
    const panels = (list: typeof dashboard.panels): typeof list =>
      list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
    const all = panels(dashboard.panels);
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (const panel of all.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        const where = `panel "${panel.title}" ${target.refId}`;
        const result = checker.check(where, interpolate(checker, where, target.expr));
        checker.printed(where, result, target.legendFormat ?? '');
      }
    }
    expect(checker.problems).toEqual([]);
  });

  it('the alerting rules: every expression, and what on-call needs to act on each', () => {
    const checker = new PromqlChecker(TARGET_LABELS);
    // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
    const headings = read('docs/operations.md').matchAll(/^#+ (.+)$/gm);
    const anchors = new Set(
      [...headings].map(([, h]) =>
        h!
          .toLowerCase()
          .replace(/[^\w -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const job = `job="${scrape.scrape_configs[0]!.job_name}"`;
    const all = rules.groups.flatMap((g) => g.rules);
    expect(new Set(all.map((r) => r.alert)).size).toBe(all.length);
    for (const { alert, expr, for: holds, labels, annotations = {} } of all) {
      if (!/^\d+[smh]$/.test(holds ?? '')) checker.fail(alert, `needs a for: duration, has ${holds}`);
      if (!['critical', 'warning'].includes(labels?.severity ?? ''))
        checker.fail(alert, 'needs severity critical or warning');
      if (!annotations.summary || !annotations.description)
        checker.fail(alert, 'needs a summary and a description');
      const anchor = /^docs\/operations\.md#([\w-]+)$/.exec(annotations.runbook_url ?? '')?.[1];
      if (!anchor || !anchors.has(anchor))
        checker.fail(alert, `runbook_url ${annotations.runbook_url} is not a section of docs/operations.md`);
      if (!expr.includes(job)) checker.fail(alert, `selects no ${job}, the job scrape.yaml scrapes`);
      checker.printed(alert, checker.check(alert, expr), `${annotations.summary} ${annotations.description}`);
    }
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(checker.problems).toEqual([]);
  });
});
