import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockTime, dateTime } from '../../src/webview/timeFormat';

// The cached formatters must print exactly what the Date methods they replace print.
const samples = [0, 1764950000000, Date.UTC(2026, 0, 1, 23, 59, 59), Date.UTC(2026, 6, 15, 0, 5, 9), Date.now()];

test('clockTime prints what toLocaleTimeString([], { hour, minute: "2-digit" }) prints', () => {
  for (const at of samples) assert.equal(clockTime(at), new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
});

test('dateTime prints what toLocaleString() prints', () => {
  for (const at of samples) assert.equal(dateTime(at), new Date(at).toLocaleString());
});
