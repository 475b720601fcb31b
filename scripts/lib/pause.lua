-- Paced load for wrk (issue 16), loaded with dofile by mixed.lua and by scripts/bench's paced
-- scenarios: paced(mean) makes each connection wait before each request, as people do, so the
-- run's latency is the server's own rather than connections over throughput (Little's law).
--
-- Each wait is drawn from an exponential distribution of mean `mean` milliseconds (at most 10
-- times it), as independent people's are: a fixed wait kept the connections in step, so the run
-- began with all 64 requests at once and they stayed bunched (PostgreSQL, large seed: 46 of the
-- 47 requests past 25 ms of a 3,136-request run were the first burst's, queued behind each other;
-- p99 44 ms). A mean of 0 leaves wrk unpaced (no delay() at all).
function paced(mean)
    if mean > 0 then
        function delay()
            return math.floor(math.min(-mean * math.log(1 - math.random()), 10 * mean) + 0.5)
        end
    end
end
