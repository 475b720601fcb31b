import Foundation

/// Counts failed logins per account and per client address in a sliding window and refuses
/// further attempts past the limit (429 with Retry-After). It lives in the process: with several
/// Quire processes each enforces its own window, which still bounds guessing to a small multiple.
public actor LoginThrottle {
    let window: TimeInterval
    let limits: [String: Int]
    private var failures: [String: [Date]] = [:]

    /// Five failures per account and twenty per address in fifteen minutes by default.
    public init(window: TimeInterval = 15 * 60, accountLimit: Int = 5, addressLimit: Int = 20) {
        self.window = window
        self.limits = ["account": accountLimit, "address": addressLimit]
    }

    /// Seconds to wait before the next attempt is allowed, or nil when it is allowed now.
    func retryAfter(_ keys: [String], now: Date = Date()) -> Int? {
        keys.compactMap { key -> Int? in
            let recent = prune(key, now: now)
            guard let limit = limit(for: key), recent.count >= limit, let oldest = recent.first else { return nil }
            return max(1, Int((oldest.addingTimeInterval(window).timeIntervalSince(now)).rounded(.up)))
        }.max()
    }

    func recordFailure(_ keys: [String], now: Date = Date()) {
        for key in keys { failures[key, default: []].append(now) }
    }

    func recordSuccess(_ key: String) {
        failures[key] = nil
    }

    private func limit(for key: String) -> Int? {
        key.split(separator: ":").first.flatMap { limits[String($0)] }
    }

    private func prune(_ key: String, now: Date) -> [Date] {
        let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }
}
