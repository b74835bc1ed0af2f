// gecko-check.js: checks a laprof gecko export against the gecko profile
// format as the Firefox Profiler's own type definitions describe it
// (src/types/gecko-profile.ts: GeckoProfile, GeckoThread, the schema'd
// tables), strictly, then reads it back the way the profiler's processing
// does (stacks through prefixes to frames to strings) and prints as JSON
// each thread's name, tid, sample count and the count of each stack.
// No runnable copy of the Firefox Profiler is available from npm here, so
// this is a check of the documented format, not the profiler itself.
// Usage: node gecko-check.js PROFILE.json
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';

const fs = require('fs');

const errors = [];
function check (cond, what) { if (!cond) errors.push(what); return cond; }
const isInt = v => Number.isInteger(v) && v >= 0;
const isNum = v => typeof v === 'number' && Number.isFinite(v);
function sameSchema (schema, want, what) {
  check(schema && typeof schema === 'object', `${what}: no schema`);
  if (!schema) return;
  const keys = Object.keys(want);
  check(Object.keys(schema).length === keys.length && keys.every(k => schema[k] === want[k]),
        `${what}: schema ${JSON.stringify(schema)} is not ${JSON.stringify(want)}`);
}

const profile = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const meta = profile.meta || {};
check(profile.meta && typeof profile.meta === 'object', 'meta missing');
check(isInt(meta.version) && meta.version >= 1 && meta.version <= 32, `meta.version ${meta.version}`);
check(isNum(meta.interval) && meta.interval > 0, 'meta.interval must be a positive number of ms');
check(isNum(meta.startTime) && meta.startTime >= 0, 'meta.startTime must be ms since 1970');
check(isInt(meta.processType), 'meta.processType must be a number');
for (const k of ['stackwalk', 'debug', 'gcpoison', 'asyncstack'])
  check(meta[k] === 0 || meta[k] === 1, `meta.${k} must be 0 or 1`);
check(meta.shutdownTime === null || isNum(meta.shutdownTime), 'meta.shutdownTime');
check(Array.isArray(meta.markerSchema), 'meta.markerSchema must be an array');
check(Array.isArray(meta.categories) && meta.categories.length > 0, 'meta.categories must be a non-empty list');
for (const c of meta.categories || [])
  check(typeof c.name === 'string' && typeof c.color === 'string' && Array.isArray(c.subcategories) &&
        c.subcategories.length > 0 && c.subcategories.every(s => typeof s === 'string'), `category ${JSON.stringify(c)}`);
for (const k of ['libs', 'pausedRanges', 'processes', 'threads'])
  check(Array.isArray(profile[k]), `${k} must be an array`);
check((profile.threads || []).length > 0, 'no thread');

const summary = { version: meta.version, interval: meta.interval, startTime: meta.startTime, threads: [], categories: {} };
for (const [ti, t] of (profile.threads || []).entries()) {
  const w = `thread ${ti}`;
  check(typeof t.name === 'string' && t.name.length > 0, `${w}: name`);
  check(typeof t.processType === 'string', `${w}: processType must be a string`);
  check(Number.isInteger(t.pid) && Number.isInteger(t.tid), `${w}: pid and tid must be numbers`);
  check(isNum(t.registerTime), `${w}: registerTime`);
  check(t.unregisterTime === null || isNum(t.unregisterTime), `${w}: unregisterTime`);
  sameSchema(t.markers && t.markers.schema, { name: 0, startTime: 1, endTime: 2, phase: 3, category: 4, data: 5 }, `${w} markers`);
  check(Array.isArray(t.markers && t.markers.data), `${w}: markers.data`);
  sameSchema(t.samples && t.samples.schema, { stack: 0, time: 1, eventDelay: 2 }, `${w} samples`);
  sameSchema(t.stackTable && t.stackTable.schema, { prefix: 0, frame: 1 }, `${w} stackTable`);
  sameSchema(t.frameTable && t.frameTable.schema, { location: 0, relevantForJS: 1, innerWindowID: 2, implementation: 3,
                                                     line: 4, column: 5, category: 6, subcategory: 7 }, `${w} frameTable`);
  const strings = t.stringTable;
  if (!check(Array.isArray(strings) && strings.every(s => typeof s === 'string'), `${w}: stringTable`)) continue;
  const frames = (t.frameTable && t.frameTable.data) || [];
  for (const [i, f] of frames.entries()) {
    const fw = `${w} frame ${i}`;
    check(Array.isArray(f) && f.length === 8, `${fw}: 8 columns`);
    check(isInt(f[0]) && f[0] < strings.length, `${fw}: location is not a string index`);
    check(typeof f[1] === 'boolean', `${fw}: relevantForJS`);
    check(f[2] === null || isNum(f[2]), `${fw}: innerWindowID`);
    check(f[3] === null || (isInt(f[3]) && f[3] < strings.length), `${fw}: implementation`);
    check(f[4] === null || (isInt(f[4]) && f[4] > 0), `${fw}: line`);
    check(f[5] === null || isInt(f[5]), `${fw}: column`);
    const cat = (meta.categories || [])[f[6]];
    check(f[6] === null || cat !== undefined, `${fw}: category is not in meta.categories`);
    check(f[6] === null ? f[7] === null : (isInt(f[7]) && cat && f[7] < cat.subcategories.length), `${fw}: subcategory`);
  }
  const stacks = (t.stackTable && t.stackTable.data) || [];
  for (const [i, s] of stacks.entries())
    check(Array.isArray(s) && s.length === 2 && (s[0] === null || (isInt(s[0]) && s[0] < i)) &&
          isInt(s[1]) && s[1] < frames.length, `${w} stack ${i}: ${JSON.stringify(s)}`);
  const counts = {};
  const categories = {};
  let last = -Infinity, n = 0;
  for (const [i, s] of ((t.samples && t.samples.data) || []).entries()) {
    if (!check(Array.isArray(s) && s.length === 3, `${w} sample ${i}: 3 columns`)) continue;
    check(s[0] === null || (isInt(s[0]) && s[0] < stacks.length), `${w} sample ${i}: stack`);
    check(isNum(s[1]) && s[1] >= last, `${w} sample ${i}: times must not go back`);
    check(s[2] === null || isNum(s[2]), `${w} sample ${i}: eventDelay`);
    last = s[1];
    n++;
    const names = [];
    for (let k = s[0]; k !== null && k !== undefined && stacks[k]; k = stacks[k][0])
      names.unshift(strings[frames[stacks[k][1]][0]]);
    const key = names.join(';');
    counts[key] = (counts[key] || 0) + 1;
    // a sample's category is its leaf frame's, as the profiler draws it
    if (s[0] !== null && stacks[s[0]]) {
      const category = (meta.categories[frames[stacks[s[0]][1]][6]] || {}).name;
      categories[category] = (categories[category] || 0) + 1;
    }
  }
  summary.threads.push({ name: t.name, tid: t.tid, samples: n, first: n ? t.samples.data[0][1] : null, last, stacks: counts });
  for (const c in categories) summary.categories[c] = (summary.categories[c] || 0) + categories[c];
}
summary.errors = errors;
// the categories last, so that the tests find them whole
const cats = summary.categories;
delete summary.categories;
summary.categories = cats;
process.stdout.write(JSON.stringify(summary) + '\n');
