// struna hub web UI: entry point. Lays out the page, routes on the URL
// hash (#/map, #/b/ID, #/b/ID/report/AID, #/worksites[/CODE], #/relief), keeps the
// data fresh from the live event stream, and asks for the access token.

import 'leaflet/dist/leaflet.css';
import './style.css';

import { APIError, api, getToken, setToken, setUnauthorizedHandler } from './api';
import { BuildingPanelHooks, TrappedState, loadAllTrapped, loadBuilding, loadTrapped, renderBuilding, renderTrapped, showReport, trappedOf } from './building';
import { $, h, replace } from './dom';
import { placardText } from './format';
import { BuildingList } from './list';
import { Live, LiveState } from './live';
import { MapView } from './map';
import { Building, BuildingDetail, Me, Team, Worksite, building, buildingsFromGeoJSON, me as parseMe, obj, str, trappedTotal, trappedTotals } from './model';
import { ReliefView } from './relief';
import { Board, loadTeams, loadWorksites } from './worksites';

interface State {
  me: Me | null;
  worksites: Worksite[];
  worksitesError: string;
  teams: Team[];
  teamsError: string;
  detail: BuildingDetail | null;
  trapped: TrappedState;
  trappedCounts: Map<string, number> | null; // persons reported trapped per building id; null: not read yet
}

const state: State = {
  me: null,
  worksites: [],
  worksitesError: '',
  teams: [],
  teamsError: '',
  detail: null,
  trapped: { buildingID: '', reports: null, error: '' },
  trappedCounts: null,
};

// ---- layout ---------------------------------------------------------------

const liveChip = h('span', { class: 'live live-connecting', id: 'live', role: 'status' }, '◌ Connecting…');
const whoBtn = h('button', { class: 'who', id: 'who', type: 'button' }, 'Sign in');
const tabMap = h('a', { class: 'tab', href: '#/map', id: 'tab-map' }, 'Map');
const tabWs = h('a', { class: 'tab', href: '#/worksites', id: 'tab-worksites' }, 'Worksites');
const tabRelief = h('a', { class: 'tab', href: '#/relief', id: 'tab-relief' }, 'Relief');
const mapEl = h('div', { id: 'map', class: 'map', role: 'region', 'aria-label': 'Map of buildings, safe areas and hazards' });
const side = h('aside', { class: 'side', id: 'side' });
const listEl = h('div', { class: 'side-list' });
const detailEl = h('div', { class: 'side-detail', id: 'building-panel', hidden: true });
side.append(listEl, detailEl);
const mapView = h('section', { class: 'view view-map', id: 'view-map' }, mapEl, side);
const wsView = h('section', { class: 'view view-worksites', id: 'view-worksites', hidden: true });
const reliefView = h('section', { class: 'view view-relief', id: 'view-relief', hidden: true });
const reportView = h('section', { class: 'view view-report', id: 'view-report', hidden: true });
const toasts = h('div', { class: 'toasts', 'aria-live': 'polite' });

replace(
  $('#app'),
  h(
    'header',
    { class: 'top' },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '◆'), ' struna ', h('span', { class: 'brand-sub' }, 'hub')),
    h('nav', { class: 'tabs', 'aria-label': 'Views' }, tabMap, tabWs, tabRelief),
    h('div', { class: 'top-right' }, liveChip, whoBtn),
  ),
  h('main', { class: 'main' }, mapView, wsView, reliefView, reportView),
  toasts,
);

function toast(text: string, kind: 'info' | 'error' | 'red' = 'info'): void {
  const t = h('div', { class: `toast toast-${kind}` }, text);
  toasts.appendChild(t);
  window.setTimeout(() => t.remove(), kind === 'info' ? 5000 : 9000);
  while (toasts.children.length > 4) toasts.firstElementChild?.remove();
}

// ---- token dialog ---------------------------------------------------------

