/// What an experiment says its site images are. Checked against a file's header before any
/// pixel is decoded, so a wrong file fails fast and a damaged header that claims a huge size
/// allocates nothing.
public struct ImageExpectation: Hashable, Sendable, Codable {
    public var width: Int
    public var height: Int
    /// Significant bits every image must have; nil accepts any.
    public var bitDepth: Int?

    public init(width: Int, height: Int, bitDepth: Int? = nil) {
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
    }

    func check(_ info: ImageFileInfo) throws {
        guard info.width == width, info.height == height else {
            throw ImageFailure("image is \(info.height)×\(info.width) (height×width) but the experiment's sites are \(height)×\(width)")
        }
        if let bitDepth, info.bitDepth != bitDepth {
            throw ImageFailure("image is \(info.bitDepth)-bit but the experiment's images are \(bitDepth)-bit")
        }
    }
}

extension ImageFiles {
    /// `read`, after checking the header against `expectation`; a mismatch is an
    /// `ImageFileError` naming the file.
    public static func read(_ path: String, expecting expectation: ImageExpectation) throws -> GrayImage {
        do {
            switch try FileSniffer.checkedFormat(of: path) {
            case .tiff: return try TIFFReader.read(path, check: expectation.check)
            case .png: return try PNGFile.read(path, check: expectation.check)
            }
        } catch let failure as ImageFailure {
            throw ImageFileError(path: path, reason: failure.reason)
        } catch let error as ImageFileError {
            throw error
        } catch {
            throw ImageFileError(path: path, reason: String(describing: error))
        }
    }
}
