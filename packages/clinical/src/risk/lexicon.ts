/**
 * Trigger lexicon for the risk scanner: phrasings of risk to self or others in clinician voice
 * (abbreviations, third person) and client voice (first person, lowercase, common misspellings).
 * A trigger is what an evidence span points at; whether it counts is decided afterwards by the
 * scope modifiers (modifiers.ts), never here, so every phrasing is written once, unnegated.
 */

/** What a trigger says. `passive_death_wish` and `suicide_attempt` refine the list. */
export type RiskSignalKind =
  | 'suicidal_ideation'
  | 'passive_death_wish'
  | 'plan'
  | 'intent'
  | 'means'
  | 'preparatory_act'
  | 'self_harm'
  | 'suicide_attempt'
  | 'homicidal_ideation';

export interface Trigger {
  kind: RiskSignalKind;
  pattern: RegExp;
  /**
   * The phrase names its own experiencer ("better off without me", "kill myself"): a person
   * mentioned before it ("my family would be better off without me") is not who it is about.
   */
  firstPerson?: boolean;
  /** Counts only in a sentence that has another risk trigger ("SI with plan", "no plan or intent"). */
  needsContext?: boolean;
}

const SELF = String.raw`(?:myself|herself|himself|themselves|themself|yourself|self)`;
const POSS = String.raw`(?:my|her|his|their|your)`;
const PERSON_TOKEN = String.raw`\[PERSON_\d+\]`;
/** Someone other than the speaker as an object: "kill him", "hurt my stepdad", "stab [PERSON_1]". */
const OTHER_TARGET = String.raw`(?:(?:him|her|them|someone|somebody|anyone|anybody|people|others|other people|(?:my|his|her|their|the|that) (?!own\b|self\b|(?:wrists?|arms?|forearms?|legs?|thighs?|skin|stomach|head|feet|back|knees?|feelings|chances|career|grades|time)\b)[a-z][\w-]*)(?![\w'])|${PERSON_TOKEN})`;
const HARM_VERB = String.raw`(?:kill(?:ing)?|hurt(?:ing)?|harm(?:ing)?|stab(?:bing)?|shoot(?:ing)?|murder(?:ing)?|strangl(?:e|ing)|attack(?:ing)?)`;
const SELF_ACT = String.raw`(?:cut\s+(?:deep|deeper)\b|(?:kill|hang|shoot|cut|hurt|harm|burn|drown|stab)(?:ing)? ${SELF}|overdos(?:e|ing)|od\b|end (?:it(?: all)?|${POSS} (?:own )?life|things|everything)|take ${POSS} (?:own )?life|jump|do it (?:tonight|today|now|this weekend))`;
const WILL = String.raw`(?:going to|gonna|will|'ll|am about to|is about to|about to|decided to|intends? to|intending to|plan(?:s|ning)? to|want(?:s)? to act on)`;
const GUN = String.raw`(?:gun|guns|firearm|firearms|rifle|pistol|handgun|shotgun|rope|noose)`;
const PILLS = String.raw`(?:pills|meds|medications|medication|tablets|insulin)`;

const re = (source: string, flags = 'gi'): RegExp => new RegExp(source, flags);

