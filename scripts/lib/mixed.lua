-- The mixed-load scenario of scripts/bench (issue 16): wrk's connections act as the seeded users,
-- chosen by a Zipf distribution (a few users very active, most rarely), 90% reads and 10% writes.
--
--   wrk ... -s scripts/lib/mixed.lua BASE -- SESSIONS USERS EDITIONS STATUSES
--
-- SESSIONS: a file of signed-in users, one "token shelf_id user_id" line each, in Zipf rank order
-- (the first is the most active); USERS, EDITIONS, STATUSES: the seeded ids run from 1 to these.
-- What a request reads (a profile, an edition, a status) is Zipf-chosen over all of them.
--
-- Reads (90 in 100): home timeline 25, a profile 20, an edition 20, a status 15, a user's
-- statuses 10. Writes (10 in 100): a like 3, a shelving 3, a note 2, a follow 2; each is
-- idempotent (a second like is the same like), so a repeated pick is not an error.
-- done() prints one line: QUIRE_MIXED requests seconds p50_us p99_us reads writes 2xx 4xx 5xx
-- socket_errors. `counts` is global: done() reads it from each thread.

local threads = {}

function setup(thread)
    table.insert(threads, thread)
    thread:set("seed", #threads)
end

local sessions = {}
local users, editions, statuses = 0, 0, 0
counts = { reads = 0, writes = 0, s2 = 0, s4 = 0, s5 = 0 }

function init(args)
    for line in io.lines(args[1]) do
        local token, shelf, id = line:match("^(%S+) (%S+) (%S+)$")
        if token then table.insert(sessions, { token = token, shelf = shelf, id = tonumber(id) }) end
    end
    users, editions, statuses = tonumber(args[2]), tonumber(args[3]), tonumber(args[4])
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
    if pick <= 25 then return get(session, "/v1/timelines/home?limit=20")
    elseif pick <= 45 then return get(session, "/v1/users/reader" .. user)
    elseif pick <= 65 then return get(session, "/v1/editions/" .. spread(zipf(editions), editions))
    elseif pick <= 80 then return get(session, "/v1/statuses/" .. spread(zipf(statuses), statuses))
    elseif pick <= 90 then return get(session, "/v1/users/reader" .. user .. "/statuses?limit=20")
    elseif pick <= 93 then return write(session, "POST", "/v1/statuses/" .. spread(zipf(statuses), statuses) .. "/like")
    elseif pick <= 96 then
        return write(session, "PUT", "/v1/shelves/" .. session.shelf .. "/books/" .. spread(zipf(editions), editions))
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
