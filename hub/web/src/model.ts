// Normalisation of what the hub sends. Sharing rules may strip any field
// of any record, and older or newer servers may add or drop some, so
// nothing here assumes a field exists or has the expected type: every
// reader returns a well-typed value with an explicit "absent".

export type Placard = 'green' | 'yellow' | 'red' | 'unknown';

export interface PlacardInfo {
  colour: string; // fill colour on map and badges
  ink: string; // text colour on that fill (contrast ≥ 4.5:1)
  symbol: string; // shape cue so colour is never the only cue
  word: string; // ATC-20 placard word
  meaning: string; // what a responder does
  rank: number; // sort order: most dangerous first
}

export const PLACARDS: Record<Placard, PlacardInfo> = {
  red: { colour: '#c62828', ink: '#ffffff', symbol: '✕', word: 'UNSAFE', meaning: 'Do not enter', rank: 0 },
  yellow: { colour: '#f5c518', ink: '#1a1a1a', symbol: '!', word: 'RESTRICTED USE', meaning: 'Enter with restrictions', rank: 1 },
  green: { colour: '#1e7d32', ink: '#ffffff', symbol: '✓', word: 'INSPECTED', meaning: 'Safe to enter', rank: 2 },
  unknown: { colour: '#6b6f76', ink: '#ffffff', symbol: '?', word: 'NOT ASSESSED', meaning: 'No placard yet', rank: 3 },
};

