/**
 * A check of PromQL against the series the gateway exports, for the files in deploy/: the expression is
 * parsed with the Prometheus project's grammar, and the labels each sub-expression carries are followed
 * through selectors, functions, aggregations and binary matching, so a label selected, grouped on, matched
 * on or printed that the series cannot carry at that point is reported, as is a metric name the gateway's
 * registry does not hold or a label value the gateway never exports.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SectionStatus } from '../../gateway/availability/index.js';
import type { BreakerState } from '../../gateway/breakers/index.js';
import type { RecallOutcome, TierHealth } from '../../gateway/cache/index.js';
import { ErrorCode } from '../../gateway/errors/index.js';
import { GatewayMetrics } from '../../gateway/observability/index.js';
import type { CallOutcome } from '../../gateway/suppliers/observer.js';

type Node = ReturnType<typeof parser.parse>['topNode'];
/** The labels a sub-expression's series may carry, or `scalar` for a number. */
export type Labels = ReadonlySet<string> | 'scalar';
/** Where an expression comes from (for messages), and its source text. */
type At = { where: string; text: (n: Node) => string };

/** Every series name the gateway exposes, with its metric family and labels (histograms as stored). */
function exportedSeries(): Map<string, { family: string; labels: ReadonlySet<string> }> {
  const { registry } = new GatewayMetrics({ cacheHealth: () => [], now: () => 0 });
  const series = new Map([['up', { family: 'up', labels: new Set<string>() }]]);
  type Described = { name: string; type: string; labelNames?: string[] };
  for (const { name, type, labelNames = [] } of registry.getMetricsAsArray() as unknown as Described[]) {
    const suffixes: [string, string[]][] =
      type === 'histogram'
        ? [
            ['_bucket', ['le']],
            ['_sum', []],
            ['_count', []],
          ]
        : [['', []]];
    for (const [suffix, extra] of suffixes)
      series.set(name + suffix, { family: name, labels: new Set([...labelNames, ...extra]) });
  }
  return series;
}

// Label values, held to the gateway's own types: tsc fails when a state, status or result changes.
const STATES = { closed: 1, half_open: 1, open: 1, isolated: 1 } satisfies Record<Lowercase<BreakerState>, 1>;
const OUTCOMES = { success: 1, failure: 1, rejected: 1 } satisfies Record<CallOutcome, 1>;
const STATUSES = { live: 1, stale: 1, fallback: 1, unavailable: 1 } satisfies Record<
  Lowercase<SectionStatus>,
  1
>;
const RESULTS = {
  hit: 1,
  miss: 1,
  expired: 1,
  quarantined: 1,
  purged: 1,
  unreadable: 1,
  'future-dated': 1,
} satisfies Record<RecallOutcome, 1>;
const CODES = ['aborted', ...Object.values(ErrorCode).map((c) => String(c.status))];
/** The values each metric family's labels can take, where the files select on them. */
const VALUES: Record<string, Record<string, Record<string, 1>>> = {
  patient_gateway_breaker_state: { state: STATES },
  patient_gateway_breaker_transitions_total: { from: STATES, to: STATES },
  patient_gateway_supplier_requests_total: { outcome: OUTCOMES },
  patient_gateway_supplier_request_duration_seconds: { outcome: OUTCOMES },
  patient_gateway_sections_served_total: { status: STATUSES },
  patient_gateway_cache_lookups_total: { result: RESULTS },
  patient_gateway_cache_tier_up: { tier: { memory: 1, redis: 1 } satisfies Record<TierHealth['tier'], 1> },
  patient_gateway_clinical_request_duration_seconds: { code: Object.fromEntries(CODES.map((c) => [c, 1])) },
};

const RANGE_FUNCTION =
  /^(rate|irate|increase|delta|idelta|deriv|changes|resets|predict_linear|\w+_over_time)$/;
const SCALAR_FUNCTIONS = new Set(['time', 'pi', 'scalar']);

/** Checks PromQL against what the gateway exports, collecting every problem rather than stopping at one. */
export class PromqlChecker {
  readonly problems: string[] = [];
  private readonly series = exportedSeries();

  /** `targetLabels`: what Prometheus adds to every series it scrapes (job, instance, static labels). */
  constructor(private readonly targetLabels: ReadonlySet<string>) {}

  /** The labels of the expression's result, after recording anything wrong with it. */
  check(where: string, expr: string): Labels {
    const tree = parser.parse(expr);
    let broken = false;
    tree.iterate({ enter: (n) => void (broken ||= n.type.isError) });
    if (broken) return this.fail(where, `does not parse: ${expr}`);
    const top = exprsOf(tree.topNode)[0];
    const at = { where, text: (n: Node) => expr.slice(n.from, n.to) };
    return top ? this.labels(top, at, false) : this.fail(where, 'is empty');
  }

  fail(where: string, problem: string): Labels {
    this.problems.push(`${where}: ${problem}`);
    return new Set();
  }

  /** `{{supplier}}` in a legend, `{{ $labels.supplier }}` in an annotation: each must be a label of `result`. */
  printed(where: string, result: Labels, template: string): void {
    for (const [, label] of template.matchAll(/\{\{\s*(?:\$labels\.)?(\w+)\s*\}\}/g))
      if (result === 'scalar' || !result.has(label!))
        this.fail(where, `prints ${label}, which the expression's result does not carry`);
  }

