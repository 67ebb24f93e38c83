// The run bar that stays in view while a run goes: fixed at the bottom of the window, on a
// phone too, with the run's state in words (Running, Stopped, Done), its progress, Stop,
// Resume and a way back to the setup. Pressing Run also scrolls the results (the live
// figure) into view, unless the person moves the page themselves meanwhile.

import './run-flow.css';

export type DockState = 'running' | 'stopped' | 'done' | 'lost' | 'failed';

const LABELS: Record<DockState, string> = { running: 'Running', stopped: 'Stopped', done: 'Done', lost: 'GPU lost', failed: 'Failed' };

function button(id: string, text: string, secondary: boolean): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  b.textContent = text;
  if (secondary) b.className = 'secondary small';
  else b.className = 'small';
  return b;
}

export class RunDock {
  readonly root: HTMLElement;
  readonly stop: HTMLButtonElement;
  readonly resume: HTMLButtonElement;
  private readonly label: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly text: HTMLElement;
  /** the person scrolled or pressed a key since Run: do not move the page for them */
  private moved = false;

  constructor(onStop: () => void, onResume: () => void) {
    this.root = document.createElement('div');
    this.root.id = 'run-dock';
    this.root.className = 'run-dock';
    this.root.setAttribute('role', 'region');
    this.root.setAttribute('aria-label', 'Run');
    this.root.hidden = true;
    this.label = document.createElement('strong');
    this.label.id = 'dock-state';
    this.label.className = 'dock-state';
    this.bar = document.createElement('progress');
    this.bar.id = 'dock-progress';
    this.bar.max = 1;
    this.bar.value = 0;
    this.bar.setAttribute('aria-label', 'Progress of the run');
    this.text = document.createElement('span');
    this.text.id = 'dock-text';
    this.text.className = 'dock-text';
    this.stop = button('dock-stop', 'Stop', false);
    this.resume = button('dock-resume', 'Resume', false);
    const setup = document.createElement('a');
    setup.href = '#setup-title';
    setup.className = 'dock-setup';
    setup.textContent = 'Setup';
    setup.addEventListener('click', (ev) => {
      ev.preventDefault();
      document.getElementById('setup-title')?.scrollIntoView({ block: 'start', behavior: smooth() });
    });
    this.stop.addEventListener('click', onStop);
    this.resume.addEventListener('click', onResume);
    this.root.append(this.label, this.bar, this.text, this.stop, this.resume, setup);
    document.body.append(this.root);
    const moved = () => {
      this.moved = true;
    };
    for (const ev of ['wheel', 'touchmove']) window.addEventListener(ev, moved, { passive: true });
    window.addEventListener('keydown', (ev) => {
      if (['PageUp', 'PageDown', 'ArrowUp', 'ArrowDown', 'Home', 'End', ' '].includes(ev.key) && ev.target === document.body) moved();
    });
  }

  /** Shows the bar in a state; `resumable`: Resume offered (a stopped chunked run). */
  show(s: DockState, resumable = false): void {
    this.root.hidden = false;
    this.root.dataset.state = s;
    document.body.classList.add('has-run-dock');
    this.label.textContent = LABELS[s];
    this.stop.hidden = s !== 'running';
    this.resume.hidden = !(s === 'stopped' && resumable);
    if (s !== 'running' && s !== 'stopped') this.bar.value = s === 'done' ? 1 : this.bar.value;
  }

  hide(): void {
    this.root.hidden = true;
    document.body.classList.remove('has-run-dock');
  }

  progress(fraction: number, text: string): void {
    this.bar.value = fraction;
    this.text.textContent = text;
  }

  /** Run pressed: bring the results into view (the live figure appears at their top). */
  bringResults(): void {
    this.moved = false;
    document.getElementById('results')?.scrollIntoView({ block: 'start', behavior: smooth() });
  }

  /**
   * The live figure was drawn: bring it into view when it is not (its top below the upper third
   * of the window, or its bottom under this bar), unless the person moved the page.
   */
  keepInView(e: HTMLElement): void {
    if (this.moved) return;
    const r = e.getBoundingClientRect();
    const bottom = window.innerHeight - this.root.getBoundingClientRect().height;
    if (r.top >= 0 && (r.top < window.innerHeight / 3 || r.bottom <= bottom)) return;
    e.scrollIntoView({ block: 'start', behavior: smooth() });
  }
}

function smooth(): ScrollBehavior {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth';
}
