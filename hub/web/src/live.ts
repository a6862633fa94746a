// Live updates from GET /api/v1/events (Server-Sent Events). EventSource
// cannot send headers, so the token travels as ?access_token= (the hub
// accepts that on /api/v1/events only). The browser retries a dropped
// stream by itself; when it gives up (an HTTP error, e.g. 401, closes
// the stream for good) we retry with backoff. After every reconnect the
// caller re-reads everything, since events sent while we were away are
// lost.

import { getToken, url } from './api';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export const EVENT_KINDS = ['assessment', 'building', 'worksite', 'area', 'relief', 'call', 'message', 'receipt', 'trapped'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface LiveHandlers {
  event(kind: EventKind, data: unknown): void;
  state(s: LiveState): void;
  resync(): void;
}

export class Live {
  private es: EventSource | null = null;
  private timer: number | undefined;
  private backoff = 1000;
  private opened = false;
  private lostSinceOpen = false;

  constructor(private readonly h: LiveHandlers) {
    window.addEventListener('online', () => this.restart());
  }

  restart(): void {
    this.stop();
    this.connect();
  }

  stop(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.es) this.es.close();
    this.es = null;
  }

  private connect(): void {
    const tok = getToken();
    if (!tok) {
      this.h.state('offline');
      return;
    }
    this.h.state(this.opened ? 'reconnecting' : 'connecting');
    const es = new EventSource(url('api/v1/events?access_token=' + encodeURIComponent(tok)));
    this.es = es;
    es.addEventListener('open', () => {
      this.backoff = 1000;
      this.h.state('live');
      if (this.opened || this.lostSinceOpen) this.h.resync();
      this.opened = true;
      this.lostSinceOpen = false;
    });
    es.addEventListener('error', () => {
      if (this.es !== es) return;
      this.lostSinceOpen = true;
      if (es.readyState === EventSource.CLOSED) {
        this.h.state('offline');
        es.close();
        this.es = null;
        this.timer = window.setTimeout(() => this.connect(), this.backoff);
        this.backoff = Math.min(this.backoff * 2, 30000);
      } else {
        this.h.state('reconnecting');
      }
    });
    for (const kind of EVENT_KINDS) {
      es.addEventListener(kind, (ev) => this.deliver(kind, (ev as MessageEvent).data));
    }
  }

  private deliver(kind: EventKind, raw: unknown): void {
    let data: unknown = null;
    if (typeof raw === 'string' && raw !== '') {
      try {
        data = JSON.parse(raw);
      } catch {
        data = null; // a malformed event still tells us what kind of thing changed
      }
    }
    this.h.event(kind, data);
  }
}
