// Hand-written word lists that steer the name recognizer. Keys are folded (lowercase).

const set = (words: string): ReadonlySet<string> => new Set(words.split(/\s+/).filter(Boolean));

/** Titles and honorifics: the next capitalised word is a name. */
export const TITLES = set(`
  dr drs doctor mr mrs ms miss mx prof professor rev reverend pastor fr father sr sister br brother
  nurse officer det detective judge coach capt captain sgt sergeant lt col gen sen rep gov mayor
  rabbi imam deacon elder bishop cantor aunt auntie uncle grandma grandpa granny nana papa
  cousin sir madam dame lady lord mister missus mrs. therapist counselor
`);

/** Relations: "her husband X", "my son X", "pt's sister X". */
export const RELATIONS = set(`
  husband wife spouse partner boyfriend girlfriend fiance fiancee ex exhusband exwife son sons
  daughter daughters child children kid kids baby mother mom mommy mum mama father dad daddy
  papa brother brothers sister sisters sibling siblings stepson stepdaughter stepmother stepmom
  stepfather stepdad stepbrother stepsister grandson granddaughter grandmother grandfather
  grandma grandpa grandchild grandkids aunt uncle niece nephew cousin friend friends bestie
  roommate neighbor neighbour coworker colleague boss supervisor manager sponsor guardian
  caseworker caregiver therapist counselor psychiatrist pcp provider clinician teacher coach
  pastor priest classmate landlord mentor nanny babysitter ex-husband ex-wife twin bf gf
  peer peers housemate housemates groupmate bestfriend
  dog cat puppy kitten pet
`);

/** Labels of form fields whose value is a person: "Client: Maria Lopez". */
export const NAME_LABELS = set(`
  name patient client pt resident member guardian parent mother father spouse contact therapist
  clinician provider counselor psychiatrist prescriber pcp physician referrer sponsor
  caseworker signed signature attending author nurse witness interpreter emergency from to
`);

/** Verbs that follow a person at the start of a clinical sentence: "Maria reports ...". */
export const REPORTING_VERBS = set(`
  reports reported states stated says said denies denied endorses endorsed presents presented
  appears appeared arrived attended shared expressed described notes noted agreed identified
  discussed tells told feels felt admits admitted acknowledged explained indicated complains
  complained continues continued returned requested cried laughed smiled called texted emailed
  wrote asked answered responded struggles struggled worked works lives lived visited went
  came left wants wanted plans planned hopes hoped thinks thought believes believed became
  remains remained verbalized verbalizes demonstrated demonstrates participated participates
  engaged engages was is has had will would did does can could
  began begins spent spends moved moves started starts stopped talked talks gave gives passed
  took takes got gets lost decided refused declined missed joined quit graduated needs needed
`);

/** Words after a name part that end a signature or byline: "Jane Doe, LCSW". */
export const CREDENTIALS = set(`
  lcsw lcsw-c licsw lsw msw lpc lpcc lmhc lmft mft md do phd psyd np pmhnp pmhnp-bc rn bsn msn
  aprn pa pa-c cadc ladc lcadc ncc bcba mss edd lpn cnm crnp dnp mph ma ms bs
  rrt crt rt cna pt ot slp ccc-slp rd ld rph pharmd dds dmd od dpm facp mba lmsw lcpc lac caadc
`);

/** Lines opening a sign-off; the next capitalised words are a name. */
export const SIGN_OFFS = set(`
  thanks thank sincerely regards best cheers love respectfully cordially warmly signed xoxo
`);

/**
 * Eponyms and instrument names: not PHI when followed by 's or by a clinical head noun
 * (DOMAIN.md, "Eponyms are not PHI"). A title before them ("Dr. Parkinson") still wins.
 */
export const EPONYMS = set(`
  parkinson parkinsons alzheimer alzheimers asperger aspergers tourette tourettes lewy huntington
  huntingtons crohn crohns hodgkin hodgkins cushing cushings addison addisons graves hashimoto
  hashimotos bell korsakoff wernicke munchausen capgras cotard beck hamilton yale brown conners
  vanderbilt wechsler rorschach millon likert freud freudian jung jungian maslow piaget erikson
  kubler ross linehan skinner pavlov broca apgar glasgow babinski romberg epstein barr guillain
  barre marfan tay sachs klinefelter rett prader willi angelman stevens johnson heimlich down
  raynaud raynauds bipolar kluver bucy ganser stockholm briquet briquets diogenes othello
  clerambault fregoli kanner kohlberg bowlby ainsworth gottman satir minuchin ellis rogers
  rogerian socratic edinburgh montreal folstein columbia mini stanford zung burns stroop
  benton rey kaufman woodcock peabody bender gestalt vineland achenbach adderall young wais
  wisc mmpi moca mmse grit
  vanderbilt conners connors
`);

