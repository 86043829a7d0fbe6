/// Exponential backoff with "equal jitter": the n-th delay (n from 1) is drawn from
/// [d/2, d] with d = min(cap, base·2^(n−1)). Half the delay is guaranteed, so retries never
/// hammer; the random half spreads many clients that failed at the same moment.
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration, cap: Duration) {
        self.base = base
        self.cap = max(cap, base)
    }

    /// The upper bound d of the n-th delay.
    public func ceiling(attempt: Int) -> Duration {
        let exponent = Double(max(attempt, 1) - 1)
        let seconds = min(cap.inSeconds, base.inSeconds * pow2(exponent))
        return .seconds(seconds)
    }

    /// The n-th delay; `unit` is a random number in [0, 1] (injected so tests are exact).
    public func delay(attempt: Int, unit: Double) -> Duration {
        let ceiling = ceiling(attempt: attempt).inSeconds
        return .seconds(ceiling * (0.5 + 0.5 * min(max(unit, 0), 1)))
    }

    public func delay(attempt: Int) -> Duration {
        delay(attempt: attempt, unit: Double.random(in: 0...1))
    }

    private func pow2(_ exponent: Double) -> Double {
        // 2^1024 overflows a Double; the cap has long been reached by then.
        exponent >= 1000 ? .infinity : Double(sign: .plus, exponent: Int(exponent), significand: 1)
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var inSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }
}
