// The building list beside the map: search by name or id, filter by
// placard. Buildings with persons reported trapped come first (most
// persons first, whatever their placard: a rescue does not wait for the
// placard), then the most dangerous. It shows at most LIMIT rows (a hub
// may hold 20 000 buildings) and says how many more match.

import { h, replace } from './dom';
import { placardBadge } from './map';
import { Building, PLACARDS, Placard } from './model';
import { category } from './format';

const LIMIT = 250;

export class BuildingList {
  private readonly search = h('input', {
    type: 'search',
    class: 'search',
    placeholder: 'Search name or id',
    'aria-label': 'Search buildings by name or id',
    id: 'bld-search',
  });
  private readonly chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Filter by placard' });
  private readonly list = h('ul', { class: 'bld-list', id: 'bld-list' });
  private readonly more = h('p', { class: 'muted small' });
  private readonly filter = new Set<Placard>();
  private items: Building[] = [];
  private error = '';
  private trapped: ReadonlyMap<string, number> = new Map();

  constructor(
    el: HTMLElement,
    private readonly onSelect: (id: string) => void,
  ) {
    this.search.addEventListener('input', () => this.render());
    replace(el, h('div', { class: 'list-head' }, h('h2', null, 'Buildings'), this.search, this.chips), this.list, this.more);
  }

  set(items: Building[], error = ''): void {
    this.items = items;
    this.error = error;
    this.render();
  }

  /** setTrapped sets the persons reported trapped per building id. */
  setTrapped(counts: ReadonlyMap<string, number>): void {
    const same = counts.size === this.trapped.size && [...counts].every(([id, n]) => this.trapped.get(id) === n);
    this.trapped = counts;
    if (!same) this.render(); // a re-sort of up to 20 000 buildings: only when a number changed
  }

  private render(): void {
    const counts: Record<Placard, number> = { red: 0, yellow: 0, green: 0, unknown: 0 };
    for (const b of this.items) counts[b.placard]++;
    replace(
      this.chips,
      (['red', 'yellow', 'green', 'unknown'] as Placard[]).map((p) => {
        const info = PLACARDS[p];
        const on = this.filter.has(p);
        return h(
          'button',
          {
            type: 'button',
            class: `chip${on ? ' on' : ''}`,
            'aria-pressed': String(on),
            'data-placard': p,
            title: `Show only ${info.word}`,
            style: on ? `background:${info.colour};color:${info.ink};border-color:${info.colour}` : `border-color:${info.colour}`,
            onclick: () => {
              if (this.filter.has(p)) this.filter.delete(p);
              else this.filter.add(p);
              this.render();
            },
          },
          h('span', { 'aria-hidden': 'true' }, info.symbol),
          ` ${counts[p]}`,
        );
      }),
    );
    if (this.error) {
      replace(this.list, h('li', { class: 'msg msg-error' }, this.error));
      this.more.textContent = '';
      return;
    }
    const q = this.search.value.trim().toLowerCase();
    const trapped = this.trapped;
    const match = this.items
      .filter((b) => (this.filter.size === 0 || this.filter.has(b.placard)) && (!q || b.name.toLowerCase().includes(q) || b.id.toLowerCase().includes(q)))
      .sort(
        (a, b) =>
          (trapped.get(b.id) ?? 0) - (trapped.get(a.id) ?? 0) ||
          PLACARDS[a.placard].rank - PLACARDS[b.placard].rank ||
          (a.name || a.id).localeCompare(b.name || b.id, undefined, { numeric: true }),
      );
    replace(
      this.list,
      match.length === 0
        ? h('li', { class: 'muted empty' }, this.items.length ? 'No building matches.' : 'No buildings on the hub yet.')
        : match.slice(0, LIMIT).map((b) => {
            const n = trapped.get(b.id) ?? 0;
            return h(
              'li',
              null,
              h(
                'button',
                { type: 'button', class: 'bld-item', 'data-building': b.id, onclick: () => this.onSelect(b.id) },
                placardBadge(b.placard, 'compact'),
                h('span', { class: 'bld-item-name' }, b.name || b.id),
                h('span', { class: 'bld-item-sub' }, b.name ? b.id : '', b.category ? ` · ${category(b.category).split(' — ')[0]}` : '', b.lat === null ? ' · no location' : ''),
                n > 0
                  ? h(
                      'span',
                      { class: 'bld-item-trapped', 'data-trapped': n, title: `${n} ${n === 1 ? 'person' : 'persons'} reported trapped` },
                      h('span', { 'aria-hidden': 'true' }, '⚠'),
                      ` ${n} trapped`,
                    )
                  : null,
              ),
            );
          }),
    );
    this.more.textContent = match.length > LIMIT ? `${match.length - LIMIT} more match: refine the search.` : '';
  }
}
