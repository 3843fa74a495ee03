import { NON_RISK_PHRASES, RISK_CONTEXT, TRIGGERS, type RiskSignalKind } from './lexicon.js';
import { CLAUSE_BREAK, scopeModifier } from './modifiers.js';
import { hits } from './match.js';
import { normalize } from './normalize.js';

/** NONE means no current risk of harm to self or others is expressed about the client. */
export type RiskLevel = 'NONE' | 'LOW' | 'MODERATE' | 'HIGH' | 'IMMINENT';

/** Evidence: `text.slice(start, end)` is the trigger phrase (UTF-16 offsets, as JS strings). */
export interface RiskSignal {
  start: number;
  end: number;
  kind: RiskSignalKind;
}

export interface RiskScan {
  level: RiskLevel;
  signals: RiskSignal[];
}

interface Span {
  start: number;
  end: number;
}

interface Found extends RiskSignal {
  sentence: Span;
}

/** Sentence ends: terminal punctuation before a space/end, a line break, a bullet. */
/** A short answer right after a question mark keeps the question and answer one sentence ("Thoughts of suicide? Yes"). */
const ANSWER = [
  'yes',
  'yeah',
  'yep',
  'y',
  'no',
  'nope',
  'n',
  'never',
  'not really',
  'sometimes',
  'denies',
  'denied',
  'none',
  'maybe',
  'daily',
  'often',
  'rarely',
  'several days',
  'more than half',
  'nearly every day',
  'every day',
  'most days',
  'a few times',
  'once',
  'twice',
  'occasionally',
  'constantly',
  'all the time',
]
  .map((a) => a.replace(/^./, (c) => `[${c}${c.toUpperCase()}]`).replace(/ /g, '\\s+'))
  .join('|');
const SENTENCE_END = new RegExp(
  String.raw`[.!]+(?=\s|$)|\?+(?=\s|$)(?!\s*A\s*:)(?!\s*(?:A\s*:\s*)?(?:(?:[Oo]nly|[Jj]ust|[Mm]ostly|[Pp]robably|[Uu]m+|[Uu]h+)[,\s]+)?(?:${ANSWER})\b)|\n+|\s+-\s+(?=[A-Z])`,
  'g',
);

const IMMINENT =
  /\b(?:tonight|staff\s+intervened|(?:removed|interrupted|stopped|cut\s+down)\s+by\s+staff|as\s+soon\s+as\s+(?:i|she|he|they)\s+(?:get|gets)\s+home|(?:counted|laid|lined|set)\s+(?:out|up)\s+(?:on|in\s+front\s+of|next\s+to)|by\s+(?:the\s+)?morning|right\s+now|today|this\s+(?:evening|afternoon)|in\s+(?:an|one|a\s+few|\d+)\s+(?:hours?|minutes?)|about\s+to|after\s+(?:this|the)\s+(?:session|call|appointment|visit)|in\s+the\s+(?:last|past)\s+(?:hour|\d+\s+(?:minutes|mins|hours))|\d+\s+(?:min|mins|minutes)\s+(?:ago|before|earlier)|actively|as\s+we\s+speak|during\s+(?:the|this)\s+(?:telehealth\s+)?(?:session|call|visit)|when\s+i\s+get\s+home|in\s+progress|on\s+the\s+(?:bridge|roof|ledge)|standing\s+on|with\s+the\s+(?:car|engine)\s+running|(?:just|already)\s+(?:took|swallowed|taken|cut|did)|(?:an|one|\d+)\s+hours?\s+ago|minutes\s+ago)\b/i;
/** Harm to a named or related person ("kill his ex-wife", "stab [PERSON_1]"), not to "people". */
const SPECIFIC_TARGET =
  /\b(?:him|her|them|(?:my|his|her|their|the|that)\s+[\w-]+)$|\[PERSON_\d+\]|^threat|\b(?:mother|mom|father|dad|stepfather|stepmother|stepdad|stepmom|brother|sister|son|daughter|husband|wife|ex|boyfriend|girlfriend|partner|boss|supervisor|manager|coworker|roommate|neighbou?r|teacher|staff)$/i;
