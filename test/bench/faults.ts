// Fault figures of the host core (the same scenarios test/integration/fault*.test.ts pins):
//   1. N hostile messages from one stdio server (seeded; FUZZ_SEED / FUZZ_COUNT override)
//   2. a server killed (SIGKILL) at each stage of a sampling and an elicitation request
//   3. 1 000 sampling requests at once under maxRequestsPerMinute = 10
//
//   node --import tsx test/bench/faults.ts
import { KILL_STAGES, runFlood, runFuzz, runKillStage } from '../fault/scenarios';

const SEED = Number(process.env.FUZZ_SEED ?? 20260728);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const HUGE = 2 * 1024 * 1024;
const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function fuzz(): Promise<void> {
  const f = await runFuzz({ seed: SEED, count: COUNT, hugeBytes: HUGE });
  const s = f.stats;
  console.log(`1. hostile messages over stdio (seed ${s.seed}, huge strings up to ${MB(HUGE)}, ${MB(s.bytes)} written)`);
  console.log(`   messages sent       ${s.sent}`);
  console.log(`   requests among them ${s.requests} (${s.expectedErrors + s.expectedNullIdErrors} malformed or unknown, ${s.expectedResults} valid ping/roots/list)`);
  console.log(`   error responses     ${s.errors} (${s.nullIdErrors} with id null), results ${s.results}, wrong kind ${s.wrongKind}, unsolicited ${s.unexpected}`);
  console.log(`   unanswered          ${s.unanswered}`);
  console.log(`   crashes / restarts  ${f.sameProcess && f.state === 'running' ? 0 : 1} (state ${f.state}); tools/call afterwards: ${f.echo}`);
  console.log(`   RSS                 ${MB(f.memory.rssBefore)} before, ${MB(f.memory.rssAfter)} after; heap after GC ${MB(f.memory.heapBefore)} → ${MB(f.memory.heapAfter)}`);
  console.log(`   server log          ${f.logLines} lines, ${f.logChars} characters`);
  console.log(`   time                ${f.ms} ms for the whole run (${s.totalMs} ms as the server measured it)`);
}

async function kills(): Promise<void> {
  console.log('2. server killed (SIGKILL; its child shares stdout) at each stage');
  console.log(`   ${'request / stage'.padEnd(32)} ${'settled in'.padStart(10)}  orphans  card                 audit      restarted`);
  for (const [kind, stage] of KILL_STAGES) {
    const f = await runKillStage(kind, stage);
    const card = f.card ? `${f.card.phaseAtKill ?? 'none yet'} → ${f.card.closed?.kind ?? 'OPEN'}` : 'none';
    const settled = f.settled ? `${f.settleMs} ms` : 'HUNG';
    console.log(`   ${`${kind} / ${stage}`.padEnd(32)} ${settled.padStart(10)}  ${String(f.orphans.length).padStart(7)}  ${card.padEnd(20)} ${(f.audit?.outcome ?? 'none').padEnd(10)} ${f.restarted ? 'yes' : 'no'}`);
    if (kind === 'sampling' && stage === 'model-running') console.log(`   ${''.padEnd(32)} model run aborted: ${f.modelAborted ? 'yes' : 'no'}`);
  }
  const one = await runKillStage('sampling', 'card-open');
  console.log(`   tool call error: ${one.error}`);
  console.log(`   card says:       ${one.card?.closed?.message}`);
}

async function flood(): Promise<void> {
  const f = await runFlood(1000, 10);
  const denied = f.byCode['-32003'];
  console.log(`3. ${f.n} sampling requests at once, maxRequestsPerMinute ${f.budget}`);
  console.log(`   cards opened        ${f.cards} (most open at once: ${f.maxOpen})`);
  console.log(`   budget errors       ${denied?.count ?? 0} (-32003), all answered within ${f.budgetErrorsMs} ms of the first request`);
  console.log(`   rejected by person  ${f.byCode['-1']?.count ?? 0} (-1)`);
  console.log(`   parallel tools/call ${f.parallelCall.ok ? 'completed' : 'FAILED'} in ${f.parallelCall.ms} ms during the flood`);
  console.log(`   left pending        cards ${f.after.pendingCards}, sessions ${f.after.activeSessions}, server requests ${f.after.pendingServerRequests}`);
}

async function main(): Promise<void> {
  await fuzz();
  await kills();
  await flood();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
