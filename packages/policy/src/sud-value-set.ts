/**
 * SNOMED CT concepts that identify a substance use disorder (SUD), for recognizing Part 2
 * data coded in SNOMED rather than ICD-10-CM (42 CFR Part 2, DOMAIN.md).
 *
 * Source of `SUD_SNOMED_VSAC`: the NLM VSAC value set "Substance Use Disorder"
 * (OID 2.16.840.1.113883.3.464.1003.106.12.1001, formerly titled "Alcohol and Drug Dependence",
 * used by eCQM CMS137), expansion 20240502 (SNOMED CT versions 2022-09 and 2023-09 as the expansion
 * states), as published in cqframework/ecqm-content-qicore-2025 — its SNOMED part
 * copied verbatim (ids and fully specified names, 274 concepts), only grouped by substance here.
 * Nothing was pruned, so it also holds substance-induced disorders (withdrawal, psychosis,
 * mood, sleep…) just as F10–F19 subcodes do in ICD-10-CM. It contains no tobacco, nicotine or
 * caffeine concept (checked; a unit test keeps it so).
 *
 * `SUD_SNOMED_SUPPLEMENT` adds general and remission concepts the eCQM set leaves out: a disorder
 * in remission still identifies an SUD record (DOMAIN.md; like F10.21 in ICD-10-CM).
 *
 * `SUD_SNOMED_EXCLUDED` names tobacco/nicotine concepts explicitly: §2.11 excludes tobacco and
 * caffeine from "substance use disorder". They win over any inclusion. No caffeine concept id
 * is listed because none was verified; none is included either.
 *
 * What is known and what is not: this is a static list. A coding that is a descendant of a
 * listed concept but not itself listed (e.g. a newer, more specific concept) is NOT recognized.
 * The SNOMED hierarchy was not checked offline, so no ECL expression is claimed here; with a
 * terminology server, `ValueSet/$expand` of the VSAC set above (plus the supplement, minus the
 * exclusions), refreshed per SNOMED release, should replace these constants. Until then a
 * record carrying such a code is still caught if it is labeled (ETH/42CFRPart2), ICD-10 coded,
 * or comes from a configured Part 2 program.
 */

/** A SNOMED CT concept id with its fully specified name, as published. */
export type SnomedConcept = readonly [id: string, display: string];

export type SudSubstance =
  | 'alcohol'
  | 'opioid'
  | 'cannabis'
  | 'cocaine'
  | 'stimulant'
  | 'sedative'
  | 'hallucinogen'
  | 'inhalant'
  | 'other';

