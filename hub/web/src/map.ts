// The map: buildings as placard-coloured markers (with a symbol, so
// colour is never the only cue), safe areas and hazard zones, worksites,
// a legend, a scale and fit-to-data. It works with no tiles at all (a
// plain neutral background with a faint grid, so panning is visible) and
// with the operator's tile URL from GET /api/v1/config.
//
// Buildings are drawn on one canvas (a hub may hold 20 000 of them);
// their marker extends Leaflet's CircleMarker to paint the placard
// symbol and, when zoomed in, the building's name. A building with persons
// reported trapped gets a red badge with their number at the marker's upper
// left (the name is on the right, and a worksite's label rises up and to
// the right of its point, often the building's), which the canvas draws
// after every marker so none hides it.

import * as L from 'leaflet';
import { h } from './dom';
import { AreaKind, Building, PLACARDS, Placard, Worksite, areaKind, obj, str } from './model';

const LABEL_ZOOM = 17; // names are drawn from this zoom on
const MARKER_RADIUS = 11;
const BADGE_FILL = '#b3261e';
const BADGE_FONTS = ['bold 10px system-ui, sans-serif', 'bold 11px system-ui, sans-serif', 'bold 12px system-ui, sans-serif']; // by radius 7, 8, 9

// The trapped badge of a marker of radius r: its radius, font and where
// its centre (of the right end, for a wider pill) is, left of and above the
// marker's centre by off on both axes. Numbers of two or more digits widen
// it to the left by extra per digit.
function badgeRadius(r: number): number {
  return r >= MARKER_RADIUS - 2 ? 9 : r >= 7 ? 8 : 7;
}
function badgeOffset(r: number): number {
  return Math.round((r + badgeRadius(r) * 0.75) * Math.SQRT1_2);
}
function badgeText(n: number): string {
  return n > 999 ? '999+' : String(n);
}
function badgeExtra(b: number, text: string): number {
  return (text.length - 1) * Math.round(b * 0.75);
}

/** drawBadge paints a trapped badge (x, y: the centre of its right end): white rim with a dark hairline, red fill, white number. */
function drawBadge(ctx: CanvasRenderingContext2D, x: number, y: number, b: number, text: string): void {
  const len = badgeExtra(b, text);
  x -= len;
  ctx.beginPath();
  pill(ctx, x, y, b + 2.5, len);
  ctx.fillStyle = '#ffffff';
  ctx.fill();
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(0,0,0,0.6)';
  ctx.stroke();
  ctx.beginPath();
  pill(ctx, x, y, b, len);
  ctx.fillStyle = BADGE_FILL;
  ctx.fill();
  ctx.fillStyle = '#ffffff';
  ctx.font = BADGE_FONTS[b - 7];
  ctx.fillText(text, x + len / 2, y + 0.5);
}

