import { createHash } from 'node:crypto';
import { fieldMarkings, withContract, type FieldMarkings } from '../../schema/index.js';
import type { DomainDataSource } from './domain-data-source.js';

/**
 * One data source per record domain and contract version. A contract change (the registry) brings new
 * confidentiality markings, so the new supergraph gets a new data source while requests still running on
 * the old one keep theirs.
 */
export class DomainSources {
  private readonly sources = new Map<string, DomainDataSource>();

  constructor(private readonly build: (domain: string, markings: FieldMarkings) => DomainDataSource) {}

  /** The data source for `domain` under the contract `ownSdl` (its own SDL, without the shared types). */
  sourceFor(domain: string, ownSdl: string): DomainDataSource {
    const key = `${domain}:${createHash('sha256').update(ownSdl).digest('hex')}`;
    let source = this.sources.get(key);
    if (!source) {
      source = this.build(domain, fieldMarkings(withContract(ownSdl)));
      this.sources.set(key, source);
    }
    return source;
  }
}
