/**
 * The queue's Lua scripts: each runs atomically on the server, so two jobs never claim one unit and a unit
 * is acknowledged once. They read the server's clock (`TIME`), never a job's, so leases hold across
 * machines whose clocks differ. Every script takes the run's keys in {@link keyList} order, and answers
 * `lost` when the run's seed is gone (Redis restarted without persistence, the keys expired or were
 * cleared): the state is lost and the job must fail, never go on from nothing.
 */

/** Shared head of every script but the seed: the clock, the lost check, and keeping the run's expiry. */
const HEAD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('EXISTS', KEYS[1]) == 0 then return {'lost'} end
local function keep()
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then
    for i = 2, #KEYS do
      if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ttl) end
    end
  end
end
`;

/**
 * Seeds the queue once: `SET NX` of the seed record and the push of its units in one step, so a job that
 * finds the seed finds the whole queue. ARGV: the seed record (JSON), the TTL in seconds, the units.
 * Returns `{1, record}` when this call seeded, `{0, record}` with the record already there otherwise.
 */
export const SEED = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
local chunk = {}
for i = 3, #ARGV do
  chunk[#chunk + 1] = ARGV[i]
  if #chunk == 4000 then redis.call('RPUSH', KEYS[2], unpack(chunk)); chunk = {} end
end
if #chunk > 0 then redis.call('RPUSH', KEYS[2], unpack(chunk)) end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2])) end
return {1, ARGV[1]}
`;

/**
 * Claims a batch. ARGV: job, claim id (job, attempt and sequence: a retried claim returns the batch the
 * first one got), lease ms, batch size. First puts back the units whose lease ran out (their job stopped
 * its heartbeat: it died), counting for each unit the jobs it outlived; a unit that has now killed two
 * jobs goes to the failed set instead. Returns `{'batch', units JSON, pending, running}`,
 * `{'wait', '[]', 0, running, ms until the next lease ends}` while others hold the last units, or `{'done'}`.
 */
export const CLAIM = `${HEAD}
local job, id, lease, size = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local prior = redis.call('HGET', KEYS[9], id)
if prior then
  return {'batch', prior, redis.call('LLEN', KEYS[2]), redis.call('ZCARD', KEYS[3])}
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, unit in ipairs(expired) do
  redis.call('ZREM', KEYS[3], unit)
  redis.call('HDEL', KEYS[4], unit)
  if redis.call('HEXISTS', KEYS[5], unit) == 0 then
    if redis.call('HINCRBY', KEYS[6], unit, 1) >= 2 then
      redis.call('SADD', KEYS[7], unit)
    else
      redis.call('LPUSH', KEYS[2], unit)
    end
  end
end
local units = redis.call('LPOP', KEYS[2], size)
if units and #units > 0 then
  for _, unit in ipairs(units) do
    redis.call('ZADD', KEYS[3], now + lease, unit)
    redis.call('HSET', KEYS[4], unit, job)
  end
  local encoded = cjson.encode(units)
  redis.call('HSET', KEYS[9], id, encoded)
  keep()
  return {'batch', encoded, redis.call('LLEN', KEYS[2]), redis.call('ZCARD', KEYS[3])}
end
keep()
local running = redis.call('ZCARD', KEYS[3])
if running > 0 then
  local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  return {'wait', '[]', 0, running, math.max(0, tonumber(first[2]) - now)}
end
return {'done'}
`;

/**
 * Acknowledges units a job finished. ARGV: job, then the units. The first job to finish a unit owns its
 * acknowledgement (set once): a unit this job held, or one put back after its lease ran out and not taken
 * by another job yet (taken out of the queue again: it ran). Each unit answers `ok` (this job's, also on
 * a retry or a re-run), or the job that acknowledged it first. An acknowledged unit joins the job's ledger.
 */
export const ACK = `${HEAD}
local job = ARGV[1]
local ledger = cjson.decode(redis.call('HGET', KEYS[8], job) or '[]')
local out = {}
for i = 2, #ARGV do
  local unit = ARGV[i]
  local by = redis.call('HGET', KEYS[5], unit)
  if by == job then
    out[#out + 1] = 'ok'
  elseif by then
    out[#out + 1] = by
  else
    redis.call('HSET', KEYS[5], unit, job)
    if redis.call('HGET', KEYS[4], unit) == job then
      redis.call('ZREM', KEYS[3], unit)
      redis.call('HDEL', KEYS[4], unit)
    end
    redis.call('LREM', KEYS[2], 0, unit)
    redis.call('SREM', KEYS[7], unit)
    ledger[#ledger + 1] = unit
    out[#out + 1] = 'ok'
  end
end
if #ledger > 0 then redis.call('HSET', KEYS[8], job, cjson.encode(ledger)) end
keep()
return {'acked', cjson.encode(out)}
`;

/**
 * Renews the leases of the units a job holds. ARGV: job, lease ms, then the units. Returns
 * `{'renewed', n, lost}` where lost is how many of them the job no longer holds (its lease ran out and
 * another job took the unit).
 */
export const HEARTBEAT = `${HEAD}
local job, lease = ARGV[1], tonumber(ARGV[2])
local renewed, lost = 0, 0
for i = 3, #ARGV do
  if redis.call('HGET', KEYS[4], ARGV[i]) == job then
    redis.call('ZADD', KEYS[3], 'XX', now + lease, ARGV[i])
    renewed = renewed + 1
  elseif redis.call('HGET', KEYS[5], ARGV[i]) ~= job then
    lost = lost + 1
  end
end
return {'renewed', renewed, lost}
`;
