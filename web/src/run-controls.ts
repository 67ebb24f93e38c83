// The controls the run flow adds beside the Run button (index.html's .run-bar): Resume after
// Stop, a visible Share button that copies the link and says so (with the note that a link
// holds the setup, not the results), the confirmation a long run asks for, and the note
// that marks results out of date once the setup changed.

import { ui } from './dom.js';

function make<K extends keyof HTMLElementTagNameMap>(tag: K, id: string, className: string, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (id) e.id = id;
  if (className) e.className = className;
  e.textContent = text;
  return e;
}

export interface RunControls {
  resume: HTMLButtonElement;
  share: HTMLButtonElement;
  shareStatus: HTMLElement;
  /** the time estimated beside the step count; data-ms holds it in ms */
  estimate: HTMLElement;
  stale: HTMLElement;
  /** asks before a long run: resolves true to run */
  confirm(message: string): Promise<boolean>;
}

export function setupRunControls(onResume: () => void, link: () => string): RunControls {
  const bar = ui.run.closest('.run-bar') ?? ui.run.parentElement!;
  const resume = make('button', 'resume', 'secondary', 'Resume');
  resume.type = 'button';
  resume.hidden = true;
  resume.addEventListener('click', onResume);
  const share = make('button', 'share', 'secondary', 'Share');
  share.type = 'button';
  share.title = 'Copy a link to this setup';
  const shareStatus = make('span', 'share-status', 'note');
  shareStatus.setAttribute('aria-live', 'polite');
  ui.stop.after(resume, share);
  const note = make(
    'p',
    'share-note',
    'note share-note',
    'A link holds the setup, not the results: opening it reruns the scan from its seed (the same numbers on the same engine).',
  );
  const linkBox = make('input', 'share-link', 'share-link');
  linkBox.readOnly = true;
  linkBox.hidden = true;
  linkBox.setAttribute('aria-label', 'Link to this setup');
  bar.after(note, linkBox);
  const estimate = make('span', 'run-estimate', 'note run-estimate');
  ui.summary.after(estimate, shareStatus);

  const doShare = async () => {
    const url = link();
    linkBox.value = url;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      linkBox.hidden = true;
      shareStatus.textContent = 'Link copied.';
    } catch {
      linkBox.hidden = false;
      linkBox.focus();
      linkBox.select();
      shareStatus.textContent = 'Copy the link from the box below.';
    }
  };
  share.addEventListener('click', () => void doShare());
  ui.copyLink.addEventListener('click', () => void doShare());

  const stale = make('p', 'results-stale', 'results-stale', 'Out of date: the setup changed after this run. Run it to update these results.');
  stale.hidden = true;
  ui.meta.after(stale);

  const box = make('div', 'run-confirm', 'run-confirm');
  box.setAttribute('role', 'alertdialog');
  box.setAttribute('aria-labelledby', 'run-confirm-text');
  box.hidden = true;
  const text = make('p', 'run-confirm-text', '');
  const yes = make('button', 'run-confirm-yes', '', 'Run anyway');
  const no = make('button', 'run-confirm-no', 'secondary', 'Cancel');
  yes.type = no.type = 'button';
  const buttons = make('div', '', 'buttons');
  buttons.append(yes, no);
  box.append(text, buttons);
  note.after(box);
  let answer: ((ok: boolean) => void) | null = null;
  const close = (ok: boolean) => {
    box.hidden = true;
    answer?.(ok);
    answer = null;
  };
  yes.addEventListener('click', () => close(true));
  no.addEventListener('click', () => close(false));
  const confirm = (message: string) =>
    new Promise<boolean>((resolve) => {
      answer?.(false);
      answer = resolve;
      text.textContent = message;
      box.hidden = false;
      yes.focus();
    });
  return { resume, share, shareStatus, estimate, stale, confirm };
}
