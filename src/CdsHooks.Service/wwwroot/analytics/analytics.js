// The override report page: reads /analytics.json and draws it. All text goes in with textContent;
// the charts are inline SVG built here (no chart library, no CDN).
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = id => document.getElementById(id);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function percent(rate) { return rate === null || rate === undefined ? '–' : `${Math.round(rate * 1000) / 10} %`; }

  /** Bars per week: shown, accepted, overridden. */
  function chart(rule) {
    const width = 330; const height = 150; const top = 10; const bottom = 28; const left = 28;
    const weeks = rule.weeks;
    const max = Math.max(1, ...weeks.map(w => w.shown), ...weeks.map(w => w.overridden + w.accepted));
    const slot = (width - left) / Math.max(weeks.length, 1);
    const bar = Math.max(2, Math.min(14, slot / 4));
    const y = v => top + (height - top - bottom) * (1 - v / max);
    const label = `${rule.ruleId}: ` + weeks.map(w => `week of ${w.weekStart}: ${w.shown} shown, ${w.accepted} accepted, ${w.overridden} overridden`).join('; ');
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label });
    root.append(svg('line', { x1: left, y1: y(0), x2: width, y2: y(0), stroke: '#4a5360' }));
    root.append(svg('text', { x: left - 4, y: y(max) + 4, 'text-anchor': 'end', 'font-size': 10 }, max));
    root.append(svg('text', { x: left - 4, y: y(0), 'text-anchor': 'end', 'font-size': 10 }, 0));
    weeks.forEach((w, i) => {
      const x = left + i * slot + slot / 2 - bar * 1.5;
      [['shown', '#8a97a8'], ['accepted', '#1d6b2f'], ['overridden', '#b04a00']].forEach(([key, colour], k) => {
        const r = svg('rect', { x: x + k * bar, y: y(w[key]), width: bar - 1, height: y(0) - y(w[key]), fill: colour });
        r.append(svg('title', {}, `${w.weekStart}: ${w[key]} ${key}`));
        root.append(r);
      });
      if (weeks.length <= 8 || i % Math.ceil(weeks.length / 8) === 0) {
        root.append(svg('text', { x: left + i * slot + slot / 2, y: height - 12, 'text-anchor': 'middle', 'font-size': 9 }, w.weekStart.slice(5)));
      }
    });
    return root;
  }

  function legend() {
    const p = el('p', { className: 'legend' }, 'Per week (Monday):');
    for (const [name, colour] of [['shown', '#8a97a8'], ['accepted', '#1d6b2f'], ['overridden', '#b04a00']]) {
      const swatch = el('span'); swatch.style.background = colour; swatch.setAttribute('aria-hidden', 'true');
      p.append(swatch, name);
    }
    return p;
  }

  function reasons(rule) {
    if (rule.reasons.length === 0) return el('p', { className: 'note', textContent: 'No override.' });
    const table = el('table', {}, el('caption', { className: 'note', textContent: 'Top override reasons' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', textContent: 'Reason' }), el('th', { scope: 'col', textContent: 'Cards' }),
        el('th', { scope: 'col', textContent: 'Sample comments' }))));
    const body = el('tbody');
    for (const r of rule.reasons) {
      body.append(el('tr', { className: 'reason' }, el('td', { textContent: r.display }), el('td', { className: 'count', textContent: r.count }),
        el('td', { className: 'comments', textContent: r.sampleComments.map(c => `“${c}”`).join(' ') })));
    }
    table.append(body);
    return table;
  }

  function render(report) {
    const box = $('report');
    box.replaceChildren();
    if (!$('from').value) $('from').value = report.from; // show the range the service chose
    if (!$('to').value) $('to').value = report.to;
    $('status').textContent = `${report.from} to ${report.to}${report.serviceId ? `, ${report.serviceId}` : ', all services'}: ${report.rules.length} rule(s) with cards.`;
    if (report.rules.length === 0) box.append(el('p', { className: 'note', textContent: 'No card was shown in this range.' }));
    for (const rule of report.rules) {
      const section = el('section', { className: 'rule' });
      section.dataset.rule = rule.ruleId;
      const stats = el('ul', { className: 'stats' },
        el('li', {}, el('strong', { className: 'shown', textContent: rule.shown }), 'shown'),
        el('li', {}, el('strong', { className: 'accepted', textContent: rule.accepted }), 'accepted'),
        el('li', {}, el('strong', { className: 'overridden', textContent: rule.overridden }), 'overridden'),
        el('li', {}, el('strong', { className: 'rate', textContent: percent(rule.overrideRate) }), 'override rate'));
      section.append(
        el('div', {}, el('h2', {}, rule.ruleId, ' ', el('small', { textContent: `knowledge ${rule.knowledgeVersion}` })), stats, reasons(rule)),
        el('div', {}, chart(rule), legend()));
      box.append(section);
    }
    if (report.feedbackWithoutCard > 0) {
      box.append(el('p', { className: 'note', textContent: `${report.feedbackWithoutCard} feedback entr(ies) in this range name a card that was not recorded as shown (before recording began, or past retention); they are not counted above.` }));
    }
  }

  async function show() {
    const params = new URLSearchParams();
    for (const name of ['from', 'to', 'service']) if ($(name).value) params.set(name, $(name).value);
    const url = `/analytics.json${params.size ? `?${params}` : ''}`;
    $('json-link').href = url;
    history.replaceState(null, '', `/analytics${params.size ? `?${params}` : ''}`);
    const res = await fetch(url, { headers: { Accept: 'application/json' } });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const issue = body && body.issue && body.issue[0];
      $('status').textContent = `The report could not be made (${res.status}): ${issue ? issue.diagnostics : ''}`;
      $('report').replaceChildren();
      return;
    }
    render(body);
  }

  const query = new URLSearchParams(location.search);
  for (const name of ['from', 'to', 'service']) if (query.get(name)) $(name).value = query.get(name);
  $('filter').addEventListener('submit', e => { e.preventDefault(); show(); });
  show();
})();