function pill(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, len: number): void {
  ctx.arc(x, y, r, Math.PI / 2, Math.PI * 1.5);
  ctx.arc(x + len, y, r, Math.PI * 1.5, Math.PI / 2);
  ctx.closePath();
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const PlacardMarker: any = (L.CircleMarker as any).extend({
  // The radius follows the zoom, so a city-wide view of thousands of
  // buildings stays a readable density map rather than a carpet of discs.
  _project(this: any) {
    const z = this._map ? this._map.getZoom() : 18;
    const full = this.options.radius;
    this._radius = z >= 15 ? full : z >= 13 ? Math.round(full * 0.75) : Math.max(4, Math.round(full * 0.45));
    this.options.weight = this._radius >= 8 ? 2 : 1;
    (L.CircleMarker.prototype as any)._project.call(this);
  },
  _updateBounds(this: any) {
    (L.CircleMarker.prototype as any)._updateBounds.call(this);
    // Leave room for the name label so partial redraws do not clip it.
    if (this._map && this._map.getZoom() >= LABEL_ZOOM && this._pxBounds) {
      this._pxBounds.max.x += 260;
    }
    // And for the trapped badge, so that redrawing this marker redraws it.
    if (this.options.trapped > 0 && this._pxBounds) {
      const r = this._radius;
      const b = badgeRadius(r);
      const off = badgeOffset(r);
      const left = this._point.x - off - b - 4 - badgeExtra(b, this.options.trappedText);
      const top = this._point.y - off - b - 4;
      if (this._pxBounds.min.x > left) this._pxBounds.min.x = left;
      if (this._pxBounds.min.y > top) this._pxBounds.min.y = top;
    }
  },
  // _drawBadge is called by BadgeCanvas after every marker is drawn.
  _drawBadge(this: any, ctx: CanvasRenderingContext2D) {
    const r = this._radius;
    const off = badgeOffset(r);
    drawBadge(ctx, this._point.x - off, this._point.y - off, badgeRadius(r), this.options.trappedText);
  },
  _updatePath(this: any) {
    const r = this._renderer;
    if (!r || !r._drawing || this._empty()) return;
    r._updateCircle(this);
    if (this._radius < 8) return; // too small for a legible symbol
    const ctx: CanvasRenderingContext2D = r._ctx;
    const p = this._point;
    const info = PLACARDS[this.options.placard as Placard] ?? PLACARDS.unknown;
    ctx.save();
    ctx.globalAlpha = 1;
    ctx.fillStyle = info.ink;
    ctx.font = `bold ${Math.round(this._radius * 1.15)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(info.symbol, p.x, p.y + 1);
    const label: string = this.options.label;
    if (label && this._map && this._map.getZoom() >= LABEL_ZOOM) {
      ctx.font = '600 14px system-ui, sans-serif';
      ctx.textAlign = 'left';
      ctx.lineJoin = 'round';
      ctx.lineWidth = 4;
      ctx.strokeStyle = 'rgba(255,255,255,0.95)';
      const text = label.length > 32 ? label.slice(0, 31) + '…' : label;
      ctx.strokeText(text, p.x + this._radius + 5, p.y);
      ctx.fillStyle = '#111';
      ctx.fillText(text, p.x + this._radius + 5, p.y);
    }
    ctx.restore();
  },
});

// The buildings' canvas: after Leaflet has drawn the markers (in the
// area being redrawn, if not everywhere) it draws the badges of the few
// markers in _badged on top, clipped to the same area.
const BadgeCanvas: any = (L.Canvas as any).extend({
  _draw(this: any) {
    (L.Canvas.prototype as any)._draw.call(this);
    const set: Set<any> = this._badged;
    if (!set || set.size === 0 || !this._ctx) return;
    const ctx: CanvasRenderingContext2D = this._ctx;
    const bounds = this._redrawBounds;
    ctx.save();
    if (bounds) {
      ctx.beginPath();
      ctx.rect(bounds.min.x, bounds.min.y, bounds.max.x - bounds.min.x, bounds.max.y - bounds.min.y);
      ctx.clip();
    }
    ctx.globalAlpha = 1;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const m of set) {
      if (!m._map || !m._pxBounds || m._empty()) continue;
      if (bounds && !m._pxBounds.intersects(bounds)) continue;
      m._drawBadge(ctx);
    }
    ctx.restore();
  },
});
/* eslint-enable @typescript-eslint/no-explicit-any */

export const AREA_STYLE: Record<AreaKind, { colour: string; fill: string; symbol: string; label: string }> = {
  assembly: { colour: '#00695c', fill: '#4db6ac', symbol: 'A', label: 'Assembly point' },
  base: { colour: '#1a3f99', fill: '#6d8fd8', symbol: 'B', label: 'Base of operations' },
  helipad: { colour: '#6a1b9a', fill: '#ba68c8', symbol: 'H', label: 'Helipad' },
  hazard: { colour: '#d84315', fill: 'url(#struna-hatch)', symbol: '⚠', label: 'Hazard zone' },
  other: { colour: '#455a64', fill: '#90a4ae', symbol: '•', label: 'Other area' },
};

export interface MapViewOptions {
  tiles: string;
  onSelectBuilding(id: string): void;
  onSelectWorksite(code: string): void;
}

export class MapView {
  readonly map: L.Map;
  private readonly canvas: L.Canvas;
  private readonly buildingLayer = L.layerGroup();
  private readonly areaLayer = L.layerGroup();
  private readonly worksiteLayer = L.layerGroup();
  private readonly markers = new Map<string, L.CircleMarker>();
  private readonly buildings = new Map<string, Building>();
  private trapped: ReadonlyMap<string, number> = new Map(); // persons trapped per building id
  private readonly badged = new Set<L.CircleMarker>(); // the markers with a trapped badge (the canvas's _badged)
  private selection: L.LayerGroup | null = null;
  private areaBounds: L.LatLngBounds | null = null;
  private worksiteBounds: L.LatLngBounds | null = null;
  private readonly legendCounts = new Map<Placard, HTMLElement>();
  private readonly emptyNote: HTMLElement;
  private userMoved = false; // once the user pans or zooms, data loads no longer re-fit the view
  private legendBox: HTMLElement | null = null;

  constructor(
    el: HTMLElement,
    private readonly opts: MapViewOptions,
  ) {
    this.map = L.map(el, {
      zoomControl: true,
      attributionControl: false,
      maxZoom: 20,
      minZoom: 2,
      worldCopyJump: true,
      zoomSnap: 0.5,
    }).setView([20, 0], 2);
    this.map.createPane('areas').style.zIndex = '350';
    this.map.createPane('buildings').style.zIndex = '450';
    this.map.createPane('selection').style.zIndex = '460';
    this.map.getPane('selection')!.style.pointerEvents = 'none';

    const base = this.baseLayer(opts.tiles);
    this.canvas = new BadgeCanvas({ pane: 'buildings', padding: 0.3, tolerance: 8 });
    (this.canvas as unknown as { _badged: Set<L.CircleMarker> })._badged = this.badged;
    const areaSvg = L.svg({ pane: 'areas' });
    this.map.addLayer(areaSvg);
    this.addHatchPattern(areaSvg);
    this.areaRenderer = areaSvg;

    this.areaLayer.addTo(this.map);
    this.buildingLayer.addTo(this.map);
    this.worksiteLayer.addTo(this.map);

    L.control.scale({ metric: true, imperial: false, maxWidth: 160, position: 'bottomleft' }).addTo(this.map);
    this.fitControl().addTo(this.map);
    L.control
      .layers(
        { [opts.tiles ? 'Map tiles' : 'Plain background']: base },
        { Buildings: this.buildingLayer, 'Safe areas & hazards': this.areaLayer, Worksites: this.worksiteLayer },
        { position: 'topright', collapsed: true },
      )
      .addTo(this.map);
    this.legendControl(opts.tiles).addTo(this.map);

    // Only a person's gesture stops auto-fit (fitBounds fires zoomstart too).
    for (const ev of ['mousedown', 'touchstart', 'wheel', 'keydown']) {
      el.addEventListener(ev, (e) => {
        if (!(e.target instanceof Element) || !e.target.closest('.leaflet-control')) this.userMoved = true;
      }, { passive: true });
    }
    this.emptyNote = h('div', { class: 'map-note', role: 'status' }, 'No buildings with a location yet.');
    this.emptyNote.hidden = true;
    el.appendChild(this.emptyNote);
  }

  private readonly areaRenderer: L.SVG;

  private baseLayer(tiles: string): L.Layer {
    if (tiles) {
      return L.tileLayer(tiles, { maxNativeZoom: 19, maxZoom: 20, crossOrigin: false }).addTo(this.map);
    }
    // No tiles: a faint grid on the neutral background, so the eye sees the map move.
    const Grid: new (o: L.GridLayerOptions) => L.GridLayer = L.GridLayer.extend({
      createTile(): HTMLElement {
        return h('div', { class: 'grid-tile' });
      },
    });
    return new Grid({ maxZoom: 20 }).addTo(this.map);
  }

  private addHatchPattern(svg: L.SVG): void {
    const root = (svg as unknown as { _container?: SVGSVGElement })._container;
    if (!root) return;
    const NS = 'http://www.w3.org/2000/svg';
    const defs = document.createElementNS(NS, 'defs');
    const pat = document.createElementNS(NS, 'pattern');
    pat.setAttribute('id', 'struna-hatch');
    pat.setAttribute('patternUnits', 'userSpaceOnUse');
    pat.setAttribute('width', '12');
    pat.setAttribute('height', '12');
    pat.setAttribute('patternTransform', 'rotate(45)');
    const bg = document.createElementNS(NS, 'rect');
    bg.setAttribute('width', '12');
    bg.setAttribute('height', '12');
    bg.setAttribute('fill', '#ffab91');
    const line = document.createElementNS(NS, 'rect');
    line.setAttribute('width', '5');
    line.setAttribute('height', '12');
    line.setAttribute('fill', '#d84315');
    pat.append(bg, line);
    defs.appendChild(pat);
    root.insertBefore(defs, root.firstChild);
  }

  private fitControl(): L.Control {
    const Fit: new (o: L.ControlOptions) => L.Control = L.Control.extend({
      onAdd: () => {
        const b = h(
          'button',
          { class: 'map-btn', type: 'button', title: 'Show all buildings and areas', 'aria-label': 'Fit map to data' },
          '⤢ Fit',
        );
        L.DomEvent.disableClickPropagation(b);
        b.addEventListener('click', () => this.fit());
        return h('div', { class: 'leaflet-bar map-fit' }, b);
      },
    });
    return new Fit({ position: 'topleft' });
  }

  private legendControl(tiles: string): L.Control {
    const Legend: new (o: L.ControlOptions) => L.Control = L.Control.extend({
      onAdd: () => {
        const rows: HTMLElement[] = [];
        for (const p of ['red', 'yellow', 'green', 'unknown'] as Placard[]) {
          const info = PLACARDS[p];
          const count = h('span', { class: 'legend-count' }, '0');
          this.legendCounts.set(p, count);
          rows.push(
            h(
              'li',
              { 'data-placard': p },
              h('span', { class: 'sym', style: `background:${info.colour};color:${info.ink}` }, info.symbol),
              h('span', { class: 'legend-word' }, info.word),
              count,
            ),
          );
        }
        const areaRows: HTMLElement[] = [];
        for (const k of ['assembly', 'base', 'helipad', 'hazard'] as AreaKind[]) {
          const s = AREA_STYLE[k];
          areaRows.push(
            h('li', null, h('span', { class: `area-sym area-${k}` }, s.symbol), h('span', { class: 'legend-word' }, s.label)),
          );
        }
        const body = h(
          'div',
          { class: 'legend-body' },
          h('ul', { class: 'legend-list' }, rows),
          h(
            'ul',
            { class: 'legend-list legend-trapped' },
            h('li', null, h('span', { class: 'trapped-badge' }, 'n'), h('span', { class: 'legend-word' }, 'Persons reported trapped')),
          ),
          h('ul', { class: 'legend-list legend-areas' }, areaRows),
          h('p', { class: 'legend-note' }, tiles ? 'Tiles: ' + tileHost(tiles) : 'No map tiles configured'),
        );
        const toggle = h('button', { class: 'legend-toggle', type: 'button', 'aria-expanded': 'true' }, 'Legend');
        // On a phone the legend would hide half the map: folded until opened.
        let chosen = false;
        const fold = () => {
          if (chosen) return;
          const size = this.map.getSize();
          body.hidden = size.x < 600 || size.y < 420;
          toggle.setAttribute('aria-expanded', String(!body.hidden));
        };
        fold();
        this.map.on('resize', () => {
          fold();
          if (!this.userMoved) this.fit();
        });
        toggle.addEventListener('click', () => {
          chosen = true;
          body.hidden = !body.hidden;
          toggle.setAttribute('aria-expanded', String(!body.hidden));
        });
        const box = h('section', { class: 'legend', 'aria-label': 'Map legend' }, toggle, body);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        this.legendBox = box;
        return box;
      },
    });
    return new Legend({ position: 'bottomright' });
  }

  /** setBuildings replaces every building on the map. */
  setBuildings(list: Building[]): void {
    this.buildingLayer.clearLayers();
    this.markers.clear();
    this.badged.clear();
    this.buildings.clear();
    // Most dangerous drawn last, so it is on top where markers overlap.
    const sorted = [...list].sort((a, b) => PLACARDS[b.placard].rank - PLACARDS[a.placard].rank);
    for (const b of sorted) this.add(b);
    this.afterChange();
  }

  /** upsertBuilding adds or updates one building (from a live event). */
  upsertBuilding(b: Building): void {
    const old = this.markers.get(b.id);
    if (old) {
      this.buildingLayer.removeLayer(old);
      this.badged.delete(old);
    }
    this.markers.delete(b.id);
    this.add(b);
    this.afterChange();
  }

  private add(b: Building): void {
    this.buildings.set(b.id, b);
    if (b.lat === null || b.lon === null) return;
    const info = PLACARDS[b.placard];
    const n = this.trapped.get(b.id) ?? 0;
    const m: L.CircleMarker = new PlacardMarker([b.lat, b.lon], {
      renderer: this.canvas,
      pane: 'buildings',
      radius: b.placard === 'unknown' ? MARKER_RADIUS - 2 : MARKER_RADIUS,
      color: '#ffffff',
      weight: 2,
      opacity: 1,
      fillColor: info.colour,
      fillOpacity: 1,
      placard: b.placard,
      label: b.name || b.id,
      trapped: n,
      trappedText: badgeText(n),
    });
    m.bindTooltip(() => tooltipFor(b, this.trapped.get(b.id) ?? 0), { direction: 'top', offset: [0, -10], opacity: 1 });
    m.on('click', () => this.opts.onSelectBuilding(b.id));
    this.markers.set(b.id, m);
    if (n > 0) this.badged.add(m);
    this.buildingLayer.addLayer(m);
  }

  /**
   * setTrapped sets the persons reported trapped per building id: the
   * buildings whose number changed get, change or lose their badge.
   */
  setTrapped(counts: ReadonlyMap<string, number>): void {
    const old = this.trapped;
    this.trapped = new Map(counts);
    const changed = new Set<string>();
    for (const [id, n] of old) if (counts.get(id) !== n) changed.add(id);
    for (const [id, n] of counts) if (old.get(id) !== n) changed.add(id);
    for (const id of changed) {
      const m = this.markers.get(id) as (L.CircleMarker & { options: { trapped: number; trappedText: string } }) | undefined;
      if (!m) continue;
      const n = counts.get(id) ?? 0;
      m.options.trapped = n;
      m.options.trappedText = badgeText(n);
      if (n > 0) this.badged.add(m);
      else this.badged.delete(m);
      m.redraw(); // redraws its old and its new bounds
    }
  }

  /**
   * trappedBadge is where building id's trapped badge is drawn (the centre
   * of its round right end, its radius) and its number, or null without one
   * (for tests and scripted checks).
   */
  trappedBadge(id: string): { x: number; y: number; r: number; count: number } | null {
    const m = this.markers.get(id) as (L.CircleMarker & { _radius?: number; options: { trapped: number } }) | undefined;
    const p = this.containerPoint(id);
    if (!m || !p || !this.badged.has(m) || !m.options.trapped || !this.map.hasLayer(m)) return null;
    const r = m._radius ?? m.getRadius();
    const off = badgeOffset(r);
    return { x: p.x - off, y: p.y - off, r: badgeRadius(r), count: m.options.trapped };
  }

  private afterChange(): void {
    const counts: Record<Placard, number> = { red: 0, yellow: 0, green: 0, unknown: 0 };
    let located = 0;
    for (const b of this.buildings.values()) {
      counts[b.placard]++;
      if (b.lat !== null) located++;
    }
    for (const [p, el] of this.legendCounts) el.textContent = String(counts[p]);
    this.emptyNote.hidden = located > 0 || this.areaBounds !== null;
    if (!this.userMoved) this.fit();
  }

  getBuilding(id: string): Building | undefined {
    return this.buildings.get(id);
  }

  allBuildings(): Building[] {
    return [...this.buildings.values()];
  }

  /** setAreas draws GET /api/v1/areas.geojson. */
  setAreas(fc: unknown): void {
    this.areaLayer.clearLayers();
    this.areaBounds = null;
    const feats = Array.isArray(obj(fc)?.features) ? (obj(fc)!.features as unknown[]) : [];
    for (const f of feats) {
      const layer = this.areaFeature(f);
      if (!layer) continue;
      this.areaLayer.addLayer(layer);
      const b = 'getBounds' in layer ? (layer as L.Polygon).getBounds() : L.latLngBounds([(layer as L.Marker).getLatLng()]);
      if (b.isValid()) this.areaBounds = this.areaBounds ? this.areaBounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
    }
    this.afterChange();
  }

  private areaFeature(f: unknown): L.Layer | null {
    const fo = obj(f);
    const g = obj(fo?.geometry);
    if (!fo || !g) return null;
    const p = obj(fo.properties) ?? {};
    const kind = areaKind(p.kind);
    const s = AREA_STYLE[kind];
    const name = str(p.name);
    const fromPlacard = str(p.source) === 'placard';
    const coords = Array.isArray(g.coordinates) ? g.coordinates : [];
    const style: L.PathOptions = {
      renderer: this.areaRenderer,
      pane: 'areas',
      color: s.colour,
      weight: fromPlacard ? 2 : 3,
      dashArray: kind === 'assembly' || fromPlacard ? '8 6' : undefined,
      fillColor: s.fill,
      fillOpacity: kind === 'hazard' ? (fromPlacard ? 0.35 : 0.55) : 0.3,
      interactive: true,
    };
    const tip = () =>
      h('div', { class: 'tip' }, h('strong', null, s.label), name ? h('div', null, name) : null, fromPlacard ? h('div', null, 'Around an UNSAFE building') : null);
    let layer: L.Layer | null = null;
    if (g.type === 'Point') {
      const ll = lonLat(coords);
      if (!ll) return null;
      if (kind === 'hazard') {
        const r = typeof p.radius_m === 'number' && p.radius_m > 0 && p.radius_m < 1e5 ? p.radius_m : 50;
        layer = L.circle(ll, { ...style, radius: r });
      } else {
        const icon = L.divIcon({
          className: 'area-marker',
          html: h('span', { class: `area-sym area-${kind}` }, s.symbol),
          iconSize: [30, 30],
          iconAnchor: [15, 15],
        });
        layer = L.marker(ll, { icon, keyboard: false, title: '' });
      }
    } else if (g.type === 'Polygon' || g.type === 'MultiPolygon') {
      const rings = g.type === 'Polygon' ? [coords] : coords;
      const latlngs: L.LatLngExpression[][][] = [];
      for (const poly of rings) {
        if (!Array.isArray(poly)) continue;
        const rs: L.LatLngExpression[][] = [];
        for (const ring of poly) {
          if (!Array.isArray(ring)) continue;
          const pts = ring.map(lonLat).filter((x): x is L.LatLngTuple => x !== null);
          if (pts.length >= 3) rs.push(pts);
        }
        if (rs.length) latlngs.push(rs);
      }
      if (!latlngs.length) return null;
      layer = L.polygon(latlngs, style);
      if (name && !fromPlacard) {
        (layer as L.Polygon).bindTooltip(h('span', null, name), {
          permanent: true,
          direction: 'center',
          className: `area-label area-label-${kind}`,
        });
        return layer;
      }
    } else {
      return null;
    }
    if (layer instanceof L.Marker && name) {
      layer.bindTooltip(h('span', null, name), { permanent: true, direction: 'right', offset: [14, 0], className: `area-label area-label-${kind}` });
    } else {
      (layer as L.Path | L.Marker).bindTooltip(tip, { sticky: true });
    }
    return layer;
  }

  /** setWorksites draws worksites as labelled pills. */
  setWorksites(list: Worksite[]): void {
    this.worksiteLayer.clearLayers();
    this.worksiteBounds = null;
    for (const w of list) {
      if (w.lat === null || w.lon === null || Math.abs(w.lat) > 90 || Math.abs(w.lon) > 180) continue;
      const held = w.holder !== null;
      const icon = L.divIcon({
        className: 'ws-marker',
        html: h('span', { class: held ? 'ws-pill held' : 'ws-pill' }, held ? '● ' : '', w.code),
        iconSize: undefined,
        iconAnchor: [0, 34],
      });
      const m = L.marker([w.lat, w.lon], { icon, title: '' });
      m.bindTooltip(
        () => h('div', { class: 'tip' }, h('strong', null, 'Worksite ', w.code), w.name ? h('div', null, w.name) : null, h('div', null, held ? `Held by ${w.holder!.team}` : 'Free')),
        { direction: 'top', offset: [20, -34] },
      );
      m.on('click', () => this.opts.onSelectWorksite(w.code));
      this.worksiteLayer.addLayer(m);
      const b = L.latLngBounds([[w.lat, w.lon]]);
      this.worksiteBounds = this.worksiteBounds ? this.worksiteBounds.extend(b) : b;
    }
    if (!this.userMoved) this.fit();
  }

  /** fit shows every located building, area and worksite. */
  fit(): void {
    let b: L.LatLngBounds | null = null;
    for (const x of this.buildings.values()) {
      if (x.lat === null || x.lon === null) continue;
      b = b ? b.extend([x.lat, x.lon]) : L.latLngBounds([[x.lat, x.lon]]);
    }
    for (const o of [this.areaBounds, this.worksiteBounds]) if (o) b = b ? b.extend(o) : L.latLngBounds(o.getSouthWest(), o.getNorthEast());
    if (!b || !b.isValid()) return;
    // Keep data clear of the zoom buttons (top left) and the legend (bottom right).
    const lg = this.legendBox;
    const right = lg && lg.offsetWidth ? lg.offsetWidth + 24 : 48;
    this.map.fitBounds(b, { paddingTopLeft: [72, 40], paddingBottomRight: [right, 40], maxZoom: 18, animate: false });
  }

  /** select rings a building (null clears) and, if pan, brings it into view. */
  select(id: string | null, pan = false): void {
    if (this.selection) this.selection.remove();
    this.selection = null;
    const b = id ? this.buildings.get(id) : undefined;
    if (!b || b.lat === null || b.lon === null) return;
    const ll: L.LatLngTuple = [b.lat, b.lon];
    const ring = { pane: 'selection', interactive: false, fill: false } as const;
    this.selection = L.layerGroup([
      L.circleMarker(ll, { ...ring, radius: 18, color: '#ffffff', weight: 8, opacity: 1 }),
      L.circleMarker(ll, { ...ring, radius: 18, color: '#111111', weight: 4, opacity: 1 }),
    ]).addTo(this.map);
    if (pan && !this.map.getBounds().pad(-0.1).contains(ll)) this.map.panTo(ll);
  }

  /** containerPoint is where building id is drawn (for tests and keyboard users). */
  containerPoint(id: string): { x: number; y: number } | null {
    const b = this.buildings.get(id);
    if (!b || b.lat === null || b.lon === null) return null;
    const p = this.map.latLngToContainerPoint([b.lat, b.lon]);
    return { x: p.x, y: p.y };
  }

  invalidate(): void {
    this.map.invalidateSize();
  }
}

function lonLat(c: unknown): L.LatLngTuple | null {
  if (!Array.isArray(c) || c.length < 2) return null;
  const [lon, lat] = c;
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return [lat, lon];
}

function tooltipFor(b: Building, trapped: number): HTMLElement {
  const info = PLACARDS[b.placard];
  return h(
    'div',
    { class: 'tip' },
    h('strong', null, b.name || b.id),
    h('div', null, h('span', { class: 'badge-inline', style: `background:${info.colour};color:${info.ink}` }, info.symbol, ' ', info.word)),
    trapped > 0 ? h('div', { class: 'tip-trapped' }, `⚠ ${trapped} ${trapped === 1 ? 'person' : 'persons'} reported trapped`) : null,
  );
}

function tileHost(t: string): string {
  const m = /^[a-z]+:\/\/([^/]+)/i.exec(t);
  return m ? m[1] : t;
}

export function placardBadge(p: Placard, size: 'big' | 'normal' | 'compact' = 'normal'): HTMLElement {
  const info = PLACARDS[p];
  const text = size === 'compact' ? (p === 'yellow' ? 'RESTRICTED' : info.word) : p === 'unknown' ? info.word : `${p.toUpperCase()} · ${info.word}`;
  return h(
    'span',
    { class: `badge badge-${size}`, style: `background:${info.colour};color:${info.ink}`, 'data-placard': p, title: `${info.word}: ${info.meaning}` },
    h('span', { class: 'badge-sym', 'aria-hidden': 'true' }, info.symbol),
    ' ',
    text,
  );
}
