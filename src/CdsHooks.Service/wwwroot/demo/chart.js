// The chart summary of a demo patient, read from the prefetch the page sends with every hook call.
// Everything is written with textContent: the FHIR data is never parsed as HTML.
'use strict';

const Chart = (() => {
  // LOINC codes the service reads (CdsServiceCatalog.ObservationCodes), grouped as a clinician reads them.
  const GROUPS = [
    ['Receptors', ['85337-4', '16112-5', '85339-0', '16113-3', '85319-2', '18474-7', '48676-1', '85318-4', '31150-6']],
    ['Weight', ['29463-7']],
    ['Platelets', ['777-3', '26515-7']],
    ['Liver tests', ['1742-6', '1743-4', '76625-3', '1920-8', '30239-8', '14409-7', '1975-2', '42719-5', '59828-4']],
    ['LVEF', ['10230-1', '18043-0', '8806-2']],
  ];

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function resources(value) {
    if (!value) return [];
    if (value.resourceType === 'Bundle') return (value.entry || []).map(e => e.resource).filter(Boolean);
    return [value];
  }

  function conceptText(cc) {
    if (!cc) return '';
    return cc.text || (cc.coding || []).map(c => c.display || c.code).find(Boolean) || '';
  }

  function day(text) { return text ? String(text).slice(0, 10) : ''; }

  function value(obs) {
    const q = obs.valueQuantity;
    if (q) return `${q.value} ${q.unit || q.code || ''}`.trim();
    if (obs.valueCodeableConcept) return conceptText(obs.valueCodeableConcept);
    if (obs.valueString) return obs.valueString;
    return obs.interpretation ? conceptText(obs.interpretation[0]) : '';
  }

  function medicationName(r, all) {
    if (r.medicationCodeableConcept) return conceptText(r.medicationCodeableConcept);
    const ref = r.medicationReference && r.medicationReference.reference;
    if (ref && ref.startsWith('#')) {
      const med = (r.contained || []).find(c => '#' + c.id === ref);
      if (med) return conceptText(med.code);
    }
    const med = all.find(m => m.resourceType === 'Medication' && ref === 'Medication/' + m.id);
    return med ? conceptText(med.code) : (r.medicationReference && r.medicationReference.display) || 'medication';
  }

  function when(r) {
    if (r.resourceType === 'MedicationRequest') return day(r.authoredOn);
    const p = r.effectivePeriod;
    if (p) return `${day(p.start)} to ${p.end ? day(p.end) : 'now'}`;
    return day(r.effectiveDateTime);
  }

  function section(title, body) {
    return el('section', {}, el('h3', { textContent: title }), body);
  }

  function list(items, emptyText) {
    if (items.length === 0) return el('p', { className: 'none', textContent: emptyText });
    return el('ul', {}, ...items.map(t => el('li', { textContent: t })));
  }

  function unavailable(prefetch, key) {
    return prefetch[key] === null || prefetch[key] === undefined;
  }

  function render(container, patient) {
    container.replaceChildren();
    if (!patient) return;
    const p = patient.prefetch;
    const person = resources(p.patient)[0] || {};
    const born = person.birthDate ? ` born ${person.birthDate}` : '';
    container.append(el('p', { textContent: `${person.gender || ''}${born}`.trim() }));

    const conditions = resources(p.conditions).filter(c => c.resourceType === 'Condition');
    container.append(section('Diagnoses and metastatic sites', unavailable(p, 'conditions')
      ? el('p', { className: 'none', textContent: 'No diagnoses on record' })
      : list(conditions.map(c => {
          const status = conceptText(c.clinicalStatus) || (c.clinicalStatus && c.clinicalStatus.coding && c.clinicalStatus.coding[0].code) || '';
          return `${conceptText(c.code)} (${[day(c.onsetDateTime), status].filter(Boolean).join(', ')})`;
        }), 'None recorded')));

    const observations = resources(p.observations).filter(o => o.resourceType === 'Observation')
      .sort((a, b) => String(b.effectiveDateTime || '').localeCompare(String(a.effectiveDateTime || '')));
    const dl = el('dl');
    for (const [title, codes] of GROUPS) {
      const latest = new Map(); // latest value per code within the group
      for (const o of observations) {
        const code = ((o.code && o.code.coding) || []).map(c => c.code).find(c => codes.includes(c));
        if (code && !latest.has(code)) latest.set(code, o);
      }
      const text = [...latest.values()].map(o => `${conceptText(o.code).replace(/ in Breast cancer specimen| \[.*?\]| in Serum or Plasma| in Blood by Automated count/g, '')}: ${value(o)} (${day(o.effectiveDateTime)})`);
      dl.append(el('dt', { textContent: title }), el('dd', { textContent: text.length ? text.join('; ') : 'none on record' }));
    }
    container.append(section('Receptors and latest results', dl));

    const all = [...resources(p.medicationRequests), ...resources(p.medicationStatements), ...resources(p.medicationAdministrations)];
    const therapy = new Map(); // one line per drug and kind of record: administrations come by the dozen
    for (const r of all.filter(r => r.resourceType && r.resourceType.startsWith('Medication') && r.resourceType !== 'Medication')) {
      const key = `${medicationName(r, all)}|${r.resourceType}`;
      const line = therapy.get(key) || { name: medicationName(r, all), kind: r.resourceType.replace('Medication', '').toLowerCase(), dates: [], statuses: new Set() };
      line.dates.push(when(r));
      line.statuses.add(r.status);
      therapy.set(key, line);
    }
    const lines = [...therapy.values()].map(l => {
      const dates = l.dates.filter(Boolean).sort();
      const range = dates.length > 1 ? `${dates[0].slice(0, 10)} … ${dates[dates.length - 1].slice(-10)}, ${dates.length}×` : dates[0] || '';
      return `${l.name}: ${l.kind} ${[...l.statuses].join('/')} ${range}`.trim();
    });
    container.append(section('Current and past therapy', list(lines, 'No medication history on record')));
  }

  return { render, el };
})();
