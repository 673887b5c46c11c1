import { describe, expect, it } from 'vitest';
import { CLOSE_REVOKED, CLOSE_TOO_MANY_CONNECTIONS, LiveConnections } from './liveConnections.js';

class FakeSocket {
  closed: { code: number; reason: string } | null = null;
  close(code: number, reason: string) {
    this.closed = { code, reason };
  }
}

describe('LiveConnections', () => {
  it('admits up to the limit per caller key, refuses the next with 4029 naming the variable, and admits again after a release', () => {
    const connections = new LiveConnections(2);
    const [a, b, c] = [new FakeSocket(), new FakeSocket(), new FakeSocket()];
    expect(connections.admit(a, 'token:x', 'p1')).toEqual({ ok: true });
    expect(connections.admit(b, 'token:x', 'p1')).toEqual({ ok: true });
    const refused = connections.admit(c, 'token:x', 'p1');
    expect(refused).toMatchObject({ ok: false, code: CLOSE_TOO_MANY_CONNECTIONS });
    expect(refused.ok === false && refused.reason).toMatch(/DRAFTROOM_MAX_CONNECTIONS_PER_TOKEN/);
    expect(Buffer.byteLength(refused.ok === false ? refused.reason : '')).toBeLessThanOrEqual(123);
    connections.release(a);
    expect(connections.admit(c, 'token:x', 'p1')).toEqual({ ok: true });
    expect(connections.count('token:x')).toBe(2);
  });

  it('counts each caller key on its own; 0 means unlimited', () => {
    const limited = new LiveConnections(1);
    expect(limited.admit(new FakeSocket(), 'token:x', 'p1').ok).toBe(true);
    expect(limited.admit(new FakeSocket(), 'token:y', 'p2').ok).toBe(true);
    const unlimited = new LiveConnections(0);
    for (let i = 0; i < 500; i++) expect(unlimited.admit(new FakeSocket(), 'token:x', 'p1').ok).toBe(true);
  });

  it("revoke closes every socket of that participant with 4003 and no other's, and refuses that participant from then on", () => {
    const connections = new LiveConnections(10);
    const mine = [new FakeSocket(), new FakeSocket()];
    const other = new FakeSocket();
    for (const s of mine) connections.admit(s, 'token:x', 'p1');
    connections.admit(other, 'token:y', 'p2');
    expect(connections.revoke('p1')).toBe(2);
    for (const s of mine) expect(s.closed).toEqual({ code: CLOSE_REVOKED, reason: 'this token was revoked' });
    expect(other.closed).toBeNull();
    expect(connections.count('token:x')).toBe(0);
    expect(connections.admit(new FakeSocket(), 'token:x', 'p1')).toMatchObject({ ok: false, code: CLOSE_REVOKED });
    expect(connections.participants()).toEqual(['p2']);
  });

  it('releasing a socket twice, or one never admitted, changes nothing', () => {
    const connections = new LiveConnections(1);
    const a = new FakeSocket();
    connections.admit(a, 'address:1.2.3.4', null);
    connections.release(a);
    connections.release(a);
    connections.release(new FakeSocket());
    expect(connections.count('address:1.2.3.4')).toBe(0);
    expect(connections.admit(new FakeSocket(), 'address:1.2.3.4', null).ok).toBe(true);
  });
});
