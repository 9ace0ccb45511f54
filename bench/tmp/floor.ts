import { aedesPublishCpu, aedesQos1, duckdbIdempotentInsertCpu, lmdbWriteCpu } from '../baselines';
const q = await aedesQos1(30000, 64);
console.log('aedes', Math.round(q.perSecond), 'cpu/msg', q.cpuMicrosPerMessage.toFixed(1));
console.log('aedes publish only cpu/msg', (await aedesPublishCpu(30000, 64)).toFixed(1));
for (const n of [100, 500]) console.log('duckdb', n, (await duckdbIdempotentInsertCpu(50000, n)).toFixed(1));
console.log('lmdb', (await lmdbWriteCpu(50000, 200)).toFixed(1));
process.exit(0);
