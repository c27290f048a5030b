import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { IdleWatchdog } from '../../src/host/connectionSupport';

// Real timers (the watchdog notes activity and re-arms its one timer when it runs, which is what is under test). Every check
// sits at least a quarter of the idle time away from the moment it tells apart, so a busy machine (CI runs
// test files in parallel on two cores) cannot move a timer across it: 400 ms of idle.
const MS = 400;

describe('IdleWatchdog', () => {
  it('fires once after the idle time', async () => {
    let fired = 0;
    const w = new IdleWatchdog(MS, () => fired++);
    await sleep(MS * 3);
    assert.equal(fired, 1);
    w.dispose();
  });

  it('a touch restarts the idle time', async () => {
    let fired = 0;
    const w = new IdleWatchdog(MS, () => fired++);
    for (let i = 0; i < 5; i++) {
      await sleep(MS / 3);
      w.touch();
    }
    assert.equal(fired, 0, 'touched every third of the idle time: never idle');
    await sleep(MS * 3);
    assert.equal(fired, 1);
    w.dispose();
  });

  it('does not fire while paused, even past its time, and resume restarts the whole idle time', async () => {
    let fired = 0;
    const w = new IdleWatchdog(MS, () => fired++);
    w.pause();
    w.touch();
    await sleep(MS * 3);
    assert.equal(fired, 0, 'paused past the idle time');
    w.resume();
    await sleep(MS / 2);
    assert.equal(fired, 0, 'resume gives a whole idle time again');
    await sleep(MS * 3);
    assert.equal(fired, 1, 'fires once idle after the resume');
    w.dispose();
  });

  it('a pause and resume before the time runs out restarts it', async () => {
    let fired = 0;
    const w = new IdleWatchdog(MS, () => fired++);
    await sleep(MS / 2);
    w.pause();
    w.resume();
    await sleep(MS * 0.75);
    assert.equal(fired, 0);
    await sleep(MS * 3);
    assert.equal(fired, 1);
    w.dispose();
  });

  it('never fires after dispose, whatever is called after it', async () => {
    let fired = 0;
    const w = new IdleWatchdog(MS, () => fired++);
    w.pause();
    w.dispose();
    w.resume();
    w.touch();
    await sleep(MS * 3);
    assert.equal(fired, 0);
  });
});
