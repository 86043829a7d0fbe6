/// Everything needed to render one image: which part of which well, in which channel, how.
struct FieldRequest {
    /// Identifies the well's cell population.
    var sceneKey: UInt64
    /// Identifies this image's noise.
    var noiseKey: UInt64
    /// Well coordinates of the image's top-left pixel (site origin + jitter + stage shift).
    var originY: Int
    var originX: Int
    var height: Int
    var width: Int
    var channel: Int
    var tpoint: Int
    /// Planes away from focus (may be fractional when the focal plane lies between two).
    var defocus: Float
    /// Relative dye brightness after bleaching.
    var brightness: Float
    var bitDepth: Int
}

/// Renders one synthetic fluorescence image.
enum FieldRenderer {
    static func render(_ request: FieldRequest) -> [UInt16] {
        let structure = Structure(channel: request.channel)
        let sigma = Defocus.sigma(distance: request.defocus)
        let pad = Defocus.padding(sigma: sigma)
        let height = request.height + 2 * pad, width = request.width + 2 * pad
        let originY = request.originY - pad, originX = request.originX - pad
        let cells = SampleCell.cells(sceneKey: request.sceneKey, rows: originY..<(originY + height),
                                     columns: originX..<(originX + width), tpoint: request.tpoint)
        var signal = [Float](repeating: 0, count: height * width)
        signal.withUnsafeMutableBufferPointer { values in
            let canvas = FieldCanvas(values: values, height: height, width: width, originY: originY, originX: originX)
            structure.paint(cells, channel: request.channel, on: canvas)
        }
        if pad > 0 {
            signal = Defocus.blur(signal, height: request.height, width: request.width, pad: pad, sigma: sigma)
        }
        return Camera(bitDepth: request.bitDepth)
            .expose(signal, height: request.height, width: request.width, structure: structure,
                    channel: request.channel, brightness: request.brightness, noiseKey: request.noiseKey)
    }
}
