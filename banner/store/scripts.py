"""Server-side Lua for consent writes: one round trip each, and idempotent by consent id.

Idempotence is what makes the outage spool safe: replaying an entry that already reached
Redis changes nothing. All keys of one call share the hash tag of the consent's bucket
(:mod:`banner.store.keys`), so one Cluster slot.
"""

from __future__ import annotations

#: Adds a consent id to the revoked set and drops the entries no live token can carry any more.
_REVOKE = """
local function revoke(key, consent_id, now_ms, expired_ms)
  redis.call('ZADD', key, now_ms, consent_id)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. expired_ms)
end
"""

# KEYS: record, log, dnt log, gpc log, revoked
# ARGV: record JSON, ttl, min stream id, log fields JSON, dnt JSON, gpc JSON,
#       replaced consent id (or ''), now ms, oldest revocation still needed (ms), entry id ('*' = now)
# Returns 1 when stored, 0 when this consent id was stored before.
SAVE_CONSENT = (
    _REVOKE
    + """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 0 end
local function append(key, fields_json)
  local args = {key, 'MINID', ARGV[3], ARGV[10]}
  for field, value in pairs(cjson.decode(fields_json)) do
    args[#args + 1] = field
    args[#args + 1] = value
  end
  redis.call('XADD', unpack(args))
end
append(KEYS[2], ARGV[4])
-- a signal log without a new entry is still trimmed, so old entries leave on time
for i, key in ipairs({KEYS[3], KEYS[4]}) do
  if ARGV[4 + i] ~= '' then append(key, ARGV[4 + i]) else redis.call('XTRIM', key, 'MINID', ARGV[3]) end
end
-- the choice this one replaces stops counting everywhere
if ARGV[7] ~= '' then revoke(KEYS[5], ARGV[7], ARGV[8], ARGV[9]) end
return 1
"""
)

# KEYS: record, log, revoked
# ARGV: withdrawn_at, min stream id, now ms, oldest revocation still needed (ms), consent id, entry id
# Returns 2 when the record is withdrawn now, 1 when it was withdrawn before, 0 when it is unknown.
WITHDRAW = (
    _REVOKE
    + """
-- the token stops counting even when its record is gone: we signed it, so the id was ours
revoke(KEYS[3], ARGV[5], ARGV[3], ARGV[4])
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local record = cjson.decode(raw)
local long = record['i'] == nil  -- a record stored before the compact form (banner.store.codec)
local withdrawn = long and 'withdrawn_at' or 'w'
if record[withdrawn] ~= cjson.null and record[withdrawn] ~= nil then return 1 end
record[withdrawn] = ARGV[1]
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
redis.call('XADD', KEYS[2], 'MINID', ARGV[2], ARGV[6], 'type', 'withdrawn',
  'id', ARGV[5], 'action', long and record['action'] or record['a'])
return 2
"""
)
