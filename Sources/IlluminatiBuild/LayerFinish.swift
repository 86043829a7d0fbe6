import Foundation
import IlluminatiImaging
import IlluminatiPyramid

/// The last job of a layer: its `.dzi`, shared blank tile and descriptor, then the lossless
/// intermediates go. Written after every tile exists, so a viewer that sees the `.dzi` sees
/// a complete pyramid.
enum LayerFinish {
    static func run(_ job: LayerFinishJob, descriptor: BuildDescriptor, storage: BuildStorage,
                    keepIntermediates: Bool = false) throws {
        guard let layer = descriptor.layer(job.layer) else {
            throw BuildError.badPayload(kind: BuildJobKind.layerFinish, reason: "the build has no layer \(job.layer)")
        }
        var correction: LayerDescriptor.Correction?
        if let path = descriptor.statisticsPath(channel: layer.spec.channel, storage: storage) {
            let summary = try IlluminationStatisticsFile.readSummary(path)
            let inside = storage.experimentDirectory + "/"
            correction = LayerDescriptor.Correction(statistics: path.hasPrefix(inside) ? String(path.dropFirst(inside.count)) : path,
                                                    images: summary.count, smoothingSigma: 5)
        }
        let document = LayerDescriptor(
            name: layer.spec.name, channel: layer.spec.channel, cycle: layer.cycle, tpoint: layer.tpoint, zplane: layer.zplane,
            layout: descriptor.layout, quality: descriptor.options.quality, window: layer.spec.window,
            bitDepth: descriptor.bitDepth, clip: descriptor.options.clip.upper,
            illuminationCorrection: correction, alignment: descriptor.options.align)
        let pyramids = storage.pyramids
        try DeepZoomFiles.write(document, layout: descriptor.layout, storage: pyramids)
        if !keepIntermediates {
            try? FileManager.default.removeItem(atPath: pyramids.intermediateDirectory(layer: layer.spec.name))
        }
        removeAbandonedTemporaries(below: pyramids.tilesDirectory(layer: layer.spec.name))
    }

    /// A worker killed between writing a tile's temporary file and renaming it leaves the
    /// temporary behind (never a partial tile: readers see only renamed files). Every job of
    /// the layer has finished by now, so any temporary left is abandoned.
    static func removeAbandonedTemporaries(below root: String) {
        let manager = FileManager.default
        guard let levels = try? manager.contentsOfDirectory(atPath: root) else { return }
        for level in levels {
            let directory = root + "/" + level
            guard let names = try? manager.contentsOfDirectory(atPath: directory) else { continue }
            for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
                try? manager.removeItem(atPath: directory + "/" + name)
            }
        }
    }
}
