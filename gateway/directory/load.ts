import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, parseSettings, quote } from '../../lib/env.js';
import { FALLBACKS, PRACTICES, REFERENCE_MARKET, TRUSTS } from '../../subgraphs/synthetic/index.js';
import { breakerOptions } from '../breakers/index.js';
import { marketProblems, marketSchema, type Market } from './market.js';

/**
 * The reference market (subgraphs/synthetic/market.ts) on its `npm start` ports: three GP systems, three
 * trusts' records and the national summary record. Development only; production needs SUPPLIERS_FILE.
 */
export function referenceMarket(): Market {
  return {
    domains: [
      { name: 'gp', serves: 'practice', fallback: FALLBACKS.gp },
      { name: 'hospital', serves: 'trust' },
    ],
    organisations: [
      ...PRACTICES.map((p) => ({ ...p, type: 'practice' })),
      ...TRUSTS.map((t) => ({ ...t, type: 'trust' })),
    ],
    suppliers: REFERENCE_MARKET.map((s) => ({
      name: s.name,
      domain: s.domain,
      url: `http://127.0.0.1:${s.port}/graphql`,
      organisations: s.organisations,
    })),
  };
}

/** Reads a market file: JSON, or YAML (by extension), as text. */
function readMarketFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `SUPPLIERS_FILE: cannot read "${file}" (${(error as NodeJS.ErrnoException).code})`,
    ]);
  }
  try {
    return /\.ya?ml$/i.test(file) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new ConfigError([
      `SUPPLIERS_FILE: "${file}" is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
    ]);
  }
}

/**
 * Validates a market: its shape (each bad value quoted with its path), every supplier's breaker options,
 * and the rules of who serves whom (market.ts). Throws a ConfigError listing every problem at once.
 */
export function validateMarket(input: unknown, origin: string): Market {
  let market: Market;
  try {
    market = parseSettings(marketSchema, input as Record<string, unknown>);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems.map((p) => `${origin} ${p}`));
  }
  const problems = marketProblems(market).map((p) => `${origin}: ${p.code}: ${p.message}`);
  for (const supplier of market.suppliers) {
    try {
      breakerOptions(supplier.name, supplier.breaker ?? {});
    } catch (error) {
      problems.push(`${origin}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return market;
}

/**
 * The market the gateway starts with: SUPPLIERS_FILE when set, else the reference market (development),
 * with each supplier's URL overridable by SUPPLIER_URLS (`name=url,...`: ports chosen at run time).
 */
export function loadMarket(options: {
  readonly file: string | undefined;
  readonly urls: string | undefined;
  readonly production: boolean;
}): Market {
  if (!options.file && options.production) {
    throw new ConfigError(['SUPPLIERS_FILE: required when NODE_ENV=production, got nothing']);
  }
  const market = options.file
    ? validateMarket(readMarketFile(options.file), `SUPPLIERS_FILE ${options.file}`)
    : referenceMarket();
  const overrides = new Map<string, string>();
  for (const entry of (options.urls ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.indexOf('=');
    const [name, url] = [entry.slice(0, at), entry.slice(at + 1)];
    if (at <= 0 || !market.suppliers.some((s) => s.name === name)) {
      throw new ConfigError([
        `SUPPLIER_URLS: ${quote(entry)} does not name a supplier of the market (name=url)`,
      ]);
    }
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new ConfigError([`SUPPLIER_URLS: the URL for ${quote(name)} must be http(s), got ${quote(url)}`]);
    }
    overrides.set(name, url);
  }
  return {
    ...market,
    suppliers: market.suppliers.map((s) => ({ ...s, url: overrides.get(s.name) ?? s.url })),
  };
}
