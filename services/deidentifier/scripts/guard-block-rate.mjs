#!/usr/bin/env node
// How often the deidentifier's own leak scan blocks a task whose session notes are a real-shaped
// note: each document of a corpus becomes the session notes of the fixture client's SOAP task,
// is de-identified, and is scanned (JSON and rendered prompt) as deidentify-task does. A block is
// fail-closed (no draft), so this is the guard's cost on text we did not write.
// Usage (after `npm run build`): node services/deidentifier/scripts/guard-block-rate.mjs [corpus.jsonl ...]
// Default corpora: ../shared/data/physionet-dev.jsonl and the held-out handwritten-bh set.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deidentifyContext } from '@carerelay/phi';
import { fixtureTaskContext } from '@carerelay/phi/testing';
import { scanDeidentified } from '../dist/handlers/outbound-scan.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const corpora = process.argv.slice(2);
if (corpora.length === 0)
  corpora.push(
    here('../../../../shared/data/physionet-dev.jsonl'),
    here('../../../packages/phi/src/eval/fixtures/handwritten-bh.jsonl'),
  );
for (const path of corpora) {
  if (!existsSync(path)) {
    console.log(`${path}: not found, skipped`);
    continue;
  }
  const docs = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  let blocked = 0;
  const byType = {};
  for (const d of docs) {
    const context = { ...fixtureTaskContext(), sessionNotes: d.text, priorNotes: [] };
    const scan = scanDeidentified('soap_note', deidentifyContext(context));
    if (!scan.blocked) continue;
    blocked += 1;
    for (const f of scan.findings) byType[f.type] = (byType[f.type] ?? 0) + 1;
  }
  const pct = ((100 * blocked) / docs.length).toFixed(1);
  console.log(
    `${path}: ${docs.length} docs, ${blocked} blocked (${pct}%), findings by type ${JSON.stringify(byType)}`,
  );
}
