import IlluminatiTestSupport
import Testing

@Suite(.tags(.database, .process)) struct MetricsLintTests {
    /// What the server exports after tiles, metadata, a HEAD and 404s passes Prometheus' linter,
    /// and a 404 is a request like the others: in the request histogram, with its status.
    @Test func serverMetricsPassPromtool() async throws {
        let f = try await fixture()
        let tile = "/dzi/\(f.experimentID)/\(f.layers[0])_files/0/0_0.jpg"
        #expect(try await f.get(tile).status == 200)
        #expect(try await f.get(tile, method: "HEAD").status == 200)
        #expect(try await f.get("/api/experiments").status == 200)
        #expect(try await f.get("/no/such/route").status == 404)
        #expect(try await f.get("/api/experiments/no-such-experiment").status == 404)
        let scraped = try await f.get("/metrics")
        #expect(scraped.status == 200)

        let lint = try Promtool.checkMetrics(scraped.text)
        #expect(lint.status == 0 && lint.output.isEmpty, "promtool: \(lint.output)\n\(scraped.text)")
        #expect(scraped.text.contains(#"http_server_request_duration_seconds_count{http_route="NotFound",http_request_method="GET",http_response_status_code="404"}"#),
                "\(scraped.text)")
        // A HEAD ends too (its body is dropped unwritten), and with it its count as active.
        #expect(scraped.text.contains(#"http_request_method="HEAD",http_response_status_code="200"}"#))
        #expect(scraped.text.contains("# HELP illuminati_serve_tiles_total "))
        // The queue's state, read from the database for the scrape.
        #expect(scraped.text.contains("\nilluminati_queue_up 1\n"), "\(scraped.text)")
        #expect(scraped.text.contains("# TYPE illuminati_queue_oldest_claimable_age_seconds gauge\n"))
    }
}
