import Foundation
import IlluminatiServer
import IlluminatiTestSupport
import Testing

/// Headless Chromium on the queue dashboard of a server started with an admin token: the dead
/// letter shows with its error and file; retry with a wrong token is refused and changes
/// nothing; retry with the right one moves the job back to `available` in the database.
@Suite(.tags(.database, .process, .browser)) struct QueueBrowserTests {
    @Test(.browserInstalled, .timeLimit(.minutes(3)))
    func aDeadLetterShowsAndRetryWithTheTokenQueuesItAgain() async throws {
        let database = try DeadLetterDatabase.make(try await fixture())
        try await fixture().withServer({ configuration in
            configuration.conninfo = database.conninfo
            configuration.adminToken = try AdminToken(QueueRouteTests.token)
        }) { server in
            let browser = try await WebDriver.start(log: "chromedriver-queue.log")
            defer { browser.stop() }
            try await browser.open("http://127.0.0.1:\(server.port)/queue")
            let row = "document.querySelector('tr[data-job=\"\(database.job)\"]')"
            try await browser.waitUntil("return !!\(row)", seconds: 60)
            let shown = try #require(try await browser.execute("return \(row).textContent") as? String)
            #expect(shown.contains(DeadLetterDatabase.error) && shown.contains("/images/plate1/A01_s0_GFP.tif"), "\(shown)")
            let build = try await browser.execute("return document.querySelector('.build').textContent") as? String
            #expect(build?.contains("build \(database.build)") == true && build?.contains("0/1") == true, "\(build ?? "")")
            let workers = try await browser.execute("return document.getElementById('workers').textContent") as? String
            #expect(workers?.contains("queue-host") == true, "\(workers ?? "")")
            _ = try await browser.screenshot(to: "\(BrowserTests.artifacts)/queue-dead-letter.png")

            func retry(token: String) async throws {
                try await browser.execute("""
                    document.getElementById('token').value = '\(token)';
                    document.querySelector('button[data-action="retry-job"][data-job="\(database.job)"]').click();
                    """)
            }
            try await retry(token: "wrong-wrong-wrong-wrong")
            try await browser.waitUntil("return document.getElementById('message').textContent.includes('wrong admin token')",
                                        seconds: 30)
            #expect(try database.jobState() == "failed")
            try await retry(token: QueueRouteTests.token)
            try await browser.waitUntil("return !\(row) && document.getElementById('message').textContent.includes('1 job(s)')",
                                        seconds: 30)
            #expect(try database.jobState() == "available")
            _ = try await browser.screenshot(to: "\(BrowserTests.artifacts)/queue-retried.png")
        }
    }
}
