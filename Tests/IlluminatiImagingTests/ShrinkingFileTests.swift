import Foundation
@testable import IlluminatiImaging
import Testing

/// TIFFs are decoded from a memory map; a file cut by another process while it is read would
/// raise SIGBUS in the reader. The reader turns that into an error and the process runs on.
@Suite("A TIFF cut while it is read")
struct ShrinkingFileTests {

    @Test(arguments: [TIFFCompression.none, .deflate])
    func aFileCutAfterItsHeaderWasReadFailsTheReadAndNothingElse(compression: TIFFCompression) throws {
        let folder = TemporaryDirectory()
        let path = folder.file("site.tif")
        let original = randomImage(width: 1024, height: 1024, bitDepth: 16)
        try ImageFiles.write(original, to: path, compression: compression)
        // `check` runs after the header is read and the file is mapped, before any strip is.
        let error = #expect(throws: ImageFailure.self) {
            _ = try TIFFReader.read(path) { _ in #expect(truncate(path, 64) == 0) }
        }
        #expect(error?.reason.contains("shrank while it was read") == true, "\(String(describing: error))")

        // The same thread reads on: the recovery point was cleared, and a whole file decodes.
        try ImageFiles.write(original, to: path, compression: compression)
        #expect(try TIFFReader.read(path).pixels == original.pixels)
    }
}
