import NIOHTTP1
import Testing

@testable import DockerEngine

@Suite struct EngineRequestTests {
    @Test func labelFiltersAreSentAsPercentEncodedJSON() {
        let request = EngineRequest(
            .GET, "/containers/json",
            query: [("all", "1"), ("filters", Filters.labels(["io.twip.env=prod"]).queryValue), ("skipped", nil)],
            operation: "list containers")
        #expect(
            request.pathWithQuery
                == "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22io.twip.env%3Dprod%22%5D%7D")
    }

    @Test func emptyFiltersAreLeftOut() {
        #expect(Filters().queryValue == nil)
        var filters: Filters = ["dangling": ["true"]]
        filters.add("label", "io.twip.env")
        #expect(filters.queryValue == #"{"dangling":["true"],"label":["io.twip.env"]}"#)
    }

    @Test func theUnixSocketPathIsEncodedIntoTheURLHost() {
        #expect(DockerHost.default.baseURL == "http+unix://%2Fvar%2Frun%2Fdocker.sock")
        #expect(DockerHost.tcp(host: "127.0.0.1", port: 2375).baseURL == "http://127.0.0.1:2375")
    }

    @Test func errorBodiesYieldTheEnginesMessageOrTheRawText() {
        #expect(
            EngineError.message(fromBody: Array(#"{"message":"No such container: x"}\#n"#.utf8))
                == "No such container: x")
        #expect(EngineError.message(fromBody: Array("page not found\n".utf8)) == "page not found")
        #expect(EngineError.message(fromBody: []) == "(empty response)")
    }
}
