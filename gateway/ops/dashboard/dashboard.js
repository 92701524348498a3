// The ops dashboard: plain JavaScript, no build step. It signs in with the ops token (kept in this tab's
// sessionStorage), follows /api/events (Server-Sent Events read through fetch, so the token travels in the
// Authorization header rather than the URL), and sends control actions with a required reason. On sign-in
// it first loads /api/history (each supplier's last hour, and the events streamed before the page opened),
// then follows the stream from the last of those events (Last-Event-ID), so none is missed or shown twice.
'use strict';
/* global OpsHistory, migrationsPanel, refreshRegistry */

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('opsToken');
let latest;
let lastHour;
let lastEventId;
const seen = [];
const shownIds = new Set();

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

function ago(iso) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  return `${(seconds / 3600).toFixed(1)} h ago`;
}

function duration(ms) {
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  if (response.status === 401) {
    signOut('The ops token was not accepted.');
    throw new Error('not signed in');
  }
  const body = await response.json();
  if (!response.ok)
    throw new Error(body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`);
  return body;
}

function signOut(message) {
  token = null;
  sessionStorage.removeItem('opsToken');
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('stream').textContent = 'not connected';
  $('stream').className = 'pill';
}

function row(list, term, value) {
  list.append(text('dt', term), text('dd', value));
}

function card(s) {
  const article = document.createElement('article');
  article.className = `card state-${s.state}`;
  article.dataset.supplier = s.name;
  const title = text('h2', s.name);
  title.append(text('span', s.state.replace('_', '-'), 'badge'));
  article.append(title);
  if (s.isolation)
    article.append(
      text('p', `Isolated by ${s.isolation.by} ${ago(s.isolation.at)}: ${s.isolation.reason}`, 'note'),
    );
  if (s.quarantine) {
    article.append(
      text(
        'p',
        `Quarantined: data received since ${new Date(s.quarantine.since).toLocaleString()} is not served (${s.quarantine.by}: ${s.quarantine.reason})`,
        'note',
      ),
    );
  }
  const facts = document.createElement('dl');
  row(
    facts,
    s.role === 'fallback' ? 'Fallback for' : 'Serves',
    s.role === 'fallback'
      ? 'every patient whose own supplier cannot answer'
      : s.organisations.join(', ') || 'nobody now',
  );
  row(facts, 'Blast radius', s.patients === null ? 'unknown' : `${s.patients} patients`);
  row(facts, 'In this state', duration(Date.now() - Date.parse(s.since)));
  row(
    facts,
    'Error rate',
    `${(s.window.errorRate * 100).toFixed(1)} % of ${s.window.calls} calls (rolling window)`,
  );
  row(facts, 'Latency', `p50 ${s.window.latencyMs.p50} ms · p99 ${s.window.latencyMs.p99} ms`);
  row(facts, 'Last live answer', ago(s.lastLiveAt));
  row(facts, 'Last failure', s.lastFailure ? `${s.lastFailure.reason}, ${ago(s.lastFailure.at)}` : 'none');
  row(facts, 'Stale sections served', String(s.staleServed));
  row(facts, 'Unavailable sections', String(s.unavailableServed));
  row(
    facts,
    'Cache hit ratio',
    s.cache.hitRatio === null
      ? 'no lookups yet'
      : `${(s.cache.hitRatio * 100).toFixed(1)} % of ${s.cache.lookups}`,
  );
  article.append(facts);
  const past = lastHour?.suppliers.find((h) => h.name === s.name);
  if (past) article.append(OpsHistory.figure(past, lastHour.since, latest?.at ?? lastHour.until));
  const actions = document.createElement('div');
  actions.className = 'actions';
  const button = (label, action, danger) => {
    const b = text('button', label, danger ? 'danger' : '');
    b.type = 'button';
    b.dataset.action = action;
    b.addEventListener('click', () => confirmAction(s.name, action));
    actions.append(b);
  };
  if (s.isolation) button('Restore', 'restore');
  else button('Isolate', 'isolate', true);
  button('Reset breaker', 'reset');
  if (s.quarantine) button('Lift quarantine', 'lift_quarantine');
  else button('Quarantine…', 'quarantine', true);
  button('Purge cache…', 'purge', true);
  article.append(actions);
  return article;
}

/** One section per record domain, its suppliers' cards inside. */
function domainSection(domain, suppliers) {
  const section = document.createElement('section');
  section.className = 'domain';
  section.dataset.domain = domain.name;
  const reach =
    domain.serves === 'practice'
      ? "by their practice's GP system"
      : `by every ${domain.serves} holding records`;
  section.append(text('h2', `${domain.name} record domain · patients reach suppliers ${reach}`));
  const cards = document.createElement('div');
  cards.className = 'cards';
  cards.append(...domain.suppliers.map((name) => card(suppliers.find((s) => s.name === name))));
  section.append(cards);
  return section;
}

function render(status) {
  latest = status;
  $('cards').replaceChildren(...status.domains.map((d) => domainSection(d, status.suppliers)));
  migrationsPanel(status.migrations);
  const tiers = status.cache.tiers
    .map((t) => `${t.tier} ${t.status}${t.detail ? ` (${t.detail})` : ''}`)
    .join(' · ');
  $('cache-panel').textContent =
    `Cache: ${status.cache.backend} — ${tiers}. Decisions ${status.cache.sharedDecisions ? 'shared through Redis with every replica' : 'apply to this replica only'}.`;
  $('meta').textContent =
    `Replica ${status.replica} · ${status.ready ? 'ready' : 'not ready'} · updated ${new Date(status.at).toLocaleTimeString()}`;
}

/**
 * A streamed event, or one from the history: each is listed once, whichever way it came. Only streamed
 * transitions are added to the timelines: the history's own transitions already hold the others.
 */
function receive({ id, type, data }, fromHistory = false) {
  if (type === 'status') return render(data);
  if (id) {
    lastEventId = id;
    if (shownIds.has(id)) return;
    shownIds.add(id);
  }
  if (type === 'transition' && !fromHistory) OpsHistory.addTransition(lastHour, data);
  note(OpsHistory.eventLine(type, data));
}

/** The last hour; `prefill` also lists the events from before the page opened (oldest are listed first). */
async function loadHistory(prefill) {
  try {
    lastHour = await api('/api/history');
  } catch {
    return; // the page still works from the stream alone
  }
  if (prefill) for (const event of lastHour.events) receive(event, true);
  // With no event yet, an empty Last-Event-ID still asks the stream for any published since this fetch.
  if (prefill) lastEventId ??= '';
  if (latest) render(latest);
}

function note(line) {
  seen.unshift(line);
  seen.length = Math.min(seen.length, 50);
  $('events').replaceChildren(...seen.map((l) => text('li', l)));
}

const HELP = {
  isolate: 'No request will reach this supplier; clinicians get its sections from cache, labelled STALE.',
  restore: 'Traffic to this supplier resumes (through its breaker).',
  reset: 'The breaker starts afresh, closed. An isolation stays in force until restored.',
  quarantine:
    'Cached data this supplier sent at or after the cut-off will no longer be shown (it may be poisoned).',
  lift_quarantine: 'Cached data from this supplier may be shown again.',
  purge: "Deletes this supplier's cached copies (of one patient, or all) from this gateway and Redis.",
};

function confirmAction(supplier, action) {
  const dialog = $('confirm');
  $('confirm-title').textContent = `${action.replace('_', ' ')}: ${supplier}`;
  $('confirm-help').textContent = HELP[action];
  $('since-label').hidden = action !== 'quarantine';
  $('nhs-label').hidden = action !== 'purge';
  $('reason').value = '';
  $('nhs').value = '';
  $('confirm-error').textContent = '';
  if (action === 'quarantine') {
    const local = new Date(Date.now() - 60 * 60_000 - new Date().getTimezoneOffset() * 60_000);
    $('since').value = local.toISOString().slice(0, 19);
  }
  dialog.dataset.supplier = supplier;
  dialog.dataset.action = action;
  dialog.showModal();
  $('reason').focus();
}

async function submitAction(event) {
  event.preventDefault();
  const dialog = $('confirm');
  const { supplier, action } = dialog.dataset;
  const body = { reason: $('reason').value };
  if (action === 'quarantine') body.since = new Date($('since').value).toISOString();
  if (action === 'purge' && $('nhs').value.trim()) body.nhsNumber = $('nhs').value.trim();
  const method = action === 'lift_quarantine' ? 'DELETE' : 'POST';
  const path = `/api/suppliers/${encodeURIComponent(supplier)}/${action === 'lift_quarantine' ? 'quarantine' : action}`;
  try {
    const result = await api(path, { method, body: JSON.stringify(body) });
    dialog.close();
    if (result.deleted !== undefined)
      note(`${new Date().toLocaleTimeString()} purge ${supplier}: ${result.deleted} copies deleted`);
    render(await api('/api/status'));
  } catch (error) {
    $('confirm-error').textContent = error.message;
  }
}

async function follow() {
  while (token) {
    try {
      const headers = { authorization: `Bearer ${token}` };
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
      const response = await fetch('/api/events', { headers });
      if (response.status === 401) return signOut('The ops token was not accepted.');
      $('stream').textContent = 'live';
      $('stream').className = 'pill live';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) receive({ id: /^id: (.*)$/m.exec(block)?.[1], type, data: JSON.parse(data) });
        }
      }
    } catch {
      // fall through to reconnect
    }
    if (!token) return;
    $('stream').textContent = 'reconnecting…';
    $('stream').className = 'pill down';
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function start() {
  $('login').hidden = true;
  void loadHistory(true).then(follow);
  void refreshRegistry();
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('token').value.trim();
  sessionStorage.setItem('opsToken', token);
  $('token').value = '';
  start();
});
$('confirm-form').addEventListener('submit', submitAction);
$('confirm-cancel').addEventListener('click', () => $('confirm').close());
setInterval(() => latest && render(latest), 5000);
setInterval(() => token && void refreshRegistry(), 5000);
setInterval(() => token && void loadHistory(false), 30000);

if (token) start();
else signOut();
