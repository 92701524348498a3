// A supplier's last hour on its card: the breaker's states as a timeline strip, and the error rate and
// stale share per minute as small bar charts. Built as inline SVG with DOM calls (the page's CSP allows no
// inline script or style: colours come from classes in dashboard.css). Every chart also says in text what
// it shows, for screen readers and for anyone who cannot tell its colours apart.
'use strict';

/* exported OpsHistory */
const OpsHistory = (() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const TIMELINE_WIDTH = 600;
  const CHART_HEIGHT = 20;

  function svg(tag, attributes, children = []) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    node.append(...children);
    return node;
  }

  const title = (content) => {
    const node = document.createElementNS(SVG, 'title');
    node.textContent = content;
    return node;
  };

  function html(tag, content, className) {
    const node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  const time = (ms) => new Date(ms).toLocaleTimeString();
  const label = (state) => state.replace('_', '-');
  const percent = (ratio) => `${(ratio * 100).toFixed(ratio < 0.1 && ratio > 0 ? 1 : 0)} %`;

  /** The states from `since` to `until`: the first transition's `from` held until it, and so on. */
  function segments(h, since, until) {
    const list = [];
    let state = h.transitions[0]?.from ?? h.state;
    let from = since;
    for (const t of h.transitions) {
      const at = Math.min(Math.max(Date.parse(t.at), since), until);
      list.push({ state, from, to: at });
      state = t.to;
      from = at;
    }
    list.push({ state, from, to: until });
    return list;
  }

  function timeline(h, since, until) {
    const span = Math.max(1, until - since);
    const parts = segments(h, since, until);
    // Brief states are drawn last, so a long neighbour never covers their sliver.
    const brief = (s) => ((s.to - s.from) / span) * TIMELINE_WIDTH < 3;
    const ordered = [...parts.filter((s) => !brief(s)), ...parts.filter(brief)];
    const rects = ordered.map((s) => {
      const x = ((s.from - since) / span) * TIMELINE_WIDTH;
      // A state held for a moment still gets a visible sliver, so no transition disappears from the strip.
      const width = Math.max(((s.to - s.from) / span) * TIMELINE_WIDTH, 3);
      return svg(
        'rect',
        { x: Math.min(x, TIMELINE_WIDTH - width), y: 0, width, height: 14, class: `seg seg-${s.state}` },
        [title(`${label(s.state)} from ${time(s.from)} to ${time(s.to)}`)],
      );
    });
    const changes = h.transitions.map((t) => `${label(t.to)} at ${time(Date.parse(t.at))}`);
    const summary = changes.length
      ? `Breaker, last hour: ${label(parts[0].state)}, then ${changes.join(', then ')}`
      : `Breaker, last hour: ${label(parts[0].state)} throughout`;
    const strip = svg(
      'svg',
      {
        class: 'timeline',
        viewBox: `0 0 ${TIMELINE_WIDTH} 14`,
        preserveAspectRatio: 'none',
        role: 'img',
        'aria-label': summary,
      },
      rects,
    );
    const figure = html('figure', '', 'history-timeline');
    figure.append(strip, html('figcaption', summary));
    return figure;
  }

  /** One bar per minute that had a denominator; a minute without one is left empty, not drawn as 0 %. */
  function chart(minutes, name, what, ratioOf) {
    const ratios = minutes.map(ratioOf);
    const known = ratios.map((r, i) => ({ r, i })).filter((p) => p.r !== null);
    const bars = known.map(({ r, i }) => {
      const height = Math.max(r * CHART_HEIGHT, 0.6);
      return svg('rect', { x: i, y: CHART_HEIGHT - height, width: 0.8, height, class: 'bar' }, [
        title(`${time(Date.parse(minutes[i].at))}: ${percent(r)}`),
      ]);
    });
    const summary = known.length
      ? `${name}, last hour: peak ${percent(Math.max(...known.map((p) => p.r)))}, latest ${percent(known.at(-1).r)}`
      : `${name}: no ${what} in the last hour`;
    const figure = html('figure', '', `spark ${known.length ? 'has-data' : 'no-data'}`);
    figure.dataset.chart = name.toLowerCase().replace(' ', '-');
    figure.append(
      svg(
        'svg',
        {
          viewBox: `0 0 ${minutes.length} ${CHART_HEIGHT}`,
          preserveAspectRatio: 'none',
          role: 'img',
          'aria-label': summary,
        },
        [
          svg('line', { x1: 0, y1: CHART_HEIGHT, x2: minutes.length, y2: CHART_HEIGHT, class: 'axis' }),
          ...bars,
        ],
      ),
      html('figcaption', summary),
    );
    return figure;
  }

  const sections = (m) => m.live + m.stale + m.fallback + m.unavailable;

  /** The last hour for one supplier's card, ending at `untilIso` (the latest status's time). */
  function figure(h, sinceIso, untilIso) {
    const since = Date.parse(sinceIso);
    const until = Math.max(Date.parse(untilIso), since);
    const box = html('div', '', 'history');
    box.append(
      timeline(h, since, until),
      chart(h.minutes, 'Error rate', 'calls', (m) => (m.calls ? m.failures / m.calls : null)),
      chart(h.minutes, 'Stale share', 'sections served', (m) => (sections(m) ? m.stale / sections(m) : null)),
    );
    return box;
  }

  /** Adds a streamed transition to the history held, so the timeline moves without refetching it. */
  function addTransition(lastHour, t) {
    const h = lastHour?.suppliers.find((s) => s.name === t.supplier);
    if (!h || h.transitions.some((x) => x.at === t.at && x.to === t.to)) return;
    h.transitions.push({ at: t.at, from: t.from, to: t.to, cause: t.cause });
    h.state = t.to;
  }

  /** A streamed transition or control event as one line of the "Recent events" list. */
  function eventLine(type, payload) {
    const at = new Date(payload.at).toLocaleTimeString();
    if (type === 'transition')
      return `${at} ${payload.supplier}: ${payload.from} → ${payload.to} (${payload.cause})`;
    return `${at} ${payload.action} ${payload.supplier ?? ''} by ${payload.by}: ${payload.reason}`;
  }

  return { figure, addTransition, eventLine };
})();
