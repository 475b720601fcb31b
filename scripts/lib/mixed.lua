-- The mixed-load scenario of scripts/bench (issue 16): wrk's connections act as the seeded users,
-- chosen by a Zipf distribution (a few users very active, most rarely), 90% reads and 10% writes.
--
--   wrk ... -s scripts/lib/mixed.lua BASE -- SESSIONS USERS EDITIONS STATUSES [COLD]
--
-- SESSIONS: a file of signed-in users, one "token shelf_id user_id" line each, in Zipf rank order
-- (the first is the most active); USERS, EDITIONS, STATUSES: the seeded ids run from 1 to these.
--
-- Reads (90 in 100): home timeline 25, a profile 20, an edition 20, a status 15, a user's
-- statuses 10. Writes (10 in 100): a like 3, a shelving 3, a note 2, a follow 2; each is
-- idempotent (a second like is the same like), so a repeated pick is not an error.
--
-- What a reader opens is what readers are shown: the statuses, accounts and books of the home
-- pages and status lists this thread's readers got back (the last 4,096 of each, kept by
-- response()). A share COLD of the picks (default 0.05, 0 to 1) is instead drawn by a Zipf rank
-- over the whole seed, as links from outside would be; so is every pick until something has
-- been shown. COLD 1 is the earlier rule (every pick over the whole seed), under which no cache
-- much smaller than the seed can hit most reads: P(rank <= k) = ln(k+1) / ln(n+1).
-- QUIRE_MIXED_PAUSE_MS (environment): each connection waits this long on average before each
-- request, as people do (pause.lua); the run is then paced, and its latency is the server's
-- own rather than connections over throughput (Little's law).
-- done() prints one line: QUIRE_MIXED requests seconds p50_us p99_us reads writes 2xx 4xx 5xx
-- socket_errors. `counts` is global: done() reads it from each thread.

local threads = {}

-- The pause rule is pause.lua's, beside this file, which scripts/bench's paced rows share.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "pause.lua")
paced(tonumber(os.getenv("QUIRE_MIXED_PAUSE_MS") or "0") or 0)

function setup(thread)
    table.insert(threads, thread)
    thread:set("seed", #threads)
end

local sessions = {}
local users, editions, statuses = 0, 0, 0
local cold = 0.05
-- What this thread's readers were shown, each a ring of the last `shown_size` ids or names.
local shown_size = 4096
local shown = { statuses = { n = 0 }, users = { n = 0 }, editions = { n = 0 } }
counts = { reads = 0, writes = 0, s2 = 0, s4 = 0, s5 = 0 }

function init(args)
    for line in io.lines(args[1]) do
        local token, shelf, id = line:match("^(%S+) (%S+) (%S+)$")
        if token then table.insert(sessions, { token = token, shelf = shelf, id = tonumber(id) }) end
    end
    users, editions, statuses = tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
    if args[5] then cold = tonumber(args[5]) end
    assert(cold and cold >= 0 and cold <= 1, "mixed.lua: COLD is a share from 0 to 1")
    assert(#sessions > 0 and users > 0 and editions > 0 and statuses > 0, "mixed.lua: SESSIONS USERS EDITIONS STATUSES")
    -- Each thread its own sequence.
    math.randomseed(os.time() * 100 + seed)
end

-- A Zipf rank in 1...n with exponent 1 (P(r) proportional to 1/r), by the inverse of its
-- continuous approximation: no table, so it costs the same for 1,000,000 editions as for 10.
local function zipf(n)
    local r = math.floor(math.exp(math.random() * math.log(n + 1)))
    if r < 1 then return 1 elseif r > n then return n end
    return r
end

-- Rank r's id: ranks are spread over the ids by a stride prime to n, so the popular rows are not
-- all the oldest.
local function spread(r, n)
    local stride = 7919
    if n % stride == 0 then stride = 7927 end
    return ((r - 1) * stride) % n + 1
end

local function remember(ring, value)
    local slot = ring.n % shown_size + 1
    ring[slot] = value
    ring.n = ring.n + 1
end

-- One of `ring`'s values, or nil for a cold pick (or when nothing has been shown yet).
local function seen(ring)
    if ring.n == 0 or math.random() < cold then return nil end
    return ring[math.random(math.min(ring.n, shown_size))]
end

local function get(session, path)
    counts.reads = counts.reads + 1
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. session.token })
end

local function write(session, method, path, body)
    counts.writes = counts.writes + 1
    local headers = { ["Authorization"] = "Bearer " .. session.token }
    if body then headers["Content-Type"] = "application/json" end
    return wrk.format(method, path, headers, body)
end

local notes = 0

function request()
    local session = sessions[zipf(#sessions)]
    local pick = math.random(100)
    local user = spread(zipf(users), users)
    -- Each drawn only by the requests that use it: wrk shares the server's cores.
    local function status() return seen(shown.statuses) or spread(zipf(statuses), statuses) end
    local function edition() return seen(shown.editions) or spread(zipf(editions), editions) end
    local function name() return seen(shown.users) or ("reader" .. user) end
    if pick <= 25 then return get(session, "/v1/timelines/home?limit=20")
    elseif pick <= 45 then return get(session, "/v1/users/" .. name())
    elseif pick <= 65 then return get(session, "/v1/editions/" .. edition())
    elseif pick <= 80 then return get(session, "/v1/statuses/" .. status())
    elseif pick <= 90 then return get(session, "/v1/users/" .. name() .. "/statuses?limit=20")
    elseif pick <= 93 then return write(session, "POST", "/v1/statuses/" .. status() .. "/like")
    elseif pick <= 96 then
        return write(session, "PUT", "/v1/shelves/" .. session.shelf .. "/books/" .. edition())
    elseif pick <= 98 then
        notes = notes + 1
        return write(session, "POST", "/v1/statuses", '{"type":"note","body":"mixed load note ' .. notes .. '"}')
    else
        if user == session.id then user = user % users + 1 end
        return write(session, "POST", "/v1/users/reader" .. user .. "/follow")
    end
end

function response(status, headers, body)
    if status >= 500 then counts.s5 = counts.s5 + 1
    elseif status >= 400 then counts.s4 = counts.s4 + 1
    else counts.s2 = counts.s2 + 1 end
    -- A list of statuses (a home page, a user's statuses): what its reader was shown. A status
    -- object opens with its id and type; its account and book carry a username and an id.
    if status == 200 and body and body:sub(1, 10) == '{"items":[' then
        for id in body:gmatch('{"id":(%d+),"type":"') do remember(shown.statuses, id) end
        for name in body:gmatch('"username":"([%w_]+)"') do remember(shown.users, name) end
        for id in body:gmatch('"book":{"id":(%d+)') do remember(shown.editions, id) end
    end
end

function done(summary, latency, requests)
    local reads, writes, s2, s4, s5 = 0, 0, 0, 0, 0
    for _, thread in ipairs(threads) do
        local c = thread:get("counts")
        reads, writes = reads + c.reads, writes + c.writes
        s2, s4, s5 = s2 + c.s2, s4 + c.s4, s5 + c.s5
    end
    local e = summary.errors
    io.write(string.format("QUIRE_MIXED %d %.3f %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration / 1e6,
        latency:percentile(50), latency:percentile(99), reads, writes, s2, s4, s5, e.connect + e.read + e.write + e.timeout))
end
