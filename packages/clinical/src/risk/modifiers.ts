import { hits } from './match.js';

/**
 * ConText-style scope modifiers: the words around a trigger that say it is not a current risk
 * of the client. Each check reads only the trigger's clause, before (`pre`) or after (`post`)
 * it, so "denies HI but endorses SI" keeps SI and "history of SA, current SI" keeps SI.
 */

/** Why a trigger does not count as current risk about the client. */
export type ScopeModifier = 'negated' | 'historical' | 'other_person' | 'hypothetical' | 'educational';

/** Words that close a clause for every modifier (ConText's terminators). */
export const CLAUSE_BREAK = /;|\b(?:but|however|although|though|whereas|except|yet)\b/gi;

/** A new affirmation ends the scope of an earlier cue: "denies HI, endorses SI". */
const AFFIRM =
  /\b(?:endors\w*|admit\w*|acknowledg\w*|report\w*|states?|stated|says|said|disclos\w*|c\/o|complain\w*|positive\s+for|presents?\s+with|now\s+has)\b|(?:^|\s)\+\s*(?=\w)/gi;

/** Not negations although they contain a negation word ("can't stop thinking about", "no change in"). */
const PSEUDO_NEGATION =
  /\b(?:no\s+(?:change|improvement|decrease|reduction|increase)\s+in|not\s+(?:sure|certain|only|just)|(?:can\s*not|can'?t|cant|doesn'?t|does\s+not|did\s+not|didn'?t|won'?t|will\s+not|would\s+not|wouldn'?t)\s+(?:deny|rule\s+out)|no\s+longer\s+den\w+|not\s+ruled\s+out|(?:can'?t|cant|cannot|couldn'?t|unable\s+to|not\s+able\s+to|haven'?t\s+been\s+able\s+to|hasn'?t\s+been\s+able\s+to)\s+(?:stop|shake|help|get\s+rid\s+of)|won'?t\s+go\s+away|not\s+acted\s+on)\b/gi;

/**
 * Ends a negation's scope: an affirmation, or a new subject that starts another clause ("if
 * this doesn't get better I'm going to end it"), but not a complement ("does not feel she is").
 */
const NEGATION_BREAK = new RegExp(
  `${AFFIRM.source}|\\b(?:hoping|wishing|praying)\\b|(?<!\\b(?:that|if|whether|think|thinks|feel|feels|believe|believes|say|says|said|sure)\\s+)\\b(?:i|i'm|im|i'll|she|he|we|they)\\b`,
  'gi',
);

const NEGATION =
  /\b(?:denie[sd]|deny(?:ing)?|denial\s+of|no|not|never|without|w\/o|negative\s+for|neg\s+for|free\s+of|absence\s+of|none|nor|neither|doesn'?t|does\s+not|didn'?t|did\s+not|don'?t|dont|do\s+not|hasn'?t|has\s+not|haven'?t|have\s+not|isn'?t|is\s+not|wasn'?t|was\s+not|won'?t|will\s+not|wouldn'?t|would\s+not|no\s+longer|ruled\s+out|refutes|rejects|rejected|disavows|disavowed|i'?m\s+not|nope|nah|naw|zero|ain'?t)\b/gi;

/** "SI: denied", "SI/HI - none", "SI (-)", "SI negative", "SI resolved". */
const POST_NEGATION =
  /^(?:\s*(?:\/|,|and|or|&)\s*(?:SI|HI|SIB|NSSI|AVH|AH|VH|plan|intent|ideation|self[- ]?harm))*(?:\s*(?:risk|screen(?:ing|er)?|assessment|items?|questions?|thoughts?|ideation|behaviou?rs?|result))*\s*(?:[:=\u2013-]\s*)?(?:(?:was|is|were|are|has\s+been|have\s+been)\s+)?(?:denie[sd]|deny|none|no\b|neg(?:ative)?\b|\(-\)|-(?=\s|$|,)|absent|not\s+(?:present|endorsed|reported)|none\s+reported|(?:rated\s+|at\s+|of\s+)?0\s*(?:\/|out\s+of)\s*(?:10|5|100)\b)/i;

const HISTORY_PRE =
  /\b(?:history(?:\s+of)?|hx|h\/o|past(?=\s+(?:psychiatric|medical|history|hx|episodes?)\b|\s*$)|in\s+the\s+past(?!\s+(?:few|several|couple|two|three|\d+|week|weeks|month|months|days?|night)\b)|prior|previous(?:ly)?|remote|lifetime|former|old\s+(?:healed\s+)?scars?|healed\s+scars?|used\s+to|as\s+a\s+(?:child|kid|teen|teenager|adolescent|youth)|when\s+(?:i|she|he|they)\s+(?:was|were)|in\s+(?:my|her|his|their)\s+(?:teens|twenties|thirties|forties|youth|childhood|\d0s)|back\s+in|years\s+ago|last\s+year|growing\s+up|when\s+(?:i|she|he)\s+was\s+younger|as\s+a\s+teenager|last\s+(?:summer|spring|fall|autumn|winter|christmas)|a\s+(?:long\s+)?(?:time|while)\s+(?:ago|back)|in\s+(?:high\s+school|middle\s+school|college|grad\s+school|university|the\s+army|the\s+military|basic\s+training|childhood|adolescence)|since\s+(?:i|she|he|they|pt)\s+last|during\s+(?:my|her|his|their)\s+(?:divorce|separation|deployment|pregnancy|breakup|last\s+(?:episode|admission|hospitali[sz]ation|relapse))|(?:clean|free)\s+(?:from|of)|it'?s\s+been\s+(?:a|an|\d+|\w+)\s+(?:days?|weeks?|months?|years?)\s+since)\b/gi;

const HISTORY_POST =
  /\b(?:resolved|in\s+remission|no\s+longer|(?:years?|decades?)\s+ago|as\s+a\s+(?:child|kid|teen|teenager|adolescent)|in\s+(?:high\s+school|middle\s+school|college|childhood|adolescence)|when\s+(?:i|she|he|they)\s+(?:was|were)|at\s+age\s+\d+|age\s+\d+|at\s+(?:age\s+)?(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)(?:[- ]\w+)?|at\s+\d{1,2}\b(?!\s*(?:pm|am|p\.m|a\.m|:|o'?clock|mg|minutes|hours|pills|tablets))|in\s+(?:my|her|his|their)\s+(?:teens|twenties|thirties|youth|\d0s)|long\s+ago|last\s+year|stopped|not\s+any\s*more|a\s+(?:long\s+)?while\s+back|years\s+back|has\s+not\s+recurred|none\s+since|none\s+(?:currently|now|at\s+present|today)|not\s+(?:currently|at\s+present)|nothing\s+since|previously|(?:have|has|had)\s+(?:\w+\s+)?(?:lifted|subsided|resolved|passed|remitted|cleared|gone\s+away|faded))\b/gi;

/** A year names a past episode unless it starts an ongoing one ("since 2019"). */
const YEAR = /(?<!\bsince\s)\b(?:19[5-9]\d|20[0-2]\d)\b/gi;

/** Ends the scope of a history cue: "history of SA, current SI". */
const CURRENT =
  /\b(?:current(?:ly)?|now|today|tonight|recent(?:ly)?|again|still|ongoing|this\s+(?:week|morning|month))\b/gi;

/** Clinician's or client's reference to the client; the last person mentioned before a trigger is its experiencer. */
const CLIENT_REF = /\b(?:i|i'm|im|i've|ive|i'd|my|myself|pt|pt's|patient|client|client's)\b|\[CLIENT\]/gi;
const OTHER_REF =
  /\b(?:mother|mom|mum|father|dad|brother|sister|siblings?|sons?|daughters?|husband|wife|spouse|partner|boyfriend|girlfriend|bf|gf|ex|exes|friends?|roommates?|co-?workers?|classmates?|teammates?|cousins?|uncle|aunt|grandmother|grandfather|grandma|grandpa|neighbou?rs?|student|stranger|family\s+history|fhx|fh|relatives?|parents?|peers?|uncles?|sponsor|boss|supervisor|manager|teacher|coach|(?:a|another|other|the\s+other|one\s+of\s+(?:her|his|my|the))\s+(?:pts?|patients?|clients?|residents?|students?|veterans?|soldiers?|people)|someone\s+(?:she|he|i)\s+knew|acquaintance|(?:anyone|someone|anybody)\s+in\s+(?:your|my|her|his|the)\s+family|(?:patients|people|clients|kids|teens|those|others|anyone|someone|somebody)(?=\s+who\b)|(?:the|a|this|that)\s+(?:man|woman|guy|lady|girl|boy|kid|person|men|women)(?=\s+(?:in|at|on|from|next|upstairs|downstairs|across|who|i|we)\b))\b|\[PERSON_\d+\]/gi;

const HYPOTHETICAL =
  /(?<!\b(?:asked|ask|asks|asking|wonder\w*|know|see|check\w*|sure|unsure|question\w*)\s+(?:\w+\s+)?)\bif\b|\b(?:in\s+case(?:\s+of)?|in\s+the\s+event(?:\s+of)?|whenever|unless|what\s+if)\b|(?<!\b(?:i|she|he|you|we|they|pt|client)\s+)\bshould\b/gi;
const SUBJECT = /\b(?:i|i'm|im|i'll|i'd|she|she'd|he|he'd|you|we|they|pt|client)\b/gi;

const EDUCATIONAL =
  /\b(?:review(?:ed|ing)?|discuss(?:ed|ing)?|educat\w*|psychoeducation|provided|gave|(?:was|were|been|is|are)\s+given|given\s+(?:(?:a|the|her|him|them)\s+)?(?:handouts?|information|info|resources|education|lists?|pamphlets?|numbers?|brochures?)|handout|taught|explain\w*|difference\s+between|warning\s+signs|signs\s+of|(?<!\b(?:high|higher|elevated|moderate|significant|increased|imminent|acute|serious|severe|substantial)\s+)risk\s+(?:factors?\s+)?(?:for|of)|prevention|hotline|lifeline|crisis\s+(?:line|resources)|resources|training|(?:book|paper|essay|article|project|presentation|class|course|documentary|movie|show|group|session|workshop|module|worksheet|video|skills?|episode|blog|speech|assignment|report)\s+(?:(?:that\s+)?(?:she|he|i|they|we|you)(?:'s|'re|\s+(?:is|was|am|are|were))?\s+\w+ing\s+)?(?:on|about|for)|screen(?:ed|ing)?\s+for|assess(?:ed|ing)?\s+for|asked\s+about|why\s+we\s+ask|asks?\s+what\s+happens|teaching|podcast|is\s+it\s+normal\s+to|signs\s+(?:that\s+)?(?:someone|somebody|a\s+person|people|a\s+friend)|how\s+(?:do|can|would)\s+(?:i|you|we)\s+(?:tell|know|help|support)|what\s+(?:should|do|can)\s+(?:i|you|we)\s+do\s+if|why\s+do\s+people|instructed|agrees?\s+to\s+(?:call|contact|notify)|knows?\s+to|re-?assess(?:ed|ing)?|monitor(?:ed|ing)?(?:\s+for)?|continue\s+to\s+(?:assess|monitor|screen)|will\s+(?:assess|screen|monitor|ask))\b/gi;

export interface TriggerContext {
  /** The trigger's clause up to the trigger. */
  pre: string;
  /** The trigger's clause after the trigger. */
  post: string;
  /** The sentence is a question to the client ("Have you had thoughts of ...?"). */
  question: boolean;
  /** The trigger names its own experiencer (first person in the phrase). */
  firstPerson: boolean;
  /**
   * The text is the client writing (first person, no clinician's word for the client): there
   * "he", "she" and "they" are other people, not the client.
   */
  clientVoice?: boolean;
  /** The trigger's own words. */
  trigger?: string;
}

/** The first modifier that removes the trigger from current risk, or undefined when it counts. */
export function scopeModifier(ctx: TriggerContext): ScopeModifier | undefined {
  // Every cue reaches a few words: bounded windows keep a long unpunctuated line linear.
  if (isOtherPerson(ctx)) return 'other_person';
  if (isNegated(ctx)) return 'negated';
  if (isHistorical(ctx)) return 'historical';
  if (isHypothetical(ctx)) return 'hypothetical';
  if (isEducational(ctx)) return 'educational';
  return undefined;
}

function lastMatch(pattern: RegExp, text: string): { index: number; end: number } | undefined {
  let found: { index: number; end: number } | undefined;
  const all = hits(pattern, text);
  const last = all[all.length - 1];
  if (last !== undefined) found = { index: last.index, end: last.end };
  return found;
}

const words = (text: string): number => (text.trim() === '' ? 0 : text.trim().split(/\s+/).length);

/** A cue in `pre` whose scope reaches the trigger: no affirmation after it, within `maxWords`. */
function cueReaches(cue: RegExp, pre: string, maxWords: number, breaker: RegExp): boolean {
  const found = lastMatch(cue, pre);
  if (found === undefined) return false;
  const between = pre.slice(found.end);
  if (words(between) > maxWords) return false;
  return lastMatch(breaker, between) === undefined;
}

/** A minus sign in front of the trigger: "(-) SI", "-SI/-HI". */
const MINUS_BEFORE = /(?:\(\s*-\s*\)\s*|(?:^|[\s/,(])-)$/;

function isNegated({ pre, post, trigger }: TriggerContext): boolean {
  if (MINUS_BEFORE.test(pre)) return true;
  const masked = pre.replace(PSEUDO_NEGATION, (m) => ' '.repeat(m.length));
  // A participle starts its own clause: "drive without a seatbelt hoping i crash" negates the seatbelt.
  if (
    trigger !== undefined &&
    /^(?:hoping|wishing|praying)\b/i.test(trigger) &&
    !/\b(?:not|never)\s*$/i.test(masked)
  )
    return POST_NEGATION.test(post);
  if (cueReaches(NEGATION, masked, 8, NEGATION_BREAK)) return true;
  // A reporting verb that the negation governs does not end it: "never said I wanted to die".
  const cue = lastMatch(NEGATION, masked);
  if (cue !== undefined) {
    const attached =
      /^\s*(?:(?:ever|really|actually)\s+)?(?:said|say|says|stated|state|report\w*|endors\w*|admit\w*|acknowledg\w*|disclos\w*|verbaliz\w*|express\w*|told\s+\w+)\b(?:\s+(?:that|i|she|he))*/i.exec(
        masked.slice(cue.end),
      );
    if (attached !== null) {
      const rest = masked.slice(cue.end + attached[0].length);
      if (words(rest) <= 8 && lastMatch(AFFIRM, rest) === undefined) return true;
    }
  }
  return POST_NEGATION.test(post) || LABEL_VALUE_NEGATIVE.test(post);
}

/** An intake or form answer: "Suicidal thoughts in the past 2 weeks: no", "... ever? never". */
const LABEL_VALUE_NEGATIVE =
  /^[^:;?.=]{0,60}[:?=]\s*(?:A\s*:\s*)?(?:no|none|never|nope|n|denie[sd]|deny|negative|neg|not\s+(?:at\s+all|really|that\s+i\s+know(?:\s+of)?)|0)\b(?!\s*(?:plan|intent|means))/i;

/** An affirmation that is the history cue's own verb: "previously endorsed", "hx of reported". */
const ATTACHED_AFFIRM = new RegExp(`^\\s*(?:(?:had|has|have|was|were)\\s+)?(?:${AFFIRM.source})`, 'i');

const HISTORY_BREAK = new RegExp(`${AFFIRM.source}|${CURRENT.source}`, 'gi');

/** "The last time I felt suicidal was before I started meds": dated to the past by its own clause. */
const LAST_TIME = /\b(?:the\s+)?last\s+time\b[^.;]{0,30}$/i;
const LAST_TIME_PAST =
  /^[^.;]{0,20}\b(?:was|were)\s+(?:\w+\s+){0,3}?(?:before|when|back|in\s+(?:19|20)\d\d|(?:\w+\s+)?(?:months|years)\s+ago)\b/i;

/** C-SSRS counts behavior in the past 3 months as recent: "hx of SA x3, most recent 1 month ago". */
const MOST_RECENT =
  /^[^.;]{0,40}?\bmost\s+recent(?:ly)?\b[^.;]{0,30}?\b(?:(?:\d{1,2}|a|one|two|three|four|five|six|few|couple\s+of)\s+(?:days?|weeks?|wks?)\s+ago|(?:1|2|3|a|one|two|three)\s+(?:months?|mos?)\s+ago|yesterday|last\s+(?:night|week|month)|this\s+(?:week|month))/i;

function isHistorical({ pre, post }: TriggerContext): boolean {
  if (MOST_RECENT.test(post)) return false;
  if (LAST_TIME.test(pre) && LAST_TIME_PAST.test(post)) return true;
  const breaker = HISTORY_BREAK;
  if (cueReaches(HISTORY_PRE, pre, 12, breaker)) return true;
  const cue = lastMatch(HISTORY_PRE, pre);
  if (cue !== undefined) {
    const between = pre.slice(cue.end);
    const attached = ATTACHED_AFFIRM.exec(between);
    if (attached !== null) {
      const rest = between.slice(attached[0].length);
      if (words(rest) <= 12 && lastMatch(breaker, rest) === undefined) return true;
    }
  }
  const postWindow = post.slice(0, 200).split(/\s+/).slice(0, 10).join(' ');
  if (lastMatch(HISTORY_POST, postWindow) !== undefined) return true;
  // A past year anywhere in the sentence dates the episode unless "current/now" intervenes.
  const year = lastMatch(YEAR, pre);
  if (year !== undefined && lastMatch(CURRENT, pre.slice(year.end)) === undefined) return true;
  return (
    lastMatch(YEAR, postWindow) !== undefined && lastMatch(CURRENT, `${pre} ${postWindow}`) === undefined
  );
}

/** Someone who tells about the client: "Pt's wife called to report he's been ...". */
const INFORMANT_VERB =
  /^(?:'s)?\s+(?:\w+\s+){0,2}?(?:found|finds|discovered|noticed|saw|sees|observed|reported|reports|called|calls|texted|emailed|told|tells|says|said|states|stated|is\s+worried|worries|expressed\s+concern|brought|heard)\b/i;
const FEMALE = /^(?:mother|mom|mum|sister|daughter|wife|girlfriend|gf|grandmother|grandma|aunt)$/i;
const MALE = /^(?:father|dad|brother|son|husband|boyfriend|bf|grandfather|grandpa|uncle)$/i;

/**
 * An informant whose report is about someone of the other gender ("Pt's father found a suicide
 * note in her room", "wife called to report he's been giving away") reports about the client.
 */
const REPORT_SUBJECT = /\b(?:i|i'm|i've|im|ive|she|he|she's|he's|pt|patient|client)\b/gi;

function isInformant(noun: string, afterNoun: string, post: string): boolean {
  const verb = INFORMANT_VERB.exec(afterNoun);
  if (verb === null) return false;
  // The report's own subject is who it is about: "told me she wants to die" is the sister's.
  const report = afterNoun.slice(verb[0].length);
  const subjects = hits(REPORT_SUBJECT, report);
  const subject = subjects.at(-1)?.text.toLowerCase();
  if (subject !== undefined) {
    if (/^(?:i|i'm|i've|im|ive|pt|patient|client)$/.test(subject)) return true;
    if (FEMALE.test(noun)) return subject.startsWith('he');
    if (MALE.test(noun)) return subject.startsWith('she');
    return false;
  }
  // No subject before the trigger: a possessive after it ("a note in her room").
  const owner = /\b(?:his|her|him)\b/i.exec(post.slice(0, 60))?.[0].toLowerCase();
  if (owner === undefined) return false;
  if (FEMALE.test(noun)) return owner !== 'her';
  if (MALE.test(noun)) return owner === 'her';
  return false;
}

/** Who a client's clause is about: themselves (i, me, my) or a third person as subject (he, she, they). */
const PERSON_PRONOUN = /\b(?:i|i'm|i've|i'd|i'll|me|my|myself|he|he's|he'd|she|she's|she'd|they|they're)\b/gi;
const THIRD = /^(?:he|he's|he'd|she|she's|she'd|they|they're)$/i;

function isOtherPerson({ pre, post, firstPerson, clientVoice }: TriggerContext): boolean {
  if (firstPerson) return false;
  // In the client's own message the last person named before the trigger is its experiencer:
  // "i think he wants to die" is his; "she makes me want to die" is the client's.
  if (clientVoice === true) {
    const last = hits(PERSON_PRONOUN, pre).at(-1);
    if (last !== undefined && THIRD.test(last.text)) return true;
  }
  // "his father's firearms": a possessor is not the experiencer, unless it owns the trigger
  // itself ("her brother's suicide").
  const possessive = /^'s\b/;
  let other: { index: number; end: number } | undefined;
  for (const m of hits(OTHER_REF, pre)) {
    const end = m.end;
    const rest = pre.slice(end);
    if (possessive.test(rest) && rest.slice(2).trim() !== '') continue;
    other = { index: m.index, end };
  }
  if (other === undefined) return false;
  if (isInformant(pre.slice(other.index, other.end), pre.slice(other.end), post)) return false;
  const client = lastMatch(CLIENT_REF, pre);
  // "a pt who attempted": the client word inside the other person's phrase is not the client.
  return client === undefined || client.index < other.end;
}

/** A future change of state: "might become suicidal if he relapses", "could get suicidal again". */
const FUTURE_STATE =
  /\b(?:might|may|could|would|will|'ll)\s+(?:(?:again|eventually|later|one\s+day)\s+)?(?:become|get|turn|start\s+(?:to\s+)?feel(?:ing)?|go\s+back\s+to|return\s+to|relapse\s+(?:on|into|to)|start(?:\s+\w+ing)?\s+again)\s*$/i;
/** A question about a hypothetical ("what would happen if I told you ..."): the whole sentence is conditional. */
const WHAT_IF =
  /\bwhat\s+(?:would|will|could)\s+happen\s+if\b|\bwhat\s+if\b|\bif\s+(?:i|she|he)\s+(?:told|tell|said|say)\s+(?:you|someone|anyone)\b/i;
/** A worry about the future with an if-clause after it: "worry I'll go back to cutting if things get bad". */
const WORRY =
  /\b(?:worr\w*|afraid|scared|fear\w*|concerned|nervous)\b[^.;]{0,40}\b(?:will|'ll|might|may|would|could)\b/i;

function isHypothetical({ pre, post }: TriggerContext): boolean {
  if (FUTURE_STATE.test(pre) || WHAT_IF.test(pre)) return true;
  // A feared trajectory, not a present wish: "worry that I'll become like my dad and end up killing myself".
  if (/\b(?:worr\w*|afraid|scared|fear\w*)\b[^.;]{0,60}\bend\s+up\s*$/i.test(pre)) return true;
  if (WORRY.test(pre) && /^[^.;]{0,40}\b(?:if|when|once)\b/i.test(post)) return true;
  // "might hurt her baby by accident": an accident is not an intent to harm.
  if (/^(?:\s+[\w']+){0,3}?\s+(?:by\s+accident|accidentally|unintentionally)\b/i.test(post)) return true;
  // An injury during an everyday task is an accident: "cut myself shaving", "burned my hand cooking".
  if (
    /^\s+(?:(?:while|when)\s+)?(?:shaving|cooking|chopping|slicing|cutting\s+(?:vegetables|onions|bread)|gardening|baking|ironing|opening|fixing|making\s+(?:dinner|lunch|breakfast|pasta))\b/i.test(
      post,
    )
  )
    return true;
  const cue = lastMatch(HYPOTHETICAL, pre);
  if (cue === undefined) return false;
  const between = pre.slice(cue.end);
  if (between.includes(',') || /\bthen\b/i.test(between)) return false;
  // "If my boyfriend leaves I will kill myself": a subject after the if-clause's own subject
  // starts the main clause, which is a conditional threat and counts.
  const subjects = hits(SUBJECT, between);
  const first = subjects[0];
  if (first === undefined) return true;
  const leadsClause = between.slice(0, first.index).trim().split(/\s+/).filter(Boolean).length <= 1;
  return subjects.length === 1 && leadsClause;
}

/** A screening cue ("asked about", "screened for") whose answer follows the trigger. */
const ASKED =
  /\b(?:asked|questioned|screened|assessed|queried|inquired)\s+(?:\w+\s+){0,2}(?:about|for|regarding|re:?)\s*(?:any\s+|current\s+)?$|\basked\s+(?:\w+\s+){0,2}(?:if|whether)\s+(?:i|she|he|they|pt)\s+(?:was|were|am|is|had|have|has|felt|feel|ever)\s+(?:\w+\s+){0,3}$|\b(?:asked|screened|assessed)\s*$/i;
const AFFIRMATIVE_ANSWER =
  /\b(?:yes|yeah|endors\w*|admit\w*|acknowledg\w*|confirm\w*|positive|disclos\w*)\b/i;
const NEGATIVE_ANSWER = /\b(?:no|nope|never|denie[sd]|deny|negative|none|nothing)\b/i;

function isEducational({ pre, post, question }: TriggerContext): boolean {
  // A screening question to the client ("Have you had thoughts of ...?") asserts nothing.
  if (question) return true;
  // "Asked about SI, pt said no" asserts nothing; "asked about SI, endorses passive SI" does.
  if (ASKED.test(pre.slice(-80))) {
    const answer = post.slice(0, 120);
    return !(
      AFFIRMATIVE_ANSWER.test(answer) && !NEGATIVE_ANSWER.test(answer.split(AFFIRMATIVE_ANSWER)[0] ?? '')
    );
  }
  if (cueReaches(EDUCATIONAL, pre, 12, AFFIRM)) return true;
  if (
    /^[^.;]{0,30}\b(?:in|at|during)\s+(?:\w+\s+)?(?:class|school|lecture|training|seminar|church|youth\s+group|assembly)\b/i.test(
      post,
    ) &&
    /\b(?:talk\w*|learn\w*|discuss\w*|taught|teach\w*|presentation|video|lesson)\b/i.test(pre)
  )
    return true;
  return /^\s*(?:(?:was|were|is|as)\s+)?(?:warning\s+signs|prevention|awareness|training|hotline|resources|discussed|reviewed|covered|explained|(?:a|the)\s+(?:theme|topic))\b/i.test(
    post,
  );
}