/** VSAC "Substance Use Disorder" (2.16.840.1.113883.3.464.1003.106.12.1001), SNOMED part, by substance. */
export const SUD_SNOMED_VSAC: Readonly<Record<SudSubstance, readonly SnomedConcept[]>> = {
  alcohol: [
    ['15167005', 'Alcohol abuse (disorder)'],
    ['73097000', 'Alcohol amnestic disorder (disorder)'],
    ['66590003', 'Alcohol dependence (disorder)'],
    ['10755041000119100', 'Alcohol dependence in childbirth (disorder)'],
    ['10741871000119101', 'Alcohol dependence in pregnancy (disorder)'],
    ['7052005', 'Alcohol hallucinosis (disorder)'],
    ['288031000119105', 'Alcohol induced disorder co-occurrent and due to alcohol dependence (disorder)'],
    ['18653004', 'Alcohol intoxication delirium (disorder)'],
    ['8635005', 'Alcohol withdrawal delirium (disorder)'],
    ['191476005', 'Alcohol withdrawal hallucinosis (disorder)'],
    ['191480000', 'Alcohol withdrawal syndrome (disorder)'],
    ['85561006', 'Alcohol withdrawal syndrome without complication (disorder)'],
    ['308742005', 'Alcohol withdrawal-induced convulsion (disorder)'],
    ['61144001', 'Alcohol-induced psychotic disorder with delusions (disorder)'],
    ['70701004', 'Alcoholic amblyopia (disorder)'],
    ['191478006', 'Alcoholic paranoia (disorder)'],
    ['7200002', 'Alcoholism (disorder)'],
    ['34938008', 'Anxiety disorder caused by alcohol (disorder)'],
    ['191475009', 'Chronic alcoholic brain syndrome (disorder)'],
    ['154211000119108', 'Chronic pancreatitis due to chronic alcoholism (disorder)'],
    ['191811004', 'Continuous chronic alcoholism (disorder)'],
    ['281004', 'Dementia associated with alcoholism (disorder)'],
    ['288021000119107', 'Disorder due to alcohol abuse (disorder)'],
    ['191812006', 'Episodic chronic alcoholism (disorder)'],
    ['135321000119107', 'Hypersomnia caused by alcohol (disorder)'],
    ['135311000119100', 'Insomnia caused by alcohol (disorder)'],
    ['87810006', 'Megaloblastic anemia due to alcoholism (disorder)'],
    ['713583005', 'Mild alcohol dependence (disorder)'],
    ['714829008', 'Moderate alcohol dependence (disorder)'],
    ['53936005', 'Mood disorder caused by ingestible alcohol (disorder)'],
    ['723928009', 'Mood disorder with depressive symptoms caused by alcohol (disorder)'],
    ['723929001', 'Mood disorder with manic symptoms caused by alcohol (disorder)'],
    ['723930006', 'Mood disorder with mixed manic and depressive symptoms caused by alcohol (disorder)'],
    ['86325007', 'Non megaloblastic anemia due to alcoholism (disorder)'],
    ['268645007', 'Nondependent alcohol abuse (disorder)'],
    ['191882002', 'Nondependent alcohol abuse, continuous (disorder)'],
    ['191883007', 'Nondependent alcohol abuse, episodic (disorder)'],
    ['29212009', 'Organic mental disorder caused by ingestible alcohol (disorder)'],
    ['135301000119103', 'Parasomnia caused by alcohol (disorder)'],
    [
      '723926008',
      'Perceptual disturbances and seizures co-occurrent and due to alcohol withdrawal (disorder)',
    ],
    ['284591009', 'Persistent alcohol abuse (disorder)'],
    ['42344001', 'Psychosis caused by ingestible alcohol (disorder)'],
    ['723927004', 'Psychotic disorder caused by alcohol with schizophreniform symptoms (disorder)'],
    ['713862009', 'Severe alcohol dependence (disorder)'],
    ['41083005', 'Sleep disorder caused by ingestible alcohol (disorder)'],
    ['97571000119109', 'Thrombocytopenia co-occurrent and due to alcoholism (disorder)'],
  ],
  opioid: [
    ['703847000', 'Buprenorphine + naloxone withdrawal (disorder)'],
    ['703845008', 'Buprenorphine dependence (disorder)'],
    ['703846009', 'Buprenorphine withdrawal syndrome (disorder)'],
    ['191865004', 'Combined opioid with non-opioid drug dependence (disorder)'],
    ['191867007', 'Combined opioid with non-opioid drug dependence, continuous (disorder)'],
    ['191868002', 'Combined opioid with non-opioid drug dependence, episodic (disorder)'],
    ['1255013006', 'Combined opioid with non-opioid substance dependence (disorder)'],
    ['1255018002', 'Combined opioid with non-opioid substance dependence, continuous (disorder)'],
    ['1255015004', 'Combined opioid with non-opioid substance dependence, episodic (disorder)'],
    ['191819002', 'Continuous opioid dependence (disorder)'],
    ['231477003', 'Dependence on diamorphine (disorder)'],
    ['520841000124109', 'Diamorphine abuse (disorder)'],
    ['191820008', 'Episodic opioid dependence (disorder)'],
    ['426001001', 'Fentanyl dependence (disorder)'],
    ['145121000119106', 'Intravenous nondependent opioid abuse (disorder)'],
    ['231478008', 'Methadone dependence (disorder)'],
    ['29733004', 'Mood disorder caused by opioid (disorder)'],
    ['762321000', 'Mood disorder with depressive symptoms caused by opioid (disorder)'],
    ['762320004', 'Mood disorder with manic symptoms caused by opioid (disorder)'],
    ['762322007', 'Mood disorder with mixed depressive and manic symptoms caused by opioid (disorder)'],
    ['231479000', 'Morphine dependence (disorder)'],
    ['230443000', 'Narcotic withdrawal epilepsy (disorder)'],
    ['191909007', 'Nondependent opioid abuse (disorder)'],
    ['191912005', 'Nondependent opioid abuse, continuous (disorder)'],
    ['191913000', 'Nondependent opioid abuse, episodic (disorder)'],
    ['5602001', 'Opioid abuse (disorder)'],
    ['75544000', 'Opioid dependence (disorder)'],
    ['1081000119105', 'Opioid dependence, on agonist therapy (disorder)'],
    ['52866005', 'Opioid intoxication delirium (disorder)'],
    ['87132004', 'Opioid withdrawal syndrome (disorder)'],
    ['288851000119106', 'Opioid-induced mood disorder due to opioid abuse (disorder)'],
    ['288861000119108', 'Opioid-induced mood disorder due to opioid dependence (disorder)'],
    ['19445006', 'Opioid-induced psychotic disorder with hallucinations (disorder)'],
    ['88926005', 'Opioid-induced sleep disorder (disorder)'],
    ['231480002', 'Opium dependence (disorder)'],
    ['14784000', 'Organic mental disorder caused by opioid (disorder)'],
    ['724655005', 'Psychotic disorder caused by opioid (disorder)'],
    ['20385005', 'Psychotic disorder with delusions caused by opioid (disorder)'],
    ['71328000', 'Sexual dysfunction caused by opioid (finding)'],
  ],
  cannabis: [
    ['37344009', 'Cannabis abuse (disorder)'],
    ['63649001', 'Cannabis delusional disorder (disorder)'],
    ['85005007', 'Cannabis dependence (disorder)'],
    ['191837001', 'Cannabis dependence, continuous (disorder)'],
    ['191838006', 'Cannabis dependence, episodic (disorder)'],
    ['39807006', 'Cannabis intoxication delirium (disorder)'],
    ['703848005', 'Cannabis withdrawal syndrome (disorder)'],
    ['39951001', 'Cannabis-induced anxiety disorder (disorder)'],
    ['26714005', 'Cannabis-induced psychotic disorder with hallucinations (disorder)'],
    ['191891003', 'Nondependent cannabis abuse (disorder)'],
    ['191893000', 'Nondependent cannabis abuse, continuous (disorder)'],
    ['191894006', 'Nondependent cannabis abuse, episodic (disorder)'],
    ['77355000', 'Organic mental disorder caused by cannabis (disorder)'],
    ['723936000', 'Psychotic disorder caused by cannabis (disorder)'],
    ['723937009', 'Sleep disorder caused by cannabis (disorder)'],
    ['737338002', 'Synthetic cannabinoid withdrawal syndrome (disorder)'],
  ],
  cocaine: [
    ['51493001', 'Anxiety disorder caused by cocaine (disorder)'],
    ['78267003', 'Cocaine abuse (disorder)'],
    ['30491001', 'Cocaine delusional disorder (disorder)'],
    ['31956009', 'Cocaine dependence (disorder)'],
    ['191831000', 'Cocaine dependence, continuous (disorder)'],
    ['191832007', 'Cocaine dependence, episodic (disorder)'],
    ['27956007', 'Cocaine intoxication (disorder)'],
    ['70328006', 'Cocaine intoxication delirium (disorder)'],
    ['80868005', 'Cocaine withdrawal syndrome (disorder)'],
    ['10327003', 'Cocaine-induced mood disorder (disorder)'],
    ['6348008', 'Cocaine-induced psychotic disorder with hallucinations (disorder)'],
    ['22574000', 'Cocaine-induced sleep disorder (disorder)'],
    ['145101000119102', 'Intravenous cocaine abuse (disorder)'],
    ['724690002', 'Mood disorder with depressive symptoms caused by cocaine (disorder)'],
    ['724691003', 'Mood disorder with manic symptoms caused by cocaine (disorder)'],
    ['724692005', 'Mood disorder with mixed depressive and manic symptoms caused by cocaine (disorder)'],
    ['191916008', 'Nondependent cocaine abuse (disorder)'],
    ['191918009', 'Nondependent cocaine abuse, continuous (disorder)'],
    ['191919001', 'Nondependent cocaine abuse, episodic (disorder)'],
    ['724693000', 'Obsessive compulsive disorder caused by cocaine (disorder)'],
    ['46975003', 'Organic mental disorder caused by cocaine (disorder)'],
    ['724689006', 'Psychotic disorder caused by cocaine (disorder)'],
    ['735750005', 'Psychotic disorder with schizophreniform symptoms caused by cocaine (disorder)'],
  ],
  stimulant: [
    ['762504005', 'Abuse of synthetic cathinone (disorder)'],
    ['1230072003', 'Amfetamine and/or amfetamine derivative abuse, continuous (disorder)'],
    ['1230071005', 'Amfetamine and/or amfetamine derivative abuse, episodic (disorder)'],
    ['838527002', 'Amfetamine and/or amfetamine derivative dependence (disorder)'],
    ['1231328003', 'Amfetamine and/or amfetamine derivative dependence continuous (disorder)'],
    ['1231327008', 'Amfetamine and/or amfetamine derivative dependence episodic (disorder)'],
    ['32358001', 'Amphetamine delusional disorder (disorder)'],
    ['21647008', 'Amphetamine dependence (disorder)'],
    ['78358001', 'Amphetamine withdrawal syndrome (disorder)'],
    ['43497001', 'Amphetamine-induced mood disorder (disorder)'],
    ['51443000', 'Amphetamine-induced psychotic disorder with hallucinations (disorder)'],
    ['25753007', 'Amphetamine-induced sleep disorder (disorder)'],
    ['82339009', 'Anxiety disorder caused by amfetamine (disorder)'],
    ['8837000', 'Delirium caused by amphetamine (disorder)'],
    ['762324008', 'Delirium caused by stimulant (disorder)'],
    ['785277001', 'Harmful pattern of use of amfetamine and/or amfetamine derivative (disorder)'],
    ['699449003', 'Methamphetamine abuse (disorder)'],
    ['426873000', 'Methamphetamine dependence (disorder)'],
    ['12398281000119105', 'Methamphetamine withdrawal syndrome (disorder)'],
    ['1231319004', 'Methylenedioxymethamphetamine dependence (disorder)'],
    ['1230088003', 'Nondependent amfetamine and/or amfetamine derivative abuse (disorder)'],
    ['1230085000', 'Nondependent amfetamine and/or amfetamine derivative abuse, continuous (disorder)'],
    ['1230087008', 'Nondependent amfetamine and/or amfetamine derivative abuse, episodic (disorder)'],
    ['34111000119108', 'Nondependent amphetamine abuse (disorder)'],
    ['144981000119109', 'Nondependent intraveous amphetamine abuse (disorder)'],
    ['1230089006', 'Nondependent psychostimulant abuse (disorder)'],
    ['1230084001', 'Nondependent psychostimulant abuse, continuous (disorder)'],
    ['1230086004', 'Nondependent psychostimulant abuse, episodic (disorder)'],
    ['83367009', 'Organic mental disorder caused by amphetamine and/or amfetamine derivative (disorder)'],
    ['275471001', 'Psychostimulant dependence (disorder)'],
    ['1231336007', 'Psychostimulant dependence continuous (disorder)'],
    ['1231333004', 'Psychostimulant dependence episodic (disorder)'],
    ['428370001', 'Psychostimulant withdrawal syndrome (disorder)'],
    ['724706006', 'Psychotic disorder caused by methylenedioxymethamphetamine (disorder)'],
    ['762325009', 'Psychotic disorder caused by stimulant (disorder)'],
    ['762327001', 'Psychotic disorder with delusions caused by stimulant (disorder)'],
    ['762326005', 'Psychotic disorder with hallucinations caused by stimulant (disorder)'],
    ['70932007', 'Sexual dysfunction caused by amfetamine (finding)'],
    ['762333005', 'Sexual dysfunction caused by stimulant (disorder)'],
    ['762517008', 'Sexual dysfunction caused by synthetic cathinone (disorder)'],
    ['12398651000119100', 'Sleep disorder caused by methamphetamine (disorder)'],
    ['762334004', 'Sleep disorder caused by stimulant (disorder)'],
    ['441527004', 'Stimulant abuse (disorder)'],
    ['442406005', 'Stimulant dependence (disorder)'],
    ['762505006', 'Synthetic cathinone dependence (disorder)'],
    ['762672001', 'Synthetic cathinone withdrawal syndrome (disorder)'],
  ],
  sedative: [
    ['231470001', 'Anxiolytic dependence (disorder)'],
    ['724661008', 'Anxiolytic withdrawal syndrome (disorder)'],
    ['724664000', 'Anxiolytic withdrawal syndrome without complication (disorder)'],
    ['231462006', 'Barbiturate abuse (disorder)'],
    ['231472009', 'Barbiturate dependence (disorder)'],
    ['425339005', 'Barbiturate withdrawal syndrome (disorder)'],
    ['231473004', 'Benzodiazepine dependence (disorder)'],
    ['703849002', 'Benzodiazepine withdrawal syndrome (disorder)'],
    ['817962007', 'Chlordiazepoxide dependence (disorder)'],
    ['125851000119106', 'Continuous sedative abuse (disorder)'],
    ['703850002', 'Delirium due to benzodiazepine withdrawal (disorder)'],
    ['361151007', 'Delirium due to sedative withdrawal (disorder)'],
    ['231474005', 'Diazepam dependence (disorder)'],
    ['724656006', 'Hypnotic dependence (disorder)'],
    ['1231162009', 'Hypnotic dependence, continuous (disorder)'],
    ['1231160001', 'Hypnotic dependence, episodic (disorder)'],
    ['724660009', 'Hypnotic withdrawal syndrome (disorder)'],
    ['724663006', 'Hypnotic withdrawal syndrome without complication (disorder)'],
    ['312936002', 'Organic mental disorder caused by anxiolytic agent (disorder)'],
    [
      '724672003',
      'Perceptual disturbances and seizures co-occurrent and due to hypnotic withdrawal (disorder)',
    ],
    [
      '724671005',
      'Perceptual disturbances and seizures co-occurrent and due to sedative withdrawal (disorder)',
    ],
    ['724667007', 'Perceptual disturbances co-occurrent and due to anxiolytic withdrawal (disorder)'],
    ['724666003', 'Perceptual disturbances co-occurrent and due to hypnotic withdrawal (disorder)'],
    ['724665004', 'Perceptual disturbances co-occurrent and due to sedative withdrawal (disorder)'],
    ['724675001', 'Psychotic disorder caused by anxiolytic (disorder)'],
    ['64386003', 'Sedative abuse (disorder)'],
    ['427327003', 'Sedative dependence (disorder)'],
    ['23601000119102', 'Sedative withdrawal syndrome (disorder)'],
    ['724662001', 'Sedative withdrawal syndrome without complication (disorder)'],
    ['5444000', 'Sedative, hypnotic AND/OR anxiolytic intoxication delirium (disorder)'],
    ['1686006', 'Sedative, hypnotic AND/OR anxiolytic-induced anxiety disorder (disorder)'],
    ['28864000', 'Sedative, hypnotic AND/OR anxiolytic-induced mood disorder (disorder)'],
    ['59651006', 'Sedative, hypnotic AND/OR anxiolytic-induced persisting dementia (disorder)'],
    ['1973000', 'Sedative, hypnotic AND/OR anxiolytic-induced psychotic disorder with delusions (disorder)'],
    [
      '47664006',
      'Sedative, hypnotic AND/OR anxiolytic-induced psychotic disorder with hallucinations (disorder)',
    ],
    ['57588009', 'Sedative, hypnotic AND/OR anxiolytic-induced sleep disorder (disorder)'],
    ['312098001', 'Sedative, hypnotic AND/OR anxiolytic-related disorder (disorder)'],
    ['724670006', 'Seizure co-occurrent and due to anxiolytic withdrawal (disorder)'],
    ['724669005', 'Seizure co-occurrent and due to hypnotic withdrawal (disorder)'],
    ['724668002', 'Seizure co-occurrent and due to sedative withdrawal (disorder)'],
  ],
  hallucinogen: [
    ['425885002', 'Continuous phencyclidine abuse (disorder)'],
    ['416714005', 'Episodic flashbacks (disorder)'],
    ['145841000119107', 'Episodic phencyclidine abuse (disorder)'],
    ['74851005', 'Hallucinogen abuse (disorder)'],
    ['50933003', 'Hallucinogen delusional disorder (disorder)'],
    ['38247002', 'Hallucinogen dependence (disorder)'],
    ['191849000', 'Hallucinogen dependence, continuous (disorder)'],
    ['191850000', 'Hallucinogen dependence, episodic (disorder)'],
    ['32009006', 'Hallucinogen hallucinosis (disorder)'],
    ['50320000', 'Hallucinogen intoxication (disorder)'],
    ['40571009', 'Hallucinogen intoxication delirium (disorder)'],
    ['1383008', 'Hallucinogen mood disorder (disorder)'],
    ['15277004', 'Hallucinogen-induced anxiety disorder (disorder)'],
    ['724713006', 'Harmful use of ketamine (disorder)'],
    ['724715004', 'Ketamine dependence (disorder)'],
    ['231468005', 'Lysergic acid diethylamide dependence (disorder)'],
    ['231469002', 'Mescaline dependence (disorder)'],
    ['724720004', 'Mood disorder caused by dissociative drug (disorder)'],
    ['762345001', 'Mood disorder with depressive symptoms caused by dissociative drug (disorder)'],
    ['762336002', 'Mood disorder with depressive symptoms caused by hallucinogen (disorder)'],
    ['762344002', 'Mood disorder with manic symptoms caused by dissociative drug (disorder)'],
    ['762335003', 'Mood disorder with manic symptoms caused by hallucinogen (disorder)'],
    [
      '762346000',
      'Mood disorder with mixed depressive and manic symptoms caused by dissociative drug (disorder)',
    ],
    ['762337006', 'Mood disorder with mixed depressive and manic symptoms caused by hallucinogen (disorder)'],
    ['268646008', 'Nondependent hallucinogen abuse (disorder)'],
    ['191899001', 'Nondependent hallucinogen abuse, continuous (disorder)'],
    ['191900006', 'Nondependent hallucinogen abuse, episodic (disorder)'],
    ['53050002', 'Organic mental disorder caused by hallucinogen (disorder)'],
    ['7071007', 'Phencyclidine abuse (disorder)'],
    ['58727001', 'Phencyclidine dependence (disorder)'],
    ['724696008', 'Psychotic disorder caused by hallucinogen (disorder)'],
    ['417143004', 'Short duration flashbacks (disorder)'],
  ],
  inhalant: [
    ['426095000', 'Continuous inhalant abuse (disorder)'],
    ['427229002', 'Episodic inhalant abuse (disorder)'],
    ['191853003', 'Glue sniffing dependence (disorder)'],
    ['191855005', 'Glue sniffing dependence, continuous (disorder)'],
    ['191856006', 'Glue sniffing dependence, episodic (disorder)'],
    ['70340006', 'Inhalant abuse (disorder)'],
    ['5002000', 'Inhalant dependence (disorder)'],
    ['86391000119101', 'Inhalant dependence, continuous (disorder)'],
    ['86401000119104', 'Inhalant dependence, episodic (disorder)'],
    ['18689007', 'Inhalant intoxication delirium (disorder)'],
    ['20876004', 'Inhalant-induced anxiety disorder (disorder)'],
    ['89451009', 'Inhalant-induced mood disorder (disorder)'],
    ['61104008', 'Inhalant-induced organic mental disorder (disorder)'],
    ['32875003', 'Inhalant-induced persisting dementia (disorder)'],
    ['75122001', 'Inhalant-induced psychotic disorder with delusions (disorder)'],
    ['63983005', 'Inhalant-induced psychotic disorder with hallucinations (disorder)'],
    ['762339009', 'Mood disorder with depressive symptoms caused by volatile inhalant (disorder)'],
    ['762338001', 'Mood disorder with manic symptoms caused by volatile inhalant (disorder)'],
    [
      '762340006',
      'Mood disorder with mixed depressive and manic symptoms caused by volatile inhalant (disorder)',
    ],
    ['288461000119105', 'Psychosis caused by inhalant (disorder)'],
    ['724702008', 'Psychotic disorder caused by volatile inhalant (disorder)'],
    ['724701001', 'Volatile inhalant withdrawal (disorder)'],
  ],
  other: [
    ['95661003', 'Ergotamine withdrawal syndrome (disorder)'],
    ['11387009', 'Organic mental disorder caused by psychoactive substance (disorder)'],
    [
      '724728006',
      'Perceptual disturbances and seizures co-occurrent and due to psychoactive substance withdrawal (disorder)',
    ],
    [
      '724726005',
      'Perceptual disturbances co-occurrent and due to psychoactive substance withdrawal (disorder)',
    ],
    ['91388009', 'Psychoactive substance abuse (disorder)'],
    ['2403008', 'Psychoactive substance dependence (disorder)'],
    ['74934004', 'Psychoactive substance withdrawal syndrome (disorder)'],
    ['724725009', 'Psychoactive substance withdrawal syndrome without complication (disorder)'],
    ['724727001', 'Seizure co-occurrent and due to psychoactive substance withdrawal (disorder)'],
    ['724732000', 'Sleep disorder caused by psychoactive substance (disorder)'],
  ],
};

