// The relief-operation view: resource requests with their fulfilment and
// offers (duplicates flagged with the hub's reason), coordination calls
// with each seat's readiness (updated live from `call` events), a
// readiness answer for the caller's own organisation, the call's .ics and
// the headline numbers of its situation brief, and the official messages.
// Every field is read tolerantly (sharing may strip any of them) and
// every string goes into the page as text.

import { APIError, api, serverNow } from './api';
import { h, replace } from './dom';
import { isoTitle, localTime } from './format';
import { Me, arr, atLeast, num, obj, str, time } from './model';

// ---- records ----------------------------------------------------------------

export interface Dup {
  rule: string;
  of: string;
  reason: string;
}

export interface Offer {
  id: string;
  org: string;
  what: string;
  quantity: number | null;
  status: string;
  eta: Date | null;
  duplicate: Dup | null;
}

export interface Req {
  id: string;
  from: string;
  what: string;
  place: string;
  priority: string;
  neededBy: Date | null;
  requested: number | null;
  committed: number | null;
  arrived: number | null;
  fulfilment: string;
  offers: Offer[];
}

export interface Seat {
  id: string;
  name: string;
  org: string;
  optional: boolean;
  readiness: string; // "" no answer, ready, delayed, declined
  delay: number | null;
  note: string;
}

export interface Call {
  id: string;
  title: string;
  convener: string;
  start: Date | null;
  durationMin: number | null;
  status: string;
  url: string;
  seats: Seat[];
  headline: Record<string, number> | null; // of the attached brief; null if not read
}

export interface OfficialMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  kind: string;
  created: Date | null;
  signed: boolean; // carries a signature (the hub stores only messages whose signature verified)
  receipts: string[];
}

function dup(v: unknown): Dup | null {
  const o = obj(v);
  if (!o) return null;
  return { rule: str(o.rule), of: str(o.of), reason: str(o.reason) };
}

function describe(res: Record<string, unknown> | null): string {
  if (!res) return '';
  const kind = str(res.kind).replace(/_/g, ' ');
  const parts = [str(res.name) || str(res.type) || kind];
  if (str(res.class)) parts.push(`(${str(res.class)})`);
  if (str(res.id) && str(res.id) !== parts[0]) parts.push(`[${str(res.id)}]`);
  return parts.filter(Boolean).join(' ');
}

export function offer(v: unknown): Offer | null {
  const o = obj(v);
  if (!o) return null;
  const id = str(o.offer_id) || str(o.id);
  if (!id) return null;
  const inner = obj(o.offer); // an unsolicited offer is a whole message
  const res = obj(o.resource) ?? obj(inner?.resource);
  return {
    id,
    org: str(o.org) || str(o.from),
    what: describe(res),
    quantity: num(o.quantity) ?? num(inner?.quantity),
    status: str(o.status) || (inner ? 'offered' : ''),
    eta: time(o.eta) ?? time(inner?.eta),
    duplicate: dup(o.duplicate),
  };
}

export function request(v: unknown): Req | null {
  const o = obj(v);
  if (!o) return null;
  const id = str(o.request_id);
  if (!id) return null;
  const rq = obj(o.request);
  const spec = obj(rq?.resource);
  let what = str(spec?.kind).replace(/_/g, ' ');
  if (str(spec?.class)) what += ` (${str(spec?.class)} or heavier)`;
  if (str(spec?.type)) what += `: ${str(spec?.type)}`;
  return {
    id,
    from: str(o.from),
    what,
    place: str(obj(rq?.location)?.place),
    priority: str(rq?.priority),
    neededBy: time(rq?.needed_by),
    requested: num(o.requested) ?? num(rq?.quantity),
    committed: num(o.committed),
    arrived: num(o.arrived),
    fulfilment: str(o.fulfilment),
    offers: arr(o.offers).map(offer).filter((x): x is Offer => x !== null),
  };
}

function headline(v: unknown): Record<string, number> | null {
  const o = obj(obj(v)?.headline);
  if (!o) return null;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(o)) {
    const n = num(x);
    if (n !== null) out[k] = n;
  }
  return out;
}

