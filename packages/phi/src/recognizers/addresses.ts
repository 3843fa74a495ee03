import { STATE_ABBR, STATE_NAMES, US_STATES } from '../lexicon/geography.js';
import { COUNTRIES } from '../lexicon/vocabulary.js';
import { triggerBit } from '../lexicon/triggers.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';
import { extendAddressBlocks } from './locations.js';

// Addresses in any country's layout ("Allika 46", "450 Præstevænget 15", "Hauptstraße 12,
// 10115 Berlin") have no street-type word to anchor them. What they do have is a cue
// ("lives at", "address is", "send it to") and a house number or postcode. The clause after
// the cue is taken when it starts like an address and holds a number and a capitalised word.

const CUE =
  /(?:(?:lives?|living|lived|resides?|residing|located|relocated|moved|staying|stays)[ \t]+(?:now[ \t]+)?(?:at|to|on)|address(?:[ \t]+of[ \t]+[^\n:]{1,40}?)?(?:[ \t]+is(?:[ \t]+now)?|[ \t]+with|[ \t]*:)|(?:send|sent|mail|mailed|ship|shipped|deliver|delivered|forward|forwarded)[ \t]+(?:it[ \t]+|this[ \t]+|them[ \t]+|a[ \t]+new[ \t]+one[ \t]+|the[ \t]+\w+[ \t]+)?to|meet[ \t]+(?:you|me|us)[ \t]+at|return(?:ed)?[ \t]+(?:it[ \t]+)?to|(?:live|lived|living)[ \t]+in|addresses?\b[^\n.?!:]{0,30}?[:?]|(?:office|offices|is|are)[ \t]+at)[ \t]*(?:\n[ \t]*)?/iy;
const CUE_STARTS = new Set([
  'live',
  'lives',
  'living',
  'lived',
  'reside',
  'resides',
  'residing',
  'located',
  'relocated',
  'moved',
  'staying',
  'stays',
  'address',
  'send',
  'sent',
  'mail',
  'mailed',
  'ship',
  'shipped',
  'deliver',
  'delivered',
  'forward',
  'forwarded',
  'meet',
  'office',
  'offices',
  'is',
  'are',
  'return',
  'returned',
  'addresses',
  'corner',
]);
/** "the corner of Dalbraut 99 and Frederikke Coves": two streets meeting. */
const CORNER = /corner[ \t]+of[ \t]+[^\n.?!;]{3,80}?[ \t]+and[ \t]+[^\n.?!;,]{3,40}/iy;
const CUE_BIT = triggerBit(CUE_STARTS);
/** The clause ends at a sentence end, a blank line, or a word that starts a new clause. */
const CLAUSE_END =
  /[?!;]|\.(?=\s|$)(?<![A-Z]\.)(?<!\b(?:[Aa]pt|[Ss]t|[Ss]te|[Rr]d|[Aa]ve|[Nn]o|u|rkp)\.)|\n[ \t]*\n|[ \t]+(?:at|for|after|before|last|when|since|until|but|so|because|if|with|where|while|which|who|that|on[ \t]+(?:the|a|my|his|her)|in|during|by|around)\b/g;
/** A US state is not an identifier: the clause stops before ", OH 45402" (the ZIP has its own recognizer). */
const STATE_TAIL = new RegExp(
  String.raw`,?[ \t]+(?:${STATE_ABBR}|${STATE_NAMES})\b\.?(?:[ \t]+\d{5}(?:-\d{4})?)?$`,
);
/** Hospital units and rooms are not addresses: "sent to 7 West", "moved to bed 12". */
const UNIT_WORDS = new Set([
  'north',
  'south',
  'east',
  'west',
  'floor',
  'unit',
  'bed',
  'room',
  'rm',
  'pod',
  'wing',
  'tower',
  'icu',
  'ed',
  'or',
]);

/**
 * A line that opens with an address where the house number follows the street ("20789 Allika 46,
 * Riisa", "213 Pilekrogen 53 Apt. 263"): a 3+ digit number, capitalised words, a number, then a
 * comma, a unit or the line end. Three digits first keeps numbered lists ("2 Norco 5") out.
 */
const LINE_ADDRESS =
  /\d{3,6}[ \t]+(?:\d{1,5}[ \t]+)?\p{Lu}[\p{L}'’.-]*(?:[ \t]+[\p{L}'’.-]+){0,3}[ \t]+\d{1,5}[A-Za-z]?\.?(?=[ \t]*(?:,|$|\n|(?:Apt|Suite|Unit|Ste)\b))[^\n]{0,80}/uy;

function atLineStart(text: string, pos: number): boolean {
  for (let i = pos - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && c !== 62) return false; // spaces, tabs, ">" quote marks
  }
  return true;
}

export function detectAddresses(text: string, tokens: readonly Token[]): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.shape === 'digit') {
      if (t.text.length >= 3 && atLineStart(text, t.start)) {
        LINE_ADDRESS.lastIndex = t.start;
        const m = LINE_ADDRESS.exec(text);
        if (m)
          out.push({
            start: t.start,
            end: t.start + m[0].replace(/[\s,.]+$/, '').length,
            type: 'LOCATION',
            confidence: 0.7,
            source: 'location:street-intl',
          });
      }
      continue;
    }
    if (((t.info?.triggers ?? 0) & CUE_BIT) === 0) continue;
    if (t.key === 'corner') {
      CORNER.lastIndex = t.start;
      const c = CORNER.exec(text);
      if (c && /\d|\p{Lu}/u.test(c[0].slice(10))) {
        const from = /the[ \t]+$/i.test(text.slice(Math.max(0, t.start - 4), t.start))
          ? t.start - 4
          : t.start;
        out.push({
          start: from,
          end: c.index + c[0].replace(/[\s,]+$/, '').length,
          type: 'LOCATION',
          confidence: 0.7,
          source: 'location:corner',
        });
      }
      continue;
    }
    // "is"/"are"/"office" cue only as "... at": check that before running the pattern.
    if (
      (t.key === 'is' || t.key === 'are' || t.key === 'office' || t.key === 'offices') &&
      !text.startsWith(' at ', t.end)
    )
      continue;
    CUE.lastIndex = t.start;
    const m = CUE.exec(text);
    if (!m) continue;
    const start = m.index + m[0].length;
    const first = text.charCodeAt(start);
    const digitStart = first >= 48 && first <= 57;
    const corner = /^the corner of /i.test(text.slice(start, start + 14));
    if (!digitStart && !corner && !/^\p{Lu}/u.test(text.slice(start, start + 2))) continue;
    CLAUSE_END.lastIndex = start;
    const e = CLAUSE_END.exec(text);
    let end = e ? e.index : text.length;
    if (end - start > 120) continue;
    const value = text
      .slice(start, end)
      .replace(/[\s,.]+$/, '')
      .replace(STATE_TAIL, '');
    end = start + value.length;
    const words = value.split(/[\s,]+/).filter(Boolean);
    if (US_STATES.has((words[0] ?? '').toLowerCase()) || COUNTRIES.has((words[0] ?? '').toLowerCase()))
      continue;
    if (words.length < 2 || !/\d/.test(value)) continue;
    // A capitalised word that is not a hospital unit, and not only numbers and units.
    const named = words.some((w) => /^\p{Lu}\p{L}{2,}/u.test(w) && !UNIT_WORDS.has(w.toLowerCase()));
    if (!named || (!digitStart && !corner && !/\d/.test(words.slice(0, 4).join(' ')))) continue;
    out.push({ start, end, type: 'LOCATION', confidence: 0.7, source: 'location:address-cue' });
  }
  return extendAddressBlocks(text, out);
}
