// Preloaded into every benchmarked process (`node --import ./load-tests/probe/alloc-probe.mjs`): answers the
// benchmark's `{ type: 'cost-probe' }` message over the IPC channel with the bytes allocated on the JS heap
// since the process started, and its CPU time. Allocation is the heap's growth between collections, read
// from V8's GC profiler: the sum over collections of (used before this one − used after the last one),
// plus the growth since the last. Buffers' backing stores live outside the JS heap and are not counted.
// It also answers the time the main thread spent in those collections (each one's `cost`, µs), so a cost
// that grows faster than the work can be told apart as the collector's.
import { getHeapStatistics, GCProfiler } from 'node:v8';

let profiler = new GCProfiler();
profiler.start();
let allocated = 0;
let collectingUs = 0;
let lastUsed = getHeapStatistics().used_heap_size;

function allocatedSoFar() {
  const { statistics } = profiler.stop();
  for (const gc of statistics) {
    allocated += Math.max(0, gc.beforeGC.heapStatistics.usedHeapSize - lastUsed);
    lastUsed = gc.afterGC.heapStatistics.usedHeapSize;
    collectingUs += gc.cost;
  }
  profiler = new GCProfiler();
  profiler.start();
  const now = getHeapStatistics().used_heap_size;
  allocated += Math.max(0, now - lastUsed);
  lastUsed = now;
  return allocated;
}

if (process.send) {
  process.on('message', (message) => {
    if (message?.type !== 'cost-probe') return;
    const { user, system } = process.cpuUsage();
    const allocatedBytes = allocatedSoFar();
    process.send?.({ type: 'cost-probe', allocatedBytes, gcUs: collectingUs, cpuUs: user + system });
  });
  // The probe alone must not keep a process alive that would otherwise exit.
  process.channel?.unref();
}
