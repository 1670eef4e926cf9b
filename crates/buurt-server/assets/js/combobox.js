// A combobox with a list popup (WAI-ARIA Authoring Practices, "list autocomplete"): typing in the
// text field lists the options that match; ArrowDown and ArrowUp move through them (the field
// keeps the focus, `aria-activedescendant` names the option), Enter chooses the highlighted
// option or else the best match, Escape closes the list and then restores the field, a click
// chooses too. `nextActive` has no DOM, so it runs in Node's tests; the class needs a document.

/**
 * The option highlighted after `key` with `active` highlighted (-1: none) among `count`: the
 * arrows move one (wrapping around), Home and End go to the first and last; null for other keys.
 */
export function nextActive(active, key, count) {
  if (count <= 0) return -1;
  switch (key) {
    case 'ArrowDown': return active < 0 || active >= count - 1 ? 0 : active + 1;
    case 'ArrowUp': return active <= 0 ? count - 1 : active - 1;
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return null;
  }
}

export class Combobox {
  /**
   * @param {{
   *   input: HTMLInputElement, listbox: HTMLElement, status?: HTMLElement,
   *   options: (text: string) => Array<{id: string, label: string, detail?: string}>,
   *   onChoose: (option: object) => void,
   *   currentText: () => string,
   *   noMatch?: (text: string) => string,
   * }} args
   */
  constructor({ input, listbox, status, options, onChoose, currentText, noMatch }) {
    Object.assign(this, { input, listbox, status, getOptions: options, onChoose, currentText, noMatch });
    this.items = [];
    this.active = -1;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listbox.id);
    input.setAttribute('autocomplete', 'off');
    input.setAttribute('spellcheck', 'false');
    listbox.setAttribute('role', 'listbox');
    listbox.hidden = true;
    input.addEventListener('input', () => this.open(input.value));
    input.addEventListener('keydown', (e) => this.onKey(e));
    input.addEventListener('focus', () => input.select());
    input.addEventListener('click', () => { if (!this.isOpen()) this.open(''); });
    input.addEventListener('blur', () => this.close({ restore: true }));
    // The field keeps the focus while the list is clicked.
    listbox.addEventListener('mousedown', (e) => e.preventDefault());
    listbox.addEventListener('click', (e) => {
      const li = e.target.closest('[role="option"]');
      if (li) this.choose(this.items[Number(li.dataset.index)]);
    });
    this.restore();
  }

  isOpen() {
    return !this.listbox.hidden;
  }

  /** The field shows the current choice again (selected while it has the focus: typing replaces it). */
  restore() {
    this.input.value = this.currentText();
    this.input.removeAttribute('aria-invalid');
    this.input.setCustomValidity('');
    if (document.activeElement === this.input) this.input.select();
  }

  /** Lists the options for `text`, none highlighted. */
  open(text) {
    this.input.removeAttribute('aria-invalid');
    this.input.setCustomValidity('');
    this.items = this.getOptions(text);
    this.active = -1;
    const id = this.listbox.id;
    this.listbox.innerHTML = '';
    this.items.forEach((item, i) => {
      const li = document.createElement('li');
      li.id = `${id}-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.dataset.index = String(i);
      li.dataset.value = item.id;
      li.textContent = item.label;
      if (item.detail) {
        const detail = document.createElement('span');
        detail.className = 'detail';
        detail.textContent = item.detail;
        li.append(' ', detail);
      }
      this.listbox.append(li);
    });
    this.listbox.hidden = this.items.length === 0;
    this.input.setAttribute('aria-expanded', String(this.items.length > 0));
    this.input.removeAttribute('aria-activedescendant');
    if (this.status) {
      this.status.textContent = this.items.length ? `${this.items.length} ${this.items.length === 1 ? 'resultaat' : 'resultaten'}` : 'geen resultaten';
    }
  }

  close({ restore = false } = {}) {
    this.listbox.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.active = -1;
    if (restore) this.restore();
  }

  highlight(i) {
    const old = this.listbox.children[this.active];
    if (old) old.setAttribute('aria-selected', 'false');
    this.active = i;
    const li = this.listbox.children[i];
    if (!li) return;
    li.setAttribute('aria-selected', 'true');
    this.input.setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView({ block: 'nearest' });
  }

  choose(item) {
    if (!item) return;
    this.close();
    this.onChoose(item);
    this.restore();
  }

  onKey(e) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      // Closed: Alt+ArrowDown (or an arrow) opens the list of what the field holds.
      if (!this.isOpen()) {
        this.open(this.input.value === this.currentText() ? '' : this.input.value);
        if (e.altKey) return;
      }
      this.highlight(nextActive(this.active, e.key, this.items.length));
    } else if ((e.key === 'Home' || e.key === 'End') && this.isOpen() && this.active >= 0) {
      e.preventDefault();
      this.highlight(nextActive(this.active, e.key, this.items.length));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (this.isOpen() && this.active >= 0) {
        this.choose(this.items[this.active]);
        return;
      }
      const text = this.input.value;
      if (text === this.currentText()) return;
      const [best] = this.getOptions(text);
      if (best) {
        this.choose(best);
      } else {
        this.input.setAttribute('aria-invalid', 'true');
        this.input.setCustomValidity(this.noMatch?.(text) ?? 'Niets gevonden.');
        this.input.reportValidity();
      }
    } else if (e.key === 'Escape') {
      // First Escape closes the list; the next gives the field back its choice.
      if (this.isOpen()) this.close();
      else this.restore();
      e.preventDefault();
    } else if (e.key === 'Tab') {
      this.close({ restore: true });
    }
  }
}