export function placard(v: unknown): Placard {
  return v === 'green' || v === 'yellow' || v === 'red' ? v : 'unknown';
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function obj(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** time parses an RFC 3339 string; null if absent or not a time. */
export function time(v: unknown): Date | null {
  if (typeof v !== 'string' || v === '') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface Hazard {
  kind: string;
  detail: string;
}

export interface Building {
  id: string;
  name: string;
  lat: number | null;
  lon: number | null;
  placard: Placard;
  category: string;
  confidence: number | null;
  lastAssessed: Date | null;
  assessmentID: string;
  hazards: Hazard[] | null; // null: the source did not say (GeoJSON has no hazards)
}

export interface HistoryEntry {
  assessmentID: string;
  created: Date | null;
  placard: Placard;
  category: string;
  confidence: number | null;
}

export interface BuildingDetail extends Building {
  history: HistoryEntry[];
}

function hazards(v: unknown): Hazard[] | null {
  if (!Array.isArray(v)) return null;
  const out: Hazard[] = [];
  for (const x of v) {
    if (typeof x === 'string') out.push({ kind: x, detail: '' });
    const o = obj(x);
    if (o) out.push({ kind: str(o.kind) || str(o.name) || 'hazard', detail: str(o.detail) || str(o.description) });
  }
  return out;
}

/** building reads one record of GET /api/v1/buildings or a building event; null if it has no id. */
export function building(v: unknown): Building | null {
  const o = obj(v);
  if (!o) return null;
  const id = str(o.id);
  if (!id) return null;
  let lat = num(o.lat);
  let lon = num(o.lon);
  if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    lat = null;
    lon = null;
  }
  return {
    id,
    name: str(o.name),
    lat,
    lon,
    placard: placard(o.placard),
    category: str(o.category),
    confidence: num(o.confidence),
    lastAssessed: time(o.last_assessed),
    assessmentID: str(o.assessment_id),
    hazards: hazards(o.hazards),
  };
}

export function buildingDetail(v: unknown): BuildingDetail | null {
  const b = building(v);
  if (!b) return null;
  const o = obj(v)!;
  const history: HistoryEntry[] = [];
  for (const x of arr(o.history)) {
    const e = obj(x);
    if (!e) continue;
    history.push({
      assessmentID: str(e.assessment_id),
      created: time(e.created),
      placard: placard(e.placard),
      category: str(e.category),
      confidence: num(e.confidence),
    });
  }
  return { ...b, history };
}

/** buildingsFromGeoJSON reads GET /api/v1/buildings.geojson. */
export function buildingsFromGeoJSON(v: unknown): Building[] {
  const out: Building[] = [];
  for (const f of arr(obj(v)?.features)) {
    const fo = obj(f);
    const p = obj(fo?.properties) ?? {};
    const g = obj(fo?.geometry);
    const c = g && g.type === 'Point' ? arr(g.coordinates) : [];
    const b = building({ ...p, lon: c[0], lat: c[1] });
    if (b) out.push(b);
  }
  return out;
}

export interface Holder {
  team: string;
  org: string;
  since: Date | null;
  until: Date | null;
}

export interface Worksite {
  code: string;
  name: string;
  lat: number | null;
  lon: number | null;
  sector: string;
  buildingID: string;
  holder: Holder | null;
}

export function worksite(v: unknown): Worksite | null {
  const o = obj(v);
  if (!o) return null;
  const code = str(o.code);
  if (!code) return null;
  const ho = obj(o.holder);
  return {
    code,
    name: str(o.name),
    lat: num(o.lat),
    lon: num(o.lon),
    sector: str(o.sector),
    buildingID: str(o.building_id),
    holder: ho && str(ho.team)
      ? { team: str(ho.team), org: str(ho.org), since: time(ho.since), until: time(ho.until) }
      : null,
  };
}

export interface Team {
  id: string;
  name: string;
  org: string;
}

export function team(v: unknown): Team | null {
  const o = obj(v);
  if (!o || !str(o.name)) return null;
  return { id: str(o.id), name: str(o.name), org: str(o.org) };
}

export interface Me {
  org: string;
  role: string;
  tokenName: string;
}

export function me(v: unknown): Me {
  const o = obj(v) ?? {};
  return { org: str(o.org), role: str(o.role), tokenName: str(o.token_name) };
}

const ROLE_RANK: Record<string, number> = { viewer: 0, field: 1, coordinator: 2, admin: 3 };

/** atLeast reports whether role is at least min in admin > coordinator > field > viewer. */
export function atLeast(role: string, min: 'viewer' | 'field' | 'coordinator' | 'admin'): boolean {
  return (ROLE_RANK[role] ?? -1) >= ROLE_RANK[min];
}

export type AreaKind = 'assembly' | 'base' | 'helipad' | 'hazard' | 'other';

export function areaKind(v: unknown): AreaKind {
  return v === 'assembly' || v === 'base' || v === 'helipad' || v === 'hazard' ? v : 'other';
}

export interface TrappedLocation {
  lat: number;
  lon: number;
  note: string;
}

/** Trapped is one field team's report of persons trapped in a building. */
export interface Trapped {
  id: string;
  buildingID: string;
  count: number;
  locations: TrappedLocation[]; // only those with a valid lat, lon
  org: string;
  visibility: string;
  actor: string;
  created: Date | null;
}

/** trapped reads one record of GET /api/v1/trapped; null if it has no usable count. */
export function trapped(v: unknown): Trapped | null {
  const o = obj(v);
  if (!o) return null;
  const count = num(o.count);
  if (count === null || count < 0) return null;
  const locations: TrappedLocation[] = [];
  for (const x of arr(o.locations)) {
    const l = obj(x);
    const lat = num(l?.lat);
    const lon = num(l?.lon);
    if (!l || lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) continue;
    locations.push({ lat, lon, note: str(l.note) });
  }
  return {
    id: str(o.id),
    buildingID: str(o.building_id),
    count: Math.floor(count),
    locations,
    org: str(o.org),
    visibility: str(o.visibility),
    actor: str(o.actor),
    created: time(o.created),
  };
}

/** trappedList reads GET /api/v1/trapped, skipping malformed records. */
export function trappedList(v: unknown): Trapped[] {
  return arr(v).map(trapped).filter((t): t is Trapped => t !== null);
}

/**
 * trappedTotals sums the persons of each building's reports (GET
 * /api/v1/trapped without building_id). Only buildings with at least one
 * person are in it; reports without a building id are skipped.
 */
/** trappedTotal is the number of persons a list of reports says are trapped. */
export function trappedTotal(list: Trapped[]): number {
  return list.reduce((n, t) => n + t.count, 0);
}

export function trappedTotals(list: Trapped[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of list) {
    if (!t.buildingID || t.count <= 0) continue;
    m.set(t.buildingID, (m.get(t.buildingID) ?? 0) + t.count);
  }
  return m;
}
