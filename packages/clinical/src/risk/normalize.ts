/**
 * Informal client text → the spelling the lexicon is written in, with an offset map back to the
 * original: portal messages and intake answers drop apostrophes ("im", "dont", "cant"), use
 * chat abbreviations ("rn", "tn", "kms", "unalive", "sh") and misspell the risk words. The
 * lexicon is written once, in standard spelling; this layer maps the variants onto it, so a new
 * phrase in the lexicon works in every informal spelling without being written again.
 */

/** Whole-word rewrites (matched case-insensitively; the replacement keeps a leading capital off). */
const WORDS: Readonly<Record<string, string>> = {
  // Contractions without apostrophes. ("ill", "id", "were", "well", "hell", "its" are real words.)
  im: "i'm",
  ive: "i've",
  dont: "don't",
  doesnt: "doesn't",
  didnt: "didn't",
  cant: "can't",
  wont: "won't",
  wouldnt: "wouldn't",
  couldnt: "couldn't",
  shouldnt: "shouldn't",
  isnt: "isn't",
  wasnt: "wasn't",
  arent: "aren't",
  werent: "weren't",
  havent: "haven't",
  hasnt: "hasn't",
  hadnt: "hadn't",
  aint: "ain't",
  thats: "that's",
  whats: "what's",
  theres: "there's",
  youre: "you're",
  theyre: "they're",
  shes: "she's",
  hes: "he's",
  // Chat abbreviations.
  rn: 'right now',
  tn: 'tonight',
  tonite: 'tonight',
  tonights: "tonight's",
  '2nite': 'tonight',
  '2night': 'tonight',
  tmrw: 'tomorrow',
  tmr: 'tomorrow',
  tmrow: 'tomorrow',
  '2moro': 'tomorrow',
  '2day': 'today',
  u: 'you',
  ur: 'your',
  ya: 'you',
  bc: 'because',
  cuz: 'because',
  abt: 'about',
  ppl: 'people',
  smth: 'something',
  sth: 'something',
  idk: "i don't know",
  idc: "i don't care",
  kms: 'kill myself',
  kys: 'kill yourself',
  sh: 'self-harm',
  shing: 'self-harming',
  "sh'd": 'self-harmed',
  shd: 'self-harmed',
  "od'd": 'overdosed',
  wanna: 'want to',
  gonna: 'going to',
  gunna: 'going to',
  gotta: 'got to',
  tryna: 'trying to',
  nite: 'night',
  yrs: 'years',
  yr: 'year',
  mos: 'months',
  wks: 'weeks',
  wk: 'week',
  hrs: 'hours',
  hr: 'hour',
  mins: 'minutes',
  min: 'minutes',
  lil: 'little',
  // Misspellings of risk words.
  sucide: 'suicide',
  suicde: 'suicide',
  suiside: 'suicide',
  suacide: 'suicide',
  sewercide: 'suicide',
  sewerslide: 'suicide',
  suicidel: 'suicidal',
  suicidle: 'suicidal',
  suicidial: 'suicidal',
  ctb: 'kill myself',
  selfharm: 'self-harm',
  selfharming: 'self-harming',
  sucidal: 'suicidal',
  suicdal: 'suicidal',
  sucidial: 'suicidal',
  suisidal: 'suicidal',
  'my self': 'myself',
  'him self': 'himself',
  'her self': 'herself',
  'your self': 'yourself',
  'them selves': 'themselves',
  'them self': 'themself',
  myslef: 'myself',
  myslf: 'myself',
  meself: 'myself',
  mysef: 'myself',
  killin: 'killing',
  kil: 'kill',
  dyin: 'dying',
  cuttin: 'cutting',
  thinkin: 'thinking',
  tryin: 'trying',
  livin: 'living',
  pils: 'pills',
  overdoes: 'overdose',
  overdoze: 'overdose',
  dissapear: 'disappear',
  disapear: 'disappear',
  anymore: 'any more',
  everytime: 'every time',
};

/** Case-sensitive rewrites: "SH" in a note is "social history", "sh" in a message is self-harm. */
const CASE_SENSITIVE = new Set(['sh', 'shing', 'u', 'ur', 'ya', 'tn', 'rn']);

/** "ill" and "id" are words; before a verb they are "i'll" and "i'd": "ill kill him", "id rather die". */
const BEFORE_VERB =
  /^\s+(?:kill|hurt|end|do|be|just|never|make|go|take|jump|cut|rather|die|shoot|stab|find|get|try|not|probably|definitely|really|already|have|rather)\b/i;
function contextual(lower: string, next: string): string | undefined {
  if (lower === 'ill' && BEFORE_VERB.test(next)) return "i'll";
  if (lower === 'id' && BEFORE_VERB.test(next)) return "i'd";
  // "unalive" with an object is "kill"; alone ("i want to unalive") it is "kill myself".
  if (lower === 'unalive' || lower === 'unaliving') {
    const verb = lower === 'unalive' ? 'kill' : 'killing';
    return /^\s+(?:my|him|her|them|your)\s*sel(?:f|ves)\b/i.test(next) ? verb : `${verb} myself`;
  }
  if (lower === 'shed' && BEFORE_VERB.test(next)) return "she'd";
  if (lower === 'hed' && BEFORE_VERB.test(next)) return "he'd";
  return undefined;
}

const TOKEN = /\b(?:my|him|her|your|them|our)\s+sel(?:f|ves)\b|[A-Za-z0-9]+(?:'[A-Za-z]+)?/gi;

export interface Normalized {
  text: string;
  /** Original offset of a span starting at normalized offset i (undefined: identity). */
  start?: Int32Array;
  /** Original offset of a span ending at normalized offset i (undefined: identity). */
  end?: Int32Array;
}

/** Rewrites informal spellings; typographic apostrophes become "'" (same length). */
export function normalize(original: string): Normalized {
  const text0 = original.replace(/[\u2018\u2019\u02BC]/g, "'");
  // "my self", "him self": a split reflexive is rejoined by the token rules below.
  const pieces: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let from = 0;
  const copy = (to: number): void => {
    if (to <= from) return;
    pieces.push(text0.slice(from, to));
    for (let i = from; i < to; i += 1) {
      starts.push(i);
      ends.push(i + 1);
    }
  };
  for (const m of text0.matchAll(TOKEN)) {
    const word = m[0];
    const lower = word.toLowerCase().replace(/\s+/g, ' ');
    const replacement =
      WORDS[lower] ?? contextual(lower, text0.slice(m.index + word.length, m.index + word.length + 12));
    if (replacement === undefined || replacement === lower) continue;
    if (CASE_SENSITIVE.has(lower) && word !== lower) continue;
    copy(m.index);
    pieces.push(replacement);
    const a = m.index;
    const b = m.index + word.length;
    for (let i = 0; i < replacement.length; i += 1) {
      starts.push(a);
      ends.push(b);
    }
    from = b;
  }
  if (from === 0) {
    // Nothing rewritten: offsets are the original's.
    return { text: text0 };
  }
  copy(text0.length);
  const text = pieces.join('');
  const start = new Int32Array(text.length + 1);
  const end = new Int32Array(text.length + 1);
  for (let i = 0; i < text.length; i += 1) {
    start[i] = starts[i] ?? 0;
    end[i + 1] = ends[i] ?? 0;
  }
  start[text.length] = text0.length;
  end[0] = 0;
  return { text, start, end };
}
