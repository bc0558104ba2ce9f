// Test-only preload (`node --import` through NODE_OPTIONS): a child process, such as the real
// CLI, resolves the names in BERTH_TEST_RESOLVE (`name=address,...`) to those addresses, so a
// test reaches a domain at a test edge without touching the host's /etc/hosts. Other names
// resolve as usual. Never a product setting.
import dns from 'node:dns';
import process from 'node:process';

const names = new Map(
  (process.env.BERTH_TEST_RESOLVE ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=')),
);
const lookup = dns.lookup;
const family = (address) => (address.includes(':') ? 6 : 4);

dns.lookup = function (hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' || options === undefined ? {} : typeof options === 'number' ? { family: options } : options;
  const address = names.get(String(hostname).toLowerCase());
  if (address === undefined) return lookup.call(this, hostname, options, callback);
  process.nextTick(() => (opts.all ? cb(null, [{ address, family: family(address) }]) : cb(null, address, family(address))));
  return {};
};

const lookupPromise = dns.promises.lookup;
dns.promises.lookup = async function (hostname, options) {
  const address = names.get(String(hostname).toLowerCase());
  if (address === undefined) return lookupPromise.call(this, hostname, options);
  const found = { address, family: family(address) };
  return options?.all ? [found] : found;
};
