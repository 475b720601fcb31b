import Testing

@testable import QuireJobs

/// The wake signal's timed waits sleep in slices (a cancelled `Task.sleep` keeps its memory
/// until the time it was set for on Linux), which must not change when they return.
@Suite struct WakeSignalTests {
    @Test func aSlicedSleepLastsItsWholeDuration() async {
        let clock = ContinuousClock()
        let took = await clock.measure { await WakeSignal.sleep(.milliseconds(350), slice: .milliseconds(100)) }
        #expect(took >= .milliseconds(350))
    }

    @Test func aLongWaitEndsAtOnceWhenNotified() async {
        let signal = WakeSignal()
        let seen = signal.generation
        let clock = ContinuousClock()
        let took = await clock.measure {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await signal.wait(after: seen, timeout: .seconds(3600)) }
                try? await Task.sleep(for: .milliseconds(50))
                signal.notify()
            }
        }
        // Far below the hour it would wait unnotified, whatever the machine's load (a loaded CI
        // run took 14 s for what takes 50 ms).
        #expect(took < .seconds(300))
    }

    @Test func aTimedWaitWithoutNotifyEndsAfterItsTimeout() async {
        let signal = WakeSignal()
        let clock = ContinuousClock()
        let took = await clock.measure { await signal.wait(after: signal.generation, timeout: .milliseconds(1_200)) }
        #expect(took >= .milliseconds(1_200))
    }
}
