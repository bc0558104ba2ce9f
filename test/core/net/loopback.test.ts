import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../../src/core/net/loopback.js';

describe('isLoopbackHost', () => {
  it('loopback: 127.0.0.0/8, ::1 in any spelling, mapped 127.x, localhost', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', '[::1]', '0:0:0:0:0:0:0:1', '0000::0001', '::ffff:127.0.0.1', 'localhost', 'LocalHost', 'api.localhost']) {
      expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: true });
    }
  });

  it('beyond loopback: wildcards, other addresses, names, and malformed text', () => {
    for (const host of ['0.0.0.0', '::', '[::]', '10.0.0.1', '128.0.0.1', '::2', '1::1', '::ffff:10.0.0.1', '::ffff:0:127.0.0.1', '127.0.0.256', 'example.com', 'localhost.example.com', 'vm', '', '1:2:3:4:5:6:7:8:9']) {
      expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: false });
    }
  });
});
