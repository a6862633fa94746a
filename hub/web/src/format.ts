// Display formats. Times are the viewer's local clock in 24-hour form
// with the date when it is not today (ISO UTC in the title attribute);
// durations count down against the hub's clock.

import { PLACARDS, Placard } from './model';

function pad(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

export function localTime(d: Date | null, nowMs = Date.now()): string {
  if (!d) return '—';
  const now = new Date(nowMs);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate()) return hm;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

export function isoTitle(d: Date | null): string {
  return d ? d.toISOString().replace('.000Z', 'Z') : '';
}

/** ago says how long before now d was, coarsely ("5 min ago"). */
export function ago(d: Date | null, nowMs: number): string {
  if (!d) return '';
  const s = Math.round((nowMs - d.getTime()) / 1000);
  if (s < -60) return 'in the future (clock?)';
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** left formats the time remaining until d: "1:02:03", "42:13", or "" if past. */
export function left(d: Date | null, nowMs: number): string {
  if (!d) return '';
  let s = Math.floor((d.getTime() - nowMs) / 1000);
  if (s <= 0) return '';
  const hh = Math.floor(s / 3600);
  s -= hh * 3600;
  const mm = Math.floor(s / 60);
  const ss = s - mm * 60;
  return hh > 0 ? `${hh}:${pad(mm)}:${pad(ss)}` : `${mm}:${pad(ss)}`;
}

export function percent(v: number | null): string {
  if (v === null) return '—';
  const p = v <= 1 ? v * 100 : v; // accept 0..1 (the schema) and 0..100
  return `${Math.round(Math.max(0, Math.min(100, p)))} %`;
}

const CATEGORY: Record<string, string> = {
  normative: 'Normative — no damage found',
  working: 'Working — serviceable, minor defects',
  limited: 'Limited — limited serviceability',
  emergency: 'Emergency — danger of collapse',
};

export function category(c: string): string {
  if (!c) return '—';
  return CATEGORY[c] ?? c;
}

export function placardText(p: Placard): string {
  const i = PLACARDS[p];
  return p === 'unknown' ? i.word : `${p.toUpperCase()} · ${i.word}`;
}
