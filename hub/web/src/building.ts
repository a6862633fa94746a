// The building panel (latest placard, trapped persons reported in it,
// category, confidence, hazards, history, worksites on it) and the report view, which shows the
// assessment's self-contained HTML page in a sandboxed iframe. The page
// is fetched with the bearer token and given to the iframe as srcdoc,
// since an iframe cannot send the Authorization header itself; the
// sandbox (no scripts, opaque origin) keeps the page away from the token.

import { APIError, api, serverNow } from './api';
import { h, replace } from './dom';
import { ago, category, isoTitle, localTime, percent } from './format';
import { placardBadge } from './map';
import { Building, BuildingDetail, PLACARDS, Trapped, Worksite, buildingDetail, trappedList, trappedTotal } from './model';

export interface BuildingPanelHooks {
  back(): void;
  openReport(buildingID: string, assessmentID: string): void;
  showWorksite(code: string): void;
  worksites(): Worksite[];
  trapped(): TrappedState;
}

/** TrappedState is what the panel knows of the trapped-person reports of one building. */
export interface TrappedState {
  buildingID: string;
  reports: Trapped[] | null; // null: not read yet
  error: string;
}

/** loadBuilding fetches GET /api/v1/buildings/{id}; fallback is what the map knows. */
export async function loadBuilding(id: string): Promise<BuildingDetail> {
  const data = await api('GET', `api/v1/buildings/${encodeURIComponent(id)}`);
  const b = buildingDetail(data);
  if (!b) throw new APIError(200, `The hub sent no usable record for building ${id}.`, null);
  return b;
}

/** loadTrapped fetches GET /api/v1/trapped?building_id=ID, newest report first. */
export async function loadTrapped(id: string): Promise<Trapped[]> {
  const list = trappedList(await api('GET', `api/v1/trapped?building_id=${encodeURIComponent(id)}`));
  return trappedOf(list, id, true);
}

/** loadAllTrapped fetches GET /api/v1/trapped: every report the caller may see ([] for a public viewer). */
export async function loadAllTrapped(): Promise<Trapped[]> {
  return trappedList(await api('GET', 'api/v1/trapped'));
}

/**
 * trappedOf picks building id's reports from list, newest first; with
 * unnamed, reports without a building id count as its own (a list the hub
 * filtered by building_id).
 */
export function trappedOf(list: Trapped[], id: string, unnamed = false): Trapped[] {
  return list
    .filter((t) => t.buildingID === id || (unnamed && t.buildingID === ''))
    .sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
}

/**
 * renderTrapped fills the panel's trapped-persons section: nothing (hidden)
 * while loading or when no report is seen, a short error line when the
 * list could not be read, else the total and each report. data-state says
 * which (loading, none, error, some).
 */
