/**
 * Trigger lexicon for the risk scanner: phrasings of risk to self or others in clinician voice
 * (abbreviations, third person) and client voice (first person, lowercase, common misspellings).
 * A trigger is what an evidence span points at; whether it counts is decided afterwards by the
 * scope modifiers (modifiers.ts), never here, so every phrasing is written once, unnegated.
 */

/** What a trigger says. `passive_death_wish` and `suicide_attempt` refine the issue's list. */
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
  /** Counts only in a sentence this matches (an instrument's name for its item numbers). */
  requires?: RegExp;
  /** Counts only when this sentence or the one before matches (a means named, then "i keep thinking about it"). */
  near?: RegExp;
  /** Counts only when this sentence or the one before or after matches ("i'm ready to go. i'm at peace with it"). */
  around?: RegExp;
  /** Does not count in a text this matches (a bare "i have a plan" followed by the coping steps it consists of). */
  unless?: RegExp;
}

const SELF = String.raw`(?:myself|herself|himself|themselves|themself|yourself|self)`;
const POSS = String.raw`(?:my|her|his|their|your)`;
const PERSON_TOKEN = String.raw`\[PERSON_\d+\]`;
/** Medicines people overdose on, by name: "saving his clonazepam", "took all her oxycodone". */
const DRUG = String.raw`(?:tylenol|acetaminophen|apap|paracetamol|ibuprofen|advil|motrin|aspirin|oxycodone|oxy|percocet|vicodin|hydrocodone|fentanyl|heroin|opioids?|opiates?|xanax|alprazolam|klonopin|clonazepam|ativan|lorazepam|valium|diazepam|benzos?|seroquel|quetiapine|ambien|zolpidem|benadryl|diphenhydramine|trazodone|lithium|sertraline|zoloft|prozac|fluoxetine|lexapro|escitalopram|wellbutrin|bupropion|lamictal|lamotrigine|gabapentin|adderall|amitriptyline|nyquil|sleeping\s+pills|sleep\s+meds|painkillers|pain\s+pills|antidepressants|insulin)`;
const PILLS = String.raw`(?:pills|meds|medications|medication|tablets|tabs|capsules|caps|${DRUG})`;
/** How many were taken: "approx 40", "a handful of", "like 10", "the whole bottle of". */
const AMOUNT_LARGE = String.raw`(?:(?:approx\.?|approximately|about|around|like|~|over|at\s+least|maybe)\s*)?(?:[5-9]|[1-9]\d+|a\s+(?:bunch|handful|lot)|a\s+(?:whole\s+)?bottle|the\s+(?:whole\s+|entire\s+|rest\s+of\s+the\s+)?bottle|half\s+(?:a|the)\s+bottle|all|too\s+many|way\s+too\s+many)`;
const NOT_A_DOSE = String.raw`(?!\s+(?:as\s+prescribed|today|this\s+(?:morning|evening)|on\s+time|like\s+(?:i'm|i\s+am|i\s+was)\s+supposed|for\s+(?:my|a|the)\s+(?:headache|pain|cold|fever|cramps|back|tooth)))`;
const AMOUNT = String.raw`(?:(?:approx\.?|approximately|about|around|like|~|over|at\s+least|maybe)\s*)?(?:\d+|a\s+(?:bunch|handful|lot|few)|a\s+(?:whole\s+)?bottle|the\s+(?:whole\s+|entire\s+)?bottle|half\s+(?:a|the)\s+bottle|all|several|too\s+many|extra|a\s+few|some|double)`;
/** Weapons and ligatures: the means of harm a note records being at hand. */
const WEAPON = String.raw`(?:guns?|firearms?|rifles?|pistols?|handguns?|shotguns?|revolvers?|AR-?15s?|AK-?47s?|glocks?|ammo|ammunition|knife|knives|blades?|razors?|ropes?|nooses?|ligatures?)`;
/** People as objects of harm without a possessive: "stab brother [PERSON_2]", "threatened front desk staff". */
const KIN = String.raw`(?:mother|mom|father|dad|stepfather|stepmother|stepdad|stepmom|brother|sister|son|daughter|husband|wife|ex-?(?:wife|husband|boyfriend|girlfriend)?|boyfriend|girlfriend|partner|boss|supervisor|manager|coworkers?|co-workers?|roommate|neighbou?r|teacher|classmates?|staff|nurse|officer|peers?)`;
/** Someone other than the speaker as an object: "kill him", "hurt my stepdad", "stab [PERSON_1]". */
const OTHER_TARGET = String.raw`(?:(?:him|her(?!\s+(?:own\s+)?(?:head|face|arms?|hands?|legs?|knees?|wrists?|back|foot|feet|toes?|elbows?|shoulders?|nose|lips?|chin|forehead|hips?|neck|fingers?)\b)|them|someone|somebody|anyone|anybody|people|others|other people|(?:my|his|her|their|the|that) (?!own\b|self\b|(?:wrists?|arms?|forearms?|legs?|thighs?|skin|stomach|head|feet|back|knees?|feelings|chances|career|grades|time|walls?|doors?|desk|table|pillow|bag|punching|ball|road|books|gym|snooze|button|brakes|jackpot|mark|target|deadline|spot|ceiling|floor|bottle|bed|hay|sack|lights?|wall|game|record|nail|note)\b)[a-z][\w-]*)(?![\w'])|${KIN}\b(?:\s+${PERSON_TOKEN})?|${PERSON_TOKEN})`;
const HARM_VERB = String.raw`(?:kill(?:ing)?|hurt(?:ing)?|harm(?:ing)?|stab(?:bing)?|shoot(?:ing)?|murder(?:ing)?|strangl(?:e|ing)|attack(?:ing)?|choke|choking|punch(?:ing)?|hit(?:ting)?|beat(?:ing)?|slap(?:ping)?|kick(?:ing)?)`;
const SELF_ACT = String.raw`(?:(?:walk|drive|step|run|jump)\s+(?:my\s+car\s+)?(?:into|in\s+front\s+of|off)\s+(?:the\s+|a\s+|oncoming\s+)?(?:ocean|sea|lake|river|traffic|train|bridge|cliff|road|car|bus|truck|building)\b|cut\s+(?:deep|deeper)\b|(?:kill|hang|shoot|cut|hurt|harm|burn|drown|stab)(?:ing)? ${SELF}|overdos(?:e|ing)|od\b|end (?:it(?: all)?|${POSS} (?:own )?life|things|everything)|take ${POSS} (?:own )?life|jump|do it (?:tonight|today|now|this weekend))`;
const WILL = String.raw`(?:going to|gonna|will|'ll|am about to|is about to|about to|decided to|intends? to|intending to|plan(?:s|ning)? to|want(?:s)? to act on)`;
/** Means whose mere possession a note records as risk: firearms and ligatures, not kitchen knives. */
const GUN = String.raw`(?:guns?|firearms?|rifles?|pistols?|handguns?|shotguns?|revolvers?|AR-?15s?|AK-?47s?|glocks?|ropes?|nooses?)`;

const re = (source: string, flags = 'gi'): RegExp => new RegExp(source, flags);