export function call(v: unknown): Call | null {
  const o = obj(v);
  if (!o) return null;
  const id = str(o.id);
  if (!id) return null;
  const seats: Seat[] = [];
  const src = Array.isArray(o.seats) ? o.seats : arr(o.invitees);
  for (const x of src) {
    const s = obj(x);
    if (!s) continue;
    const sid = str(s.id) || str(s.org);
    if (!sid) continue;
    seats.push({
      id: sid,
      name: str(s.name) || sid,
      org: str(s.org),
      optional: s.optional === true,
      readiness: str(s.readiness),
      delay: num(s.delay_minutes),
      note: str(s.note),
    });
  }
  const d = num(o.duration); // Go time.Duration: nanoseconds
  return {
    id,
    title: str(o.title),
    convener: str(o.convener_name) || str(o.convener),
    start: time(o.start),
    durationMin: d === null ? null : Math.round(d / 6e10),
    status: str(o.status),
    url: str(o.url),
    seats,
    headline: o.brief === undefined ? null : headline(o.brief),
  };
}

export function officialMessage(v: unknown): OfficialMessage | null {
  const o = obj(v);
  const signed = obj(o?.signed);
  const m = obj(signed?.message) ?? obj(o?.message);
  if (!o || !m || !str(m.id)) return null;
  return {
    id: str(m.id),
    from: str(m.from),
    to: arr(m.to).map(str).filter(Boolean),
    subject: str(m.subject),
    kind: str(m.kind),
    created: time(m.created),
    signed: str(signed?.signature) !== '',
    receipts: arr(o.receipts)
      .map((r) => obj(obj(r)?.receipt))
      .filter((r): r is Record<string, unknown> => r !== null)
      .map((r) => `${str(r.kind) || 'receipt'} by ${str(r.by) || '?'}`),
  };
}

// ---- display words ----------------------------------------------------------

const PRIORITY: Record<string, string> = { urgent: 'URGENT', high: 'HIGH', normal: 'normal', low: 'low' };
const FULFIL: Record<string, string> = { none: '○ none', partial: '◐ partial', complete: '● complete' };

export function readinessText(s: Seat): string {
  switch (s.readiness) {
    case 'ready':
      return '✓ ready';
    case 'delayed':
      return s.delay !== null && s.delay > 0 ? `◷ delayed ${s.delay} min` : '◷ delayed';
    case 'declined':
      return '✕ declined';
    case '':
      return '… no answer';
    default:
      return s.readiness;
  }
}

const HEADLINE: [string, string][] = [
  ['open_requests', 'Open requests'],
  ['urgent_unfulfilled', 'Urgent, unfulfilled'],
  ['overdue', 'Overdue'],
  ['offers_awaiting', 'Offers awaiting'],
  ['duplicate_offers', 'Duplicate offers'],
  ['teams_on_site', 'Teams on site'],
  ['teams_en_route', 'Teams en route'],
  ['red', 'Red buildings'],
  ['red_without_team', 'Red without team'],
  ['trapped_reported', 'Trapped reported'],
  ['pending_decisions', 'Pending decisions'],
];

