// The ops dashboard's panels beside the supplier cards: practice migrations and the supplier registry.
// Loaded before dashboard.js, whose helpers (text, ago, api, $) these call once the page is running.
'use strict';
/* global $, text, ago, api */
/* exported migrationsPanel, refreshRegistry */

function migrationsPanel(migrations) {
  const panel = $('migrations-panel');
  if (migrations.length === 0) {
    panel.replaceChildren(text('p', 'No practice migrations scheduled or in effect.'));
    return;
  }
  const list = document.createElement('ul');
  for (const m of migrations) {
    const when =
      m.state === 'scheduled'
        ? `moves at ${new Date(m.cutover).toLocaleString()}`
        : `moved ${ago(m.cutover)}`;
    list.append(text('li', `${m.organisation}: ${m.from} → ${m.to} — ${when} (${m.by}: ${m.reason})`));
  }
  panel.replaceChildren(text('h2', 'Practice migrations'), list);
}

const GATE_MARK = { passed: '✓', failed: '✗', skipped: '–' };

/** Registry entries, what each serves, pending approvals first, with the gates' verdicts. */
function registryPanel(registry) {
  const panel = $('registry-panel');
  const runtime = registry.runtime;
  const heading = text('h2', 'Supplier registry');
  const served = text(
    'p',
    `Revision ${registry.revision}; this replica serves revision ${runtime.revision} from ${runtime.source}` +
      (runtime.appliedAt ? `, applied ${ago(runtime.appliedAt)}` : '') +
      (runtime.supergraph ? ` (supergraph generation ${runtime.supergraph.generation})` : ''),
    runtime.source === 'last-known-good' || runtime.problem ? 'warning' : '',
  );
  const parts = [heading, served];
  if (runtime.source === 'last-known-good') {
    parts.push(
      text('p', 'Redis was unreachable at start-up: serving the last-known-good copy on disk.', 'warning'),
    );
  }
  if (runtime.problem) parts.push(text('p', runtime.problem, 'warning'));
  const entries = [...registry.entries].sort(
    (a, b) => (b.latest?.state === 'pending-approval') - (a.latest?.state === 'pending-approval'),
  );
  if (entries.length === 0)
    parts.push(text('p', 'No entries: the configured market and supergraph are in service.'));
  const list = document.createElement('ul');
  for (const e of entries) {
    const item = document.createElement('li');
    item.dataset.entry = e.key;
    const inService = e.active === 0 ? 'configured (or none)' : `v${e.active}`;
    item.append(text('strong', e.key), text('span', ` in service: ${inService}`));
    if (e.latest && e.latest.version !== e.active) {
      const cls = e.latest.state === 'pending-approval' ? 'pending' : '';
      item.append(text('span', ` · v${e.latest.version} ${e.latest.state}`, cls));
    }
    const gates = (e.latest?.gates ?? [])
      .map((g) => `${GATE_MARK[g.status]} ${g.gate}${g.code ? ` ${g.code}` : ''}`)
      .join('  ');
    if (gates) item.append(text('div', gates, 'gates'));
    list.append(item);
  }
  parts.push(list);
  panel.replaceChildren(...parts);
}

async function refreshRegistry() {
  try {
    registryPanel(await api('/api/registry'));
  } catch {
    // the stream's status line already says when the gateway cannot be reached
  }
}