  private labels(node: Node, at: At, rangeAllowed: boolean): Labels {
    const [first, second] = exprsOf(node);
    switch (node.name) {
      case 'NumberDurationLiteral':
      case 'StringLiteral':
        return 'scalar';
      case 'VectorSelector':
        return this.selector(node, at);
      case 'MatrixSelector':
      case 'SubqueryExpr':
        if (!rangeAllowed) this.fail(at.where, `a range outside a range function: ${at.text(node)}`);
        return this.labels(first!, at, false);
      case 'ParenExpr':
      case 'OffsetExpr':
      case 'UnaryExpr':
      case 'StepInvariantExpr':
        return this.labels(first!, at, rangeAllowed);
      case 'FunctionCall':
        return this.call(node, at);
      case 'AggregateExpr':
        return this.aggregate(node, at);
      case 'BinaryExpr':
        return this.binary(node, this.labels(first!, at, false), this.labels(second!, at, false), at);
      default:
        return this.fail(at.where, `uses ${node.name}, which this check does not follow: ${at.text(node)}`);
    }
  }

  private selector(node: Node, { where, text }: At): Labels {
    const name = node.getChild('Identifier');
    if (!name) return this.fail(where, `a selector without a metric name: ${text(node)}`);
    const own = this.series.get(text(name));
    if (!own) return this.fail(where, `${text(name)} is not a metric the gateway exports`);
    const labels = new Set([...own.labels, ...this.targetLabels]);
    const matchers = node.getChild('LabelMatchers');
    if (matchers?.getChild('QuotedLabelMatcher') || matchers?.getChild('QuotedLabelName'))
      this.fail(where, `quoted label names are not needed: ${text(matchers)}`);
    for (const matcher of matchers?.getChildren('UnquotedLabelMatcher') ?? []) {
      const label = text(matcher.getChild('LabelName')!);
      if (!labels.has(label)) this.fail(where, `${text(name)} has no label ${label}`);
      const known = VALUES[own.family]?.[label];
      const value = text(matcher.getChild('StringLiteral')!).slice(1, -1);
      const alternatives = text(matcher.getChild('MatchOp')!).includes('~') ? value.split('|') : [value];
      // Only literal alternatives are checked: `5..` is a pattern.
      for (const alternative of alternatives.filter((v) => known && /^[\w-]+$/.test(v) && !(v in known)))
        this.fail(where, `${own.family} never has ${label}="${alternative}"`);
    }
    return labels;
  }

  private call(node: Node, at: At): Labels {
    const fn = at.text(node.getChild('FunctionIdentifier')!);
    const args = exprsOf(node.getChild('FunctionCallBody')!);
    const ranges = RANGE_FUNCTION.test(fn);
    if (ranges && !args.some((a) => a.name === 'MatrixSelector' || a.name === 'SubqueryExpr'))
      this.fail(at.where, `${fn}() needs a range: ${at.text(node)}`);
    const labels = args.map((a) => this.labels(a, at, ranges));
    if (SCALAR_FUNCTIONS.has(fn)) return 'scalar';
    if (fn === 'vector' || fn === 'absent') return new Set();
    if (fn === 'histogram_quantile') {
      const buckets = labels[1];
      if (buckets === 'scalar' || !buckets?.has('le'))
        return this.fail(at.where, `histogram_quantile() over series without le: ${at.text(node)}`);
      return new Set([...buckets].filter((l) => l !== 'le'));
    }
    return labels.find((l) => l !== 'scalar') ?? 'scalar';
  }

  private aggregate(node: Node, at: At): Labels {
    const args = exprsOf(node.getChild('FunctionCallBody')!);
    const input = this.labels(args[args.length - 1]!, at, false);
    const modifier = node.getChild('AggregateModifier');
    if (!modifier) return new Set();
    const grouping = groupingOf(modifier.getChild('GroupingLabels')!, at);
    if (input === 'scalar') return this.fail(at.where, `aggregates a number: ${at.text(node)}`);
    for (const label of grouping.filter((l) => !input.has(l)))
      this.fail(at.where, `groups by ${label}, which its input does not carry: ${at.text(node)}`);
    const without = [...input].filter((l) => !grouping.includes(l));
    return new Set(modifier.getChild('By') ? grouping : without);
  }

  /** One-to-one matching keeps the left side's labels (only `on`'s with on, less `ignoring`'s with ignoring). */
  private binary(node: Node, left: Labels, right: Labels, at: At): Labels {
    if (left === 'scalar') return right;
    if (right === 'scalar') return left;
    const setOperator = node.getChild('And') ?? node.getChild('Or') ?? node.getChild('Unless');
    const matching = node.getChild('MatchingModifierClause');
    const [on = [], extra = []] = (matching?.getChildren('GroupingLabels') ?? []).map((g) =>
      groupingOf(g, at),
    );
    for (const label of on.filter((l) => !left.has(l) || !right.has(l)))
      this.fail(at.where, `matches on ${label}, which one side does not carry: ${at.text(node)}`);
    if (setOperator) return setOperator.name === 'Or' ? new Set([...left, ...right]) : left;
    if (!matching && (left.size !== right.size || [...left].some((l) => !right.has(l))))
      this.fail(at.where, `its sides carry different labels, so nothing matches: ${at.text(node)}`);
    if (matching?.getChild('GroupLeft')) return new Set([...left, ...extra]);
    if (matching?.getChild('GroupRight')) return new Set([...right, ...extra]);
    if (matching?.getChild('On')) return new Set(on);
    return new Set([...left].filter((l) => !on.includes(l)));
  }
}

function exprsOf(node: Node): Node[] {
  const out: Node[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling)
    if (child.type.is('Expr')) out.push(child);
  return out;
}

const groupingOf = (labels: Node, at: At) => labels.getChildren('LabelName').map(at.text);
