// The first screen: the model and its predictions typeset with KaTeX (bundled: its script is
// loaded on demand, its fonts are assets of the built folder, nothing comes from the
// network), and a card per preset with a sketch of its figure (sketches.ts) that selects the
// preset in the form. Its own entry script (index.html), independent of main.ts: it talks to
// the form only through the #experiment select (setting its value and dispatching 'change',
// as a visitor's choice would).
//
// For tests: body[data-intro] is 'ready' once the formulas are typeset and the cards drawn.

import 'katex/dist/katex.min.css';
import { EXPERT_PRESET_IDS, EXPERT_PRESETS } from '../../src/experiments/experts/presets/index.js';
import { PRESET_IDS, PRESETS } from '../../src/experiments/presets/index.js';
import { TRAINING_PRESET_IDS, TRAINING_PRESETS } from '../../src/experiments/training/presets/index.js';
import type { Theme } from '../../src/report/colors.js';
import { displayHtml, displayText } from '../../src/report/display.js';
import { drawSketch, SKETCHES } from './sketches.js';

const SKETCH_WIDTH = 100,
  SKETCH_HEIGHT = 56;

const darkScheme = matchMedia('(prefers-color-scheme: dark)');
const theme = (): Theme => (darkScheme.matches ? 'dark' : 'light');

/** Typesets every [data-tex] element under root (display math where it has data-display). */
export async function renderFormulas(root: ParentNode = document): Promise<number> {
  const { default: katex } = await import('katex');
  const elements = [...root.querySelectorAll<HTMLElement>('[data-tex]')];
  for (const el of elements) {
    katex.render(el.dataset.tex ?? '', el, { displayMode: el.hasAttribute('data-display'), throwOnError: false, output: 'htmlAndMathml' });
  }
  return elements.length;
}

interface CardGroup {
  title: string;
  presets: { id: string; title: string }[];
}

function groups(): CardGroup[] {
  return [
    { title: "The paper's router figures", presets: PRESET_IDS.map((id) => ({ id, title: PRESETS[id].title })) },
    { title: "Trainable MoE (the paper's Figs. 1–5)", presets: TRAINING_PRESET_IDS.map((id) => ({ id, title: TRAINING_PRESETS[id].title })) },
    { title: 'N experts (beyond the paper)', presets: EXPERT_PRESET_IDS.map((id) => ({ id, title: EXPERT_PRESETS[id].title })) },
  ];
}

function drawCard(canvas: HTMLCanvasElement, id: string): void {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(SKETCH_WIDTH * dpr);
  canvas.height = Math.round(SKETCH_HEIGHT * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const kind = SKETCHES[id];
  if (kind) drawSketch(ctx, kind, SKETCH_WIDTH, SKETCH_HEIGHT, theme());
}

/** The preset cards in `host`; a click selects the preset in `select` and moves to the form. */
export function presetCards(host: HTMLElement, select: HTMLSelectElement): HTMLButtonElement[] {
  const buttons: HTMLButtonElement[] = [];
  host.replaceChildren(
    ...groups().map((g) => {
      const section = document.createElement('div');
      section.className = 'card-group';
      const h = document.createElement('h3');
      h.textContent = g.title;
      const list = document.createElement('ul');
      list.className = 'preset-cards';
      for (const p of g.presets) {
        const item = document.createElement('li');
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'preset-card';
        b.dataset.preset = p.id;
        b.setAttribute('aria-pressed', 'false');
        const canvas = document.createElement('canvas');
        canvas.className = 'sketch';
        canvas.setAttribute('aria-hidden', 'true');
        canvas.style.width = `${SKETCH_WIDTH}px`;
        canvas.style.height = `${SKETCH_HEIGHT}px`;
        const label = document.createElement('span');
        label.innerHTML = displayHtml(p.title);
        b.title = displayText(p.title);
        b.append(canvas, label);
        b.addEventListener('click', () => choose(select, p.id));
        item.append(b);
        list.append(item);
        buttons.push(b);
        drawCard(canvas, p.id);
      }
      section.append(h, list);
      return section;
    }),
  );
  const mark = () => {
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.preset === select.value));
  };
  select.addEventListener('change', mark);
  // the form fills the select once the page has found its engine; hashchange sets it too
  new MutationObserver(mark).observe(select, { childList: true, subtree: true });
  window.addEventListener('hashchange', () => setTimeout(mark, 0));
  darkScheme.addEventListener('change', () => {
    for (const b of buttons) drawCard(b.querySelector('canvas')!, b.dataset.preset!);
  });
  mark();
  return buttons;
}

/** Selects preset `id` in the form, as a visitor's choice in the select would, and scrolls to it. */
function choose(select: HTMLSelectElement, id: string): void {
  if (![...select.options].some((o) => o.value === id)) return; // the form is not set up yet
  if (select.value !== id) {
    select.value = id;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  }
  document.getElementById('setup-title')?.scrollIntoView({ block: 'start' });
  select.focus({ preventScroll: true });
}

async function setupIntro(): Promise<void> {
  const host = document.getElementById('preset-card-groups');
  const select = document.getElementById('experiment') as HTMLSelectElement | null;
  if (host && select) presetCards(host, select);
  await renderFormulas(document.getElementById('intro') ?? document);
  document.body.dataset.intro = 'ready';
}

void setupIntro().catch((err) => {
  console.error('moe-cusp: the introduction could not be set up:', err);
  document.body.dataset.intro = 'failed';
});