export const TRIGGERS: readonly Trigger[] = [
  // Suicidal ideation (active) and its methods.
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bSI\b(?!\s+units)`) },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:suicidal|sucidal|suicdal|suicidial|sucidial|suicidality)\b(?:\s+(?:ideations?|thoughts?|feelings?|urges?|ideas?))?`,
    ),
  },
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bsuicide\b`) },
  {
    kind: 'suicidal_ideation',
    pattern: re(String.raw`\b(?:kill|killing|killin|kil|off|offing|unalive|unaliving)\s+${SELF}\b`),
    firstPerson: true,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(String.raw`\b(?:end|ending)\s+(?:it all|${POSS} (?:own )?life|things|everything)\b`),
    firstPerson: true,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(String.raw`\btak(?:e|ing)\s+${POSS}\s+(?:own\s+)?life\b`),
    firstPerson: true,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(String.raw`\b(?:hang|hanging|shoot|shooting|drown|drowning)\s+${SELF}\b`),
    firstPerson: true,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:to|about|of|would|could|might|should)\s+(?:overdos(?:e|ing)|OD)\b|\boverdos(?:e|ing)\s+on\b|\bOD\s+on\b`,
    ),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:jump|jumping|step|stepping|walk|walking|throw\w*\s+${SELF})\s+in\s+front\s+of\s+(?:a|an|the)\s+(?:train|car|bus|truck|traffic|subway)\b|\bin\s+front\s+of\s+traffic\b`,
    ),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\btak(?:e|ing)\s+all\s+(?:of\s+)?${POSS}\s+${PILLS}\b|\bactive\s+(?:SI|suicidal\s+\w+|thoughts)\b`,
    ),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:drive|driving|drove|walk|walking|run|running|step|stepping|swerve|swerving|crash|crashing)\s+(?:my\s+car\s+|his\s+car\s+|her\s+car\s+)?into\s+(?:oncoming\s+)?(?:traffic|a\s+(?:tree|wall|pole)|the\s+(?:river|lake|ocean))\b|\blethal\s+doses?\b`,
    ),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\bkms\b|\b(?:would|could|might|where\s+to|going\s+to|gonna)\s+jump\b(?!\s+(?:in|at|on)\b)|\bend(?:ing)?\s+it(?=\s*(?:$|[.!,;]))`,
    ),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(String.raw`\bslit(?:ting)?\s+${POSS}\s+wrists?\b`),
    firstPerson: true,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\bjump(?:ing)?\s+(?:off|from|out\s+of)\s+(?:a|the|my|our|his|her|their)\s+(?:\w+\s+)?(?:bridge|building|roof|rooftop|cliff|overpass|parking\s+garage|balcony|window|ledge|tower|(?:\d+\w*|top)\s+floor)\b`,
    ),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(String.raw`\bus(?:e|ing)\s+(?:it|one|a\s+gun|the\s+gun|them)\s+on\s+${SELF}\b`),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\bthoughts?\s+of\s+(?:dying|death)\s+and\s+how\b|\bways\s+to\s+(?:kill|end)\b|\bhow\s+to\s+do\s+it\b`,
    ),
  },
  // Passive death wish.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\bpassive\s+(?:SI|suicidal(?:\s+ideation)?|death\s+wish|thoughts?\s+of\s+(?:death|dying))\b|\bthoughts?\s+of\s+(?:death|dying|being\s+dead)\b|\bdeath\s+wish\b|\bwish(?:es)?\s+to\s+(?:be\s+dead|die)\b`,
    ),
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:wish|wishes|wished|wishing)\s+(?:i|she|he|they|you)\s+(?:was|were|could\s+be|would\s+be|'d\s+be)\s+(?:dead|gone|never\s+born)\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:wants?|wanted|wanting|wanna|want\s+to|wish\s+(?:i|she|he)\s+could)\s+(?:to\s+)?die\b(?!\s+(?:\w+\s+)?(?:hair|shirt|clothes|jeans|fabric|eyebrows))`,
    ),
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:don'?t|dont|do\s+not|doesn'?t|does\s+not|no\s+longer)\s+wants?\s+to\s+(?:live|be\s+alive|exist|be\s+here(?=\s*(?:any\s*more|$|[.,;!])))`,
    ),
    firstPerson: true,
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:not|never|wouldn'?t|wouldnt|won'?t|wont|didn'?t|didnt)\s+(?:want\s+to\s+|wanna\s+)?wake\s+up\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\bbetter\s+(?:off\s+)?without\s+me\b|\bbetter\s+off\s+(?:dead|gone|not\s+(?:existing|being\s+here|alive|around)|without\s+me|if\s+(?:i|she|he|you)\s+(?:was|were)\s+(?:dead|gone))\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:nothing\s+(?:left\s+)?to\s+live\s+for|no\s+reason\s+to\s+(?:live|keep\s+living|go\s+on)|(?:don'?t|dont|do\s+not)\s+see\s+(?:a|any)\s+reason\s+to\s+(?:keep\s+)?(?:live|living|go\s+on)|not\s+worth\s+living|tired\s+of\s+(?:living|life|being\s+alive)|point\s+(?:of|in)\s+living)\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:disappear|dissapear|disapear|vanish)\b(?!\s+(?:into|under|behind|off\s+to|to|for\s+(?:a|the)\s+(?:weekend|day|evening|week|month|while)))(?:\s+forever)?|\b(?:easier|better|happier)\s+(?:off\s+)?if\s+(?:i|she|he|you)\s+(?:just\s+)?(?:died|was\s+(?:dead|gone)|were\s+(?:dead|gone)|wasn'?t\s+(?:around|here)|weren'?t\s+(?:around|here))\b|\bnever\s+(?:been\s+)?born\b|\bif\s+(?:i|she|he|you)\s+(?:wasn'?t|weren'?t)\s+around\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:don'?t|dont)\s+care\s+if\s+i\s+live\s+or\s+die\b|\b(?:can'?t|cant|cannot)\s+(?:go\s+on|do\s+this\s+any\s*more)\b|\bwant\s+it\s+all\s+to\s+stop\b|\b(?:wish|wishes|wished|wishing|hope|hopes|hoping|pray|prays|praying)\b[^.!?]{0,40}?\b(?:would|will|could)\s+(?:hit|kill|run\s+over)\s+(?:me|her|him)\b|\b(?:hope|hopes|hoping|wish|wishes)\s+(?:i|she|he)\s+(?:get|gets|got)\s+(?:hit|killed|into\s+(?:a|an)\s+(?:car\s+)?(?:accident|crash))\b|\b(?:shouldn'?t|shouldnt|should\s+not|don'?t\s+deserve\s+to)\s+(?:be\s+alive|exist|live|be\s+here)\b|\bshould\s+be\s+dead\b|\b(?:so|and)\s+it\s+(?:would|will)\s+(?:all\s+)?be\s+over\b|\bwant\s+it\s+(?:all\s+)?to\s+be\s+over\b|\b(?:'d|would)\s+rather\s+(?:not\s+be\s+alive|be\s+dead|not\s+exist|not\s+be\s+here)\b|\blife\s+is\s+(?:pointless|meaningless)\b|\bsleep\s+forever\b|\beternal\s+sleep\b|\bwhat'?s\s+the\s+point\s+(?:any\s*more|of\s+(?:it|going\s+on|trying))\b|\b(?:nobody|no\s+one|no-one)\s+would\s+(?:miss|care\s+if|notice\s+if)\b|\b(?:thinks?|thinking|thought)\s+about\s+(?:death|dying|not\s+existing|not\s+being\s+here)\b|\b(?:stop|cease\s+to)\s+exist(?:ing)?\b`,
    ),
    firstPerson: true,
  },
  // Plan and intent.
  {
    kind: 'plan',
    pattern: re(String.raw`\b(?:chosen|chose|picked|set)\s+a\s+(?:date|day|time)\b`),
    needsContext: true,
  },
  {
    kind: 'plan',
    pattern: re(
      String.raw`\b(?:decided|figured\s+out|know|knows|worked\s+out)\s+how\s+(?:to\s+do\s+it|(?:i|she|he)\s+(?:would|will|'d|'ll)\s+do\s+it)\b`,
    ),
  },
  {
    kind: 'plan',
    pattern: re(
      String.raw`\bplan(?:s|ned|ning)?\s+on\s+(?:taking|killing|ending|overdosing|hanging|shooting|jumping|cutting|drowning|crashing)\b`,
    ),
  },
  {
    kind: 'plan',
    pattern: re(
      String.raw`\bplan(?:s|ned|ning)?\s+(?:is\s+)?to\s+(?:kill|end|overdose|od|hang|shoot|jump|crash|cut|take|die|stab|hurt|harm|drive\s+into|walk\s+into|step\s+in\s+front)\b|\b(?:suicide|suicidal)\s+plan\b`,
    ),
  },
  {
    kind: 'plan',
    pattern: re(
      String.raw`(?<!\b(?:safety|treatment|care|discharge|crisis|restriction|the|of|action|payment|cell|phone|insurance)\s)\bplans?\b(?!\s+(?:of\s+care|for\s+(?:treatment|discharge|follow)))(?!\s+(?:is\s+)?to\s+(?:call|go\s+to|wake\s+up\s+(?:my|her|his)|tell|reach\s+out|text|contact|talk\s+to|use\s+(?:my|her|his)\s+(?:coping|safety)))(?!\s+(?:is\s+)?to\s+(?!(?:do\s+it|act|follow\s+through|carry\s+(?:it\s+)?out|go\s+through\s+with)\b)[a-z]+)(?!\s+(?:for\s+the\s+future|with\s+(?:friends|family|her|his|my)))`,
    ),
    needsContext: true,
  },
  { kind: 'intent', pattern: re(String.raw`\b${WILL}\s+(?:${SELF_ACT}|${HARM_VERB}\s+${OTHER_TARGET})`) },
  {
    kind: 'intent',
    pattern: re(String.raw`\bintent(?:ion)?\s+to\s+(?:die|kill|harm|hurt|act|end)\b|\bsuicidal\s+intent\b`),
  },
  { kind: 'intent', pattern: re(String.raw`\bintent(?:ion)?s?\b`), needsContext: true },
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:can'?t|cannot|unable\s+to|not\s+able\s+to|won'?t|will\s+not|refus(?:es|ed|ing)\s+to|declined\s+to|not\s+sure\s+(?:i|she|he)\s+can)\s+(?:keep\s+${SELF}\s+safe|stay\s+safe|be\s+safe|contract\s+for\s+safety|commit\s+to\s+safety)\b`,
    ),
  },
  // Means and preparatory acts.
  {
    kind: 'means',
    pattern: re(
      String.raw`\b(?:access\s+to|has|have|had|keeps?|owns?)\s+(?:(?:a|the|his|her|my|their|[\w']+)\s+){0,2}(?:loaded\s+)?${GUN}\b`,
    ),
  },
  {
    kind: 'means',
    pattern: re(
      String.raw`\b(?:enough|all\s+(?:of\s+)?(?:my|her|his))\s+${PILLS}\s+(?:saved|to\s+do\s+it|ready)\b|\b(?:have|has|had)\s+the\s+${PILLS}(?:\s+ready)?\b|\b${PILLS}\s+ready\b|\bpills\s+saved\b`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:stockpil\w*|hoard\w*)\s+(?:(?:my|her|his|their|enough|up)\s+)?(?!(?:snacks|food|water|groceries|supplies|toilet|paper|canned|candy|diapers|masks|clothes|books|junk|stuff)\b)[\w-]+|\b(?:saving|saved|collecting|collected)\s+(?:up\s+)?(?:(?:my|her|his|their|enough)\s+)?${PILLS}\b|\bstockpiled\s+pills\b|\b(?:enough\s+)?pills\s+saved\s+up\b`,
    ),
  },
  {
    kind: 'means',
    pattern: re(
      String.raw`\b${PILLS}\s+(?:hidden|stashed)\b|\b(?:hid|hidden|hiding|stash(?:ed)?|stash\s+of)\s+(?:(?:a\s+bottle\s+of|some|my|her|his)\s+)?${PILLS}\b`,
    ),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(String.raw`\b(?:decides?|decided|ready)\s+to\s+do\s+it\b`),
    needsContext: true,
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:bought|buys|buying|purchased|purchasing|got|obtained)\s+(?:a|an|the|some)\s+(?:new\s+)?${GUN}\b`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:wrote|writes|writing|written|left)\s+(?:a|an|her|his|my)\s+(?:note|letter|will)\b`,
    ),
    needsContext: true,
  },
  {
    kind: 'preparatory_act',
    pattern: re(String.raw`\b(?:put|puts|putting|got|get|getting)\s+(?:${POSS}\s+)?affairs\s+in\s+order\b`),
  },
  {
    kind: 'preparatory_act',
    pattern: re(String.raw`\b(?:gave|give|giving|given)\s+away\b|\bsaid\s+goodbye\b|\bsaying\s+goodbye\b`),
    needsContext: true,
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:search\w*|googl\w*|look\w*\s+up|research\w*)\s+(?:online\s+)?(?:for\s+)?(?:lethal|fatal|overdose|how\s+to\s+(?:die|kill|hang|overdose))\b`,
    ),
  },
  { kind: 'suicide_attempt', pattern: re(String.raw`\bwith\s+the\s+(?:car|engine)\s+running\b`) },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\bresearch(?:ed|ing)?\s+(?:online\s+)?(?:how|ways|methods)\b|\bhow\s+many\s+pills\s+it\s+would\s+take\b|\brehears(?:ed|ing|al)\b|\bloaded\s+the\s+gun\b|\bsat\s+with\s+(?:it|the\s+gun|a\s+gun)\b`,
    ),
  },
  // Self-harm (non-suicidal or unspecified).
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\bself[- ]?(?:harm\w*|injur\w*|mutilat\w*)\b(?:\s+behaviou?rs?)?|\bSIB\b|\bNSSI\b|\bhead[\s-]+banging\b|\bcutter\b`,
    ),
  },
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\b(?:cut|cuts|cutting|burn|burned|burnt|burning|burns|scratch|scratched|scratching|hit|hits|hitting|punch|punched|punching|hurt|hurts|hurting|harm|harming|harmed|bang|banged)\s+(?:${SELF}|${POSS}\s+(?:wrists?|arms?|forearms?|legs?|thighs?|skin|stomach))\b(?!\s+(?:on|against|in|at)\s+(?:the|a)\s+(?:table|door|desk|chair|corner|cabinet|car|bed|counter|stairs?|gym|game|practice|fall))`,
    ),
    firstPerson: true,
  },
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\bcutting\b(?!\s+(?:back|down|out|off|class|school|ties|hair|corners|edge|board|up))|\bcut\s+my\s+wrists\b|\bcut\s+(?:deep|deeper)\b|\bsuperficial\s+(?:cuts|lacerations)\b|\bfresh\s+lacerations\b|\bcuts\s+(?:to|on)\s+(?:the\s+|her\s+|his\s+|my\s+)?(?:fore)?arms?\b`,
    ),
  },
  // Attempts.
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:attempted|attempts?|tried\s+to\s+commit)\s+suicide\b|\bsuicide\s+attempts?\b|\bdied\s+by\s+suicide\b|\bcompleted\s+suicide\b`,
    ),
  },
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:tried|attempted|attempting|trying)\s+to\s+(?:kill|hang|shoot|end|overdose|od|strangle|choke|suffocate|drown|poison|stab|jump|slit|electrocute)\b(?!\s+(?:me|us)\b)|\boverdosed\b|\bOD'?d\b|\btook\s+an?\s+overdose\b|(?<!\b(?:to|about|of|would|could|might|should|will|'ll|gonna)\s+)\boverdoses?\b(?!\s+on\b)|\bvia\s+OD\b`,
    ),
  },
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:took|swallowed|taken|downed)\s+(?:all|a\s+bunch|a\s+handful|a\s+(?:whole\s+)?bottle|the\s+(?:whole\s+)?bottle|half\s+(?:a|the)\s+bottle|[5-9]|[1-9]\d+)\s+(?:of\s+)?(?:my\s+|her\s+|his\s+|the\s+)?${PILLS}${NOT_A_DOSE}`,
    ),
  },
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:already|just)\s+(?:took|swallowed|taken|downed)\s+(?:the|those|these|my|her|his|all)\b`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(String.raw`\b(?:has|have|had|made|tied|bought|keeps?)\s+(?:a|the)\s+noose\b`),
  },
  { kind: 'suicide_attempt', pattern: re(String.raw`\b(?:shot|hanged|hung|stabbed|drowned)\s+${SELF}\b`) },
  // Harm to others.
  { kind: 'homicidal_ideation', pattern: re(String.raw`\bHI\b`, 'g') },
  { kind: 'homicidal_ideation', pattern: re(String.raw`\bhi\b(?<=\bsi\s*(?:[/,&]|and)?\s*hi)`) },
  {
    kind: 'homicidal_ideation',
    pattern: re(String.raw`\bhomicidal\b(?:\s+(?:ideations?|thoughts?|urges?|feelings?))?`),
  },
  { kind: 'homicidal_ideation', pattern: re(String.raw`\b${HARM_VERB}\s+${OTHER_TARGET}`) },
  { kind: 'homicidal_ideation', pattern: re(String.raw`\bharm\s+to\s+others\b`) },

  // Validated instruments recorded in a note: PHQ-9 item 9 with a positive answer, C-SSRS items.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:item|question|q)\s*#?\s*9\b(?=[^.;]{0,40}?\b(?:positive|endorsed|yes|several\s+days|more\s+than\s+half|nearly\s+every\s+day)\b|\s*(?:[:=]|was|of|scored?)?\s*[1-3]\b)|\bendorse[sd]?\s+(?:PHQ-?9\s+)?(?:item|question|q)\s*#?\s*9\b|\bPHQ-?9\s+(?:item\s*)?#?9\s+(?:positive|endorsed)\b`,
    ),
    requires: /\bPHQ|\bitem\s*9\b/i,
  },
  {
    kind: 'passive_death_wish',
    pattern: re(String.raw`\bQ\s*1\s*[:=-]?\s*(?:yes|y|\+|positive|endorsed)\b`),
    requires: /C-?SSRS|Columbia/i,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\bQ\s*[23]\s*[:=-]?\s*(?:yes|y|\+|positive|endorsed)\b|\bQ\s*[1-3]\s*(?:[-\u2013]|to|through)\s*Q?\s*[23]\s*[:=-]?\s*(?:yes|y|\+|positive|endorsed)\b`,
    ),
    requires: /C-?SSRS|Columbia/i,
  },
  {
    kind: 'intent',
    pattern: re(
      String.raw`\bQ\s*4\s*[:=-]?\s*(?:yes|y|\+|positive|endorsed)\b|\bQ\s*[1-3]\s*(?:[-\u2013]|to|through)\s*Q?\s*4\s*[:=-]?\s*(?:yes|y|\+|positive|endorsed)\b`,
    ),
    requires: /C-?SSRS|Columbia/i,
  },
  {
    kind: 'plan',
    pattern: re(
      String.raw`\bQ\s*5\s*[:=-]?\s*(?:yes|y|\+|positive|endorsed)\b|\bQ\s*[1-4]\s*(?:[-\u2013]|to|through)\s*Q?\s*5\s*[:=-]?\s*(?:yes|y|\+|positive|endorsed)\b`,
    ),
    requires: /C-?SSRS|Columbia/i,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:C-?SSRS|Columbia)(?:\s+(?:screen(?:er|ing)?|score|result))?\s*(?::|was|is)?\s*(?:positive|moderate\s+risk)\b`,
    ),
  },
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:C-?SSRS|Columbia)(?:\s+(?:screen(?:er|ing)?|score|result))?\s*(?::|was|is)?\s*high\s+risk\b`,
    ),
  },

  {
    kind: 'passive_death_wish',
    pattern: re(String.raw`\bpositive\s+(?:on\s+)?(?:PHQ-?9\s+)?(?:item|question|q)\s*#?\s*9\b`),
  },
  // Death wish: life as something to be done with, no point, not being around.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\bdone\s+with\s+(?:life|living|it\s+all|everything|this\s+life|being\s+alive)\b|\b(?:no|any|a|what'?s\s+the|see\s+the)\s+point\s+(?:in|of|to)\s+(?:going\s+on|living|life|anything|it\s+all|being\s+alive|being\s+here|trying|carrying\s+on|waking\s+up)\b|\bambivalen(?:t|ce)\s+(?:about|towards?)\s+(?:living|life|being\s+alive)\b`,
    ),
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\bwish(?:es|ed|ing)?\s+(?:i|she|he|they)\s+(?:had|'d)\s+(?:died|never\s+been\s+born|not\s+survived|not\s+woken\s+up)\b|\bwish(?:es|ed|ing)?\s+(?:i|she|he|they)\s+(?:could|would)\s+(?:just\s+)?(?:die|not\s+wake\s+up|go\s+to\s+sleep\s+and\s+not)\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\bwants?\s+(?:it|everything|it\s+all|all\s+of\s+(?:it|this)|life|the\s+world)\s+to\s+(?:stop|end|be\s+over)\b|\b(?:want|wants|wanted|wanting)\s+to\s+(?:be\s+gone|not\s+(?:exist|be\s+here|be\s+alive|wake\s+up)|stop\s+existing|go\s+to\s+sleep\s+(?:forever|and\s+not))\b`,
    ),
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:easier|better)\s+(?:for\s+(?:everyone|everybody|them|my\s+\w+)\s+)?(?:off\s+)?if\s+(?:i|she|he|you)\s+(?:just\s+)?(?:got|get|was|were|died|didn'?t\s+wake|got\s+into)\b[^.;]{0,30}?\b(?:accident|crash|hit|killed|dead|gone|die|died|wake\s+up|cancer|sick)\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:won'?t|will\s+not|not\s+going\s+to)\s+be\s+(?:around|here|alive|a\s+(?:problem|burden))\s+(?:(?:for\s+(?:anyone|anybody|you|them|much|long)\s+)?(?:much\s+)?(?:longer|after)|to\s+(?:deal|see|worry|face)|by|for\s+(?:long|much\s+longer|the|your|his|her|my))|\b(?:soon|shortly)\s+(?:i|she|he)\s+(?:won'?t|will\s+not)\s+(?:be\s+)?(?:around|here|a\s+problem)\b|\bnot\s+(?:be\s+)?around\s+(?:much\s+)?longer\b`,
    ),
    firstPerson: false,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\bend(?:ing|ed)?\s+it(?!\s+(?:with|between|off|early|there|here|now\s+with))(?=\s*(?:$|[.!,;"'\u201d)]|and\b|all\b|tonight|today|soon|right\s+now|for\s+good|once))|\b(?:end|ending|take|taking)\s+(?:my|her|his)\s+(?:own\s+)?life\b`,
    ),
  },

  // Methods as ideation: thinking of, urge to, voices telling to.
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\bcommand\s+(?:AH|AVH|auditory\s+hallucinations|hallucinations|voices)\b[^.;]{0,40}?\b(?:to|telling\s+(?:her|him|me|them)\s+to)\s+(?:kill|hurt|harm|die|jump|cut|drink|stab|shoot|hang|end|overdose|attack)\b|\bvoices?\s+(?:telling|tell|tells|told|saying)\s+(?:me|her|him|them)\s+to\s+(?:kill|hurt|harm|die|jump|cut|drink\s+bleach|stab|shoot|hang|end|overdose|attack)\b`,
    ),
  },
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:urges?|intends?|plans?|wants?)\s+to\s+(?:comply|obey|act\s+on\s+(?:them|it|the\s+voices))\b`,
    ),
    needsContext: true,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\bdrink(?:ing)?\s+(?:bleach|antifreeze|poison|drain\s+cleaner)\b|\b(?:thoughts?|thinking|thought|think|thinks)\s+(?:of|about)\s+(?:jumping|hanging|shooting|overdosing|drowning|running\s+into\s+traffic|crashing|driving\s+off|cutting\s+(?:my|her|his)\s+wrists)\b`,
    ),
  },

  // Intent: a stated decision, refusal of safety planning, "doing it tonight".
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:i'm|i\s+am|am|is|she's|he's)\s+(?:doing|gonna\s+do|going\s+to\s+do)\s+it\s+(?:tonight|today|now|right\s+now|this\s+weekend|soon|tomorrow)\b|\b(?:going\s+to|gonna|will|'ll)\s+do\s+it\b`,
    ),
    needsContext: true,
  },
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:made|has\s+made|have\s+made)\s+up\s+(?:my|his|her|their)\s+mind\b|\bmind\s+is\s+made\s+up\b`,
    ),
    needsContext: true,
  },
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:refus\w+|declin\w+|unwilling|won'?t|will\s+not)\s+(?:to\s+)?(?:engage\s+in\s+|participate\s+in\s+|complete\s+|do\s+|make\s+|sign\s+)?(?:a\s+|the\s+)?safety\s+(?:plan(?:ning)?|contract)\b`,
    ),
  },

  // Plans by method: "plan to drive off the road", "plan is to jump".
  {
    kind: 'plan',
    pattern: re(
      String.raw`\bplan(?:s|ned|ning)?\s+(?:is\s+)?to\s+(?:drive|crash|walk|step|run|swallow|drink|use\s+(?:the|a|his|her|my)\s+${WEAPON})\b`,
    ),
  },

  // Preparatory acts: farewells, belongings, wills, ligatures, car exhaust.
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:suicide|farewell|goodbye)\s+(?:notes?|letters?|messages?|posts?|texts?|videos?|emails?)\b|\bposted\s+(?:a\s+)?(?:farewell|goodbye)\b|\b(?:texted|messaged|wrote|sent|left)\b[^.;]{0,30}?["'\u201c]\s*goodbye\b|^\s*["'\u201c]?goodbye\b(?=[^.]*\b(?:tonight|do(?:ing)?\s+it|die|kill|end|love\s+you))`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:giv\w*|gave|hand\w*\s+(?:out|over)|donat\w*|gift\w*)\s+(?:away\s+)?(?:(?:all\s+(?:of\s+)?)?(?:my|her|his|their)\s+)?(?:belongings|possessions|things|stuff|valuables|jewelry|jewellery|prized\s+\w+|pets?|dog|cat)\b|\bgave\s+(?:(?:my|her|his|their)\s+)?(?:dog|cat|pets?)\s+(?:away|to)\b`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:updated|updating|changed|made|making|wrote|writing|written|finaliz\w+|drew\s+up|drafted|redid)\s+(?:(?:a|${POSS})\s+)?(?:new\s+)?will\b(?!\s+(?:be|not|to|have|go|do|get|take|make|try|call))`,
    ),
    needsContext: true,
  },
  { kind: 'preparatory_act', pattern: re(String.raw`\bpreparatory\s+(?:behaviou?rs?|acts?|actions?)\b`) },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:ropes?|nooses?|cords?|belts?|sheets?|ligatures?|scarf|shoelaces?)\b[^.;]{0,20}?\b(?:tied|hung|hanging|set\s+up|around\s+(?:(?:my|her|his|their|the)\s+)?neck|to\s+(?:the|a)\s+(?:ceiling|beam|rafter|closet|door))\b|\b(?:hose|tubing)\b[^.;]{0,20}?\b(?:trunk|exhaust|tailpipe|garage)\b`,
    ),
  },
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\bligatures?\b(?!\s+(?:risks?|resistant|points?|checks?|sweeps?|free|safe))|\bfound\s+(?:hanging|with\s+(?:a\s+)?(?:ligature|cord|belt|sheet|rope))\b`,
    ),
  },

  // Means at hand.
  {
    kind: 'means',
    pattern: re(
      String.raw`\b${WEAPON}\s+(?:(?:is|are|'s)\s+)?(?:at|in)\s+(?:the\s+|a\s+|my\s+|his\s+|her\s+|our\s+)?(?:home|house|apartment|car|truck|nightstand|closet|drawer|garage|basement|safe|lockbox|bedroom|dresser|glovebox)\b|\b${WEAPON}\s+(?:from|out\s+of)\s+(?:the\s+)?(?:home|house)\b|\b(?:${WEAPON}|${PILLS})\b[^.;]{0,30}?\b(?:within|in)\s+(?:arm'?s\s+)?reach\b`,
    ),
  },

  // Means set out ready to use is preparation, not mere access: "pills lined up", "a bottle of pills next to her".
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:bottle|handful|bag|stash|supply)\s+of\s+${PILLS}\s+(?:in\s+front\s+of|next\s+to|beside|with)\b|\b${PILLS}\s+(?:in\s+front\s+of|lined\s+up|laid\s+out|counted\s+out|sorted\s+out)\b`,
    ),
  },

  // Self-harm acts by body part and by what they leave.
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\b(?:cut|cuts|cutting|slic\w+|carv\w+|scratch\w*|burn\w*|gouge\w*|pick\w*\s+at|bit|bite|biting|hit|hitting|punch\w*|bang\w*|slam\w*)\s+(?:(?:\S+\s+){0,4}?into\s+|at\s+)?(?:(?:my|her|his|their)\s+)?(?:own\s+)?(?:wrists?|forearms?|thighs?|arms?\s+(?:w\/|with|until|till|and)|legs?\s+(?:w\/|with|until|till)|skin)\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\b(?:bang\w*|slam\w*)\s+(?:(?:my|her|his|their)\s+)?head\s+(?:against|on|into)\b|\b(?:hit\w*|knock\w*)\s+(?:(?:my|her|his|their)\s+)?head\s+(?:repeatedly\s+)?(?:against|into)\s+(?:the\s+|a\s+)?(?:wall|floor|door|window)\b|\bpunch\w*\s+(?:(?:a|the)\s+)?walls?\b|\buntil\s+(?:(?:my|her|his|their)\s+\w+\s+|it\s+|i\s+|she\s+|he\s+)?(?:bled|bleeds?|bleeding)\b|\bdrew\s+blood\b|\blast\s+(?:cut|episode\s+of\s+(?:cutting|self[- ]?harm)|self[- ]?harm(?:ed)?|time\s+(?:i|she|he)\s+(?:cut|self[- ]?harmed))\b|\brelapsed?\s+(?:on|with|into)\s+(?:self[- ]?harm\w*|cutting)\b`,
    ),
  },

  // Attempts by the act: pills taken, stepping into traffic, "SA" in a note.
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:took|take|taking|taken|swallowed|swallowing|ingested|downed|popped)\s+${AMOUNT}\s+(?:of\s+)?(?:(?:my|her|his|the|their|those|these)\s+)?(?:remaining\s+|leftover\s+|prescribed\s+)?(?:\w+\s+)?${PILLS}\b${NOT_A_DOSE}`,
    ),
    needsContext: true,
  },
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:took|taking|taken|swallowed|swallowing|ingested|ingesting|downed|popped)\s+${AMOUNT_LARGE}\s+(?:of\s+)?(?:(?:my|her|his|the|their|those|these)\s+)?(?:remaining\s+|leftover\s+|prescribed\s+)?(?:\w+\s+)?${PILLS}\b${NOT_A_DOSE}|\b(?:already|just)\s+(?:has\s+|have\s+)?(?:took|swallowed|taken|downed|ingested)\s+(?:["'\u201c]\s*)?(?:a\s+few|some|several|\d+|a\s+bunch|a\s+handful)\b`,
    ),
  },
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:stepped|walked|ran|jumped|lunged)\s+(?:out\s+)?(?:into|in\s+front\s+of)\s+(?:the\s+)?(?:road|traffic|street|highway|oncoming\s+\w+|a\s+(?:car|bus|truck|train))\b|\bpulled\s+(?:back|off|down)\s+from\s+(?:the\s+)?(?:ledge|edge|railing|bridge|roof)\b`,
    ),
  },
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\bSAs?\b(?!\s+(?:survivor|by\s+(?:a\s+)?(?:uncle|father|stepfather|man|stranger)))`,
      'g',
    ),
  },
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:attempt(?:ed)?|SA)\s+(?:by|via|with)\s+(?:hanging|OD|overdose|jumping|cutting|gunshot|firearm|drowning|CO|carbon\s+monoxide)\b`,
    ),
  },

  // Client voice: a bare "cut" with a time ("i cut again last night"), relapse into self-harm.
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\b(?:i|she|he|pt|client)\s+(?:\w+\s+)?(?:cut|burned|burnt|scratched)\s+(?:again|last\s+night|yesterday|today|tonight|this\s+(?:morning|week|weekend|afternoon)|(?:a\s+few|two|three|\d+)\s+times|once|twice|(?:really\s+)?(?:deep|bad))\b|\brelaps\w*\s+(?:(?:and|on|with|into)\s+)?(?:cut|cutting|self[- ]?harm\w*)\b|\b(?:swallow\w*|ingest\w*)\s+(?:a\s+|an\s+|some\s+)?(?:(?:\w+\s+){0,2}?(?:batter(?:y|ies)|glass|screws?|razors?|blades?|nails?|coins?|caps?|clips?|pins?|needles?|magnets?|staples?|pencils?|pens?|erasers?|buttons?|keys?|bolts?|tacks?|utensils?|spoons?|forks?)|foreign\s+(?:object|body|bodies)|objects?)\b`,
    ),
  },
  // Ligature and heights: "tied shirt around neck", "standing on the ledge".
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:tied|tying|wrapped|wrapping|put|placed|tightened|tightening|pulled)\s+(?:a\s+|the\s+|her\s+|his\s+|my\s+)?(?:\w+\s+)?(?:around|round)\s+(?:(?:my|her|his|their|the)\s+)?neck\b`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:standing|sitting|stood|sat|climbed)\s+(?:on|onto|over|at)\s+(?:the\s+)?(?:edge\s+of\s+(?:the\s+|a\s+)?)?(?:ledge|railing|bridge|overpass|roof|rooftop|cliff|train\s+tracks|tracks|balcony\s+(?:rail|railing|edge))\b|\bon\s+the\s+(?:ledge|railing|train\s+tracks|edge\s+of\s+(?:the\s+)?(?:bridge|roof|building|cliff))\b`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:i'm|i\s+am|she's|he's|is)\s+(?:on|at|under)\s+the\s+(?:bridge|roof|overpass|tracks|cliff)\b`,
    ),
    needsContext: true,
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:wrote|written|writing|left)\s+(?:letters|notes|messages)\s+(?:to|for)\s+(?:everyone|everybody|my|her|his|each|all)\b`,
    ),
  },
  // Death wish in client voice.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:don'?t|do\s+not|can'?t|cannot)\s+see\s+(?:the|a|any)\s+point(?:\s+(?:any\s*more|in\s+anything|of\s+anything))?(?=\s*(?:$|[.!,;]|any\s*more))|\bno\s+point\s+(?:any\s*more|in\s+anything)\b|\b(?:nobody|no\s+one|no-one)\s+would\s+(?:even\s+|really\s+)?(?:miss|notice|care)\b|\b(?:wouldn'?t|would\s+not)\s+(?:mind|care)\s+if\s+(?:i|she|he|you)\s+(?:died|didn'?t\s+wake\s+up|never\s+woke\s+up|was\s+gone|got\s+hit|wasn'?t\s+here)\b|\b(?:wants?|wanted|wanna)\s+to\s+be\s+dead\b|\b(?:don'?t|do\s+not|doesn'?t|hope\s+(?:i|she|he)\s+(?:don'?t|doesn'?t))\s+(?:want\s+to\s+)?wake\s+up\b|\bpreoccup\w+\s+with\s+(?:death|dying)\b|\bmorbid\s+(?:ideation|thoughts|ruminations?)\b`,
    ),
    firstPerson: false,
  },
  // Harm to others done: assaults on the ward.
  {
    kind: 'homicidal_ideation',
    pattern: re(
      String.raw`\b(?:assault\w*|punch\w*|hit|hitting|kick\w*|bit|bite|biting|choke\w*|chok\w*|attack\w*|lunged\s+at|swung\s+at|spat\s+on)\s+(?:a\s+|another\s+|the\s+)?(?:staff(?:\s+member)?|peer|nurse|tech|officer|security|roommate|patient|resident|RN)\b`,
    ),
  },
  // More death-wish and method shapes in the client's voice.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:happier|easier|better)\s+(?:off\s+)?without\s+me\b|\b(?:easier|better)\s+to\s+(?:just\s+)?(?:not\s+(?:exist|be\s+here|be\s+alive|wake\s+up)|die|be\s+dead|disappear)\b|\bwhy\s+(?:bother|keep)\s+(?:living|going\s+on|trying|being\s+alive)\b|\bmight\s+as\s+well\s+(?:be\s+dead|die|not\s+exist|not\s+be\s+here)\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\b(?:cut|burn|scratch|self[- ]?harm|hurt\s+${SELF}|hit\s+${SELF})\b(?<=\burges?\s+to\s+(?:cut|burn|scratch|self[- ]?harm|hurt\s+${SELF}|hit\s+${SELF}))`,
    ),
  },
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:don'?t|do\s+not|doesn'?t)\s+(?:think|know\s+if|feel\s+like|feel)\s+(?:i|she|he)\s+(?:can|could|will\s+be\s+able\s+to)\s+(?:keep\s+${SELF}\s+safe|stay\s+safe|be\s+safe)\b`,
    ),
  },
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\b(?:superficial\s+|fresh\s+|self-inflicted\s+|new\s+)?(?:scratches|cuts|lacerations|burns|abrasions|slashes)\s+(?:to|on|across)\s+(?:the\s+|her\s+|his\s+|my\s+)?(?:(?:left|right|l|r|bilateral|both|upper|lower|inner|outer)\s+){0,2}(?:wrists?|forearms?|arms?|thighs?|legs?|abdomen|stomach)\b`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:search\w*|googl\w*|look\w*\s+up|research\w*|read\w*\s+about)\s+(?:online\s+)?(?:for\s+)?(?:painless\s+)?(?:ways|methods|how)\s+to\s+(?:die|kill\s+${SELF}|end\s+(?:it|${POSS}\s+life)|commit\s+suicide|overdose|hang)\b`,
    ),
  },
  // Further concept shapes: relief at one's death, one's funeral, saving pills up, self-strangling.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:relieved|happier|glad|better\s+off|easier)\s+(?:if|when)\s+(?:i|she|he)\s+(?:just\s+)?(?:died|was\s+dead|were\s+dead|was\s+gone|were\s+gone|wasn'?t\s+(?:around|here|alive)|disappeared|killed\s+${SELF})\b|\b(?:imagin|pictur|think|plann)\w*\s+(?:about\s+)?(?:my|her|his)\s+(?:own\s+)?(?:funeral|death|grave)\b|\blife\s+(?:isn'?t|is\s+not|ain'?t)\s+worth\s+(?:it|living)\b|\bthoughts?\s+(?:about|of)\s+(?:not\s+(?:being\s+(?:here|alive|around)|existing|waking\s+up))\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:sav|stor|collect|hoard|stash|keep)\w*\s+(?:them|it|those|these)\s+(?:up|all|for\s+(?:later|when|the))\b`,
    ),
    requires: /\b(?:pills|meds|medications?|tablets|prescriptions?)\b/i,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:strangl\w*|chok\w*|suffocat\w*|smother\w*|poison\w*|starv\w*|electrocut\w*)\s+(?:${SELF})\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\bhead[\s-]*butt\w*\s+(?:the\s+|a\s+)?(?:wall|door|floor|window)\b|\bcarv\w*\b[^.;]{0,30}?\b(?:into|on)\s+(?:(?:my|her|his|their)\s+)?(?:wrists?|forearms?|arms?|thighs?|legs?|skin|stomach|hips?|ankles?)\b|\bpick\w*\s+at\s+(?:(?:my|her|his|the)\s+)?(?:wounds|scabs|stitches|sutures)\b`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:went|drove|walked|go|going|goes|been\s+going)\s+to\s+(?:the|a)\s+(?:bridge|roof|rooftop|overpass|cliff|train\s+tracks|tracks|top\s+of\s+(?:the|a)\s+\w+)\b[^.;]{0,40}?\b(?:look(?:ed|ing)?\s+down|stood|jump|edge|thought\s+about|thinking\s+about)\b`,
    ),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:won'?t|will\s+not|not\s+going\s+to)\s+(?:make\s+it\s+(?:to|through|past)|live\s+to\s+see|be\s+(?:alive|here|around)\s+(?:for|by|at|on))\s+(?:my|the|next|her|his|christmas|thanksgiving|new\s+year)\b`,
    ),
  },
  {
    kind: 'homicidal_ideation',
    pattern: re(
      String.raw`\b(?:shoot\w*|blow\w*|bomb\w*)\s+up\s+(?:the|my|a|his|her|our)\s+(?:old\s+)?(?:school|office|work|workplace|church|mall|building|class(?:room)?|job)\b|\buntil\s+(?:he|she|they)\s+(?:stops?\s+breathing|dies|is\s+dead|are\s+dead)\b`,
    ),
  },
  // What one might do to oneself; a method looked at and thought about; buying the means.
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:what|something)\s+(?:i|she|he)\s+(?:might|may|could|would|will|am\s+going\s+to)\s+do\s+to\s+${SELF}\b|\b(?:picture|picturing|imagine|imagining|see|seeing)\s+${SELF}\s+(?:dead|dying|in\s+a\s+(?:coffin|casket)|hanging|jumping)\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:${WEAPON}|${PILLS}|bridge|ledge|train\s+tracks)\b[^.;]{0,40}?\b(?:thought|thinking|think)\s+(?:about|of)\s+(?:it|using\s+(?:it|them|one)|doing\s+it|taking\s+them)\b|\b(?:thought|thinking|think)\s+(?:about|of)\s+using\s+(?:the|a|my|his|her)\s+${WEAPON}\b`,
    ),
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:bought|buys|buying|purchased|ordered|got)\s+(?:(?:a|an|the|some|more|new|a\s+pack\s+of|a\s+box\s+of)\s+)*(?:razor\s+blades|razors|blades|rope|a\s+noose|ammo|ammunition|bullets|(?:a\s+)?(?:gun|handgun|pistol|rifle|shotgun|firearm))\b`,
    ),
  },
  {
    kind: 'plan',
    pattern: re(String.raw`\bdecided\b[^.;]{0,20}?\b(?:going\s+to|gonna|will|'ll|to)\s+do\s+it\b`),
  },
  // Negated frames that are themselves the wish: "don't think I want to be here anymore", "don't know why I'm still here".
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:don'?t|do\s+not|doesn'?t|does\s+not)\s+(?:think|feel\s+like|know\s+if)\s+(?:i|she|he)\s+(?:want|wants|wanna)\s+(?:to\s+)?(?:live|be\s+alive|exist|be\s+here(?=\s*(?:any\s*more|$|[.,;!])))|\b(?:don'?t|do\s+not|doesn'?t)\s+(?:know|understand)\s+why\s+(?:i'm|i\s+am|she's|he's|she\s+is|he\s+is)\s+still\s+(?:here|alive|around)\b|\bwhy\s+(?:am\s+i|is\s+she|is\s+he)\s+still\s+(?:here|alive|around)\b`,
    ),
    firstPerson: true,
  },
  // A weapon held to the body; threats made; screens reported positive.
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:held|holding|hold|holds|put|putting|pointed|pointing|press\w*)\s+(?:a|the|his|her|my|their)\s+(?:loaded\s+)?${WEAPON}\s+(?:to|at|against|on)\s+(?:(?:my|her|his|their)\s+)?(?:head|temple|wrists?|throat|neck|chest|mouth|skin|arm)\b`,
    ),
  },
  {
    kind: 'homicidal_ideation',
    pattern: re(
      String.raw`\b(?:made|making|make|makes)\s+(?:\w+\s+)?threats?\b|\bthreats?\s+(?:toward|towards|against|to\s+(?:kill|hurt|harm|shoot|stab))\b`,
    ),
  },
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:ASQ|SBQ-?R|suicide\s+(?:risk\s+)?screen(?:ing|er)?|suicide\s+risk\s+assessment)\s*(?:screen(?:ing|er)?)?\s*(?::|was|is|=)?\s*(?:positive|\+|pos)\b|\bpositive\s+(?:ASQ|suicide\s+screen(?:ing)?|C-?SSRS)\b`,
    ),
  },
  // Legal-clinical shorthand: danger to self / others.
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bdanger\s+to\s+(?:self|${SELF})\b|\bDTS\b`) },
  { kind: 'homicidal_ideation', pattern: re(String.raw`\bdanger\s+to\s+others\b|\bDTO\b`) },
  // Client-voice death wish and acts: "feel like dying", "hope i die", "wish i wasnt alive", "death sounds peaceful".
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\bfeel(?:s|ing)?\s+like\s+(?:dying(?!\s+(?:my|her|his|the|a|it)\b)|i\s+(?:want|wanna)\s+to\s+die|i'm\s+dying\s+inside)\b|\b(?:hope|hopes|hoping|pray|praying)\s+(?:that\s+)?(?:i|she|he)\s+(?:die|dies|just\s+die|get\s+killed|don'?t\s+make\s+it|never\s+wake\s+up)\b|\bwish(?:es|ed|ing)?\s+(?:that\s+)?(?:i|she|he)\s+(?:wasn'?t|weren'?t|was\s+not|were\s+not)\s+(?:alive|here|around|born)\b|\bwish(?:es|ed|ing)?\s+(?:that\s+)?(?:i|she|he)\s+(?:didn'?t|did\s+not)\s+exist\b|\b(?:death|dying|being\s+dead)\s+(?:sounds|seems|feels|would\s+be)\s+(?:so\s+|really\s+)?(?:nice|peaceful|good|better|easier|like\s+(?:a\s+)?(?:relief|rest|peace))\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:took|swallowed|taken|downed)\s+(?:(?:some|the|my|a\s+few|those|these|her|his)\s+)?(?:\w+\s+)?${PILLS}\s+(?:to|so\s+(?:i|she|he)\s+(?:would|could))\s+(?:die|end\s+it|kill|not\s+wake|never\s+wake|sleep\s+forever)\b|\b(?:almost|nearly)\s+(?:killed\s+${SELF}|jumped|took\s+(?:the|all\s+(?:the|my))\s+pills|ended\s+it|hung\s+${SELF})\b`,
    ),
  },
  {
    kind: 'means',
    pattern: re(
      String.raw`\b(?:hid|hidden|hiding|stashed|stash\s+of)\s+(?:a\s+|the\s+|my\s+|her\s+|his\s+|some\s+)?(?:razors?|razor\s+blades?|blades?|knife|knives|rope|gun|pistol)\b|\b(?:razors?|blades?|knife|knives|rope|gun)\s+(?:hidden|stashed)\b`,
    ),
  },
  {
    kind: 'plan',
    pattern: re(
      String.raw`\b(?:know|knows|decided|picked|chose|chosen|found|scouted)\s+where\s+(?:i|she|he)\s+(?:would|will|'d|'ll|am\s+going\s+to|is\s+going\s+to)\s+(?:do\s+it|go|jump)\b|\b(?:picked|chose|chosen|found|scouted)\s+(?:out\s+)?(?:a|the)\s+(?:spot|place|location|bridge|building)\b`,
    ),
    needsContext: true,
  },
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:search\w*|googl\w*|look\w*\s+up|research\w*|watch\w*\s+videos\s+on)\s+(?:online\s+)?(?:for\s+)?how\s+to\s+(?:tie\s+a\s+noose|make\s+a\s+noose|slit|cut\s+deep)\b|\bhow\s+(?:much|many)\s+[\w\s]{0,20}?(?:would|to)\s+(?:take\s+to\s+)?(?:kill|die|be\s+lethal|be\s+fatal|overdose|od)\b`,
    ),
  },
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\b(?:cut|cuts|cutting|slic\w+|scratch\w*|burn\w*|gouge\w*|stabb?\w*|bit|bite|biting|pinch\w*|carv\w*)\s+(?:(?:my|her|his|their)\s+)(?:own\s+)?(?:(?:left|right|upper|lower|inner)\s+)?(?:wrists?|forearms?|arms?|thighs?|legs?|skin|stomach|hips?|ankles?|belly|chest|shoulders?)\b`,
    ),
    firstPerson: true,
  },
  {
    kind: 'homicidal_ideation',
    pattern: re(
      String.raw`\bbeat\s+(?:${OTHER_TARGET})\s+up\b|\bbeat\s+the\s+(?:shit|crap|hell|life)\s+out\s+of\b|\brun\s+(?:${OTHER_TARGET})\s+over\b`,
    ),
  },
  {
    kind: 'suicide_attempt',
    pattern: re(String.raw`\b(?:almost|nearly)\s+(?:did\s+it|went\s+through\s+with\s+it)\b`),
    needsContext: true,
  },
  // Futility and wanting others dead.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\bwhat'?s\s+the\s+point(?=\s*(?:$|[.!?,;]|of\s+(?:living|life|anything|being\s+alive)))|\bthere'?s\s+no\s+point(?:\s+(?:any\s*more|in\s+(?:anything|trying|going\s+on|living|being\s+alive)))?(?=\s*(?:$|[.!?,;]))|\bhate\s+being\s+alive\b|\btired\s+of\s+(?:existing|being\s+here|everything\s+and\s+want)\b`,
    ),
  },
  {
    kind: 'homicidal_ideation',
    pattern: re(
      String.raw`\bwant(?:s|ed)?\s+(?:${OTHER_TARGET})\s+dead\b|\b(?:he|she|they|[\w-]+)\s+deserves?\s+to\s+die\b`,
    ),
  },
  // Harm to others: threats and stated revenge.
  {
    kind: 'homicidal_ideation',
    pattern: re(
      String.raw`\bthreat(?:en(?:ed|s|ing)?)?\s+(?:to\s+)?(?:${HARM_VERB}|beat|shoot\s+up|blow\s+up|burn\s+down)\b|\bthreatened\s+(?:${OTHER_TARGET}|(?:the\s+)?(?:front\s+desk\s+)?staff)\b|\byou(?:'re|\s+are)\s+(?:dead|going\s+to\s+die|gonna\s+die)\b|\bmake\s+(?:${OTHER_TARGET}|you|them)\s+pay\b`,
    ),
  },

  // --- Mechanisms generalized from client-voice text (portal messages, intake answers, MSE, nursing notes). ---
  // A lethal means one says one would already have used: "if i had a gun i'd have used it by now".
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\bif\s+(?:i|she|he)\s+(?:had|owned|could\s+get)\s+(?:access\s+to\s+)?(?:(?:a|an|the|my|any|some|enough)\s+)?(?:${WEAPON}|${PILLS})\b[^.;]{0,30}?\b(?:i'd|i\s+would|she'd|he'd|she\s+would|he\s+would)\s+(?:already\s+)?(?:have\s+)?(?:used|use|done|do|taken|take|swallowed)\s+(?:it|them|one)\b`,
    ),
  },
  // Indirect farewells: each alone is ordinary; two together, or with a risk word, are a goodbye.
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:won'?t|will\s+not|not\s+going\s+to)\s+(?:be\s+)?need(?:ing)?\s+(?:the|my|them|it|this|that|those|any|next|these)\b|\b(?:you\s+)?(?:don'?t|won'?t)\s+need\s+to\s+(?:schedule|book|see|call|worry\s+about)\s+me\b|\bcancel\s+(?:all\s+)?(?:my|the)\s+(?:future\s+)?(?:appointments?|appts?|sessions?)\b|\btake\s+care\s+of\s+(?:yourself|urself|your\s+self)\b|\bthank\s+you\s+for\s+(?:trying|everything|all\s+(?:you'?ve|you\s+have)\s+done)\b|\bthanks\s+for\s+(?:trying|everything)\b|\btonight'?s?\s+(?:is\s+)?the\s+night\b|\b(?:i'll|i\s+will|she'll|he'll)\s+be\s+gone\s+(?:by|before|soon)\b|\b(?:i'm|i\s+am|she's|he's)\s+leaving\s+soon\b|\b(?:said|say|saying)\s+(?:bye|goodbye)\s+to\b|\b(?:doesn'?t|didn'?t|don'?t|won'?t)\s+(?:know|realize|get)\s+what\s+(?:i|she|he)\s+meant\b|\b(?:tying|tie|tied)\s+up\s+(?:(?:all|my|the)\s+)?loose\s+ends\b|\b(?:wrote|written|writing|left|gave)\s+(?:down\s+)?(?:my|her|his|all\s+my)\s+passwords\b|\bgave\s+(?:my|her|his)\s+(?:\w+\s+){1,4}to\s+(?:my|her|his)\s+\w+\b|\bgave\s+away\s+(?:my|her|his)\s+\w+|\byou\s+can\s+(?:have|keep)\s+(?:it|them|my\s+\w+)\b|\bgive\s+(?:it|them)\s+(?:to\s+someone|away)\b|\b(?:don'?t|no\s+need\s+to)\s+(?:bother\s+)?schedul\w*\s+me\b|\bthis\s+is\s+(?:goodbye|the\s+end)\b|\bi\s+love\s+(?:you|u)(?:\s+(?:all|guys|so\s+much))?(?=\s*(?:$|[.!,;]))|\bgoodbye\s+(?:forever|everyone)\b`,
    ),
    needsContext: true,
  },
  // Swallowing whatever was to hand is an overdose: "swallowed whatever was in the medicine cabinet".
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:took|swallowed|downed|ingested|drank)\s+(?:whatever|everything|all\s+(?:the|of\s+the)\s+(?:pills|meds|medications?))\b(?:\s+(?:was|i\s+could\s+find|i\s+found|in))?`,
    ),
  },
  // "im done." after a statement of hopelessness: giving up ("it doesnt get better. im done.").
  {
    kind: 'passive_death_wish',
    pattern: re(String.raw`\bi'?m\s+(?:just\s+|so\s+|really\s+)?done(?=\s*(?:$|[.!]))`),
    firstPerson: true,
    near: /\b(?:better|hopeless|pointless|no\s+point|give\s+up|any\s*more|doesn'?t|won'?t|can'?t|nothing|tired|alone|over)\b/i,
  },
  // Crashing the car as an urge (with or without others in it).
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:want|wanted|urges?|thinking\s+(?:about|of)|think\s+about|thought\s+about|thoughts\s+of)\s+(?:to\s+)?(?:just\s+)?(?:crash(?:ing)?|wreck(?:ing)?|driv(?:e|ing)\s+off)\s+(?:the|my)\s+(?:car|truck)\b`,
    ),
  },
  // Distrust of one's own safety, or "i'm not safe": the client cannot keep themselves safe.
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:don'?t|do\s+not|can'?t|cannot)\s+trust\s+${SELF}(?=\s*(?:$|[.!,;]|right\s+now|any\s*more|tonight|alone|not\s+to|and\b|with\s+(?:${WEAPON}|${PILLS}|the\s+\w+|my\s+\w+)|to\s+(?:stay|be|keep)\s+safe))|\b(?:i'm|i\s+am)\s+not\s+safe\b(?!\s+(?:driv\w*|behind\s+the\s+wheel|to\s+(?:drive|work|be\s+(?:driving|around))|at\s+home|with\s+(?:him|her|them|my\s+\w+)|there|around|from|in\s+(?:my|the|this)\s+(?:home|house|relationship|neighbou?rhood)))|\b(?:don'?t|do\s+not)\s+feel\s+safe\s+(?:with|around)\s+${SELF}\b`,
    ),
  },
  // Feeling already dead or gone.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:(?:feel|feels|felt|feeling)\s+)?(?:like|as\s+if|as\s+though)\s+(?:i'm|i\s+am|i\s+was)\s+already\s+(?:dead|gone)\b`,
    ),
  },
  // Preoccupation with a means: thinking of it again and again, counting it ("keep counting them").
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:keep|keeps|kept|can'?t\s+stop|cannot\s+stop|couldn'?t\s+stop)\s+(?:thinking\s+about|counting|looking\s+at|staring\s+at|picturing)\s+(?:it|that|them|those|the\s+\w+|my\s+\w+)\b|\bthink\s+about\s+(?:it|that|them)\s+(?:every\s+day|all\s+the\s+time|constantly|every\s+night|nonstop)\b|\band\s+(?:i|she|he)\s+(?:think|thinks|thought)\s+about\s+(?:it|them|using\s+(?:it|them))\b|\b(?:looked|stared|staring|looking|sat\s+looking)\s+at\s+(?:the|my|her|his|those)\s+\w+\s+for\s+(?:an?\s+|over\s+an?\s+)?(?:hours?|while|long\s+time|\d+\s+\w+)\b`,
    ),
    near: new RegExp(String.raw`\b(?:${WEAPON}|${PILLS}|cord|balcony|bridge|ledge|roof|cabinet)\b`, 'i'),
  },
  // Means at hand, in the client's words: "i have like 60 seroquel", "still have the cord", "the pistol is in the safe".
  {
    kind: 'means',
    pattern: re(
      String.raw`\b(?:have|has|got|keep|keeps)\s+(?:like\s+|about\s+|around\s+|over\s+|maybe\s+)?(?:[2-9]\d|\d{3})\s+(?:of\s+(?:my|her|his|the)\s+)?(?:\w+\s+)?${PILLS}\b|\bstill\s+(?:have|has|got|keep|keeps)\s+(?:the|my|a|that|her|his)\s+(?:\w+\s+)?(?:cord|rope|belt|noose|gun|razors?|blades?)\b|\bstill\s+(?:have|has|got|keep|keeps)\s+(?:the|my|those)\s+(?:\w+\s+)?${PILLS}\s+(?:from\s+last\s+time|i\s+saved)\b|\b${GUN}\b[^.;]{0,40}?\b(?:i|she|he)\s+knows?\s+(?:the\s+(?:code|combination)|where\s+the\s+key\s+is)\b`,
    ),
  },
  // Checking whether a method would be lethal: "measured how high the balcony is".
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:measured|checked|calculated|tested|figured\s+out|looked\s+up|researched)\s+how\s+(?:high|far\s+(?:down|up)|tall|deep|strong|long\s+it\s+(?:would|takes))\b|\b(?:high|strong|deep)\s+enough\b(?=\s*(?:$|[.!,;]|to\s+(?:kill|die)))`,
    ),
    near: /\b(?:balcony|bridge|roof|ledge|window|building|cliff|overpass|rope|cord|belt|pills|floor|story|storey)\b/i,
  },
  // Hoping one's body gives out: "hoping it'll just stop my heart".
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:hop\w*|wish\w*|pray\w*)\b[^.!?;]{0,40}?\b(?:would|will|'ll|could|might)\s+(?:just\s+)?(?:stop\s+(?:my|her|his)\s+heart|kill\s+(?:me|her|him)|end\s+me|finish\s+me\s+off|be\s+the\s+end\s+of\s+me)\b|\b(?:hop\w*|wish\w*|pray\w*)\s+(?:that\s+)?(?:\w+\s+){1,3}?(?:kills|will\s+kill|would\s+kill|'ll\s+kill|stops|will\s+stop)\s+(?:me|my\s+heart)\b|\bhoping\s+(?:that\s+)?(?:i|she|he)\s+(?:crash|die|get\s+(?:hit|killed)|don'?t\s+make\s+it|don'?t\s+wake\s+up)\b|\b(?:don'?t|do\s+not|doesn'?t|does\s+not)\s+care\s+if\s+(?:i|she|he)\s+(?:die|dies|live\s+or\s+die|lives\s+or\s+dies|get\s+(?:hurt|killed)|gets\s+(?:hurt|killed)|don'?t\s+wake\s+up|doesn'?t\s+wake\s+up)\b`,
    ),
  },
  // An injury to one's own body done on purpose is self-harm, whatever the body part.
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\b(?:cut|sliced?|slit|slash\w*|burn\w*|scratch\w*|hit|punch\w*|bang\w*|stabb?\w*|hurt|broke|smash\w*|bruis\w*)\s+(?:\w+\s+){0,3}?(?:my|her|his|their)\s+(?:own\s+)?(?:hands?|fingers?|knuckles?|face|head|neck|fist|wrists?|arms?|legs?|body)\b[^.;]{0,20}?\b(?:on\s+purpose|deliberately|intentionally)\b|\b(?:hitting|banging|slamming|knocking)\s+(?:(?:my|her|his|their)\s+)?head\s+(?:on|against|into)\s+(?:the\s+|a\s+)?(?:wall|floor|door|window|table|desk|ground)\b`,
    ),
  },
  // Risk taken on purpose hoping to be harmed: "driving really fast on purpose hoping something happens".
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:on\s+purpose|deliberately|intentionally)\b[^.;]{0,20}?\bhoping\s+(?:that\s+)?(?:something\s+(?:bad\s+)?happens|i\s+(?:crash|die|get\s+(?:hurt|killed)|don'?t\s+make\s+it))\b`,
    ),
  },
  // Death as relief; rumination on death.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:a\s+relief|peaceful|nice|easier|better)\s+to\s+(?:just\s+)?(?:be\s+(?:gone|dead)|die|not\s+(?:wake\s+up|be\s+here|exist))\b|\bruminat\w*\s+(?:on|about|over)\s+(?:death|dying)\b`,
    ),
  },
  // A plan with no object in the client's own words: "i made a plan. im not gonna say what it is".
  {
    kind: 'plan',
    pattern: re(
      String.raw`\bi(?:'ve|\s+have)?\s+(?:got|made|have|came\s+up\s+with)\s+a\s+plan(?=\s*(?:$|[.!,;]|and\b|now\b|already\b))`,
    ),
    unless:
      /\b(?:call|text|reach\s+out|go\s+to\s+(?:the\s+)?(?:ER|ED|hospital|meetings?)|sponsor|coping|safety\s+plan|therapist|counselor|budget|study|schedule|routine|diet|workout)\b/i,
  },
  // Finding a way to die; voices urging it; "end it already".
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:find|found|finding|figure\s+out)\s+a\s+way\s+to\s+(?:end\s+it|die|kill\s+${SELF}|do\s+it|end\s+(?:my|her|his)\s+life)\b|\bvoices?\b[^.;]{0,30}?\b(?:saying|says|telling\s+(?:me|her|him)|tells\s+(?:me|her|him))\s+(?:to\s+)?(?:just\s+)?(?:end\s+it|kill\s+${SELF}|die|jump|cut|hang|overdose)\b|\bend\s+it\s+already\b`,
    ),
  },
  // A permanent "fix" for being a burden (perceived burdensomeness is the context, not a trigger).
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:fix|fixing|solve|solving|end|ending|take\s+care\s+of)\s+(?:it|that|this|everything|the\s+problem)\s+(?:permanently|for\s+good)\b|\bpermanent\s+solution\b`,
    ),
    near: /\b(?:burden|better\s+off|everyone|die|dead|gone|myself|suicid\w*)\b/i,
  },
  // A weapon held to one's own body: "grabbed a knife and held it to my own wrist".
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:held|holding|hold|holds|put|putting|pointed|pointing|press\w*)\s+(?:it|one|them)\s+(?:to|at|against|on)\s+(?:(?:my|her|his|their)\s+)?(?:own\s+)?(?:head|temple|wrists?|throat|neck|chest|mouth|skin|arm)\b`,
    ),
    near: new RegExp(String.raw`\b${WEAPON}\b`, 'i'),
  },
  // "take out" as killing: "wants to 'take out' his coworkers".
  {
    kind: 'homicidal_ideation',
    pattern: re(
      String.raw`\btake\s+["'\u201c]?out["'\u201d]?\s+(?:(?:my|his|her|their|the|all\s+(?:my|his|her|the))\s+)?${KIN}\b(?!\s+(?:for|to|on|of)\b)|\btake\s+(?:him|her|them)\s+out\b(?!\s+(?:to|for|on|of)\b)`,
    ),
  },
  // Threats to the listener: "I'll kill every one of you".
  {
    kind: 'homicidal_ideation',
    pattern: re(
      String.raw`\b${WILL}\s+(?:kill|murder|stab|shoot|strangle|choke)\s+(?:you(?:\s+all)?|y'all|(?:every\s*one|each|all)\s+of\s+(?:you|them|y'all)|everyone|everybody)\b`,
    ),
  },
  // On a ledge or railing of any kind: "found on the roof ledge".
  {
    kind: 'preparatory_act',
    pattern: re(String.raw`\b(?:on|onto)\s+(?:the|a)\s+(?:\w+\s+)?(?:ledge|railing)\b`),
  },
  // A ligature tied to a fixture: "attempted to tie sheet to bed frame".
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:tie|tied|tying|attach\w*|hook\w*|fasten\w*)\s+(?:a\s+|the\s+|her\s+|his\s+|my\s+)?(?:bed\s*)?(?:sheets?|belt|cord|rope|shoelaces?|scarf|towel|shirt|ligature)\s+(?:to|around|on)\s+(?:(?:the|a)\s+)?(?:\w+\s+)?(?:bed|frame|door|doorknob|closet|rod|pipe|beam|rail|hook|ceiling|fan|shower|vent|hinge)\b`,
    ),
  },
  // Futility of going on: "dont know how much longer i can keep going like this".
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:don'?t|do\s+not|doesn'?t)\s+know\s+how\s+(?:much\s+)?(?:longer|long)\s+(?:i|she|he)\s+can\s+(?:keep\s+going|go\s+on|do\s+this|take\s+(?:it|this)|hold\s+on|keep\s+doing\s+this|last)(?=\s*(?:$|[.!,;]|like\s+this|any\s*more))|\bcan'?t\s+keep\s+going(?=\s*(?:$|[.!,;]|like\s+this|any\s*more))`,
    ),
  },
  // A negated frame that is the wish itself: "i dont see the point in living".
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:don'?t|do\s+not|doesn'?t|does\s+not|can'?t|cannot)\s+see\s+(?:the|a|any)\s+point\s+(?:in|of)\s+(?:living|life|going\s+on|being\s+alive|staying\s+alive|being\s+here)\b`,
    ),
  },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:don'?t|do\s+not|doesn'?t|does\s+not)\s+want\s+to\s+do\s+(?:this|the)\s+(?:whole\s+)?(?:life|living|being\s+alive)(?:\s+thing)?\b`,
    ),
  },
  // Wanting out, not lasting much longer, being ready to die.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:just\s+)?want\s+out(?=\s*(?:$|[.!,;]|of\s+(?:life|this\s+life|here|everything|this\s+world)))|\b(?:don'?t\s+think|not\s+sure|doubt)\s+(?:i|she|he)\s+can\s+(?:do\s+this|go\s+on|keep\s+going|take\s+(?:it|this)|hold\s+on|last)\s+(?:much\s+)?(?:longer|any\s*more)\b|\bready\s+to\s+die\b`,
    ),
  },
  {
    kind: 'passive_death_wish',
    pattern: re(String.raw`\b(?:i'm|i\s+am)\s+ready\s+to\s+go(?=\s*(?:$|[.!,;]))`),
    around: /\b(?:peace|goodbye|bye|done|tired|die|dead|over|gone)\b/i,
  },
  // A weapon brought to a public place: "going to bring my dads gun to school".
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:bring|bringing|brought|take|taking|took|carry|carrying)\s+(?:a|an|my|his|her|the|\w+'?s)\s+(?:\w+\s+)?(?:gun|rifle|pistol|handgun|shotgun|weapon|AR-?15)\s+to\s+(?:school|work|class|the\s+office|church|campus)\b`,
    ),
  },
  // Wishing one could stop existing.
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\bwish(?:es|ed|ing)?\s+(?:i|she|he)\s+could\s+(?:just\s+)?(?:not\s+exist|stop\s+existing|not\s+be\s+(?:here|alive))\b`,
    ),
  },
  // The one thing between the client and death: "the only thing stopping me is my mom", "id already be dead".
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:the\s+)?only\s+(?:thing|reason|one|person)\s+(?:stopping|keeping|holding)\s+(?:me|her|him)\b(?:\s+(?:back\s+)?(?:alive|here|from\s+(?:killing|ending|doing\s+it|jumping|hurting|taking|going\s+through)))?(?!\s+(?:back\s+)?from\b)|\b(?:already\s+)?(?:be\s+(?:dead|gone)|have\s+(?:killed\s+myself|done\s+it|died|been\s+dead))\b(?<=\b(?:i'd|i\s+would)\s+(?:already\s+)?(?:be\s+(?:dead|gone)|have\s+(?:killed\s+myself|done\s+it|died|been\s+dead)))(?:\s+already)?(?!\s+(?:without|if\s+it\s+(?:wasn'?t|weren'?t)\s+for\s+(?:you|my\s+(?:therapist|doctor|meds))|tired|by\s+(?:then|now)\s+from))`,
    ),
  },
  // No way out but death.
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:no|only)\s+(?:other\s+)?way\s+out\b[^.;]{0,20}?\b(?:except|but|other\s+than|is)\s+(?:dying|death|to\s+die|suicide|killing\s+${SELF}|ending\s+it)\b`,
    ),
  },
  // Clinical shorthand and formulations: "S/I", "H/I", "unable to identify reasons for living", "better off six feet under".
  { kind: 'suicidal_ideation', pattern: re(String.raw`\bS\/I\b`) },
  { kind: 'homicidal_ideation', pattern: re(String.raw`\bH\/I\b`) },
  {
    kind: 'passive_death_wish',
    pattern: re(
      String.raw`\b(?:unable\s+to|can'?t|cannot|could\s+not|couldn'?t|not\s+able\s+to)\s+(?:identify|name|think\s+of|find|list|come\s+up\s+with)\s+(?:any\s+)?reasons?\s+(?:for|to)\s+(?:living|live|stay\s+alive)\b|\bno\s+reasons?\s+(?:for|to)\s+(?:living|live|stay\s+alive)\b|\bbetter\s+off\s+(?:six\s+feet\s+under|in\s+(?:the|a)\s+(?:ground|grave|coffin|box))\b`,
    ),
  },
  // Doing "something bad" soon, said of oneself: "i feel like i'm going to do something bad tonight".
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:i'm|i\s+am|i'll|i\s+will|i\s+might|i\s+may|i\s+could)\s+(?:going\s+to\s+|about\s+to\s+)?do\s+something\s+(?:really\s+)?(?:bad|stupid|drastic|dangerous|permanent)\b`,
    ),
  },
  // Too many taken: "plz help i took too many".
  {
    kind: 'suicide_attempt',
    pattern: re(
      String.raw`\b(?:took|taken|swallowed|ate)\s+(?:way\s+)?too\s+many\b(?=\s*(?:$|[.!,;]|of\s+(?:my|the|those|these)\b|${PILLS}))`,
    ),
  },
  // Being told one will not be seen again: "you won't see me tomorrow".
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:you|they|nobody|no\s+one|anyone)\s+(?:won'?t|will\s+not|will\s+never|'ll\s+never|never)\s+(?:see|hear\s+from)\s+me\s+(?:again|tomorrow|after\s+\w+|any\s*more)\b`,
    ),
  },
  // A ligature in hand while up on something: "standing on chair with belt in hand".
  {
    kind: 'preparatory_act',
    pattern: re(
      String.raw`\b(?:standing|stood|climbed)\s+(?:up\s+)?on\s+(?:(?:a|the|her|his|my)\s+)?(?:chair|stool|toilet|bed|sink|desk)\b[^.;]{0,30}?\b(?:belt|rope|cord|sheet|ligature|noose|shoelace|scarf)\b|\b(?:belt|rope|cord|sheet|ligature|noose)\s+in\s+(?:hand|(?:her|his|my)\s+hands?)\b[^.;]{0,30}?\b(?:standing|stood|climbed)\s+on\b`,
    ),
  },
  // Bleeding from a self-harm site: "my wrist is still bleeding from earlier".
  {
    kind: 'self_harm',
    pattern: re(
      String.raw`\b(?:my|her|his)\s+(?:wrists?|forearms?|thighs?)\s+(?:is|are|was|were|keeps?|won'?t\s+stop)\s+(?:still\s+)?bleed\w*\b`,
    ),
  },
  // Not promising to be safe is a safety statement: "i cant promise ill be safe tonight".
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:can'?t|cannot|won'?t|will\s+not|not\s+going\s+to)\s+promise\s+(?:(?:that\s+)?(?:i'll|i\s+will|i'd|i\s+can|she'll|he'll)\s+)?(?:be\s+|stay\s+|keep\s+(?:${SELF}\s+)?)safe\b`,
    ),
  },
  // Asking forgiveness ahead for an act: "dont be mad at me for what im about to do".
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:don'?t\s+be\s+(?:mad|angry|sad)|sorry|forgive\s+me)\b[^.;]{0,30}?\bwhat\s+(?:i'm|i\s+am|i'll|i\s+will)\s+(?:about\s+to|going\s+to)\s+do\b`,
    ),
  },
  // Means next to the client: "my pills next to me rn".
  {
    kind: 'preparatory_act',
    pattern: re(String.raw`\b${PILLS}\s+(?:are\s+)?(?:right\s+)?(?:next\s+to|in\s+front\s+of|beside)\s+me\b`),
  },
  // A whole bottle at hand: "i have a whole bottle".
  {
    kind: 'means',
    pattern: re(String.raw`\b(?:have|has|got|keep|keeps)\s+(?:a|the)\s+(?:whole|full|entire|new)\s+bottle\b`),
  },
  // A stated resolve to find a way: "I'm going to find a way to end it in here".
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b${WILL}\s+find\s+(?:a\s+way|some\s+way)\s+to\s+(?:end\s+it|die|kill\s+${SELF}|do\s+it|end\s+(?:my|her|his)\s+life)\b`,
    ),
  },
  // Command hallucinations that are hard to resist.
  {
    kind: 'intent',
    pattern: re(
      String.raw`\b(?:difficulty|trouble|a\s+hard\s+time|struggl\w+)\s+(?:resisting|ignoring)\b|\b(?:can'?t|cannot|unable\s+to|not\s+able\s+to)\s+(?:resist|ignore)\s+(?:them|it|the\s+(?:voices?|commands?|urges?))\b`,
    ),
    needsContext: true,
  },
  // Fear of oneself: "I'm scared of myself".
  {
    kind: 'suicidal_ideation',
    pattern: re(
      String.raw`\b(?:scared|afraid|frightened|terrified)\s+of\s+(?:myself|what\s+i\s+(?:might|could|will|would)\s+do)\b`,
    ),
  },
  // "i mean it" after a death wish: the wish is meant.
  {
    kind: 'intent',
    pattern: re(String.raw`\bi\s+(?:really\s+|actually\s+)?mean\s+it\b`),
    near: /\b(?:die|dead|kill|end\s+it|suicid\w*|gone)\b/i,
  },
  // Fear of what one will do to oneself: "scared ill do something to myself this weekend".
  {
    kind: 'suicidal_ideation',
    pattern: re(String.raw`\bdo\s+something\s+(?:\w+\s+)?to\s+${SELF}\b`),
    firstPerson: true,
  },
];