/** Head nouns that make the word before them an eponym or instrument, not a person. */
export const EPONYM_HEADS = set(`
  disease diseases disorder syndrome scale scales inventory test tests sign body bodies palsy
  criteria questionnaire index score method technique hierarchy stages stage theory therapy
  rating depression anxiety dementia chorea triad phenomenon effect maneuver reflex paralysis
  encephalopathy psychosis delusion screen screener assessment exam examination model approach
  interview checklist battery protocol hopelessness mania aphasia area type
  form forms
`);

/** Capitalised words that look like names in the lexicons but are not people here. */
export const NOT_NAMES = set(`
  god jesus christ lord allah buddha mohammed holy spirit bible medicaid medicare tricare
  phq gad cbt dbt emdr act mse si hi avh ptsd adhd ocd mdd bpd gaf prn bid tid qid qhs po im
  iop php er ed icu ssri ssris snri maoi aa na al-anon zoom teams facetime google facebook
  instagram tiktok snapchat youtube netflix xbox playstation uber lyft amazon walmart target
  english spanish french german hispanic latino latina latinx black white asian african
  american caucasian native catholic christian muslim jewish baptist methodist lutheran
  protestant mormon hindu buddhist atheist agnostic monday tuesday wednesday thursday friday
  saturday sunday january february march april may june july august september october
  november december christmas easter thanksgiving halloween hanukkah ramadan covid
  subjective objective assessment plan data behavior intervention response client patient
  provider therapist counselor session mood affect diagnosis goals progress risk safety
  pt dx hx tx sx rx fu f/u dob mrn ssn ok yes no none n/a tbd
  aetna cigna humana ambetter anthem bluecross blueshield optum centene wellcare caresource
  amerigroup highmark premera regence
`);

/**
 * Names whose everyday sense dominates in clinical text (DOMAIN.md pitfalls: Hope, Faith, Joy,
 * Will, Grace, Rich, Mark, Bill, April, May, Baker, Green, Stone). They count as names only
 * with context.
 */
export const WORD_DOMINANT = set(`
  will hope faith joy grace rich mark bill april may june august baker green stone rose dawn
  summer autumn winter sunny angel chase hunter max don guy drew destiny genesis trinity
  harmony melody charity patience mercy honor justice liberty miracle heaven journey story
  walker merchant wooden holder snow borders knight marks shore styles bull ray rounds cable
  shell strange parks rice masters bond cash sweet battles cave apple button holiday mills
  bright cook elder peoples crystal worthy hunt blank carrier treat shorter sharp noble seal
  bridges baron banner foster woods farmer clay boss ferry diamond wolf belt robin villa hull
  craft flood wells bone eagle cotton gates rocky cloud kitchen bunch smart fortune horn pitcher
  grove rider nova phoenix rush pride hammer sandy settle keys eve gross wise hurt lock pack
  pace pounds pond reed beam chambers scales pearl harder marble hart monk flora bowling dollar
  ace cannon bonds brooks porter sue summers cherry pleasant swift strain olive easter heath
  booth cage savage swan sheets petty drake crane berry winters shepherd cope roller candy
  sells fern salmon sage moss shores hay stack maple penny buck strand shade iris lyric
  sterling stark frost ham lamb archer destiny hawk cousins bowler barker holly messenger
  shields violet nobles doll amber meadows fellows buddy pepper ivory crow majors alley hawks
  hatch seals null ivy downs bacon pike springer colt trout bloom falcon harp gale noel raven
  warden lance laurel sands dodge beard willow flint pagan fried coffin rains blunt bolt mast
  oaks piper dove jade ware fry doe curry helm garland darling peacock leak lemon mock brewer
  miner bunker nail jewel sparks sellers dial ransom chestnut colon outlaw birch barrow spear
  handy weed bliss pointer burger coats dye stout herring keel finch creed slater sparrow
  harness thorn sweat rust usher cheek corona jolly couch badger draper roach burr riddle
  brink bender rash staples aspen crook fielder gall turk lavender gallant vest cooks dew
  slack kitchens bowers brandy shook smiley stump burrow wren tuck bottoms almond mace hedges
  packer jacks teal blanks eaves thrash huff misty workman tinker kinder blocker ebony plummer
  binder trotter ponder irons shearer mares starling stringer glaze sledge coy lash squires
  spicer cotter shanks shank ember smalls weathers shivers dean judge major minor young king
  long white black brown hall hill gray grey wood price bell lane page case street church
  field park light gold silver law head power love west north south east little short strong
  early best good high way still may major royal worth spring forest castle temple branch
  chance grant golden ring glass fox bird bear pool waters rivers hills banks flowers storm
  steel frank free fair fine key friend sun peak miles cross box deal speed root prince queen
  duke camp wall person numbers means post read call hand light lake land
`);