const tokenInput = h('input', { type: 'password', id: 'token-input', autocomplete: 'off', spellcheck: 'false', required: true });
const tokenMsg = h('p', { class: 'dialog-msg', role: 'alert' });
const dialog = h(
  'dialog',
  { class: 'dialog', id: 'token-dialog', 'aria-labelledby': 'token-title' },
  h(
    'form',
    { method: 'dialog', id: 'token-form' },
    h('h2', { id: 'token-title' }, 'Access token'),
    h('p', null, 'Paste the token your coordinator gave you. It is kept in this browser only and sent to this hub only.'),
    tokenMsg,
    h('label', { for: 'token-input' }, 'Token'),
    tokenInput,
    h(
      'label',
      { class: 'check' },
      h('input', {
        type: 'checkbox',
        onchange: (e: Event) => {
          tokenInput.type = (e.target as HTMLInputElement).checked ? 'text' : 'password';
        },
      }),
      ' Show token',
    ),
    h(
      'div',
      { class: 'dialog-buttons' },
      h('button', { class: 'btn btn-primary', type: 'submit', value: 'save', id: 'token-save' }, 'Sign in'),
      h('button', { class: 'btn', type: 'submit', value: 'cancel', formnovalidate: true }, 'Cancel'),
      h('button', { class: 'btn btn-danger', type: 'submit', value: 'clear', formnovalidate: true, id: 'token-clear' }, 'Sign out'),
    ),
  ),
);
document.body.appendChild(dialog);

function askToken(message: string): void {
  tokenMsg.textContent = message;
  tokenInput.value = getToken();
  if (!dialog.open) dialog.showModal();
  tokenInput.focus();
}

dialog.addEventListener('close', () => {
  const v = dialog.returnValue;
  if (v === 'save' && tokenInput.value.trim()) {
    setToken(tokenInput.value.trim());
    signedIn();
  } else if (v === 'clear') {
    setToken('');
    state.me = null;
    renderWho();
    live.stop();
    setLive('offline');
    askToken('Signed out.');
  }
});
whoBtn.addEventListener('click', () => askToken(''));

let unauthorizedShown = false;
setUnauthorizedHandler(() => {
  if (unauthorizedShown) return;
  unauthorizedShown = true;
  askToken('The hub did not accept this token (it may be wrong, revoked or expired). Paste a valid one.');
});

function renderWho(): void {
  const m = state.me;
  relief.setMe(m);
  if (!m) {
    replace(whoBtn, 'Sign in');
    whoBtn.title = 'Enter an access token';
    return;
  }
  replace(whoBtn, h('span', { class: 'who-org' }, m.org || '?'), ' · ', h('span', { class: 'who-role' }, m.role || '?'));
  whoBtn.title = `Token “${m.tokenName}” — click to change`;
}

// ---- live -----------------------------------------------------------------

function setLive(s: LiveState): void {
  const text: Record<LiveState, string> = { connecting: '◌ Connecting…', live: '● Live', reconnecting: '◌ Reconnecting…', offline: '✕ Offline' };
  liveChip.className = `live live-${s}`;
  liveChip.textContent = text[s];
  liveChip.title = s === 'live' ? 'Updates arrive as they happen' : 'Live updates are not arriving; the view may be out of date';
}

const reloadTimers: Record<string, number> = {};
function debounce(key: string, f: () => void, ms = 300): void {
  window.clearTimeout(reloadTimers[key]);
  reloadTimers[key] = window.setTimeout(f, ms);
}