/** A threat or an act against a person, not a thought: "threatened staff", "you're dead", "punched a peer". */
const OVERDOSE_NOW =
  /\b(?:tingl\w*|numb|dizzy|throwing\s+up|vomit\w*|can'?t\s+breathe|hard\s+to\s+breathe|heart\s+(?:is\s+)?(?:racing|pounding)|getting\s+(?:sleepy|drowsy)|passing\s+out|got\s+scared|help\s+me|(?:please|plz|pls)\s+help|what\s+do\s+i\s+do|(?:writing|texting|messaging)\s+(?:this\s+)?from|parking\s+lot|on\s+my\s+way\s+to\s+the\s+(?:ER|ED|hospital))\b/i;
const RISKY_ACT =
  /\b(?:on\s+purpose|deliberately|skipp\w*\s+(?:my\s+)?(?:insulin|meds|medications?|dialysis)|stopped\s+taking\s+(?:my\s+)?(?:insulin|meds)|drinking|driv\w+\s+(?:really\s+)?(?:fast|drunk|recklessly)|speeding)\b/i;
const SAFETY_STATEMENT = /\b(?:safe|safety|trust)\b/i;
const HARM_BEYOND_THOUGHT =
  /\b(?:threat\w*|you(?:'re|\s+are)\s+(?:dead|going\s+to\s+die|gonna\s+die)|pay|assault\w*|punched|kicked|attacked|shook|choked|stabbed|shot|lunged|swung|spat|bit|hit)\b/i;
/** What turns thoughts of harming someone into a plan: where they are, following them, a weapon, obeying voices. */
const HARM_DETAIL =
  /\bwith\s+(?:intent|a\s+plan|plan)\b|\bknows?\s+where\s+(?:she|he|they)\s+(?:lives?|works?|is|stays)\b|\b(?:follow\w*|stalk\w*|watch\w*)\s+(?:her|him|them)\b|\b(?:been\s+)?following\s+(?:her|his|their)\b|\b(?:may|will|might|plans?\s+to|intends?\s+to)\s+(?:obey|comply|act\s+on)\b|\b(?:has|have|had|got|bought|keeps?)\s+(?:a|an|the|his|her|my)\s+(?:\w+\s+)?(?:knife|gun|pistol|rifle|weapon|bat|machete)\b|\b(?:shook|hit|punched|kicked|choked|slapped|shoved|pushed)\s+(?:him|her|them)\b/i;
const TARGETED = /^\s*(?:toward|towards|against|about|at|directed\s+at|re:?)\s+\S/i;
/** Only a phrase in the first person names its own experiencer; "kill himself" does not. */
const FIRST_PERSON = /\b(?:i|me|my|myself)\b/i;
const PASSIVE_AFTER =
  /^\s*(?:[:=,-]\s*)?(?:(?:yes|endorsed|present|reported|\+)\s*[,:;-]?\s*)?(?:only\s+)?passive\b(?!\s*(?:and|&|\/|,)\s*active)/i;
const IN_PROGRESS =
  /\b(?:actively|as\s+we\s+speak|in\s+progress|during\s+(?:the|this)\s+(?:telehealth\s+|video\s+)?(?:session|call|visit))\b/i;
const JOKE = /\b(?:lol|lmao|lmfao|haha\w*|jk|just\s+kidding|kidding)\b|\u{1F602}|\u{1F923}/iu;
const SELF_WORD = /\b(?:myself|herself|himself|themselves|self|me)\b/i;
/** The client writing: first person, and none of a clinician's words for the client. */
const FIRST_PERSON_TEXT = /\b(?:i|i'm|i've|my|me)\b/i;
const CLINICIAN_TEXT =
  /\b(?:pt|pts|patient|client|clt|caller|member|resident|veteran|teen|student)\s+(?:is|was|has|had|reports?|reported|states?|stated|says|said|denies|denied|endorses|endorsed|admits|admitted|presents|appears|became|expressed|disclosed|told|texted)\b|\[CLIENT\]|\b(?:pt|clt)\b/i;
const URGE = /\burges?\s+(?:to\s+)?$|\burges?\s+to\s+\w+\s*$/i;

/**
 * Scans de-identified clinical text for current risk of harm to self or others. Deterministic
 * and lexicon based: sentence split, trigger lexicon, ConText-style scope modifiers (negation,
 * history, other experiencer, hypothetical, education, idiom), then a level from what remains.
 * Only triggers that count are returned as signals.
 */
export function scanRisk(original: string): RiskScan {
  // Scanned in the lexicon's spelling; evidence offsets are mapped back to the original text.
  const { text, start: startMap, end: endMap } = normalize(original);
  const found: Found[] = [];
  const clientVoice = FIRST_PERSON_TEXT.test(text) && !CLINICIAN_TEXT.test(text);
  // Two indirect farewells in one message are each other's context, in whichever sentences they stand.
  // An ordinary reason for leaving ("since I'm moving", "feeling much better") explains the goodbyes.
  // Both are computed on first need: most texts have no weak act at all.
  let ordinaryMemo: boolean | undefined;
  const ordinary = (): boolean => (ordinaryMemo ??= ORDINARY_LEAVING.test(text));
  let farewellMemo: boolean | undefined;
  const farewell = (): boolean => {
    if (farewellMemo === undefined) {
      const farewells = new Set<number>();
      for (const t of WEAK_ACTS) for (const m of hits(t.pattern, text)) farewells.add(m.index);
      farewellMemo = farewells.size >= 2 && !ordinary();
    }
    return farewellMemo;
  };
  const spans = sentences(text);
  const at = (i: number): string => {
    const span = spans[i];
    return span === undefined ? '' : text.slice(span.start, span.end);
  };
  spans.forEach((sentence, i) => {
    const previous = (): string => at(i - 1);
    const next = (): string => at(i + 1);
    found.push(...scanSentence(text, sentence, clientVoice, previous, next, farewell, ordinary));
  });
  const signals = dedupe(found);
  return {
    level: levelOf(text, signals),
    signals: signals.map(({ start, end, kind }) => ({
      start: startMap?.[start] ?? start,
      end: endMap?.[end] ?? end,
      kind,
    })),
  };
}

function sentences(text: string): Span[] {
  const out: Span[] = [];
  let from = 0;
  for (const m of hits(SENTENCE_END, text)) {
    const end = m.end;
    if (text.slice(from, end).trim() !== '') out.push({ start: from, end });
    from = end;
  }
  if (text.slice(from).trim() !== '') out.push({ start: from, end: text.length });
  return out;
}

/** The trigger's clause, from the sentence's clause breaks (sorted, computed once per sentence). */
function clauseOf(breaks: Span[], length: number, at: number, to: number): Span {
  let start = 0;
  let end = length;
  for (const b of breaks) {
    if (b.end <= at) start = b.end;
    else if (b.start >= to) {
      end = b.start;
      break;
    }
  }
  return { start, end };
}

/** How far a scope cue is looked for around a trigger: far more than the 8–12 words cues reach. */
const WINDOW = 400;

/** Everyday reasons to say goodbye or cancel care: a move, a trip, a new job or provider, getting better. */
const ORDINARY_LEAVING =
  /\b(?:moving|move\s+to|vacation|holiday|trip|travel\w*|wedding|new\s+(?:job|therapist|provider|insurance|clinic)|insurance|graduat\w+|last\s+session|discharg\w*|feeling\s+(?:much\s+|a\s+lot\s+)?better|doing\s+(?:much\s+|a\s+lot\s+)?better|work\s+schedule|out\s+of\s+town)\b/i;
/** Means given up or taken away ("flushed them", "gave the gun to my brother") is means restriction, not access. */
const MEANS_REMOVED =
  /\b(?:flushed|threw\s+(?:\w+\s+)?(?:out|away)|got\s+rid\s+of|disposed|turned\s+(?:\w+\s+)?in|gave\s+(?:it|them|the\s+\w+)\s+to|removed|locked\s+up\s+by|holds?\s+(?:the\s+)?(?:key|code))\b|\b(?:my|her|his|their)\s+\w+\s+(?:has|holds|keeps|changed)\s+the\s+(?:only\s+)?(?:key|code|combination)\b/i;

const WEAK_ACTS = TRIGGERS.filter((t) => t.needsContext === true && t.kind === 'preparatory_act');

function scanSentence(
  text: string,
  sentence: Span,
  clientVoice: boolean,
  previous: () => string,
  next: () => string,
  farewell: () => boolean,
  ordinary: () => boolean,
): Found[] {
  const s = text.slice(sentence.start, sentence.end);
  const idioms: Span[] = [];
  for (const pattern of NON_RISK_PHRASES) {
    for (const m of hits(pattern, s)) idioms.push({ start: m.index, end: m.end });
  }
  const raw: Array<{
    start: number;
    end: number;
    kind: RiskSignalKind;
    firstPerson: boolean;
    needsContext: boolean;
  }> = [];
  for (const trigger of TRIGGERS) {
    if (trigger.requires !== undefined && !trigger.requires.test(s)) continue;
    const found = hits(trigger.pattern, s);
    if (found.length === 0) continue;
    // Checked only on a match: most sentences match no trigger.
    if (trigger.unless !== undefined && trigger.unless.test(text)) continue;
    if (trigger.near !== undefined && !trigger.near.test(s) && !trigger.near.test(previous())) continue;
    if (
      trigger.around !== undefined &&
      !trigger.around.test(s) &&
      !trigger.around.test(previous()) &&
      !trigger.around.test(next())
    )
      continue;
    for (const m of found) {
      const start = m.index;
      const end = m.end;
      if (end === start || idioms.some((i) => i.start < end && start < i.end)) continue;
      const firstPerson = (trigger.firstPerson ?? false) && FIRST_PERSON.test(m.text);
      raw.push({ start, end, kind: trigger.kind, firstPerson, needsContext: trigger.needsContext ?? false });
    }
  }
  // Two warning signs together are each other's context ("wrote a note to her kids and gave away her jewelry").
  const weakActs = new Set(
    raw.filter((r) => r.needsContext && r.kind === 'preparatory_act').map((r) => r.start),
  );
  const hasContext =
    raw.some((r) => !r.needsContext) ||
    RISK_CONTEXT.test(s) ||
    (weakActs.size >= 2 && !ordinary()) ||
    (weakActs.size > 0 && farewell());
  const breaks = hits(CLAUSE_BREAK, s).map((m) => ({ start: m.index, end: m.end }));
  // A teaching label heads the whole sentence: "Medication teaching: ... an overdose of lithium can be toxic".
  if (/^\s*(?:[\w-]+\s+){0,3}(?:teaching|education|psychoeducation|instructions?)\s*:/i.test(s)) return [];
  const joking = JOKE.test(s);
  const question = /\?\s*$/.test(s) && /\byou(?:r|rself)?\b/i.test(s);
  const out: Found[] = [];
  for (const r of raw) {
    if (r.needsContext && !hasContext) continue;
    if (r.kind === 'means' && MEANS_REMOVED.test(s)) continue;
    const clause = clauseOf(breaks, s.length, r.start, r.end);
    const pre = s.slice(Math.max(clause.start, r.start - WINDOW), r.start);
    const modifier = scopeModifier({
      pre,
      post: s.slice(r.end, Math.min(clause.end, r.end + WINDOW)),
      question,
      firstPerson: r.firstPerson,
      clientVoice,
      trigger: s.slice(r.start, r.end),
    });
    if (modifier !== undefined) continue;
    // "i'm gonna kill my brother if he eats my fries lol": a joke marker takes threats to others as banter.
    if (
      joking &&
      (r.kind === 'homicidal_ideation' || r.kind === 'intent') &&
      !SELF_WORD.test(s.slice(r.start, r.end))
    )
      continue;
    // "Plan:" heading a note's plan section is not a suicide plan.
    if (r.kind === 'plan' && /^\s*plan\s*:/i.test(s.slice(r.start)) && s.slice(0, r.start).trim() === '')
      continue;
    // A conditional threat ("if they discharge me I'll walk into the ocean") keeps its intent: C-SSRS Q4
    // asks for "some intention of acting", and DOMAIN.md interrupts on explicit intent language.
    // With a joke marker ("if i fail this test im gonna kill myself lol") it stays a flag, not intent.
    let kind: RiskSignalKind =
      r.kind === 'intent' && joking && /\b(?:if|unless|when)\b/i.test(pre) ? 'suicidal_ideation' : r.kind;
    // "SI: passive", "SI endorsed, passive": a qualifier after the trigger makes it a death wish.
    if (kind === 'suicidal_ideation' && PASSIVE_AFTER.test(s.slice(r.end, Math.min(clause.end, r.end + 40))))
      kind = 'passive_death_wish';
    out.push({ start: sentence.start + r.start, end: sentence.start + r.end, kind, sentence });
  }
  return out;
}

/** Of two triggers on the same words, the one that says more ("going to jump": intent, not ideation). */
const RANK: Record<RiskSignalKind, number> = {
  passive_death_wish: 0,
  self_harm: 1,
  suicidal_ideation: 2,
  homicidal_ideation: 3,
  means: 4,
  preparatory_act: 5,
  suicide_attempt: 6,
  plan: 7,
  intent: 8,
};

/** One signal per kind and place: of overlapping same-kind triggers the longest stays. */
function dedupe(found: Found[]): Found[] {
  const sorted = [...found].sort((a, b) => a.start - b.start || b.end - a.end || RANK[b.kind] - RANK[a.kind]);
  const kept: Found[] = [];
  for (const f of sorted) {
    // Same kind overlapping, or any shorter trigger inside a longer one ("passive SI" holds "SI").
    const covered = kept.some(
      (k) =>
        (k.kind === f.kind && k.start < f.end && f.start < k.end) || (k.start <= f.start && f.end <= k.end),
    );
    if (covered) continue;
    kept.push(f);
  }
  return kept;
}

/**
 * Levels, after the C-SSRS ladder: a wish to be dead or an urge → LOW; active ideation,
 * self-harm or unspecified harm to others → MODERATE; plan, intent, preparation, a recent
 * attempt, means with ideation, harm to others with a target → HIGH; plan/intent/attempt with
 * an imminent time or an act in progress → IMMINENT.
 */
function levelOf(text: string, signals: Found[]): RiskLevel {
  if (signals.length === 0) return 'NONE';
  const kinds = new Set(signals.map((s) => s.kind));
  const sentenceOf = (f: Found): string => text.slice(f.sentence.start, f.sentence.end);
  const acting = signals.filter(
    (s) =>
      s.kind === 'plan' ||
      s.kind === 'intent' ||
      s.kind === 'suicide_attempt' ||
      s.kind === 'preparatory_act',
  );
  // "Not safe right now", "can't keep myself safe tonight": a safety statement says no act, so a time
  // word does not make it imminent.
  if (acting.some((s) => IMMINENT.test(sentenceOf(s)) && !SAFETY_STATEMENT.test(text.slice(s.start, s.end))))
    return 'IMMINENT';
  // An overdose reported with present symptoms or while seeking help is an emergency now.
  if (
    signals.some((s) => s.kind === 'suicide_attempt') &&
    OVERDOSE_NOW.test(text) &&
    /\b(?:took|swallowed|taken|downed|ingested|overdosed|pills)\b/i.test(text)
  )
    return 'IMMINENT';
  // Self-harm going on while the note is written ("actively cutting during the session").
  if (signals.some((s) => s.kind === 'self_harm' && IN_PROGRESS.test(sentenceOf(s)))) return 'IMMINENT';
  const selfRisk = ['suicidal_ideation', 'passive_death_wish', 'self_harm', 'plan', 'intent'] as const;
  if (
    kinds.has('means') &&
    selfRisk.some((k) => kinds.has(k)) &&
    signals.some((s) => IMMINENT.test(sentenceOf(s)))
  ) {
    return kinds.has('plan') || kinds.has('intent') ? 'IMMINENT' : 'HIGH';
  }
  if (acting.length > 0) return 'HIGH';
  // A self-harm act done wanting to die is an attempt ("cut wrists deeply, states he wanted to die").
  const wishes = signals.filter((s) => s.kind === 'passive_death_wish' || s.kind === 'suicidal_ideation');
  const selfHarmAct = (s: Found): boolean =>
    s.kind === 'self_harm' && !URGE.test(text.slice(s.sentence.start, s.start));
  if (
    signals.some(
      (s) =>
        selfHarmAct(s) &&
        wishes.some(
          (w) =>
            w.sentence.start === s.sentence.start &&
            /\b(?:wanted|wanting|trying|tried|meant|intended|hoping|hoped)\s+to\b/i.test(sentenceOf(w)),
        ),
    )
  ) {
    return 'HIGH';
  }
  if (kinds.has('means') && selfRisk.some((k) => kinds.has(k))) return 'HIGH';
  // Harm to others with a weapon at hand: ideation with means, as for harm to self.
  if (kinds.has('means') && kinds.has('homicidal_ideation')) return 'HIGH';
  const targeted = signals.some(
    (s) =>
      s.kind === 'homicidal_ideation' &&
      (TARGETED.test(text.slice(s.end, s.sentence.end)) || SPECIFIC_TARGET.test(text.slice(s.start, s.end))),
  );
  // Harm to a named person is HIGH when it goes beyond thoughts: a threat made, an act done, the target's
  // whereabouts or a weapon at hand. Thoughts or wishes toward a target without intent or plan stay
  // MODERATE (C-SSRS: thoughts with a method, no intent → moderate; DOMAIN.md "Low-noise alerting").
  if (
    targeted &&
    signals.some(
      (s) =>
        s.kind === 'homicidal_ideation' &&
        (HARM_BEYOND_THOUGHT.test(text.slice(s.start, s.end)) || HARM_DETAIL.test(sentenceOf(s))),
    )
  )
    return 'HIGH';
  if (kinds.has('suicidal_ideation') || kinds.has('homicidal_ideation')) return 'MODERATE';
  // A death wish acted on through danger (skipping insulin, drinking to stop the heart, speeding on
  // purpose) is indirect self-harm.
  if (kinds.has('passive_death_wish') && signals.some((s) => RISKY_ACT.test(sentenceOf(s))))
    return 'MODERATE';
  const selfHarmActs = signals.filter(
    (s) => s.kind === 'self_harm' && !URGE.test(text.slice(s.sentence.start, s.start)),
  );
  if (selfHarmActs.length > 0) return 'MODERATE';
  return 'LOW';
}