function errText(e: unknown): string {
  if (e instanceof APIError) {
    if (e.status === 403) return `Your role may not see this (${e.message})`;
    if (e.status === 404) return `This hub does not serve it (${e.message})`;
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

// ---- the view -----------------------------------------------------------------

interface Part<T> {
  items: T[];
  error: string;
  loaded: boolean;
}

function part<T>(): Part<T> {
  return { items: [], error: '', loaded: false };
}

export class ReliefView {
  private me: Me | null = null;
  private requests = part<Req>();
  private unsolicited: Offer[] = [];
  private calls = part<Call>();
  private messages = part<OfficialMessage>();
  private readonly reqEl = h('div', { id: 'relief-requests' });
  private readonly callEl = h('div', { id: 'relief-calls' });
  private readonly msgEl = h('div', { id: 'relief-messages' });
  private readonly note: Record<string, { kind: 'ok' | 'error' | 'info'; text: string }> = {};
  private busy = false;

  constructor(el: HTMLElement) {
    replace(
      el,
      h(
        'div',
        { class: 'relief' },
        h('section', { class: 'relief-part', 'aria-labelledby': 'relief-h-req' }, h('h2', { id: 'relief-h-req' }, 'Requests and offers'), this.reqEl),
        h('section', { class: 'relief-part', 'aria-labelledby': 'relief-h-calls' }, h('h2', { id: 'relief-h-calls' }, 'Coordination calls'), this.callEl),
        h('section', { class: 'relief-part', 'aria-labelledby': 'relief-h-msg' }, h('h2', { id: 'relief-h-msg' }, 'Official messages'), this.msgEl),
      ),
    );
    this.render();
  }

  setMe(m: Me | null): void {
    this.me = m;
    this.renderCalls();
  }

  async loadAll(): Promise<void> {
    await Promise.allSettled([this.loadRequests(), this.loadCalls(), this.loadMessages()]);
  }

  async loadRequests(): Promise<void> {
    try {
      const v = obj(await api('GET', 'api/v1/requests'));
      this.requests = { items: arr(v?.requests).map(request).filter((x): x is Req => x !== null), error: '', loaded: true };
      this.unsolicited = arr(v?.unsolicited).map(offer).filter((x): x is Offer => x !== null);
    } catch (e) {
      this.requests = { ...this.requests, error: errText(e), loaded: true };
    }
    this.renderRequests();
  }

  async loadCalls(): Promise<void> {
    try {
      const data = await api('GET', 'api/v1/calls');
      const old = new Map(this.calls.items.map((c) => [c.id, c]));
      const items = arr(data).map(call).filter((x): x is Call => x !== null);
      for (const c of items) c.headline = old.get(c.id)?.headline ?? null;
      items.sort((a, b) => (a.start?.getTime() ?? 0) - (b.start?.getTime() ?? 0));
      this.calls = { items, error: '', loaded: true };
      this.renderCalls();
      // The brief is attached to one call's GET only: read it for the calls still to come.
      await Promise.allSettled(items.filter((c) => c.status !== 'ended' && c.status !== 'cancelled').slice(0, 10).map((c) => this.loadCall(c.id)));
    } catch (e) {
      this.calls = { ...this.calls, error: errText(e), loaded: true };
      this.renderCalls();
    }
  }

  private async loadCall(id: string): Promise<void> {
    const c = call(await api('GET', `api/v1/calls/${encodeURIComponent(id)}`));
    if (c) this.putCall(c, true);
  }

  async loadMessages(): Promise<void> {
    try {
      const data = await api('GET', 'api/v1/messages');
      const items = arr(data).map(officialMessage).filter((x): x is OfficialMessage => x !== null);
      items.sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
      this.messages = { items, error: '', loaded: true };
    } catch (e) {
      this.messages = { ...this.messages, error: errText(e), loaded: true };
    }
    this.renderMessages();
  }

  /** onCallEvent applies a `call` event: a public call arrives whole; otherwise re-read. */
  onCallEvent(data: unknown): void {
    const c = call(data);
    if (c && Array.isArray(obj(data)?.seats)) this.putCall(c, false);
    else void this.loadCalls();
  }

  private putCall(c: Call, withBrief: boolean): void {
    const i = this.calls.items.findIndex((x) => x.id === c.id);
    if (!withBrief && i >= 0) c.headline = this.calls.items[i].headline;
    if (i >= 0) this.calls.items[i] = c;
    else this.calls.items.push(c);
    this.calls.loaded = true;
    this.renderCalls();
  }

  private render(): void {
    this.renderRequests();
    this.renderCalls();
    this.renderMessages();
  }

  private renderRequests(): void {
    const p = this.requests;
    if (!p.loaded) return replace(this.reqEl, h('p', { class: 'muted' }, 'Loading…'));
    const out: HTMLElement[] = [];
    if (p.error) out.push(h('p', { class: 'msg msg-error' }, 'Requests could not be read: ', p.error));
    if (!p.error && p.items.length === 0) out.push(h('p', { class: 'muted' }, 'No resource requests.'));
    for (const r of p.items) {
      const fulfil = FULFIL[r.fulfilment] ?? (r.fulfilment || '—');
      out.push(
        h(
          'article',
          { class: 'card req', 'data-request': r.id, 'data-fulfilment': r.fulfilment, 'data-priority': r.priority },
          h(
            'div',
            { class: 'card-head' },
            h('span', { class: `prio prio-${/^[a-z]+$/.test(r.priority) ? r.priority : 'other'}` }, PRIORITY[r.priority] ?? (r.priority || '—')),
            h('strong', { class: 'card-title' }, r.what || 'resource'),
            h('span', { class: `fulfil fulfil-${/^[a-z]+$/.test(r.fulfilment) ? r.fulfilment : 'other'}`, 'data-field': 'fulfilment', title: 'Fulfilment by commitments' }, fulfil),
          ),
          h(
            'p',
            { class: 'muted small' },
            r.id,
            r.from ? ` · from ${r.from}` : '',
            r.place ? ` · ${r.place}` : '',
            r.neededBy ? h('span', { title: isoTitle(r.neededBy) }, ` · needed by ${localTime(r.neededBy, serverNow())}`) : '',
          ),
          h('p', { class: 'counts' }, `${r.requested ?? '?'} requested · ${r.committed ?? 0} committed · ${r.arrived ?? 0} arrived`),
          r.offers.length ? h('ul', { class: 'offers' }, r.offers.map((o) => this.offerItem(o))) : h('p', { class: 'muted small' }, 'No offers yet.'),
        ),
      );
    }
    if (this.unsolicited.length) {
      out.push(h('h3', null, 'Unsolicited offers'), h('ul', { class: 'offers card' }, this.unsolicited.map((o) => this.offerItem(o))));
    }
    replace(this.reqEl, out);
  }

  private offerItem(o: Offer): HTMLElement {
    const now = serverNow();
    return h(
      'li',
      { class: 'offer' + (o.duplicate ? ' offer-dup' : ''), 'data-offer': o.id, 'data-status': o.status, 'data-duplicate': o.duplicate ? 'true' : 'false' },
      h(
        'div',
        { class: 'offer-line' },
        h('span', { class: 'status-pill' }, (o.status || '?').replace(/_/g, ' ')),
        h('span', null, h('strong', null, o.org || '?'), ` — ${o.quantity ?? '?'} × ${o.what || 'resource'}`),
        o.eta ? h('span', { class: 'muted small', title: isoTitle(o.eta) }, ` ETA ${localTime(o.eta, now)}`) : null,
      ),
      h('div', { class: 'muted small' }, o.id),
      o.duplicate
        ? h(
            'div',
            { class: 'dup', role: 'note' },
            h('strong', null, '⚠ DUPLICATE'),
            o.duplicate.of ? ` of ${o.duplicate.of}` : '',
            o.duplicate.rule ? ` (${o.duplicate.rule.replace(/_/g, ' ')})` : '',
            o.duplicate.reason ? h('div', { class: 'dup-reason' }, o.duplicate.reason) : null,
          )
        : null,
    );
  }

  private ownSeats(c: Call): Seat[] {
    const org = this.me?.org ?? '';
    return org ? c.seats.filter((s) => s.org === org) : [];
  }

  private renderCalls(): void {
    const p = this.calls;
    if (!p.loaded) return replace(this.callEl, h('p', { class: 'muted' }, 'Loading…'));
    const out: HTMLElement[] = [];
    if (p.error) out.push(h('p', { class: 'msg msg-error' }, 'Calls could not be read: ', p.error));
    if (!p.error && p.items.length === 0) out.push(h('p', { class: 'muted' }, 'No coordination calls.'));
    const now = serverNow();
    for (const c of p.items) {
      const n = this.note[c.id];
      out.push(
        h(
          'article',
          { class: 'card call', 'data-call': c.id, 'data-status': c.status },
          h(
            'div',
            { class: 'card-head' },
            h('span', { class: `call-status call-${/^[a-z]+$/.test(c.status) ? c.status : 'other'}` }, c.status || '?'),
            h('strong', { class: 'card-title' }, c.title || c.id),
          ),
          h(
            'p',
            { class: 'muted small' },
            h('span', { title: isoTitle(c.start) }, `Starts ${localTime(c.start, now)}`),
            c.durationMin ? ` · ${c.durationMin} min` : '',
            c.convener ? ` · convened by ${c.convener}` : '',
            ` · ${c.id}`,
          ),
          h(
            'ul',
            { class: 'seats' },
            c.seats.map((s) =>
              h(
                'li',
                { 'data-seat': s.id, 'data-readiness': s.readiness || 'none' },
                h('span', { class: 'seat-name' }, s.name, s.org && s.org !== s.name ? h('span', { class: 'muted small' }, ` (${s.org})`) : null, s.optional ? h('span', { class: 'muted small' }, ' optional') : null),
                h('span', { class: `ready ready-${s.readiness || 'none'}`, 'data-field': 'readiness' }, readinessText(s)),
                s.note ? h('div', { class: 'muted small seat-note' }, s.note) : null,
              ),
            ),
          ),
          this.headlineBlock(c),
          h(
            'div',
            { class: 'call-actions' },
            h('button', { class: 'btn btn-small', type: 'button', 'data-action': 'ics', onclick: () => void this.downloadICS(c.id) }, '⤓ Calendar (.ics)'),
            /^https?:\/\//i.test(c.url) ? h('a', { class: 'btn btn-small btn-ghost', href: c.url, target: '_blank', rel: 'noopener noreferrer' }, 'Call room ↗') : null,
          ),
          this.readinessForm(c),
          n ? h('p', { class: `msg msg-${n.kind}`, role: 'status' }, n.text) : null,
        ),
      );
    }
    // Keep what the user is typing: rebuild only when no form field in this part has focus.
    const active = document.activeElement;
    if (active && this.callEl.contains(active) && (active.tagName === 'INPUT' || active.tagName === 'SELECT')) {
      this.refreshSeats();
      return;
    }
    replace(this.callEl, out);
  }

  /** refreshSeats updates only the readiness of the seats on the page. */
  private refreshSeats(): void {
    for (const c of this.calls.items) {
      for (const s of c.seats) {
        const li = this.callEl.querySelector(`article[data-call="${CSS.escape(c.id)}"] li[data-seat="${CSS.escape(s.id)}"]`);
        if (!(li instanceof HTMLElement)) continue;
        li.dataset.readiness = s.readiness || 'none';
        const r = li.querySelector('[data-field="readiness"]');
        if (r) {
          r.className = `ready ready-${s.readiness || 'none'}`;
          r.textContent = readinessText(s);
        }
      }
    }
  }

  private headlineBlock(c: Call): HTMLElement | null {
    if (!c.headline) return null;
    const items = HEADLINE.filter(([k]) => k in c.headline!).map(([k, label]) =>
      h('div', { class: 'hl-item' + ((c.headline![k] ?? 0) > 0 && /urgent|overdue|duplicate|red_without/.test(k) ? ' hl-warn' : ''), 'data-key': k }, h('dt', null, label), h('dd', null, String(c.headline![k]))),
    );
    if (!items.length) return null;
    return h('div', { class: 'brief' }, h('h3', null, 'Situation brief'), h('dl', { class: 'headline' }, items));
  }

  private readinessForm(c: Call): HTMLElement | null {
    const me = this.me;
    const own = this.ownSeats(c);
    if (!me || own.length === 0 || c.status === 'ended' || c.status === 'cancelled') return null;
    if (!atLeast(me.role, 'field')) return h('p', { class: 'muted small' }, `Your role (${me.role || 'unknown'}) cannot answer for ${me.org}.`);
    const fid = (s: string) => `rd-${s}-${c.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const seat = h('select', { id: fid('seat'), name: 'invitee' }, own.map((s) => h('option', { value: s.id }, s.name)));
    const what = h(
      'select',
      { id: fid('what'), name: 'readiness' },
      h('option', { value: 'ready' }, 'Ready'),
      h('option', { value: 'delayed' }, 'Delayed'),
      h('option', { value: 'declined' }, 'Declined'),
    );
    const delay = h('input', { id: fid('delay'), name: 'delay', type: 'number', min: '1', max: '720', step: '1', value: '10', inputmode: 'numeric' });
    const noteIn = h('input', { id: fid('note'), name: 'note', type: 'text', maxlength: '500', placeholder: 'optional' });
    const delayRow = h('div', { class: 'form-row form-row-small', hidden: true }, h('label', { for: fid('delay') }, 'Minutes late'), delay);
    what.addEventListener('change', () => (delayRow.hidden = what.value !== 'delayed'));
    const form = h(
      'form',
      { class: 'claim-form readiness-form', autocomplete: 'off', 'aria-label': `Answer for ${me.org}` },
      h('p', { class: 'small' }, h('strong', null, `Answer for ${me.org}`)),
      own.length > 1 ? h('div', { class: 'form-row' }, h('label', { for: fid('seat') }, 'Seat'), seat) : null,
      h('div', { class: 'form-row' }, h('label', { for: fid('what') }, 'Readiness'), what),
      delayRow,
      h('div', { class: 'form-row' }, h('label', { for: fid('note') }, 'Note'), noteIn),
      h('button', { class: 'btn btn-primary', type: 'submit', 'data-action': 'answer' }, 'Send answer'),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.answer(c.id, own.length > 1 ? seat.value : own[0].id, what.value, Number(delay.value), noteIn.value.trim());
    });
    return form;
  }

  private async answer(id: string, seat: string, readiness: string, delay: number, note: string): Promise<void> {
    if (this.busy) return;
    if (readiness === 'delayed' && (!Number.isInteger(delay) || delay < 1 || delay > 720)) {
      this.note[id] = { kind: 'error', text: 'Minutes late must be a whole number from 1 to 720.' };
      this.renderCalls();
      return;
    }
    this.busy = true;
    const body: Record<string, unknown> = { invitee: seat, readiness };
    if (readiness === 'delayed') body.delay_minutes = delay;
    if (note) body.note = note;
    try {
      const c = call(await api('POST', `api/v1/calls/${encodeURIComponent(id)}/readiness`, body));
      this.note[id] = { kind: 'ok', text: `✓ Answer sent: ${readiness}${readiness === 'delayed' ? ` ${delay} min` : ''}.` };
      if (c) this.putCall(c, false);
    } catch (e) {
      const why = e instanceof APIError ? (e.status === 403 ? 'Not allowed: ' : e.status === 404 ? 'Not found: ' : e.status === 409 ? 'Conflict: ' : '') : '';
      this.note[id] = { kind: 'error', text: `${why}${e instanceof Error ? e.message : String(e)}` };
      (document.activeElement as HTMLElement | null)?.blur?.();
      this.renderCalls();
    } finally {
      this.busy = false;
    }
  }

  private async downloadICS(id: string): Promise<void> {
    // A plain link cannot carry the bearer token: fetch, then save a blob.
    try {
      const text = await api('GET', `api/v1/calls/${encodeURIComponent(id)}/ics`);
      if (typeof text !== 'string' || !text.startsWith('BEGIN:VCALENDAR')) throw new Error('the hub did not send a calendar file');
      const u = URL.createObjectURL(new Blob([text], { type: 'text/calendar' }));
      const a = h('a', { href: u, download: `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.ics` });
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(u), 10000);
    } catch (e) {
      this.note[id] = { kind: 'error', text: `Calendar file not downloaded: ${errText(e)}` };
      this.renderCalls();
    }
  }

  private renderMessages(): void {
    const p = this.messages;
    if (!p.loaded) return replace(this.msgEl, h('p', { class: 'muted' }, 'Loading…'));
    const out: HTMLElement[] = [];
    if (p.error) out.push(h('p', { class: 'msg msg-error' }, 'Messages could not be read: ', p.error));
    if (!p.error && p.items.length === 0) out.push(h('p', { class: 'muted' }, 'No official messages for your organisation.'));
    const now = serverNow();
    if (p.items.length) {
      out.push(
        h(
          'ul',
          { class: 'messages card' },
          p.items.map((m) =>
            h(
              'li',
              { 'data-message': m.id },
              h(
                'div',
                { class: 'msg-line' },
                m.signed
                  ? h('span', { class: 'verified', title: 'The hub accepts only messages whose Ed25519 signature verifies against a registered key of the sender' }, '✓ verified')
                  : h('span', { class: 'unverified' }, '? unsigned'),
                h('strong', { class: 'msg-subject' }, m.subject || '(no subject)'),
              ),
              h(
                'div',
                { class: 'muted small' },
                'From ',
                h('strong', null, m.from || '?'),
                ' to ',
                m.to.join(', ') || '?',
                m.kind ? ` · ${m.kind.replace(/_/g, ' ')}` : '',
                m.created ? h('span', { title: isoTitle(m.created) }, ` · ${localTime(m.created, now)}`) : '',
                m.receipts.length ? ` · ${m.receipts.join(', ')}` : '',
              ),
            ),
          ),
        ),
      );
    }
    replace(this.msgEl, out);
  }
}