const live = new Live({
  state: setLive,
  resync: () => void loadAll(),
  event: (kind, data) => {
    const o = obj(data);
    switch (kind) {
      case 'worksite':
        debounce('worksites', () => void reloadWorksites(), 150);
        break;
      case 'area':
        debounce('areas', () => void loadAreas(), 300);
        break;
      case 'relief':
        debounce('relief', () => void relief.loadRequests(), 300);
        break;
      case 'call':
        relief.onCallEvent(data);
        break;
      case 'message':
      case 'receipt':
        debounce('messages', () => void relief.loadMessages(), 300);
        break;
      case 'building': {
        const b = building(data);
        if (b && b.lat !== null) applyBuilding(b);
        else if (o && str(o.id)) void refreshBuilding(str(o.id));
        else debounce('buildings', () => void loadBuildings(), 500);
        break;
      }
      case 'trapped':
        // The hub sends the record only when it is public, which a trapped
        // report never is: re-read every report (the map's and the list's
        // counts, and the open building's panel, from one request).
        debounce('trapped', () => void reloadAllTrapped(), 200);
        break;
      case 'assessment': {
        const id = str(o?.building_id);
        if (id) void refreshBuilding(id);
        else debounce('buildings', () => void loadBuildings(), 500);
        break;
      }
    }
  },
});

function applyBuilding(b: Building): void {
  if (!map) return;
  const old = map.getBuilding(b.id);
  map.upsertBuilding(b);
  list.set(map.allBuildings());
  if (old && old.placard !== b.placard) {
    toast(`${b.name || b.id}: ${placardText(old.placard)} → ${placardText(b.placard)}`, b.placard === 'red' ? 'red' : 'info');
  } else if (!old) {
    toast(`New building ${b.name || b.id}: ${placardText(b.placard)}`, b.placard === 'red' ? 'red' : 'info');
  }
  if (route().building === b.id) void openBuilding(b.id, false);
}

async function refreshBuilding(id: string): Promise<void> {
  try {
    const d = await loadBuilding(id);
    applyBuilding(d);
  } catch {
    debounce('buildings', () => void loadBuildings(), 500);
  }
}

// ---- data -----------------------------------------------------------------

let map: MapView | null = null;
const list = new BuildingList(listEl, (id) => go(`#/b/${encodeURIComponent(id)}`));
const relief = new ReliefView(reliefView);
const board = new Board(wsView, {
  reload: () => reloadWorksites(),
  showOnMap: (w) => {
    go('#/map');
    if (map && w.lat !== null && w.lon !== null) map.map.setView([w.lat, w.lon], Math.max(map.map.getZoom(), 17));
  },
});

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function loadMe(): Promise<boolean> {
  try {
    state.me = parseMe(await api('GET', 'api/v1/me'));
    unauthorizedShown = false;
    renderWho();
    return true;
  } catch (e) {
    state.me = null;
    renderWho();
    if (!(e instanceof APIError && e.status === 401)) toast(`Who am I: ${errText(e)}`, 'error');
    return false;
  }
}

async function loadBuildings(): Promise<void> {
  let items: Building[] = [];
  let err = '';
  try {
    items = buildingsFromGeoJSON(await api('GET', 'api/v1/buildings.geojson'));
  } catch (e) {
    if (e instanceof APIError && (e.status === 404 || e.status === 405)) {
      try {
        const data = await api('GET', 'api/v1/buildings');
        items = (Array.isArray(data) ? data : []).map(building).filter((b): b is Building => b !== null);
      } catch (e2) {
        err = errText(e2);
      }
    } else {
      err = errText(e);
    }
  }
  if (map && !err) map.setBuildings(items);
  list.set(map ? map.allBuildings() : items, err ? `Buildings could not be read: ${err}` : '');
}

async function loadAreas(): Promise<void> {
  try {
    map?.setAreas(await api('GET', 'api/v1/areas.geojson'));
  } catch (e) {
    if (!(e instanceof APIError && e.status === 401)) toast(`Safe areas could not be read: ${errText(e)}`, 'error');
  }
}

async function reloadWorksites(): Promise<void> {
  const [ws, ts] = await Promise.allSettled([loadWorksites(), loadTeams()]);
  if (ws.status === 'fulfilled') {
    state.worksites = ws.value;
    state.worksitesError = '';
  } else {
    state.worksitesError = errText(ws.reason);
  }
  if (ts.status === 'fulfilled') {
    state.teams = ts.value;
    state.teamsError = '';
  } else {
    state.teamsError = errText(ts.reason);
  }
  board.update({ ...state });
  map?.setWorksites(state.worksites);
}

