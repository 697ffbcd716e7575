// The demo order screen plays the EHR's part: it sends real order-select / order-sign calls and feedback
// to this service's public endpoints and shows the cards as EHRs do (CDS Hooks 2.0 §Card).
// Untrusted text (card fields, FHIR data) goes in with textContent; card details are Markdown rendered by
// marked and sanitised by DOMPurify before they touch innerHTML.
'use strict';

(() => {
  const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
  const ATC = 'http://www.whocc.no/atc';
  const UCUM = 'http://unitsofmeasure.org';
  const SELECT = 'triple-positive-order-select';
  const SIGN = 'triple-positive-order-sign';
  const INDICATORS = { info: ['i', 'Info'], warning: ['!', 'Warning'], critical: ['!!', 'Critical'] };
  const el = Chart.el;
  const $ = id => document.getElementById(id);

  const state = { patients: [], concepts: [], patient: null, drafts: [], cards: [], service: SELECT, seq: 0, exchanges: 0 };

  // Links in card details open in a new tab without giving that page a handle on this one.
  DOMPurify.addHook('afterSanitizeAttributes', node => {
    if (node.tagName === 'A') { node.setAttribute('target', '_blank'); node.setAttribute('rel', 'noopener noreferrer'); }
  });

  function uuid() { // crypto.randomUUID needs a secure context; getRandomValues does not
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map(x => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function safeUrl(url) { return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null; }

  function setStatus(text) { $('status').textContent = text; }

  // ---------------------------------------------------------------- HTTP, with the exchange panel
  async function exchange(method, url, body) {
    const init = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    let status = 0; let text = '';
    try {
      const res = await fetch(url, init);
      status = res.status; text = await res.text();
    } catch (e) {
      text = String(e);
    }
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (body !== undefined) showExchange(method, url, body, status, json ?? text);
    return { status, json, text };
  }

  function showExchange(method, url, body, status, answer) {
    state.exchanges += 1;
    const item = el('details', { className: 'exchange' },
      el('summary', { textContent: `#${state.exchanges} ${method} ${url} → ${status || 'no answer'}` }),
      el('div', { className: 'pair' },
        el('div', {}, el('h4', { textContent: 'Request' }), el('pre', { textContent: JSON.stringify(body, null, 2) })),
        el('div', {}, el('h4', { textContent: `Response ${status}` }),
          el('pre', { textContent: typeof answer === 'string' ? answer : JSON.stringify(answer, null, 2) }))));
    const list = $('exchanges');
    list.prepend(item);
    while (list.children.length > 12) list.lastChild.remove();
  }

  // ---------------------------------------------------------------- patients and drugs
  async function load() {
    const [patients, concepts] = await Promise.all([exchange('GET', 'patients.json'), exchange('GET', 'concepts.json')]);
    state.patients = patients.json || [];
    state.concepts = concepts.json || [];
    for (const p of state.patients) $('patient').append(el('option', { value: p.id, textContent: p.label }));
    for (const c of state.concepts) {
      const option = el('option', { value: c.display });
      if (c.brands.length) option.label = c.brands.join(', ');
      $('drug-list').append(option);
      for (const b of c.brands) $('drug-list').append(el('option', { value: b, label: c.display }));
    }
  }

  function choosePatient(id) {
    state.patient = state.patients.find(p => p.id === id) || null;
    state.drafts = [];
    state.cards = [];
    $('story').textContent = state.patient ? `${state.patient.story} Try: ${state.patient.try}` : '';
    Chart.render($('chart'), state.patient);
    renderDrafts();
    renderCards();
    setStatus('');
  }

  function findConcept(text) {
    const t = text.trim().toLowerCase();
    return state.concepts.find(c => c.display.toLowerCase() === t || c.id === t || c.brands.some(b => b.toLowerCase() === t));
  }

  function draftFor(concept, typed, dose, unit) {
    const brand = concept.brands.find(b => b.toLowerCase() === typed.trim().toLowerCase());
    const coding = [];
    if (concept.rxNorm) coding.push({ system: RXNORM, code: concept.rxNorm, display: concept.display });
    else if (concept.atc) coding.push({ system: ATC, code: concept.atc, display: concept.display });
    const resource = {
      resourceType: 'MedicationRequest',
      id: `draft-${++state.seq}`,
      status: 'draft',
      intent: 'order',
      subject: { reference: `Patient/${patientId()}` },
      authoredOn: new Date().toISOString().slice(0, 10),
      medicationCodeableConcept: { text: brand ? `${brand} (${concept.display})` : concept.display },
    };
    if (coding.length) resource.medicationCodeableConcept.coding = coding;
    if (dose) {
      resource.dosageInstruction = [{
        text: `${dose} ${unit}`,
        doseAndRate: [{ doseQuantity: { value: Number(dose), unit, system: UCUM, code: unit } }],
      }];
    }
    return resource;
  }

  function patientId() { return (state.patient.prefetch.patient && state.patient.prefetch.patient.id) || state.patient.id; }

  function drugName(r) {
    const cc = r.medicationCodeableConcept;
    return (cc && (cc.text || (cc.coding || []).map(c => c.display).find(Boolean))) || 'unnamed drug';
  }

  function doseText(r) {
    const d = (r.dosageInstruction || [])[0];
    return d ? d.text || '' : '';
  }

  function renderDrafts() {
    const list = $('drafts');
    list.replaceChildren();
    if (state.drafts.length === 0) list.append(el('li', { className: 'empty', textContent: 'No draft orders' }));
    for (const r of state.drafts) {
      const name = drugName(r);
      const remove = el('button', { type: 'button', className: 'secondary', textContent: 'Remove' });
      remove.setAttribute('aria-label', `Remove ${name}`);
      remove.addEventListener('click', () => removeDraft(r.id));
      const item = el('li', {}, el('span', {}, el('span', { className: 'drug', textContent: name }), ' ',
        el('span', { className: 'dose', textContent: doseText(r) })), remove);
      item.dataset.id = r.id;
      list.append(item);
    }
    $('sign').disabled = !state.patient || state.drafts.length === 0;
    $('add').disabled = !state.patient;
  }

  async function addDraft(event) {
    event.preventDefault();
    $('order-error').textContent = '';
    if (!state.patient) { $('order-error').textContent = 'Choose a patient first.'; return; }
    const typed = $('drug').value;
    const concept = findConcept(typed);
    if (!concept) { $('order-error').textContent = `"${typed}" is not a drug this service knows. Pick one from the list.`; return; }
    const draft = draftFor(concept, typed, $('dose').value, $('unit').value);
    state.drafts.push(draft);
    $('drug').value = ''; $('dose').value = '';
    renderDrafts();
    await check([draft.id]);
  }

  async function removeDraft(id) {
    state.drafts = state.drafts.filter(r => r.id !== id);
    renderDrafts();
    await check(state.drafts.map(r => r.id));
  }

  // ---------------------------------------------------------------- hook calls
  function draftBundle() {
    return { resourceType: 'Bundle', type: 'collection', entry: state.drafts.map(resource => ({ resource })) };
  }

  /** order-select with these selections (or order-sign when sign is true); replaces the cards shown. */
  async function check(selections, sign = false) {
    if (state.drafts.length === 0) { state.cards = []; renderCards(); setStatus('No draft orders: nothing to check.'); return; }
    const context = { userId: 'Practitioner/demo-oncologist', patientId: patientId(), draftOrders: draftBundle() };
    if (!sign) context.selections = selections.map(id => `MedicationRequest/${id}`);
    state.service = sign ? SIGN : SELECT;
    const body = { hookInstance: uuid(), hook: sign ? 'order-sign' : 'order-select', context, prefetch: state.patient.prefetch };
    setStatus(`Checking (${body.hook})…`);
    const answer = await exchange('POST', `/cds-services/${state.service}`, body);
    if (answer.status === 200 && answer.json && Array.isArray(answer.json.cards)) {
      state.cards = answer.json.cards;
      renderCards();
      setStatus(`${body.hook}: ${state.cards.length} card(s).${sign && state.cards.length === 0 ? ' Ready to sign (demo: nothing is stored).' : ''}`);
    } else {
      // Never show "no cards" for a failed call: the clinician would read it as a clean check.
      state.cards = [];
      renderError(answer);
      setStatus(`${body.hook} failed.`);
    }
  }

  function renderError(answer) {
    const issue = answer.json && answer.json.issue && answer.json.issue[0];
    const why = issue ? (issue.diagnostics || (issue.details && issue.details.text) || issue.code) : answer.text;
    $('cards').replaceChildren(el('div', { className: 'alert-box', role: 'alert' },
      el('strong', { textContent: `The orders were NOT checked: the service answered ${answer.status || 'nothing'}.` }),
      el('p', { textContent: why || '' })));
  }

  // ---------------------------------------------------------------- cards
  function renderCards() {
    const box = $('cards');
    box.replaceChildren();
    if (state.cards.length === 0) {
      box.append(el('p', { className: 'empty', textContent: state.drafts.length ? 'No cards for these orders.' : 'Add an order to see decision support.' }));
      return;
    }
    state.cards.forEach((card, i) => box.append(renderCard(card, i)));
  }

  function renderCard(card, index) {
    const indicator = INDICATORS[card.indicator] ? card.indicator : 'info';
    const [glyph, name] = INDICATORS[indicator];
    const titleId = `card-${index}-title`;
    const article = el('article', { className: `card ${indicator}` });
    article.setAttribute('aria-labelledby', titleId);
    article.dataset.uuid = card.uuid || '';
    const icon = el('span', { className: 'indicator', textContent: glyph });
    icon.setAttribute('aria-hidden', 'true');
    article.append(el('header', {}, icon, el('div', {},
      el('span', { className: 'indicator-name', textContent: name }),
      el('h3', { id: titleId, textContent: card.summary || '' }))));

    if (card.detail) {
      const detail = el('div', { className: 'detail' });
      detail.innerHTML = DOMPurify.sanitize(marked.parse(card.detail, { gfm: true, async: false }));
      article.append(detail);
    }

    if (card.source) {
      const source = el('p', { className: 'source' }, 'Source: ');
      const url = safeUrl(card.source.url);
      const iconUrl = safeUrl(card.source.icon);
      if (iconUrl) source.append(el('img', { src: iconUrl, alt: '', width: 16, height: 16 }), ' ');
      source.append(url ? el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', textContent: card.source.label }) : card.source.label);
      article.append(source);
    }

    const links = (card.links || []).filter(l => safeUrl(l.url));
    if (links.length) {
      article.append(el('ul', { className: 'links' }, ...links.map(l =>
        el('li', {}, el('a', { href: l.url, target: '_blank', rel: 'noopener noreferrer', textContent: l.label })))));
    }

    if (card.suggestions && card.suggestions.length) {
      const group = el('div', { className: 'suggestions', role: 'group' });
      group.setAttribute('aria-label', 'Suggestions');
      for (const s of card.suggestions) {
        const button = el('button', { type: 'button', className: s.isRecommended ? 'recommended' : '',
          textContent: s.isRecommended ? `Recommended: ${s.label}` : s.label });
        button.addEventListener('click', () => takeSuggestion(card, s));
        group.append(button);
      }
      article.append(group);
    }

    if (card.uuid) article.append(dismissForm(card, index)); // feedback needs the card's uuid (CDS Hooks 2.0 §Feedback)
    return article;
  }

  function dismissForm(card, index) {
    const form = el('form', { className: 'dismiss' });
    const reasonId = `reason-${index}`; const commentId = `comment-${index}`;
    const select = el('select', { id: reasonId }, el('option', { value: '', textContent: 'No reason given' }));
    (card.overrideReasons || []).forEach((r, i) => select.append(el('option', { value: String(i), textContent: r.display || r.code })));
    const comment = el('input', { id: commentId, type: 'text', maxLength: 500 });
    form.append(
      el('div', {}, el('label', { htmlFor: reasonId, textContent: 'Override reason' }), select),
      el('div', {}, el('label', { htmlFor: commentId, textContent: 'Comment' }), comment),
      el('button', { type: 'submit', textContent: 'Dismiss' }));
    form.addEventListener('submit', e => {
      e.preventDefault();
      const reason = select.value === '' ? null : card.overrideReasons[Number(select.value)];
      dismiss(card, reason, comment.value.trim());
    });
    return form;
  }

  async function feedback(card, entry) {
    const body = { feedback: [{ card: card.uuid, ...entry, outcomeTimestamp: new Date().toISOString() }] };
    const answer = await exchange('POST', `/cds-services/${state.service}/feedback`, body);
    return answer.status === 200;
  }

  async function takeSuggestion(card, suggestion) {
    const touched = [];
    const actions = suggestion.actions || [];
    // CDS Hooks 2.0 §Suggestion: processed as a FHIR transaction, deletes first, then creates, then updates.
    for (const a of actions.filter(x => x.type === 'delete')) {
      const ref = a.resourceId || (typeof a.resource === 'string' ? a.resource : a.resource && `${a.resource.resourceType}/${a.resource.id}`);
      const id = String(ref || '').split('/').pop();
      state.drafts = state.drafts.filter(r => r.id !== id);
    }
    for (const a of actions.filter(x => x.type === 'create' && x.resource)) {
      const resource = structuredClone(a.resource);
      if (!resource.id || state.drafts.some(r => r.id === resource.id)) resource.id = `draft-${++state.seq}`;
      state.drafts.push(resource);
      touched.push(resource.id);
    }
    for (const a of actions.filter(x => x.type === 'update' && x.resource)) {
      const i = state.drafts.findIndex(r => r.id === a.resource.id);
      if (i >= 0) { state.drafts[i] = structuredClone(a.resource); touched.push(a.resource.id); }
    }
    renderDrafts();
    const stored = card.uuid ? await feedback(card, { outcome: 'accepted', acceptedSuggestions: [{ id: suggestion.uuid }] }) : false;
    setStatus(`Applied "${suggestion.label}"${stored ? '; feedback sent' : ''}.`);
    await check(touched.length ? touched : state.drafts.map(r => r.id));
  }

  async function dismiss(card, reason, comment) {
    const entry = { outcome: 'overridden' };
    if (reason || comment) {
      entry.overrideReason = {};
      if (reason) entry.overrideReason.reason = { system: reason.system, code: reason.code, display: reason.display };
      if (comment) entry.overrideReason.userComment = comment;
    }
    const stored = await feedback(card, entry);
    if (!stored) { setStatus('The override could not be recorded; the card stays.'); return; }
    state.cards = state.cards.filter(c => c !== card);
    renderCards();
    setStatus(`Card dismissed${reason ? ` (${reason.display || reason.code})` : ''}; override recorded.`);
  }

  $('patient').addEventListener('change', e => choosePatient(e.target.value));
  $('order-form').addEventListener('submit', addDraft);
  $('sign').addEventListener('click', () => check([], true));
  load().then(() => { renderDrafts(); renderCards(); });
})();
