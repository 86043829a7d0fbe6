import Foundation

/// Polls `condition` until it holds or `timeout` passes; whether it held.
public func waitUntil(_ timeout: Duration, _ condition: () -> Bool) -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}
