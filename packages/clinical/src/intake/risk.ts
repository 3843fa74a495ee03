import { scanRisk, type RiskLevel, type RiskScan } from '../risk/index.js';
import { isNegative, isNonAnswer } from './text.js';
import type { IntakeAnswerInput, IntakeRisk, IntakeRiskSignal } from './types.js';

const LEVELS: readonly RiskLevel[] = ['NONE', 'LOW', 'MODERATE', 'HIGH', 'IMMINENT'];
const rank = (level: RiskLevel): number => LEVELS.indexOf(level);
export const higherLevel = (a: RiskLevel, b: RiskLevel): RiskLevel => (rank(b) > rank(a) ? b : a);

/** "you"-words of a question and the client's own words for them, so an affirmed question reads as said. */
const SECOND_PERSON: Readonly<Record<string, string>> = {
  you: 'I',
  your: 'my',
  yours: 'mine',
  yourself: 'myself',
  yourselves: 'ourselves',
  "you're": "I'm",
  "you've": "I've",
  "you'd": "I'd",
  "you'll": "I'll",
};
const SECOND_PERSON_WORD = /\b(?:yourselves|yourself|yours|your|you['\u2019](?:re|ve|d|ll)|you)\b/gi;

/**
 * A question as the statement a "yes" to it makes ("Have you had thoughts of killing
 * yourself?" → "Have I had thoughts of killing myself."), with a map from each character back
 * to the question, so evidence found in the statement points into the question. The question
 * mark goes: scanRisk does not count what a question asks, and an affirmed question is said.
 */
export function affirmedStatement(question: string): {
  text: string;
  /** The question's span of a span of `text`. */
  span: (start: number, end: number) => { start: number; end: number };
} {
  let text = '';
  // Per character of `text`, where it starts and ends in the question: a replaced word maps
  // every character onto the whole word, so a span touching it covers the word.
  const starts: number[] = [];
  const ends: number[] = [];
  let from = 0;
  const append = (piece: string, start: number, end: number): void => {
    const same = piece.length === end - start;
    for (let k = 0; k < piece.length; k++) {
      text += piece[k];
      starts.push(same ? start + k : start);
      ends.push(same ? start + k + 1 : end);
    }
  };
  for (const m of question.matchAll(SECOND_PERSON_WORD)) {
    append(question.slice(from, m.index), from, m.index);
    const word = m[0].toLowerCase().replace(/\u2019/g, "'");
    append(SECOND_PERSON[word] ?? m[0], m.index, m.index + m[0].length);
    from = m.index + m[0].length;
  }
  append(question.slice(from), from, question.length);
  return {
    text: text.replace(/\?/g, '.'),
    span: (start, end) => ({
      start: starts[start] ?? question.length,
      end: ends[end - 1] ?? question.length,
    }),
  };
}

function signalsOf(
  scan: RiskScan,
  source: IntakeRiskSignal['source'],
  sourceText: string,
  answer: IntakeAnswerInput,
  map: (start: number, end: number) => { start: number; end: number } = (start, end) => ({ start, end }),
): IntakeRiskSignal[] {
  return scan.signals.map((s) => {
    const { start, end } = map(s.start, s.end);
    return {
      kind: s.kind,
      level: scan.level,
      source,
      start,
      end,
      evidence: sourceText.slice(start, end),
      question: answer.question,
      answer: answer.answer,
    };
  });
}

/**
 * Words that make a question ask about the whole of life ("Have you ever attempted suicide?",
 * "Any history of self-harm?"). A yes to it is lifetime behavior or ideation, which the C-SSRS
 * ladder puts at MODERATE at most (DOMAIN.md "Instruments"); scanning it as said would read it
 * as remote history (nothing) or as a recent act (HIGH), both wrong.
 */
const LIFETIME = [
  /\bever\b/gi,
  /\b(?:a |any )?(?:past |previous |prior )?history of\b/gi,
  /\bin (?:your|my) (?:life|lifetime)\b|\blife ?time\b/gi,
  /\bin the past\b(?!\s+(?:\d|one|two|three|few|several|couple|day|week|month|year))/gi,
  /\b(?:previous|prior)\b/gi,
];

/** The question with its lifetime words blanked (same length, so spans still point into it), or null. */
function withoutLifetime(question: string): string | null {
  let blanked = question;
  for (const pattern of LIFETIME) blanked = blanked.replace(pattern, (m) => ' '.repeat(m.length));
  return blanked === question ? null : blanked;
}

/** Someone other than the client is the question's subject ("Has anyone in your family ..."). */
const OTHER_PEOPLE =
  /\b(?:anyone|anybody|someone|somebody|family|relatives?|parents?|mother|father|siblings?|brothers?|sisters?|friends?|partner|spouse|child(?:ren)?|kids?)\b/i;
/** The client addressed as "you" (not only "your": "your family" is about the family). */
const ADDRESSED = /\b(?:you|yourself|you['\u2019](?:re|ve|d|ll))\b/i;

/**
 * Current risk in one answer. The client's own words are scanned first (negation, history,
 * other people and hypotheticals are scanRisk's to judge: "no thoughts of suicide" is not
 * risk). When they say nothing scanRisk counts and are not a no ("yes", "sometimes", "not
 * sure", "only when I drink"), the answer affirms its question, and the question is scanned as
 * the client's statement ("Are you having thoughts of killing yourself?" — "yes" is ideation),
 * unless it asks about someone else. A lifetime question affirmed is at most MODERATE.
 */
function answerRisk(answer: IntakeAnswerInput): IntakeRiskSignal[] {
  const own = scanRisk(answer.answer);
  if (own.signals.length > 0) return signalsOf(own, 'answer', answer.answer, answer);
  if (isNegative(answer.answer) || isNonAnswer(answer.answer)) return [];
  if (OTHER_PEOPLE.test(answer.question) && !ADDRESSED.test(answer.question)) return [];
  const lifetime = withoutLifetime(answer.question);
  const statement = affirmedStatement(lifetime ?? answer.question);
  const scan = scanRisk(statement.text);
  const affirmed: RiskScan =
    lifetime === null
      ? scan
      : { ...scan, level: rank(scan.level) > rank('MODERATE') ? 'MODERATE' : scan.level };
  return signalsOf(affirmed, 'question', answer.question, answer, statement.span);
}

/**
 * Risk flags of a form: scanRisk over every free-text answer (instrument items are scores, not
 * words: `skip` holds their indexes) with evidence spans, the highest level over the answers,
 * and PHQ-9 item 9 as the validated trigger it is.
 */
export function extractRisk(
  answers: readonly IntakeAnswerInput[],
  skip: ReadonlySet<number>,
  phq9Item9: number | null,
): IntakeRisk {
  const signals = answers.flatMap((answer, index) => (skip.has(index) ? [] : answerRisk(answer)));
  const level = signals.reduce<RiskLevel>((max, s) => higherLevel(max, s.level), 'NONE');
  return { level, signals, phq9Item9 };
}
