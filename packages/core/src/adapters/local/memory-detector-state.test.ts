import { detectorStateContract } from '../../testing/detector-state-contract';
import { MemoryDetectorState } from './memory-detector-state';

detectorStateContract('in-process store', async () => {
  const state = new MemoryDetectorState();
  return { open: async () => state, dispose: async () => undefined };
});
