import { fileURLToPath } from 'node:url';
import { startEmulator } from '@wxpay-kit/emulator';
import { describe, expect, it } from 'vitest';

// The README's walkthrough script, run as written against an emulator started on a free port.
const script = fileURLToPath(new URL('../../../../examples/walkthrough.mjs', import.meta.url));

describe('README walkthrough', () => {
  it('authorizations.apply → user confirms → authorizations.get → authorizations.close, with both notifications', async () => {
    const emulator = await startEmulator({ dataDir: ':memory:' });
    try {
      const { runWalkthrough } = await import(script);
      const lines: string[] = [];
      const result = await runWalkthrough(emulator.url, (line: string) => lines.push(line));
      expect(result.applied.state).toBe('WAIT_USER_CONFIRM');
      expect(result.queried.state).toBe('TAKING_EFFECT');
      expect(result.queried.authorization_id).toMatch(/^\d{27}$/);
      expect(result.closed.state).toBe('CLOSED');
      expect(result.closed.close_info.close_reason).toBe('CLOSE_VIA_MCH_API');
      expect(result.events.map((e: { event_type: string }) => e.event_type)).toEqual([
        'MCHTRANSFER.AUTHORIZATION.CONFIRMED',
        'MCHTRANSFER.AUTHORIZATION.CLOSED',
      ]);
      expect(lines).toHaveLength(6);
    } finally {
      await emulator.close();
    }
  });
});
