import IlluminatiCommandLine
import Testing

@Suite struct AgeArgumentTests {
    @Test(arguments: [
        ("7d", 604_800), ("12h", 43_200), ("30m", 1_800), ("45s", 45), ("2w", 1_209_600), ("0s", 0),
        ("1h30m", 5_400), ("30m1h", 5_400), ("1d12h", 129_600), ("007d", 604_800), ("90m", 5_400),
        ("36500d", 3_153_600_000),
    ] as [(String, Int64)])
    func parsesAges(text: String, seconds: Int64) {
        #expect(AgeArgument(argument: text)?.duration == .seconds(seconds))
    }

    @Test(arguments: ["", "7", "d", "7x", "7 d", "-7d", "7d ", "1.5h", "7D", "h7", "1h30", "٣d", "36501d",
                      "99999999999999999999s"])
    func refusesWhatIsNoAge(text: String) {
        #expect(AgeArgument(argument: text) == nil)
    }
}

@Suite struct AgeTextTests {
    @Test(arguments: [(604_800, "7d"), (1_209_600, "14d"), (86_400, "1d"), (43_200, "12h"), (5_400, "1h30m"), (45, "45s"), (0, "0s"),
                      (694_861, "8d1h1m1s")] as [(Int64, String)])
    func writesAgesInDaysHoursMinutesSeconds(seconds: Int64, text: String) {
        #expect(AgeArgument.text(seconds: seconds) == text)
        #expect(AgeArgument(argument: text)?.duration == .seconds(seconds))
    }
}