export const TRIGGERS: readonly Trigger[] = [
  // Suicidal ideation (active) and its methods.
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bSI\b(?!\s+units)`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\b(?:suicidal|sucidal|suicdal|suicidial|sucidial|suicidality)\b(?:\s+(?:ideations?|thoughts?|feelings?|urges?|ideas?))?`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bsuicide\b`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\b(?:kill|killing|killin|kil|off|offing|unalive|unaliving)\s+${SELF}\b`), firstPerson: true },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\b(?:end|ending)\s+(?:it all|${POSS} (?:own )?life|things|everything)\b`), firstPerson: true },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\btak(?:e|ing)\s+${POSS}\s+(?:own\s+)?life\b`), firstPerson: true },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\b(?:hang|hanging|shoot|shooting|drown|drowning)\s+${SELF}\b`), firstPerson: true },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\b(?:to|about|of|would|could|might|should)\s+(?:overdos(?:e|ing)|OD)\b|\boverdos(?:e|ing)\s+on\b|\bOD\s+on\b`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\b(?:jump|jumping|step|stepping|walk|walking|throw\w*\s+${SELF})\s+in\s+front\s+of\s+(?:a|an|the)\s+(?:train|car|bus|truck|traffic|subway)\b|\bin\s+front\s+of\s+traffic\b`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\btak(?:e|ing)\s+all\s+(?:of\s+)?${POSS}\s+${PILLS}\b|\bactive\s+(?:SI|suicidal\s+\w+|thoughts)\b`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\b(?:drive|driving|drove|walk|walking|run|running|step|stepping|swerve|swerving|crash|crashing)\s+(?:my\s+car\s+|his\s+car\s+|her\s+car\s+)?into\s+(?:oncoming\s+)?(?:traffic|a\s+(?:tree|wall|pole)|the\s+(?:river|lake|ocean))\b|\blethal\s+doses?\b`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bkms\b|\b(?:would|could|might|where\s+to|going\s+to|gonna)\s+jump\b(?!\s+(?:in|at|on)\b)|\bend(?:ing)?\s+it(?=\s*(?:$|[.!,;]))`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bslit(?:ting)?\s+${POSS}\s+wrists?\b`), firstPerson: true },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bjump(?:ing)?\s+(?:off|from)\s+(?:a|the)\s+(?:bridge|building|roof|cliff|overpass|parking garage)\b`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bus(?:e|ing)\s+(?:it|one|a\s+gun|the\s+gun|them)\s+on\s+${SELF}\b`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bthoughts?\s+of\s+(?:dying|death)\s+and\s+how\b|\bways\s+to\s+(?:kill|end)\b|\bhow\s+to\s+do\s+it\b`) },
  // Passive death wish.
  { kind: 'passive_death_wish', pattern: re(String.raw`\bpassive\s+(?:SI|suicidal(?:\s+ideation)?|death\s+wish|thoughts?\s+of\s+(?:death|dying))\b|\bthoughts?\s+of\s+(?:death|dying|being\s+dead)\b|\bdeath\s+wish\b|\bwish(?:es)?\s+to\s+(?:be\s+dead|die)\b`) },
  { kind: 'passive_death_wish', pattern: re(String.raw`\b(?:wish|wishes|wished|wishing)\s+(?:i|she|he|they)\s+(?:was|were|could\s+be|would\s+be|'d\s+be)\s+(?:dead|gone|never\s+born)\b`), firstPerson: true },
  { kind: 'passive_death_wish', pattern: re(String.raw`\b(?:wants?|wanted|wanna|want\s+to|wish\s+(?:i|she|he)\s+could)\s+(?:to\s+)?die\b`) },
  { kind: 'passive_death_wish', pattern: re(String.raw`\b(?:don'?t|dont|do\s+not|doesn'?t|does\s+not|no\s+longer)\s+wants?\s+to\s+(?:live|be\s+alive|exist|be\s+here(?=\s*(?:any\s*more|$|[.,;!])))`), firstPerson: true },
  { kind: 'passive_death_wish', pattern: re(String.raw`\b(?:not|never|wouldn'?t|wouldnt|won'?t|wont|didn'?t|didnt)\s+(?:want\s+to\s+|wanna\s+)?wake\s+up\b`), firstPerson: true },
  { kind: 'passive_death_wish', pattern: re(String.raw`\bbetter\s+(?:off\s+)?without\s+me\b|\bbetter\s+off\s+(?:dead|gone|not\s+(?:existing|being\s+here|alive|around)|without\s+me|if\s+(?:i|she|he)\s+(?:was|were)\s+(?:dead|gone))\b`), firstPerson: true },
  { kind: 'passive_death_wish', pattern: re(String.raw`\b(?:nothing\s+to\s+live\s+for|no\s+reason\s+to\s+(?:live|keep\s+living|go\s+on)|(?:don'?t|dont|do\s+not)\s+see\s+(?:a|any)\s+reason\s+to\s+(?:keep\s+)?(?:live|living|go\s+on)|not\s+worth\s+living|tired\s+of\s+(?:living|life|being\s+alive)|point\s+(?:of|in)\s+living)\b`), firstPerson: true },
  { kind: 'passive_death_wish', pattern: re(String.raw`\b(?:disappear|dissapear|disapear|vanish)\b(?:\s+forever)?|\b(?:easier|better|happier)\s+(?:off\s+)?if\s+(?:i|she|he)\s+(?:just\s+)?(?:died|was\s+(?:dead|gone)|were\s+(?:dead|gone)|wasn'?t\s+(?:around|here)|weren'?t\s+(?:around|here))\b|\bnever\s+(?:been\s+)?born\b|\bif\s+(?:i|she|he)\s+(?:wasn'?t|weren'?t)\s+around\b`), firstPerson: true },
  { kind: 'passive_death_wish', pattern: re(String.raw`\b(?:don'?t|dont)\s+care\s+if\s+i\s+live\s+or\s+die\b|\b(?:can'?t|cant|cannot)\s+(?:go\s+on|do\s+this\s+any\s*more)\b|\bwant\s+it\s+all\s+to\s+stop\b|\b(?:wish|wishes|wished|wishing|hope|hopes|hoping|pray|prays|praying)\b[^.!?]{0,40}?\b(?:would|will|could)\s+(?:hit|kill|run\s+over)\s+(?:me|her|him)\b|\b(?:hope|hopes|hoping|wish|wishes)\s+(?:i|she|he)\s+(?:get|gets|got)\s+(?:hit|killed|into\s+(?:a|an)\s+(?:car\s+)?(?:accident|crash))\b|\b(?:shouldn'?t|shouldnt|should\s+not|don'?t\s+deserve\s+to)\s+(?:be\s+alive|exist|live|be\s+here)\b|\bshould\s+be\s+dead\b|\b(?:so|and)\s+it\s+(?:would|will)\s+(?:all\s+)?be\s+over\b|\bwant\s+it\s+(?:all\s+)?to\s+be\s+over\b|\b(?:'d|would)\s+rather\s+(?:not\s+be\s+alive|be\s+dead|not\s+exist|not\s+be\s+here)\b|\blife\s+is\s+(?:pointless|meaningless)\b|\bsleep\s+forever\b|\beternal\s+sleep\b|\bwhat'?s\s+the\s+point\s+(?:any\s*more|of\s+(?:it|going\s+on|trying))\b|\b(?:nobody|no\s+one|no-one)\s+would\s+(?:miss|care\s+if|notice\s+if)\b|\b(?:thinks?|thinking|thought)\s+about\s+(?:death|dying|not\s+existing|not\s+being\s+here)\b|\b(?:stop|cease\s+to)\s+exist(?:ing)?\b`), firstPerson: true },
  // Plan and intent.
  { kind: 'plan', pattern: re(String.raw`\b(?:chosen|chose|picked|set)\s+a\s+(?:date|day|time)\b`), needsContext: true },
  { kind: 'plan', pattern: re(String.raw`\b(?:decided|figured\s+out|know|knows|worked\s+out)\s+how\s+(?:to\s+do\s+it|(?:i|she|he)\s+(?:would|will|'d|'ll)\s+do\s+it)\b`) },
  { kind: 'plan', pattern: re(String.raw`\bplan(?:s|ned|ning)?\s+on\s+(?:taking|killing|ending|overdosing|hanging|shooting|jumping|cutting|drowning|crashing)\b`) },
  { kind: 'plan', pattern: re(String.raw`\bplan(?:s|ned|ning)?\s+(?:is\s+)?to\s+(?:kill|end|overdose|od|hang|shoot|jump|crash|cut|take|die|stab|hurt|harm|drive\s+into|walk\s+into|step\s+in\s+front)\b|\b(?:suicide|suicidal)\s+plan\b`) },
  { kind: 'plan', pattern: re(String.raw`(?<!\b(?:safety|treatment|care|discharge|crisis|restriction|the|of|action|payment|cell|phone|insurance)\s)\bplans?\b(?!\s+(?:of\s+care|for\s+(?:treatment|discharge|follow)))`), needsContext: true },
  { kind: 'intent', pattern: re(String.raw`\b${WILL}\s+(?:${SELF_ACT}|${HARM_VERB}\s+${OTHER_TARGET})`) },
  { kind: 'intent', pattern: re(String.raw`\bintent(?:ion)?\s+to\s+(?:die|kill|harm|hurt|act|end)\b|\bsuicidal\s+intent\b`) },
  { kind: 'intent', pattern: re(String.raw`\bintent(?:ion)?s?\b`), needsContext: true },
  { kind: 'intent', pattern: re(String.raw`\b(?:can'?t|cannot|unable\s+to|not\s+able\s+to|won'?t|will\s+not|refuses\s+to|declined\s+to|not\s+sure\s+(?:i|she|he)\s+can)\s+(?:keep\s+${SELF}\s+safe|stay\s+safe|be\s+safe|contract\s+for\s+safety|commit\s+to\s+safety)\b`) },
  // Means and preparatory acts.
  { kind: 'means', pattern: re(String.raw`\b(?:access\s+to|has|have|had|keeps?|owns?)\s+(?:(?:a|the|his|her|my|their|\w+'s)\s+){0,2}(?:loaded\s+)?${GUN}\b`) },
  { kind: 'means', pattern: re(String.raw`\b(?:enough|all\s+(?:of\s+)?(?:my|her|his))\s+${PILLS}\s+(?:saved|to\s+do\s+it|ready)\b|\b(?:have|has|had)\s+the\s+${PILLS}(?:\s+ready)?\b|\b${PILLS}\s+ready\b|\bpills\s+saved\b`) },
  { kind: 'preparatory_act', pattern: re(String.raw`\b(?:stockpil\w*|hoard\w*)\s+(?:(?:my|her|his|their|enough|up)\s+)?[\w-]+|\b(?:saving|saved|collecting|collected)\s+(?:up\s+)?(?:(?:my|her|his|their|enough)\s+)?${PILLS}\b|\bstockpiled\s+pills\b|\b(?:enough\s+)?pills\s+saved\s+up\b`) },
  { kind: 'means', pattern: re(String.raw`\b${PILLS}\s+(?:hidden|stashed)\b|\b(?:hid|hidden|hiding|stash(?:ed)?|stash\s+of)\s+(?:(?:a\s+bottle\s+of|some|my|her|his)\s+)?${PILLS}\b`) },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\b(?:decides?|decided|ready)\s+to\s+do\s+it\b`), needsContext: true },
  { kind: 'preparatory_act', pattern: re(String.raw`\b(?:bought|buys|buying|purchased|purchasing|got|obtained)\s+(?:a|an|the|some)\s+(?:new\s+)?${GUN}\b`) },
  { kind: 'preparatory_act', pattern: re(String.raw`\b(?:wrote|writes|writing|written|left)\s+(?:a|an|her|his|my)\s+(?:suicide\s+|goodbye\s+)?(?:note|letter|will)\b|\bgoodbye\s+(?:letter|note)\b`) },
  { kind: 'preparatory_act', pattern: re(String.raw`\b(?:put|puts|putting|got|get|getting)\s+(?:${POSS}\s+)?affairs\s+in\s+order\b|\b(?:updated|updating|changed|made|making)\s+(?:a|${POSS})\s+will\b`) },
  { kind: 'preparatory_act', pattern: re(String.raw`\b(?:gave|give|giving|given)\s+away\b|\bsaid\s+goodbye\b|\bsaying\s+goodbye\b`) },
  { kind: 'preparatory_act', pattern: re(String.raw`\b(?:search\w*|googl\w*|look\w*\s+up|research\w*)\s+(?:online\s+)?(?:for\s+)?(?:lethal|fatal|overdose|how\s+to\s+(?:die|kill|hang|overdose))\b`) },
  { kind: 'suicide_attempt', pattern: re(String.raw`\bwith\s+the\s+(?:car|engine)\s+running\b`) },
  { kind: 'preparatory_act', pattern: re(String.raw`\bresearch(?:ed|ing)?\s+(?:online\s+)?(?:how|ways|methods)\b|\bhow\s+many\s+pills\s+it\s+would\s+take\b|\brehears(?:ed|ing|al)\b|\bloaded\s+the\s+gun\b|\bsat\s+with\s+(?:it|the\s+gun|a\s+gun)\b`) },
  // Self-harm (non-suicidal or unspecified).
  { kind: 'self_harm', pattern: re(String.raw`\bself[- ]?(?:harm\w*|injur\w*|mutilat\w*)\b(?:\s+behaviou?rs?)?|\bSIB\b|\bNSSI\b|\bhead[\s-]+banging\b|\bcutter\b`) },
  { kind: 'self_harm', pattern: re(String.raw`\b(?:cut|cuts|cutting|burn|burned|burnt|burning|burns|scratch|scratched|scratching|hit|hits|hitting|punch|punched|punching|hurt|hurts|hurting|harm|harming|harmed|bang|banged)\s+(?:${SELF}|${POSS}\s+(?:wrists?|arms?|forearms?|legs?|thighs?|skin|stomach|head))\b`), firstPerson: true },
  { kind: 'self_harm', pattern: re(String.raw`\bcutting\b(?!\s+(?:back|down|out|off|class|school|ties|hair|corners|edge|board|up))|\bcut\s+my\s+wrists\b|\bcut\s+(?:deep|deeper)\b|\bsuperficial\s+(?:cuts|lacerations)\b|\bfresh\s+lacerations\b|\bcuts\s+(?:to|on)\s+(?:the\s+|her\s+|his\s+|my\s+)?(?:fore)?arms?\b`) },
  // Attempts.
  { kind: 'suicide_attempt', pattern: re(String.raw`\b(?:attempted|attempts?|tried\s+to\s+commit)\s+suicide\b|\bsuicide\s+attempts?\b|\bdied\s+by\s+suicide\b|\bcompleted\s+suicide\b`) },
  { kind: 'suicide_attempt', pattern: re(String.raw`\btried\s+to\s+(?:kill|hang|shoot|end|overdose|od)\b|\boverdosed\b|\bOD'?d\b|\btook\s+an?\s+overdose\b|(?<!\b(?:to|about|of|would|could|might|should|will|'ll|gonna)\s+)\boverdoses?\b(?!\s+on\b)|\bvia\s+OD\b`) },
  { kind: 'suicide_attempt', pattern: re(String.raw`\b(?:took|swallowed|taken|downed)\s+(?:all|a\s+bunch|a\s+handful|a\s+(?:whole\s+)?bottle|the\s+(?:whole\s+)?bottle|half\s+(?:a|the)\s+bottle|\d+)\s+(?:of\s+)?(?:my\s+|her\s+|his\s+|the\s+)?${PILLS}`) },
  { kind: 'suicide_attempt', pattern: re(String.raw`\b(?:already|just)\s+(?:took|swallowed|taken|downed)\s+(?:the|those|these|my|her|his|all)\b`) },
  { kind: 'preparatory_act', pattern: re(String.raw`\b(?:has|have|had|made|tied|bought|keeps?)\s+(?:a|the)\s+noose\b`) },
  { kind: 'suicide_attempt', pattern: re(String.raw`\b(?:shot|hanged|hung|stabbed|drowned)\s+${SELF}\b`) },
  // Harm to others.
  { kind: 'homicidal_ideation', pattern: re(String.raw`\bHI\b`, 'g') },
  { kind: 'homicidal_ideation', pattern: re(String.raw`(?<=\bsi\s*(?:[/,&]|and)?\s*)hi\b`) },
  { kind: 'homicidal_ideation', pattern: re(String.raw`\bhomicidal\b(?:\s+(?:ideations?|thoughts?|urges?|feelings?))?`) },
  { kind: 'homicidal_ideation', pattern: re(String.raw`\b${HARM_VERB}\s+${OTHER_TARGET}`) },
  { kind: 'homicidal_ideation', pattern: re(String.raw`\bharm\s+to\s+others\b`) },
];

/** Sentence has something a bare "plan" or "intent" can refer to. */
export const RISK_CONTEXT = /\b(?:SI|HI|suicid\w*|sucid\w*|homicid\w*|kill\w*|self[- ]?harm\w*|C-SSRS|overdos\w*|hang\w*|die|dying|harm\w*|hurt\w*|shoot\w*)\b/i;

/**
 * Phrases whose risk words are not about risk: idioms ("dying to see", "killing it at work")
 * and names of things ("suicide prevention hotline", "warning signs of suicide"). A trigger
 * overlapping one of these is dropped.
 */
export const NON_RISK_PHRASES: readonly RegExp[] = [
  /\bkill(?:ing|ed)?\s+(?:it|time|for)\b/gi,
  /\bkill(?:ing)?\s+(?:my|her|his)\s+(?:feet|back|knees?|vibe|buzz|time)\b/gi,
  /\bkill(?:ing)?\s+(?:myself|herself|himself|themselves)\s+(?:at|in|on|over|with|for)\s+(?:the\s+)?(?:gym|work|school|practice|training|workouts?|studying|homework|job|exams?)\b/gi,
  /\bdying\s+(?:to|for)\b|\bto\s+die\s+for\b/gi,
  /\b(?:is|are|was|were|'s|'re)\s+(?:really\s+|literally\s+|slowly\s+|just\s+)?killing\s+(?:me|her|him|them|us)\b|\bbe\s+the\s+death\s+of\b/gi,
  /\b(?:bored|scared|worried|frightened|freaked|tickled|loved)\s+to\s+death\b/gi,
  /\bdie\s+(?:of|from)\s+(?:boredom|embarrassment|laughter|shame)\b|\b(?:died|dying|die)\s+laughing\b/gi,
  /\bdead\s+(?:tired|serious|end|line)\b|\bover\s+my\s+dead\s+body\b|\bdrop\s+dead\b|\bkiller\b/gi,
  /\bsuicide\s+(?:prevention|risk\s+factors?|warning\s+signs|awareness|hotline|lifeline|and\s+crisis\s+lifeline|crisis\s+line|screening|assessment|training)\b/gi,
  /\bsuicide\s+risk\b(?=\s*(?::|is|was)?\s*(?:low|minimal|assessment|screening|factors))/gi,
  /\b(?:risk|risk\s+factors?|warning\s+signs|signs|prevention)\s+(?:of|for)\s+(?:suicide|self[- ]?harm|suicidal\s+\w+)/gi,
  /\bkill(?:ing)?\s+(?:this|that)\s+(?:presentation|test|exam|interview|game|show)\b/gi,
];
