// The worksite board: every worksite with its holder and a live lease
// countdown, a claim form limited to the caller's own teams, and release
// (own organisation) or break (coordinator, admin) buttons. The hub's
// answer is the truth: a 409 shows its sentence ("held by … until …")
// as it is, and the board re-reads after every action and every live
// worksite event.

import { APIError, api, serverNow } from './api';
import { h, replace } from './dom';
import { isoTitle, left, localTime } from './format';
import { Me, Team, Worksite, atLeast, obj, str, team, time, worksite } from './model';

export interface BoardState {
  me: Me | null;
  worksites: Worksite[];
  worksitesError: string;
  teams: Team[];
  teamsError: string;
}

export interface BoardHooks {
  reload(): Promise<void>; // re-read worksites (and teams)
  showOnMap(w: Worksite): void;
}

export async function loadWorksites(): Promise<Worksite[]> {
  const data = await api('GET', 'api/v1/worksites');
  const out: Worksite[] = [];
  for (const x of Array.isArray(data) ? data : []) {
    const w = worksite(x);
    if (w) out.push(w);
  }
  out.sort((a, b) => a.code.localeCompare(b.code, undefined, { numeric: true }));
  return out;
}

export async function loadTeams(): Promise<Team[]> {
  const data = await api('GET', 'api/v1/teams');
  const out: Team[] = [];
  for (const x of Array.isArray(data) ? data : []) {
    const t = team(x);
    if (t) out.push(t);
  }
  out.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

/** held reports whether w's lease is still running at the hub's time. */
export function held(w: Worksite, nowMs: number): boolean {
  if (!w.holder) return false;
  return !w.holder.until || w.holder.until.getTime() > nowMs;
}

export class Board {
  private readonly msg = h('div', { class: 'board-msg', role: 'alert', 'aria-live': 'assertive' });
  private readonly body = h('div', { class: 'board-body' });
  private readonly form = h('form', { class: 'claim-form', autocomplete: 'off' });
  private siteSel = h('select', { id: 'claim-site', name: 'site' });
  private teamSel = h('select', { id: 'claim-team', name: 'team' });
  private minutes = h('input', { id: 'claim-minutes', name: 'minutes', type: 'number', min: '1', max: '1440', step: '1', value: '60', inputmode: 'numeric' });
  private busy = false;
  private highlight = '';
  private state: BoardState = { me: null, worksites: [], worksitesError: '', teams: [], teamsError: '' };

  constructor(
    private readonly el: HTMLElement,
    private readonly hooks: BoardHooks,
  ) {
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.claim(this.siteSel.value, this.teamSel.value, Number(this.minutes.value));
    });
    replace(el, h('div', { class: 'board' }, h('h2', null, 'Worksites'), this.form, this.msg, this.body));
    window.setInterval(() => this.tick(), 1000);
  }

  myTeams(): Team[] {
    const org = this.state.me?.org ?? '';
    // A team list without org fields (sharing) is taken as already filtered by the hub.
    return this.state.teams.filter((t) => !t.org || !org || t.org === org);
  }

  update(s: BoardState): void {
    this.state = s;
    this.render();
  }

  focus(code: string): void {
    this.highlight = code;
    this.render();
    const row = this.el.querySelector(`tr[data-code="${CSS.escape(code)}"]`);
    if (row instanceof HTMLElement) row.scrollIntoView({ block: 'center' });
  }

  private canClaim(): boolean {
    return this.state.me !== null && atLeast(this.state.me.role, 'field');
  }

  private renderForm(): void {
    const me = this.state.me;
    const teams = this.myTeams();
    const now = serverNow();
    if (!this.canClaim()) {
      replace(
        this.form,
        h('p', { class: 'muted' }, me ? `Your role (${me.role || 'unknown'}) can view the board but not claim worksites.` : 'Sign in to claim worksites.'),
      );
      return;
    }
    if (this.state.teamsError) {
      replace(this.form, h('p', { class: 'msg msg-error' }, 'Teams could not be read: ', this.state.teamsError));
      return;
    }
    if (teams.length === 0) {
      const name = h('input', { type: 'text', name: 'newteam', placeholder: 'e.g. USAR-1', maxlength: '64', required: true, id: 'new-team' });
      replace(
        this.form,
        h('p', null, `Your organisation (${me?.org || '?'}) has no team registered yet. Register one to claim worksites:`),
        h('div', { class: 'form-row' }, h('label', { for: 'new-team' }, 'Team name'), name),
        h('button', { class: 'btn btn-primary', type: 'button', onclick: () => void this.registerTeam(name.value) }, 'Register team'),
      );
      return;
    }
    const prevSite = this.siteSel.value;
    const prevTeam = this.teamSel.value;
    replace(
      this.siteSel,
      this.state.worksites.map((w) =>
        h('option', { value: w.code }, w.code, w.name ? ` — ${w.name}` : '', held(w, now) ? ` (held by ${w.holder!.team})` : ' (free)'),
      ),
    );
    replace(this.teamSel, teams.map((t) => h('option', { value: t.name }, t.name)));
    if (prevSite && this.state.worksites.some((w) => w.code === prevSite)) this.siteSel.value = prevSite;
    else {
      const free = this.state.worksites.find((w) => !held(w, now));
      if (free) this.siteSel.value = free.code;
    }
    if (prevTeam && teams.some((t) => t.name === prevTeam)) this.teamSel.value = prevTeam;
    if (this.form.contains(this.siteSel)) return; // already laid out: keep focus and input
    replace(
      this.form,
      h('div', { class: 'form-row' }, h('label', { for: 'claim-site' }, 'Worksite'), this.siteSel),
      h('div', { class: 'form-row' }, h('label', { for: 'claim-team' }, 'Team'), this.teamSel),
      h('div', { class: 'form-row form-row-small' }, h('label', { for: 'claim-minutes' }, 'Minutes'), this.minutes),
      h('button', { class: 'btn btn-primary', type: 'submit', id: 'claim-btn' }, 'Claim worksite'),
    );
  }

  private render(): void {
    this.renderForm();
    const s = this.state;
    if (s.worksitesError) {
      replace(this.body, h('p', { class: 'msg msg-error' }, 'Worksites could not be read: ', s.worksitesError));
      return;
    }
    if (s.worksites.length === 0) {
      replace(this.body, h('p', { class: 'muted' }, 'No worksites yet. A coordinator adds them (POST /api/v1/worksites).'));
      return;
    }
    const now = serverNow();
    const mine = new Set(this.myTeams().map((t) => t.name));
    const myOrg = s.me?.org ?? '';
    const coord = s.me !== null && atLeast(s.me.role, 'coordinator');
    const nHeld = s.worksites.filter((w) => held(w, now)).length;
    const rows = s.worksites.map((w) => {
      const isHeld = held(w, now);
      const ho = w.holder;
      const ours = isHeld && ho !== null && (ho.org ? ho.org === myOrg : mine.has(ho.team));
      const actions: HTMLElement[] = [];
      if (this.canClaim()) {
        if (!isHeld && mine.size) {
          actions.push(h('button', { class: 'btn btn-small btn-primary', type: 'button', 'data-action': 'claim', onclick: () => void this.claimRow(w.code) }, 'Claim'));
        }
        if (ours && ho) {
          if (mine.has(ho.team)) {
            actions.push(h('button', { class: 'btn btn-small', type: 'button', 'data-action': 'extend', onclick: () => void this.claim(w.code, ho.team, Number(this.minutes.value) || 60) }, 'Extend'));
          }
          actions.push(h('button', { class: 'btn btn-small btn-danger', type: 'button', 'data-action': 'release', onclick: () => void this.release(w.code, ho.team, false) }, 'Release'));
        } else if (isHeld && ho && coord) {
          actions.push(h('button', { class: 'btn btn-small btn-danger', type: 'button', 'data-action': 'break', onclick: () => void this.release(w.code, ho.team, true) }, 'Break lease'));
        }
      }
      if (w.lat !== null && w.lon !== null) {
        actions.push(h('button', { class: 'btn btn-small btn-ghost', type: 'button', onclick: () => this.hooks.showOnMap(w) }, 'Map'));
      }
      return h(
        'tr',
        { 'data-code': w.code, 'data-state': isHeld ? 'held' : 'free', class: w.code === this.highlight ? 'hl' : '' },
        h('td', { class: 'ws-code' }, w.code),
        h('td', null, w.name || '—', w.sector ? h('div', { class: 'muted small' }, 'Sector ', w.sector) : null),
        h('td', null, isHeld ? h('span', { class: 'state state-held' }, '● HELD') : h('span', { class: 'state state-free' }, '○ FREE')),
        h('td', { 'data-field': 'holder', 'data-label': 'Holder' }, isHeld && ho ? [h('strong', null, ho.team), ho.org ? h('div', { class: 'muted small' }, ho.org) : null] : '—'),
        h('td', { title: isoTitle(isHeld ? (ho?.since ?? null) : null) }, isHeld ? localTime(ho?.since ?? null, now) : '—'),
        h('td', { title: isoTitle(isHeld ? (ho?.until ?? null) : null) }, isHeld ? localTime(ho?.until ?? null, now) : '—'),
        h('td', { class: 'countdown', 'data-label': 'Time left', 'data-until': isHeld && ho?.until ? String(ho.until.getTime()) : '' }, isHeld && ho?.until ? left(ho.until, now) : '—'),
        h('td', { class: 'actions' }, actions),
      );
    });
    replace(
      this.body,
      h('p', { class: 'board-summary' }, `${s.worksites.length - nHeld} free · ${nHeld} held`),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'board-table' },
          h(
            'thead',
            null,
            h('tr', null, ['Code', 'Name', 'Status', 'Holder', 'Since', 'Until', 'Time left', ''].map((t) => h('th', { scope: 'col' }, t))),
          ),
          h('tbody', null, rows),
        ),
      ),
    );
  }

  /** tick updates the countdowns; a lease that runs out re-renders the board. */
  private tick(): void {
    const now = serverNow();
    let expired = false;
    for (const td of this.el.querySelectorAll<HTMLElement>('td.countdown[data-until]')) {
      const u = Number(td.dataset.until);
      if (!u) continue;
      const t = left(new Date(u), now);
      if (t === '') expired = true;
      td.textContent = t || 'expired';
    }
    if (expired) this.render();
  }

  private say(kind: 'ok' | 'error' | 'info', ...text: (string | Node)[]): void {
    replace(this.msg, h('p', { class: `msg msg-${kind}` }, ...text));
  }

  private async claimRow(code: string): Promise<void> {
    this.siteSel.value = code;
    await this.claim(code, this.teamSel.value, Number(this.minutes.value));
  }

  private async claim(code: string, teamName: string, minutes: number): Promise<void> {
    if (this.busy) return;
    if (!code || !teamName) {
      this.say('error', 'Choose a worksite and one of your teams.');
      return;
    }
    if (!Number.isFinite(minutes) || minutes < 1 || minutes > 1440) {
      this.say('error', 'Minutes must be between 1 and 1440 (24 h).');
      return;
    }
    this.busy = true;
    this.say('info', `Claiming ${code} for ${teamName}…`);
    try {
      const res = obj(await api('POST', `api/v1/worksites/${encodeURIComponent(code)}/claim`, { team: teamName, minutes: Math.round(minutes) }));
      const until = time(res?.until);
      this.say('ok', `✓ Worksite ${str(res?.code) || code} is claimed by ${str(res?.team) || teamName}`, until ? ` until ${localTime(until, serverNow())}.` : '.');
    } catch (e) {
      this.sayError(`Worksite ${code} was not claimed`, e);
    } finally {
      this.busy = false;
    }
    await this.hooks.reload();
  }

  private async release(code: string, teamName: string, brk: boolean): Promise<void> {
    if (this.busy) return;
    if (brk && !window.confirm(`Break the lease of team ${teamName} on worksite ${code}? The team will be told through the audit log.`)) return;
    this.busy = true;
    try {
      await api('POST', `api/v1/worksites/${encodeURIComponent(code)}/release`, brk ? { team: teamName, break: true } : { team: teamName });
      this.say('ok', `✓ Worksite ${code} released${brk ? ' (lease broken)' : ''}.`);
    } catch (e) {
      this.sayError(`Worksite ${code} was not released`, e);
    } finally {
      this.busy = false;
    }
    await this.hooks.reload();
  }

  private async registerTeam(name: string): Promise<void> {
    name = name.trim();
    if (!name) {
      this.say('error', 'Type a team name.');
      return;
    }
    try {
      await api('POST', 'api/v1/teams', { name });
      this.say('ok', `✓ Team ${name} registered.`);
    } catch (e) {
      this.sayError(`Team ${name} was not registered`, e);
    }
    await this.hooks.reload();
  }

  private sayError(what: string, e: unknown): void {
    if (e instanceof APIError) {
      const why = e.status === 409 ? 'Conflict' : e.status === 403 ? 'Not allowed' : e.status === 0 ? 'No connection' : `Error ${e.status}`;
      // The hub's sentence names the holder and the end in UTC; add the local reading.
      const until = e.status === 409 ? time(e.body?.until) : null;
      const now = serverNow();
      const local = until && until.getTime() > now ? ` — that is ${localTime(until, now)} local time, ${left(until, now)} from now.` : '';
      this.say('error', h('strong', null, `${why}: `), e.message, local, h('span', { class: 'muted' }, ` (${what}.)`));
    } else {
      this.say('error', `${what}: `, e instanceof Error ? e.message : String(e));
    }
  }
}