/** Sentence has something a bare "plan" or "intent" can refer to. */
export const RISK_CONTEXT =
  /\b(?:SI|HI|suicid\w*|sucid\w*|homicid\w*|kill\w*|self[- ]?harm\w*|C-SSRS|overdos\w*|hang\w*|die|dying|dead|harm\w*|hurt\w*|shoot\w*|farewell|wake\s+up|(?:don'?t|never|won'?t)\s+see\s+(?:them|you|her|him|anyone|everyone|my\s+\w+)\s+again|command|voices|safety\s+plan\w*|rope|noose|gun|pills|burden|don'?t\s+trust\s+myself)\b/i;

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
  /\bsuicide\s+(?:prevention|risk\s+factors?|warning\s+signs|awareness|hotline|lifeline|and\s+crisis\s+lifeline|crisis\s+line|screening|assessment|training)\b(?!\s*(?::|was|is|=)?\s*(?:positive|\+|pos)\b)/gi,
  /\bsuicide\s+risk\b(?=\s*(?:assess\w*|level|rating|screen\w*)?\s*(?::|is|was|=)?\s*(?:low|minimal|assessment|screening|factors|negative|none))/gi,
  /\b(?:(?<!\b(?:high|higher|elevated|moderate|significant|increased|imminent|acute|serious|severe|substantial)\s+)risk|risk\s+factors?|warning\s+signs|signs|prevention)\s+(?:of|for)\s+(?:suicide|self[- ]?harm|suicidal\s+\w+)/gi,
  /\bkill(?:ing)?\s+(?:this|that)\s+(?:presentation|test|exam|interview|game|show)\b/gi,
  /\b(?:suicide|overdose|OD)\s+(?:calls?|scenes?|victims?|cases?|bombers?|bombings?|squeeze|doors?|missions?|runs?|clusters?|rates?|statistics|contagion)\b/gi,
  /\b(?:is|are|was|were|'s|'re|will|'ll|gonna|going\s+to)\s+(?:literally\s+|totally\s+|so\s+)?(?:kill|murder)\s+(?:me|us)\b(?!\s+(?:with|when))/gi,
  /\b(?:gun|firearms?|weapons?)\s+(?:licen[cs]e|permit|safety\s+(?:course|class)|range|shows?|club|store|shop|locks?)\b/gi,
  /\b(?:guns?|rifles?|shotguns?|knife|knives|firearms?)\s+for\s+(?:cooking|work|hunting|the\s+kitchen|fishing|camping|his\s+job|her\s+job|my\s+job)\b/gi,
  /\bbeat(?:s|ing)?\s+(?:\S+\s+){1,2}at\b/gi,
];