export function renderTrapped(el: HTMLElement, id: string, t: TrappedState): void {
  const mine = t.buildingID === id ? t : { buildingID: id, reports: null, error: '' };
  const reports = mine.reports;
  const now = serverNow();
  el.className = 'trapped';
  if (reports && reports.length > 0) {
    const total = trappedTotal(reports);
    el.dataset.state = 'some';
    el.hidden = false;
    el.classList.add('trapped-some');
    replace(
      el,
      h('h3', { class: 'trapped-head' }, h('span', { class: 'trapped-sym', 'aria-hidden': 'true' }, '⚠'), ' Trapped persons'),
      h(
        'p',
        { class: 'trapped-total' },
        h('strong', { class: 'trapped-n', 'data-field': 'trapped-total' }, String(total)),
        ' ',
        total === 1 ? 'person' : 'persons',
        ' reported trapped',
        h('span', { class: 'muted small' }, ` · ${reports.length} ${reports.length === 1 ? 'report' : 'reports'}`),
      ),
      mine.error ? h('p', { class: 'msg msg-error small', role: 'alert' }, 'Trapped persons could not be refreshed: ', mine.error) : null,
      h(
        'ul',
        { class: 'trapped-list' },
        reports.map((r) =>
          h(
            'li',
            { 'data-report': r.id, 'data-count': r.count },
            h(
              'div',
              { class: 'trapped-line' },
              h('strong', null, `${r.count} ${r.count === 1 ? 'person' : 'persons'}`),
              ' · ',
              h('span', { class: 'trapped-who' }, [r.org, r.actor].filter((x) => x).join(' · ') || 'unknown team'),
              r.created
                ? h('span', { class: 'muted', title: isoTitle(r.created) }, ' · ', localTime(r.created, now), ' (', ago(r.created, now), ')')
                : null,
            ),
            r.locations.length
              ? h(
                  'ul',
                  { class: 'trapped-locs' },
                  r.locations.map((l) => {
                    const at = `${l.lat.toFixed(5)}, ${l.lon.toFixed(5)}`;
                    return h('li', { 'data-field': 'trapped-location' }, l.note ? `${l.note} (${at})` : at);
                  }),
                )
              : h('p', { class: 'muted small trapped-noloc' }, 'No location given.'),
          ),
        ),
      ),
    );
    return;
  }
  if (mine.error) {
    el.dataset.state = 'error';
    el.hidden = false;
    replace(el, h('p', { class: 'msg msg-error small', role: 'alert' }, 'Trapped persons could not be read: ', mine.error));
    return;
  }
  // None seen (a public viewer always sees none) or not read yet: nothing,
  // so that "none" is never mistaken for "none reported".
  el.dataset.state = reports ? 'none' : 'loading';
  el.hidden = true;
  replace(el);
}

export function renderBuilding(
  el: HTMLElement,
  id: string,
  b: BuildingDetail | Building | null,
  err: string,
  hooks: BuildingPanelHooks,
): void {
  const back = h('button', { class: 'btn btn-ghost back', type: 'button', onclick: () => hooks.back() }, '← All buildings');
  if (!b) {
    replace(
      el,
      back,
      h('h2', { class: 'bld-title' }, id),
      err ? h('p', { class: 'msg msg-error', role: 'alert' }, err) : h('p', { class: 'muted' }, 'Loading…'),
    );
    return;
  }
  const info = PLACARDS[b.placard];
  const now = serverNow();
  const history = 'history' in b ? b.history : null;
  const hazards = b.hazards;
  const sites = hooks.worksites().filter((w) => w.buildingID === b.id);
  const trappedEl = h('section', { 'data-section': 'trapped', 'aria-label': 'Trapped persons' });
  renderTrapped(trappedEl, b.id, hooks.trapped());
  const reportBtn = b.assessmentID
    ? h(
        'button',
        { class: 'btn btn-primary btn-block', type: 'button', 'data-action': 'report', onclick: () => hooks.openReport(b.id, b.assessmentID) },
        'Open full assessment report',
      )
    : h('p', { class: 'muted' }, 'No assessment report on the hub yet.');

  replace(
    el,
    back,
    h(
      'article',
      { class: 'bld', 'data-building': b.id },
      h('h2', { class: 'bld-title' }, b.name || b.id),
      h('p', { class: 'bld-id' }, 'Building ', h('code', null, b.id)),
      h(
        'div',
        { class: `placard-card placard-${b.placard}`, style: `border-color:${info.colour}` },
        placardBadge(b.placard, 'big'),
        h('p', { class: 'placard-meaning' }, info.meaning),
      ),
      trappedEl,
      err ? h('p', { class: 'msg msg-warn', role: 'status' }, err) : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Condition'),
        h('dd', { 'data-field': 'category' }, category(b.category)),
        h('dt', null, 'Confidence'),
        h('dd', { 'data-field': 'confidence' }, confidenceBar(b.confidence)),
        h('dt', null, 'Last assessed'),
        h(
          'dd',
          { title: isoTitle(b.lastAssessed) },
          localTime(b.lastAssessed, now),
          b.lastAssessed ? h('span', { class: 'muted' }, ' (', ago(b.lastAssessed, now), ')') : null,
        ),
        h('dt', null, 'Location'),
        h('dd', null, b.lat !== null && b.lon !== null ? `${b.lat.toFixed(5)}, ${b.lon.toFixed(5)}` : 'not shared'),
      ),
      h('h3', null, 'Hazards'),
      hazards === null
        ? h('p', { class: 'muted' }, 'Loading…')
        : hazards.length === 0
          ? h('p', { class: 'muted', 'data-field': 'hazards' }, 'None reported.')
          : h(
              'ul',
              { class: 'hazards', 'data-field': 'hazards' },
              hazards.map((z) => h('li', null, h('span', { class: 'hz-sym', 'aria-hidden': 'true' }, '⚠'), h('strong', null, z.kind), z.detail ? ': ' + z.detail : '')),
            ),
      reportBtn,
      sites.length
        ? [
            h('h3', null, 'Worksites'),
            h(
              'ul',
              { class: 'bld-sites' },
              sites.map((w) =>
                h(
                  'li',
                  null,
                  h('button', { class: 'link', type: 'button', onclick: () => hooks.showWorksite(w.code) }, w.code),
                  ' ',
                  w.holder ? `held by ${w.holder.team}` : 'free',
                ),
              ),
            ),
          ]
        : null,
      h('h3', null, 'History'),
      history === null
        ? h('p', { class: 'muted' }, 'Loading…')
        : history.length === 0
          ? h('p', { class: 'muted' }, 'No earlier assessments.')
          : h(
              'table',
              { class: 'history' },
              h('thead', null, h('tr', null, h('th', null, 'When'), h('th', null, 'Placard'), h('th', null, 'Conf.'), h('th', null, ''))),
              h(
                'tbody',
                null,
                history.map((e) =>
                  h(
                    'tr',
                    null,
                    h('td', { title: isoTitle(e.created) }, localTime(e.created, now)),
                    h('td', null, placardBadge(e.placard, 'compact'), e.category ? h('div', { class: 'muted small' }, e.category) : null),
                    h('td', null, percent(e.confidence)),
                    h(
                      'td',
                      null,
                      e.assessmentID
                        ? h('button', { class: 'btn btn-small', type: 'button', onclick: () => hooks.openReport(b.id, e.assessmentID) }, 'Report')
                        : null,
                    ),
                  ),
                ),
              ),
            ),
    ),
  );
}