/** Common in the lexicons and in English; the name sense dominates anyway. */
export const NAME_DOMINANT = set(`
  john william james michael paul mary smith peter henry martin joseph lee jones johnson
  williams louis maria victoria harry ben tony sam lewis miller mike joe bob tom alexander
  virginia khan li hong ed ma don jack james sean kelly roger eric jane anna albert ruth
`);

/** Units and clinical abbreviations that collide with short names in lowercase ("min", "tab"). */
export const UNITS_AND_ABBREVIATIONS = set(`
  min mins hr hrs sec mg mcg ml wk wks yr yrs mo mos tab tabs cap caps amt pts prn bid tid qid
  qhs qam qpm stat npo adls iadls meds labs appt appts dept info abd resp temp vitals neuro psych
  rehab detox ortho peds mhp lmhp bhp ccbhc iop php sud aud oud ptsd anx dep schizo bipolar
  tues thurs sept
`);

/** Medications and brands that appear capitalised mid-sentence and are not names. */
export const MEDICATIONS = set(`
  sertraline zoloft fluoxetine prozac escitalopram lexapro citalopram celexa paroxetine paxil
  venlafaxine effexor duloxetine cymbalta bupropion wellbutrin mirtazapine remeron trazodone
  quetiapine seroquel aripiprazole abilify risperidone risperdal olanzapine zyprexa lithium
  lamotrigine lamictal depakote valproate clonazepam klonopin lorazepam ativan alprazolam xanax
  diazepam valium buspirone buspar hydroxyzine vistaril adderall ritalin concerta vyvanse
  strattera guanfacine intuniv clonidine naltrexone vivitrol suboxone buprenorphine methadone
  ambien zolpidem melatonin prazosin gabapentin neurontin topiramate topamax latuda lurasidone
  vraylar cariprazine rexulti brexpiprazole geodon ziprasidone haldol haloperidol clozapine
  clozaril invega paliperidone narcan naloxone antabuse disulfiram acamprosate campral chantix
  varenicline spravato esketamine ketamine auvelity zurzuvae trintellix vortioxetine viibryd
  pristiq desvenlafaxine fetzima tylenol advil motrin ibuprofen benadryl nicotine
`);

/** Countries and continents: larger than a state, so not Safe Harbor geography, and not names. */
export const COUNTRIES = set(`
  afghanistan albania algeria argentina armenia australia austria azerbaijan bahamas bangladesh
  belarus belgium belize bolivia bosnia botswana brazil bulgaria cambodia cameroon canada chile
  china colombia congo croatia cuba cyprus czech czechia denmark dominican ecuador egypt
  england eritrea estonia ethiopia fiji finland france gambia germany ghana greece
  guatemala guinea guyana haiti honduras hungary iceland indonesia iran iraq ireland
  italy jamaica japan kazakhstan kenya korea kosovo kuwait laos latvia lebanon
  liberia libya lithuania luxembourg madagascar malawi malaysia mali malta mexico moldova
  mongolia montenegro morocco mozambique myanmar namibia nepal netherlands nicaragua niger
  nigeria norway oman pakistan palestine panama paraguay peru philippines poland portugal
  qatar romania russia rwanda samoa scotland senegal serbia singapore slovakia slovenia
  somalia spain sudan sweden switzerland syria taiwan tajikistan tanzania thailand togo tonga
  tunisia turkey uganda ukraine uruguay uzbekistan venezuela vietnam wales yemen
  zambia zimbabwe africa asia europe america americas antarctica caribbean
  united states usa uk britain great britain zealand
  russian chinese mexican american italian french german spanish korean japanese vietnamese indian
  irish polish greek turkish arab arabic persian african european asian latin haitian cuban
  filipino thai canadian british scottish welsh ukrainian swedish norwegian danish finnish dutch
  brazilian portuguese nigerian ethiopian somali hmong cambodian laotian
`);