let loading: Promise<void> | null = null;
function loadAll(): Promise<void> {
  if (loading) return loading;
  loading = (async () => {
    if (!(await loadMe())) return;
    await Promise.allSettled([loadBuildings(), loadAreas(), reloadWorksites(), relief.loadAll(), reloadAllTrapped()]);
    const r = route();
    if (r.building) void openBuilding(r.building, false);
  })().finally(() => {
    loading = null;
  });
  return loading;
}

function signedIn(): void {
  unauthorizedShown = false;
  void loadAll().then(() => {
    if (state.me) live.restart();
  });
}

// ---- routing --------------------------------------------------------------

interface Route {
  view: 'map' | 'worksites' | 'relief' | 'report';
  building: string;
  assessment: string;
  worksite: string;
}

function route(): Route {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  const r: Route = { view: 'map', building: '', assessment: '', worksite: '' };
  if (parts[0] === 'relief') {
    r.view = 'relief';
  } else if (parts[0] === 'worksites') {
    r.view = 'worksites';
    r.worksite = parts[1] ?? '';
  } else if (parts[0] === 'b' && parts[1]) {
    r.building = parts[1];
    if (parts[2] === 'report' && parts[3]) {
      r.view = 'report';
      r.assessment = parts[3];
    }
  }
  return r;
}

function go(hash: string): void {
  if (location.hash === hash) onRoute();
  else location.hash = hash;
}

const panelHooks: BuildingPanelHooks = {
  back: () => go('#/map'),
  openReport: (bid, aid) => go(`#/b/${encodeURIComponent(bid)}/report/${encodeURIComponent(aid)}`),
  showWorksite: (code) => go(`#/worksites/${encodeURIComponent(code)}`),
  worksites: () => state.worksites,
  trapped: () => state.trapped,
};

let trappedSeq = 0; // the open panel's trapped reports: only the newest read counts
/** reloadTrapped re-reads the trapped-person reports of building id (on opening it) and redraws the panel's section. */
async function reloadTrapped(id: string): Promise<void> {
  if (!id) return;
  const seq = ++trappedSeq;
  if (state.trapped.buildingID !== id) state.trapped = { buildingID: id, reports: null, error: '' };
  try {
    const reports = await loadTrapped(id);
    if (seq !== trappedSeq) return;
    state.trapped = { buildingID: id, reports, error: '' };
    noteTrappedCount(id, trappedTotal(reports));
  } catch (e) {
    if (seq !== trappedSeq) return;
    state.trapped = { buildingID: id, reports: state.trapped.reports, error: errText(e) };
  }
  showTrapped(id);
}

function showTrapped(id: string): void {
  const sec = detailEl.querySelector(`article[data-building="${CSS.escape(id)}"] [data-section="trapped"]`);
  if (sec instanceof HTMLElement) renderTrapped(sec, id, state.trapped);
}

let allTrappedSeq = 0;
/**
 * reloadAllTrapped reads every trapped-person report the caller may see,
 * once: the persons per building for the map's badges and the list, and
 * the open building's reports for its panel. On an error the counts
 * already shown stay.
 */
async function reloadAllTrapped(): Promise<void> {
  const seq = ++allTrappedSeq;
  const open = route().building;
  const pseq = open ? ++trappedSeq : -1;
  try {
    const all = await loadAllTrapped();
    if (seq !== allTrappedSeq) return;
    setTrappedCounts(trappedTotals(all));
    if (pseq === trappedSeq) state.trapped = { buildingID: open, reports: trappedOf(all, open), error: '' };
  } catch (e) {
    if (seq !== allTrappedSeq || pseq !== trappedSeq) return;
    state.trapped = { buildingID: open, reports: state.trapped.buildingID === open ? state.trapped.reports : null, error: errText(e) };
  }
  if (pseq === trappedSeq) showTrapped(open);
}

function setTrappedCounts(c: Map<string, number>): void {
  state.trappedCounts = c;
  map?.setTrapped(c);
  list.setTrapped(c);
}

