@testable import QuireAPI
import Testing

/// The throttle's arithmetic, on a clock the test moves by hand. What a user sees of it is in
/// SessionsAPITests; nothing here touches a database.
@Suite struct LoginThrottleTests {
    let start = ContinuousClock.now
    func at(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }

    /// One wrong attempt: nil when admitted (and then failed), else the Retry-After given.
    func fail(_ throttle: LoginThrottle, _ keys: [LoginThrottle.Key], at now: ContinuousClock.Instant) async -> Int? {
        switch await throttle.admit(keys, now: now) {
        case .admitted(let reservation):
            await throttle.finish(reservation, succeeded: false, now: now)
            return nil
        case .refused(let seconds):
            return seconds
        }
    }

    @Test func pastTheFreeFailuresEachFailureDoublesTheWaitUpToTheCap() async {
        // setup
        let throttle = LoginThrottle()
        let pair: [LoginThrottle.Key] = [.pair(account: "ada", address: "203.0.113.9")]
        var now = at(0)
        for _ in 0..<5 { #expect(await fail(throttle, pair, at: now) == nil) }

        // call
        var waits: [Int] = []
        for _ in 0..<8 {
            guard let wait = await fail(throttle, pair, at: now) else { Issue.record("admitted before its wait"); return }
            waits.append(wait)
            now = now + .seconds(wait)
            #expect(await fail(throttle, pair, at: now) == nil, "admitted once the wait is over")
        }

        // check
        #expect(waits == [30, 60, 120, 240, 480, 900, 900, 900])
    }

    @Test func anAddressHasTwentyFreeFailures() async {
        let throttle = LoginThrottle()
        for index in 0..<20 {
            #expect(await fail(throttle, [.address("203.0.113.9"), .pair(account: "user\(index)", address: "203.0.113.9")], at: at(0)) == nil)
        }
        #expect(await fail(throttle, [.address("203.0.113.9"), .pair(account: "another", address: "203.0.113.9")], at: at(0)) == 30)
        #expect(await fail(throttle, [.address("198.51.100.7"), .pair(account: "another", address: "198.51.100.7")], at: at(0)) == nil)
    }

    @Test func attemptsStillBeingCheckedUseUpTheFreeFailures() async {
        // setup
        let throttle = LoginThrottle()
        let pair: [LoginThrottle.Key] = [.pair(account: "ada", address: "203.0.113.9")]

        // call
        var reservations: [LoginThrottle.Reservation] = []
        for _ in 0..<5 {
            if case .admitted(let reservation) = await throttle.admit(pair, now: at(0)) { reservations.append(reservation) }
        }
        let sixth = await throttle.admit(pair, now: at(0))
        await throttle.abandon(reservations[0])
        let afterOneGaveBack = await throttle.admit(pair, now: at(0))

        // check
        #expect(reservations.count == 5)
        guard case .refused(let wait) = sixth else { Issue.record("the sixth attempt in flight was admitted"); return }
        #expect(wait == 1)
        guard case .admitted = afterOneGaveBack else { Issue.record("an abandoned attempt kept its place"); return }
    }

    @Test func aKeyStartsAfreshAnHourAfterItsLastFailure() async {
        let throttle = LoginThrottle()
        let pair: [LoginThrottle.Key] = [.pair(account: "ada", address: "203.0.113.9")]
        for _ in 0..<5 { _ = await fail(throttle, pair, at: at(0)) }
        #expect(await fail(throttle, pair, at: at(30 * 60)) == nil)
        #expect(await fail(throttle, pair, at: at(30 * 60)) == 60, "half an hour on, the count goes on")
        for _ in 0..<5 { #expect(await fail(throttle, pair, at: at(30 * 60 + 60 * 60)) == nil) }
    }

    @Test func theKeysKeptStayBoundedUnderAFloodOfAddresses() async {
        let throttle = LoginThrottle(maxKeys: 1000)
        for index in 0..<5000 {
            _ = await fail(throttle, [.address("a\(index)"), .pair(account: "ada", address: "a\(index)")], at: at(0))
        }
        #expect(await throttle.keyCount <= 1000)
    }
}
