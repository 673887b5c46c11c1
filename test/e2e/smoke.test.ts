import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/testServer.js';

describe('a fresh server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.stop({ dropDatabase: true });
  });

  it('knows the bootstrap token as the secretariat', async () => {
    const data = await server.client().ok('{ viewer { name role } }');
    expect(data.viewer).toEqual({ name: 'Secretariat', role: 'SECRETARIAT' });
  });

  it('answers over WebSocket too', async () => {
    const result = await server.client().overSocket('{ viewer { role } }');
    expect(result.data).toEqual({ viewer: { role: 'SECRETARIAT' } });
  });
});
