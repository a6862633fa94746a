// The hub API client: relative URLs (so the UI works behind a path
// prefix), the bearer token from localStorage, errors as APIError
// carrying the server's one-sentence message, and the server's clock
// (from the Date header) so lease countdowns are right even on a field
// laptop whose clock is wrong.

import { obj, str } from './model';

const TOKEN_KEY = 'struna.token';

export class APIError extends Error {
  constructor(
    readonly status: number, // 0: the hub could not be reached
    message: string,
    readonly body: Record<string, unknown> | null,
  ) {
    super(message);
  }
}

let onUnauthorized: (() => void) | null = null;

/** setUnauthorizedHandler registers what to do when the hub answers 401. */
export function setUnauthorizedHandler(f: () => void): void {
  onUnauthorized = f;
}

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return ''; // storage disabled: the user types the token each time
  }
}

export function setToken(t: string): void {
  try {
    if (t) localStorage.setItem(TOKEN_KEY, t);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled */
  }
}

let skewMs = 0;

/** serverNow is the hub's current time in ms since the epoch, as well as we know it. */
export function serverNow(): number {
  return Date.now() + skewMs;
}

function noteDate(hdr: string | null, t0: number, t1: number): void {
  if (!hdr) return;
  const d = Date.parse(hdr);
  if (Number.isNaN(d)) return;
  // The header has one-second resolution: ignore differences under 2 s.
  const s = d + 500 - (t0 + t1) / 2;
  skewMs = Math.abs(s) < 2000 ? 0 : s;
}

export function url(path: string): string {
  return new URL(path.replace(/^\//, ''), document.baseURI).toString();
}

/** api calls the hub and returns the decoded JSON (or text for text/html). */
export async function api(method: string, path: string, body?: unknown, auth = true): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const tok = getToken();
  if (auth && tok) headers.Authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const t0 = Date.now();
  let res: Response;
  try {
    res = await fetch(url(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new APIError(0, 'The hub cannot be reached: check the network link.', null);
  }
  noteDate(res.headers.get('Date'), t0, Date.now());
  const type = res.headers.get('Content-Type') ?? '';
  let data: unknown = null;
  try {
    data = type.includes('json') ? await res.json() : await res.text();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const b = obj(data);
    let msg = str(b?.error);
    if (!msg) {
      msg =
        res.status === 401
          ? 'The hub did not accept the token.'
          : res.status === 403
            ? 'Your role may not do this.'
            : `The hub answered ${res.status} ${res.statusText}.`;
    }
    if (res.status === 401 && auth && onUnauthorized) onUnauthorized();
    throw new APIError(res.status, msg, b);
  }
  return data;
}