function confidenceBar(c: number | null): Node {
  if (c === null) return document.createTextNode('—');
  const p = c <= 1 ? c * 100 : c;
  return h(
    'span',
    { class: 'conf' },
    h('span', { class: 'conf-bar', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.max(0, Math.min(100, p)).toFixed(0)}%` })),
    ' ',
    percent(c),
  );
}

let lastBlob = '';

/** showReport fills the report view with the assessment's HTML page. */
export async function showReport(el: HTMLElement, title: string, assessmentID: string, close: () => void): Promise<void> {
  const status = h('p', { class: 'muted report-status' }, 'Loading the report…');
  const dl = h('a', { class: 'btn', hidden: true, download: `struna-report-${safeName(assessmentID)}.html` }, 'Download HTML');
  const header = h(
    'div',
    { class: 'report-bar' },
    h('button', { class: 'btn btn-primary', type: 'button', onclick: close }, '← Back to building'),
    h('h2', null, 'Report: ', title),
    dl,
  );
  replace(el, header, status);
  let html: unknown;
  try {
    html = await api('GET', `api/v1/assessments/${encodeURIComponent(assessmentID)}/html`);
  } catch (e) {
    replace(el, header, h('p', { class: 'msg msg-error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
    return;
  }
  if (typeof html !== 'string' || html === '') {
    replace(el, header, h('p', { class: 'msg msg-error', role: 'alert' }, `The hub sent no HTML for assessment ${assessmentID}.`));
    return;
  }
  const frame = h('iframe', { class: 'report-frame', title: `Assessment report ${assessmentID}`, sandbox: '', referrerpolicy: 'no-referrer' });
  frame.srcdoc = html;
  if (lastBlob) URL.revokeObjectURL(lastBlob);
  const blob = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
  lastBlob = blob;
  dl.setAttribute('href', blob);
  dl.hidden = false;
  replace(el, header, frame);
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'report';
}