/**
 * General and remission SUD concepts outside the eCQM set. The first five are members of other
 * VSAC value sets in the same eCQM release ("Mental Health Diagnoses", "Mental Behavioral and
 * Neurodevelopmental Disorders"); 191816009 and 26416006 are the long-standing general concepts.
 */
export const SUD_SNOMED_SUPPLEMENT: readonly SnomedConcept[] = [
  ['66214007', 'Substance abuse (disorder)'],
  ['191813001', 'Chronic alcoholism in remission (disorder)'],
  ['191884001', 'Nondependent alcohol abuse in remission (disorder)'],
  ['1230080005', 'Nondependent anxiolytic abuse (disorder)'],
  ['1230081009', 'Nondependent hypnotic abuse (disorder)'],
  ['191816009', 'Drug dependence (disorder)'],
  ['26416006', 'Drug abuse (disorder)'],
];

/** Tobacco and nicotine: not an SUD under §2.11, whatever else a list says. */
export const SUD_SNOMED_EXCLUDED: readonly SnomedConcept[] = [
  ['56294008', 'Nicotine dependence (disorder)'],
  ['89765005', 'Tobacco dependence syndrome (disorder)'],
  ['90755006', 'Nicotine withdrawal syndrome (disorder)'],
  ['30310000', 'Nicotine-induced organic mental disorder (disorder)'],
  ['110483000', 'Tobacco user (finding)'],
  ['77176002', 'Smoker (finding)'],
];

const EXCLUDED_IDS: ReadonlySet<string> = new Set(SUD_SNOMED_EXCLUDED.map(([id]) => id));

/** Every SUD concept id (VSAC set plus supplement, exclusions removed). */
export const SUD_SNOMED_IDS: ReadonlySet<string> = new Set(
  [...Object.values(SUD_SNOMED_VSAC).flat(), ...SUD_SNOMED_SUPPLEMENT]
    .map(([id]) => id)
    .filter((id) => !EXCLUDED_IDS.has(id)),
);

/** Whether a SNOMED CT concept id identifies an SUD. Tobacco/nicotine ids never do. */
export function isSudSnomedConcept(id: string): boolean {
  const trimmed = id.trim();
  return !EXCLUDED_IDS.has(trimmed) && SUD_SNOMED_IDS.has(trimmed);
}
