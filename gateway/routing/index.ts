/**
 * Per-patient routing: each record domain's entity fetches are split by the patient's own suppliers (their
 * practice's GP system, every trust holding records), asked in parallel, and put back together in order,
 * with predecessors' copies after a migration and the national fallback when nothing else can be shown.
 */
export { DomainDataSource, type DomainParts } from './domain-data-source.js';
export { EmptyAnswers } from './empty.js';
export { mergeEntities } from './merge.js';
export { DomainSources } from './domain-sources.js';
