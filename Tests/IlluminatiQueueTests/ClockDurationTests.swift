import IlluminatiQueue
import Testing

/// `submit --duration HH:MM:SS`, and the limit as errors name it.
@Suite struct ClockDurationTests {
    @Test(arguments: [
        ("00:15:00", 900), ("01:30:00", 5400), ("00:00:01", 1), ("23:59:59", 86_399), ("24:00:00", 86_400),
        ("48:00:00", 172_800), ("100:00:00", 360_000), ("1:02:03", 3723), ("0:00:59", 59), ("00:59:00", 3540),
    ] as [(String, Int64)])
    func parsesWholeSeconds(text: String, seconds: Int64) throws {
        #expect(try ClockDuration.parse(text) == .seconds(seconds))
    }

    @Test(arguments: [
        "", "15:00", "900", "00:00:00", "0:00:00", "00:60:00", "00:00:60", "00:0:00", "00:00:0", "00:000:00",
        "-1:00:00", "+1:00:00", "01:-1:00", "aa:bb:cc", "00:00:00:01", " 00:01:00", "00:01:00 ", "00:01:0x",
        "١٢:00:00", "1.5:00:00", "::", "99999999999:00:00",
    ])
    func refusesWhatIsNotHoursMinutesSeconds(text: String) {
        #expect(throws: ClockDuration.Invalid(text: text)) { try ClockDuration.parse(text) }
    }

    @Test func theErrorSaysWhatToWrite() {
        #expect(ClockDuration.Invalid(text: "1:60:00").description
                == #""1:60:00" is not a duration: write HH:MM:SS (e.g. 01:30:00), minutes and seconds below 60, more than 00:00:00"#)
    }

    @Test(arguments: [
        (Duration.seconds(900), "00:15:00"), (.seconds(1), "00:00:01"), (.seconds(86_399), "23:59:59"),
        (.seconds(360_000), "100:00:00"), (.seconds(3723), "01:02:03"), (.milliseconds(300), "00:00:00.300"),
        (.seconds(0.3), "00:00:00.300"), (.milliseconds(61_005), "00:01:01.005"), (.zero, "00:00:00"),
        (.seconds(-5), "00:00:00"),
    ])
    func formats(duration: Duration, text: String) {
        #expect(ClockDuration.format(duration) == text)
    }

    @Test func formatsWhatItParses() throws {
        for text in ["00:00:01", "00:15:00", "12:34:56", "100:00:00"] {
            #expect(ClockDuration.format(try ClockDuration.parse(text)) == text)
        }
    }
}
