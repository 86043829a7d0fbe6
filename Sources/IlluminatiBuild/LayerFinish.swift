import IlluminatiImaging
import IlluminatiPyramid
import IlluminatiStorage

/// The last job of a layer: its `.dzi`, shared blank tile and descriptor, then the lossless
/// intermediates go. Written after every tile exists, so a viewer that sees the `.dzi` sees
/// a complete pyramid.
enum LayerFinish {
    static func run(_ job: LayerFinishJob, descriptor: BuildDescriptor, storage: ExperimentStorage,
                    keepIntermediates: Bool = false) throws {
        guard let layer = descriptor.layer(job.layer) else {
            throw BuildError.badPayload(kind: LayerFinishJob.kind, reason: "the build has no layer \(job.layer)")
        }
        var correction: LayerDescriptor.Correction?
        if let path = descriptor.statisticsPath(channel: layer.spec.channel, storage: storage) {
            let summary = try IlluminationStatisticsFile.readSummary(path)
            correction = LayerDescriptor.Correction(statistics: storage.relativePath(of: path) ?? path,
                                                    images: summary.count, smoothingSigma: 5)
        }
        let document = LayerDescriptor(
            name: layer.spec.name, channel: layer.spec.channel, cycle: layer.cycle, tpoint: layer.tpoint, zplane: layer.zplane,
            layout: descriptor.layout, format: storage.pyramidFormat, quality: descriptor.options.quality, window: layer.spec.window,
            bitDepth: descriptor.bitDepth, clip: descriptor.options.clip.upper,
            illuminationCorrection: correction, alignment: descriptor.options.align)
        try storage.pyramids.finishLayer(layer.spec.name, documents: try DeepZoomFiles.documents(document, layout: descriptor.layout),
                                         keepingIntermediates: keepIntermediates)
    }
}
