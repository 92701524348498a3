/** `npm run compose`: checks each supplier against the contract, composes, and writes schema/supergraph.graphql. */
import { writeFileSync } from 'node:fs';
import { checkSupplierContract, compose, SUBGRAPHS, subgraphSdl, SUPERGRAPH_FILE } from './index.js';

let failed = false;
for (const s of SUBGRAPHS.filter((d) => d.role === 'domain')) {
  for (const v of checkSupplierContract(subgraphSdl(s.name))) {
    failed = true;
    console.error(`${s.name}: ${v.rule}: ${v.message}`);
  }
}
const result = compose(SUBGRAPHS.map((s) => ({ name: s.name, url: s.defaultUrl, sdl: subgraphSdl(s.name) })));
if (!result.ok) {
  for (const e of result.errors) console.error(`composition: ${e}`);
  failed = true;
}
if (failed || !result.ok) process.exit(1);
writeFileSync(SUPERGRAPH_FILE, result.supergraphSdl);
console.log(`wrote ${SUPERGRAPH_FILE}`);
