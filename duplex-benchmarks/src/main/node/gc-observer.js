'use strict';
// Preloaded into the Node contender by the scale scenario (node --require gc-observer.js ...): appends one line
// "PAUSE <ms> <kind>" per garbage collection (perf_hooks "gc" entries: the time the collection held the main
// thread) to the file named by DUPLEX_GC_LOG, which the harness reads. Nothing else changes in the contender.
const fs = require('fs');
const { PerformanceObserver, constants } = require('perf_hooks');

const file = process.env.DUPLEX_GC_LOG;
if (file) {
  const kinds = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  const fd = fs.openSync(file, 'a');
  const obs = new PerformanceObserver((list) => {
    let text = '';
    for (const e of list.getEntries()) {
      const kind = (e.detail && kinds[e.detail.kind]) || 'other';
      text += 'PAUSE ' + e.duration.toFixed(3) + ' ' + kind + '\n';
    }
    if (text) fs.writeSync(fd, text);
  });
  obs.observe({ entryTypes: ['gc'] });
}