/** noteTrappedCount keeps the map and the list in step with a building's freshly read reports. */
function noteTrappedCount(id: string, n: number): void {
  const c = state.trappedCounts;
  if ((c?.get(id) ?? 0) === n) return;
  const next = new Map(c ?? []);
  if (n > 0) next.set(id, n);
  else next.delete(id);
  setTrappedCounts(next);
}

let openSeq = 0;
async function openBuilding(id: string, pan: boolean): Promise<void> {
  const seq = ++openSeq;
  const known = map?.getBuilding(id) ?? null;
  const prev = state.detail && state.detail.id === id ? state.detail : null;
  if (state.trapped.buildingID !== id) state.trapped = { buildingID: id, reports: null, error: '' };
  renderBuilding(detailEl, id, prev ?? known, '', panelHooks);
  void reloadTrapped(id);
  map?.select(id, pan);
  try {
    const d = await loadBuilding(id);
    if (seq !== openSeq) return;
    state.detail = d;
    renderBuilding(detailEl, id, d, '', panelHooks);
    if (!known || known.lat !== d.lat || known.placard !== d.placard) {
      map?.upsertBuilding(d);
      map?.select(id, pan);
    }
  } catch (e) {
    if (seq !== openSeq) return;
    const msg = e instanceof APIError && e.status === 404 ? `Building ${id} is not on the hub, or is not shared with you.` : `Details could not be read: ${errText(e)}`;
    renderBuilding(detailEl, id, prev ?? known, msg, panelHooks);
  }
}

function onRoute(): void {
  const r = route();
  mapView.hidden = r.view !== 'map';
  wsView.hidden = r.view !== 'worksites';
  reliefView.hidden = r.view !== 'relief';
  reportView.hidden = r.view !== 'report';
  const tabOf = r.view === 'worksites' ? tabWs : r.view === 'relief' ? tabRelief : tabMap;
  for (const t of [tabMap, tabWs, tabRelief]) {
    t.classList.toggle('active', t === tabOf);
    t.setAttribute('aria-current', t === tabOf ? 'page' : 'false');
  }
  if (r.view === 'map') {
    listEl.hidden = r.building !== '';
    detailEl.hidden = r.building === '';
    if (r.building) void openBuilding(r.building, true);
    else {
      map?.select(null);
      state.detail = null;
    }
    window.setTimeout(() => map?.invalidate(), 0);
  } else if (r.view === 'worksites') {
    if (r.worksite) board.focus(r.worksite);
  } else if (r.view === 'relief') {
    // nothing to select: the view is kept fresh by loadAll and the event stream
  } else {
    const b = map?.getBuilding(r.building);
    void showReport(reportView, b?.name || r.building, r.assessment, () => go(`#/b/${encodeURIComponent(r.building)}`));
  }
}

window.addEventListener('hashchange', onRoute);

// ---- start ----------------------------------------------------------------

async function start(): Promise<void> {
  let tiles = '';
  try {
    tiles = str(obj(await api('GET', 'api/v1/config', undefined, false))?.tiles);
  } catch {
    tiles = ''; // no config: run without tiles
  }
  // Only http(s) tile templates: anything else could not be a tile server.
  if (!/^https?:\/\//i.test(tiles) && !/^\/[^/]/.test(tiles)) tiles = '';
  map = new MapView(mapEl, {
    tiles,
    onSelectBuilding: (id) => go(`#/b/${encodeURIComponent(id)}`),
    onSelectWorksite: (code) => go(`#/worksites/${encodeURIComponent(code)}`),
  });
  // For tests and scripted checks: where a building is drawn. Read-only.
  Object.defineProperty(window, 'struna', {
    value: Object.freeze({
      buildingPoint: (id: string) => map?.containerPoint(id) ?? null,
      trappedBadge: (id: string) => map?.trappedBadge(id) ?? null,
    }),
  });
  onRoute();
  if (!getToken()) {
    setLive('offline');
    askToken('');
    return;
  }
  signedIn();
}

void start();
